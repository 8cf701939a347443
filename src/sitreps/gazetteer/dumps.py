"""GeoNames dumps added to a built gazetteer: `sitreps gazetteer add FILE...`.

Two formats, told apart by their column count (or named by the caller):

    geonames  19 columns: allCountries.txt, UA.txt, cities500.txt (geonameid, name, asciiname,
              alternatenames, lat, lon, feature class, feature code, country, cc2, admin1..4 codes,
              population, ...). Rows become "geonames:<id>" entries; an id already present only
              gains the names it lacks.
    postal    12 columns: the GeoNames postal-code dump (country, postal code, place name, admin1
              name and code, admin2, admin3, lat, lon, accuracy). One row per postal code, so rows
              are grouped per place and placed at the median of their coordinates.

A file is plain text, a .zip holding one .txt (as GeoNames ships them) or gzipped; it is
streamed, never read whole. Each file is one transaction on the gazetteer file (readers open it
read-only and keep seeing the old state until the commit) and is recorded in `added_files`, so
adding it again with the same options is a no-op. `gazetteer build --force` writes a new file:
`rebuild_hint` lists what had been added, to be added again.

Merging. Ukraine's codifier gives the gazetteer villages without a position of their own
(coord_precision "parent": placed at their hromada's centre). A postal place, or a populated
place of a dump that is new to the gazetteer, is matched by folded name (Cyrillic or Latin)
among the populated places of the same country and first-level division; namesakes are told
apart by raion name (compared loosely, `admin2_key`), then by distance (`_tie_break`); what is
still tied is ambiguous, counted and left alone. A postal place matched to an unlocated entry
gives it its median position (coord_precision "postal") when that point is the place's own (a
point several places share is the dump's estimate), only one postal place claims the entry and
the point lies within MAX_SHIFT_KM; an entry with its own coordinates only gains names. A dump
row that is such an entry's place replaces it (`merge_duplicates`). Unmatched postal places
become "postal:<country>:<first postal code>" entries ("parent" precision when their point is
a shared one).

Postal first-level names ("Cherkaska", "Kyiv") map to the gazetteer's divisions by name
(`_Admin1Map`), not by code: the postal dump numbers Ukraine's regions alphabetically, so its
"12" is Kyiv Oblast where GeoNames' is Kyiv city.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import re
import sqlite3
import statistics
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from ..errors import GazetteerError
from . import GazetteerEntry, distance_km, fold
from .build import _city_ruler_ok, _dedupe, is_latin
from .sqlite import _COLUMNS, _N_COLUMNS, connect_checked, entry_row

FORMATS = {"geonames": 19, "postal": 12}
# a new position further than this from where an unlocated entry sat (its hromada's centre,
# else its raion's) is more likely a namesake's than the village's: a hromada is ~20 km
# across its centre, a raion ~50 km
MAX_SHIFT_KM = 50.0
# namesakes in one division: the one located this close to a postal point is that place...
NEAR_KM = 5.0
# ... or the one placed at its hromada's centre this close, when all others lie over twice as far
HROMADA_KM = 25.0
# coordinates borrowed or computed: a postal or dump position is better
UNLOCATED = ("parent", "centroid")
_BATCH = 5000
_PROGRESS_EVERY = 50_000

_ADDED_FILES = """
CREATE TABLE IF NOT EXISTS added_files (
    sha256 TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (sha256, options)
)
"""

Progress = Callable[[str, int, int], None]  # (what, done, total) in bytes


@dataclass
class AddResult:
    """What adding one file did. `skipped` counts bad lines by reason, `filtered` good lines
    left out by the options, `kept` matched entries whose coordinates did not move, by reason."""

    path: str
    format: str
    sha256: str
    already_added: str = ""  # when the same file was added before: that date, and nothing done
    rows_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    filtered: dict[str, int] = field(default_factory=dict)
    places: int = 0  # places in the file (postal: rows grouped per place)
    inserted: int = 0
    updated: int = 0  # entries whose coordinates were replaced
    merged: int = 0  # unlocated entries replaced by a new dump row for the same place
    names_added: int = 0
    ambiguous: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    admin1_unmapped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class AddedFile:
    sha256: str
    path: str
    format: str
    options: str
    rows_read: int
    inserted: int
    updated: int
    added_at: str


def _count(counts: dict[str, int], reason: str, n: int = 1) -> None:
    counts[reason] = counts.get(reason, 0) + n


# ---------------------------------------------------------------------------- public entry points


def add_dump(
    gazetteer: str | Path,
    path: str | Path,
    *,
    format: str | None = None,
    countries: Iterable[str] = (),
    min_population: int = 0,
    classes: Iterable[str] = (),
    progress: Progress | None = None,
) -> AddResult:
    """Add one GeoNames dump (`format` "geonames" or "postal", None to detect) to the gazetteer
    file. `countries` (ISO codes) keeps only those countries; `classes` (feature classes, "P",
    "A", ...) and `min_population` (populated places) apply to "geonames" dumps."""
    started = time.perf_counter()
    gazetteer, path = Path(gazetteer), Path(path)
    say = progress or (lambda what, done, total: None)
    if format is not None and format not in FORMATS:
        raise GazetteerError(f"unknown dump format {format!r}: choose {' or '.join(FORMATS)}")
    countries = sorted({c.strip().upper() for c in countries if c.strip()})
    classes = sorted({c.strip().upper() for c in classes if c.strip()})
    digest = _sha256(path, say)
    with _Dump(path) as dump:
        fmt = dump.detect(format)
        options = _options(fmt, countries, classes, min_population)
        result = AddResult(path=str(path), format=fmt, sha256=digest)
        conn = _open(gazetteer)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(_ADDED_FILES)
            done = conn.execute(
                "SELECT added_at FROM added_files WHERE sha256 = ? AND options = ?", (digest, options)
            ).fetchone()
            if done:
                result.already_added = done[0]
                conn.rollback()
                return result
            if fmt == "geonames":
                _GeonamesLoader(conn, result, path, set(countries), set(classes), min_population).run(
                    dump, say
                )
            else:
                _PostalLoader(conn, result, path, set(countries)).run(dump, say)
            conn.execute(
                "INSERT INTO added_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    digest,
                    options,
                    str(path.resolve()),
                    fmt,
                    result.rows_read,
                    result.inserted,
                    result.updated,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            conn.commit()
        except sqlite3.Error as exc:
            raise GazetteerError(f"cannot add {path} to the gazetteer at {gazetteer}: {exc}") from exc
        finally:
            conn.close()  # without a commit, everything is rolled back
    result.seconds = time.perf_counter() - started
    return result


def added_files(gazetteer: str | Path) -> list[AddedFile]:
    """The files added to this gazetteer, oldest first (none when it has no such table)."""
    gazetteer = Path(gazetteer)
    if not gazetteer.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{gazetteer.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT sha256, path, format, options, rows_read, inserted, updated, added_at "
                "FROM added_files ORDER BY added_at"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []  # no added_files table (nothing added), or not a gazetteer at all
    return [AddedFile(*row) for row in rows]


def rebuild_hint(gazetteer: str | Path) -> str | None:
    """What to say before `gazetteer build --force` replaces a file that had dumps added."""
    files = added_files(gazetteer)
    if not files:
        return None
    listed = " ".join(_quote(f.path) for f in files)
    return (
        f"the rebuilt gazetteer no longer holds the {len(files)} file(s) added with `sitreps gazetteer add`; "
        f"add them again with: sitreps gazetteer add {listed}"
    )


def _quote(path: str) -> str:
    return f"'{path}'" if re.search(r"\s", path) else path


def _options(fmt: str, countries: list[str], classes: list[str], min_population: int) -> str:
    parts = []
    if countries:
        parts.append("countries=" + ",".join(countries))
    if fmt == "geonames" and classes:
        parts.append("classes=" + ",".join(classes))
    if fmt == "geonames" and min_population:
        parts.append(f"min_population={min_population}")
    return ";".join(parts)


def _open(gazetteer: Path) -> sqlite3.Connection:
    conn = connect_checked(
        gazetteer,
        lambda: sqlite3.connect(gazetteer, timeout=30, isolation_level=None),
        missing="build it first (`sitreps gazetteer build`)",
        outdated="rebuild it (`sitreps gazetteer build --force`) before adding files",
    )
    conn.execute("PRAGMA cache_size = -131072")
    return conn


def _sha256(path: Path, say: Progress) -> str:
    digest = hashlib.sha256()
    try:
        total = path.stat().st_size
        with path.open("rb") as fh:
            done = 0
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
                done += len(chunk)
                say("hashing", done, total)
    except IsADirectoryError:
        raise GazetteerError(f"{path} is a directory, not a GeoNames dump") from None
    except FileNotFoundError:
        raise GazetteerError(f"no such file: {path}") from None
    except OSError as exc:
        raise GazetteerError(f"cannot read {path}: {exc}") from exc
    return digest.hexdigest()


# ---------------------------------------------------------------------------- reading


class _Dump:
    """The lines of a plain, gzipped or zipped dump as bytes, with how far through it we are."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._raw = path.open("rb")
        except OSError as exc:
            raise GazetteerError(f"cannot read {path}: {exc}") from exc
        self._zip = None
        self._consumed = 0
        try:
            magic = self._raw.read(4)
            self._raw.seek(0)
            if magic.startswith(b"PK\x03\x04"):
                self._zip = zipfile.ZipFile(self._raw)
                member = self._member(self._zip)
                self.total = member.file_size
                self._stream = io.BufferedReader(self._zip.open(member), 1 << 20)
                self._position = lambda: self._consumed
            elif magic.startswith(b"\x1f\x8b"):
                self.total = path.stat().st_size
                self._stream = gzip.GzipFile(fileobj=self._raw)
                self._position = self._raw.tell
            else:
                self.total = path.stat().st_size
                self._stream = self._raw
                self._position = lambda: self._consumed
            head = self._stream.peek(1 << 16)[: 1 << 16] if hasattr(self._stream, "peek") else b""
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:  # BadGzipFile is an OSError
            self.close()
            raise GazetteerError(f"{path} is not a readable zip/gzip/text file: {exc}") from exc
        except BaseException:
            self.close()
            raise
        if b"\x00" in head:
            self.close()
            raise GazetteerError(f"{path} holds binary data, not a tab-separated GeoNames dump")

    def _member(self, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
        texts = [
            i
            for i in archive.infolist()
            if i.filename.lower().endswith(".txt") and not Path(i.filename).name.lower().startswith("readme")
        ]
        if len(texts) != 1:
            names = ", ".join(i.filename for i in archive.infolist()) or "nothing"
            what = "no .txt file" if not texts else "several .txt files"
            raise GazetteerError(f"{self.path} holds {what} ({names}): expected one GeoNames dump")
        return texts[0]

    def position(self) -> int:
        return self._position()

    def detect(self, wanted: str | None) -> str:
        """The format by the column count of the first line (checked against `wanted`)."""
        for number, line in self.lines():
            columns = line.count(b"\t") + 1
            found = next((name for name, n in FORMATS.items() if n == columns), None)
            if wanted and columns != FORMATS[wanted]:
                raise GazetteerError(
                    f"{self.path}: line {number} has {columns} tab-separated columns, a {wanted} dump "
                    f"has {FORMATS[wanted]}"
                )
            if found is None:
                raise GazetteerError(
                    f"{self.path}: line {number} has {columns} tab-separated columns: not a GeoNames dump "
                    "(19 columns) nor a GeoNames postal-code file (12 columns)"
                )
            return found
        raise GazetteerError(f"{self.path} is empty")

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, line without its end) for every non-blank line, from the start."""
        number = 0
        try:
            self._stream.seek(0)
            self._consumed = 0
            for number, line in enumerate(self._stream, 1):
                self._consumed += len(line)
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield number, line
        except (zlib.error, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise GazetteerError(f"{self.path} is damaged after line {number}: {exc}") from exc

    def close(self) -> None:
        for closable in (getattr(self, "_stream", None), self._zip, self._raw):
            if closable is not None:
                closable.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _decoded(fields: list[bytes], result: AddResult) -> list[str] | None:
    try:
        return [f.decode("utf-8") for f in fields]
    except UnicodeDecodeError:
        _count(result.skipped, "not UTF-8 text")
        return None


def _coordinates(lat: str, lon: str, result: AddResult) -> tuple[float, float] | None:
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        _count(result.skipped, "bad latitude/longitude")
        return None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):  # also false for NaN
        _count(result.skipped, "latitude/longitude out of range")
        return None
    return la, lo


# ---------------------------------------------------------------------------- shared lookups


_ADMIN2_WORDS = {"raion", "rayon", "district", "municipality", "misto", "city", "rada", "miskrada", "hromada"}
_ADMIN2_SOUNDS = (("kh", "h"), ("zh", "z"), ("ts", "c"), ("ch", "c"), ("sh", "s"), ("y", "i"), ("j", "i"))
_ADJECTIVE = re.compile(r"s?k(yi|iy|yy|ij|ii|yj|i|y|a|e)$")  # Bakhmut-skyi, Bahmut-skiy, Kyiv-ska


def admin2_key(name: str | None, latin: Callable[[str], str] | None = None) -> str:
    """A loose key for second-level division names across spellings and reforms: "Bahmutskiy"
    (postal dump), "Bakhmut Raion" (codifier), "Bakhmutskyi raion", "Бахмутський район" (with
    `latin`) -> "bahmut"."""
    if not name:
        return ""
    if latin is not None and not is_latin(name):
        name = latin(name)
    words = [re.sub(r"[^a-z]", "", w) for w in fold(name).split()]
    key = "".join(_ADJECTIVE.sub("", w) for w in words if w and w not in _ADMIN2_WORDS)
    for old, new in _ADMIN2_SOUNDS:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def _same_admin2(a: str, b: str) -> bool:
    if len(a) < 4 or len(b) < 4:
        return False
    return a.startswith(b) or b.startswith(a)


def _admin1_names(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> the English division name the gazetteer uses."""
    rows = conn.execute(
        "SELECT country, admin1_code, admin1 FROM places WHERE feature_class = 'A' AND feature_code = 'ADM1' "
        "AND admin1_code IS NOT NULL"
    )
    return {(country, code): name for country, code, name in rows}


class _Admin1Map:
    """Postal first-level names ("Cherkaska", "Kyiv") -> the gazetteer's division, by name only:
    the postal dump's admin1 codes are not GeoNames'. A name matches a division when it is
    (1) its name or English name, else (2) one of its aliases, else (3) the first words of an
    alias ("Cherkaska" of "Cherkaska oblast"); the first level with a single division wins."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._divisions: dict[str, list[tuple[str, str, set[str], set[str]]]] = {}
        self._cache: dict[tuple[str, str], tuple[str, str] | None] = {}

    def _load(self, country: str) -> list[tuple[str, str, set[str], set[str]]]:
        if country not in self._divisions:
            rows = self._conn.execute(
                "SELECT p.admin1_code, p.admin1, p.name, n.key FROM places p JOIN names n ON n.place_id = p.id "
                "WHERE p.country = ? AND p.feature_class = 'A' AND p.feature_code = 'ADM1'",
                (country,),
            ).fetchall()
            by_code: dict[str, tuple[str, str, set[str], set[str]]] = {}
            for code, english, name, key in rows:
                entry = by_code.setdefault(code, (code, english, {fold(name), fold(english or "")}, set()))
                entry[3].add(key)
            self._divisions[country] = list(by_code.values())
        return self._divisions[country]

    def get(self, country: str, name: str) -> tuple[str, str] | None:
        """(admin1 code, English name) of the division called `name`, or None."""
        if (country, name) not in self._cache:
            self._cache[country, name] = self._find(country, fold(name))
        return self._cache[country, name]

    def _find(self, country: str, key: str) -> tuple[str, str] | None:
        if not key:
            return None
        divisions = self._load(country)
        tests = (
            lambda d: key in d[2],
            lambda d: key in d[3],
            lambda d: any(k.startswith(key + " ") for k in d[3]),
        )
        for test in tests:
            found = [d for d in divisions if test(d)]
            if len(found) == 1:
                return found[0][0], found[0][1]
            if found:
                return None  # two divisions answer to this name: do not guess
        return None


def _candidates(
    conn: sqlite3.Connection, keys: Iterable[str], country: str, admin1: tuple[str, str] | None
) -> list[GazetteerEntry]:
    """Populated places of the country (and division) known by one of the folded `keys`."""
    keys = sorted({k for k in keys if k})
    if not keys:
        return []
    sql = (
        f"SELECT DISTINCT {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))} FROM names n "
        f"JOIN places p ON p.id = n.place_id WHERE n.key IN ({', '.join('?' * len(keys))}) "
        "AND p.feature_class = 'P' AND p.country = ?"
    )
    params: list = [*keys, country]
    if admin1 is not None:
        sql += " AND (p.admin1_code = ? OR p.admin1 = ?)"
        params += list(admin1)
    return [GazetteerEntry(*row) for row in conn.execute(sql, params)]


def _tie_break(
    found: list[GazetteerEntry], admin2: str | None, lat: float, lon: float, own: bool, latin=None
) -> list[GazetteerEntry]:
    """Namesakes in one division, narrowed down for a place at (lat, lon): those in its raion;
    then the one located within NEAR_KM; else, when the point is the place's own, the one
    whose borrowed position (its hromada's) is within HROMADA_KM while every other lies over
    twice that away. What remains is the answer only when it is one entry."""
    wanted = admin2_key(admin2, latin)
    found = [e for e in found if _same_admin2(admin2_key(e.admin2, latin), wanted)] or found
    far = {e.id: distance_km(e.lat, e.lon, lat, lon) for e in found}
    near = [e for e in found if e.coord_precision not in UNLOCATED and far[e.id] <= NEAR_KM]
    if len(near) == 1:
        return near
    if own:
        near = [e for e in found if e.coord_precision in UNLOCATED and far[e.id] <= HROMADA_KM]
        if len(near) == 1 and all(far[e.id] > 2 * HROMADA_KM for e in found if e is not near[0]):
            return near
    return found


def _add_names(conn: sqlite3.Connection, place_id: str, names: Iterable[tuple[str, str, bool]]) -> int:
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO names (key, place_id, name, ruler) VALUES (?, ?, ?, ?)",
        [(key, place_id, name, int(ruler)) for key, name, ruler in names],
    )
    return conn.total_changes - before


def _insert(conn: sqlite3.Connection, entries: list[GazetteerEntry]) -> None:
    conn.executemany(
        f"INSERT INTO places ({_COLUMNS}) VALUES ({', '.join('?' * _N_COLUMNS)})",
        [entry_row(e) for e in entries],
    )


def _transliterator(result: AddResult) -> Callable[[str], str] | None:
    try:
        from translitua import translit
    except ImportError:
        result.warnings.append("translitua is not installed: Ukrainian names get no Latin form")
        return None
    return translit


# ---------------------------------------------------------------------------- GeoNames dumps


class _GeonamesLoader:
    """19-column rows -> "geonames:<id>" entries, in batches; then admin2 names from the dump's
    own ADM2 rows, and new populated places folded into unlocated entries they duplicate."""

    def __init__(
        self, conn, result: AddResult, path: Path, countries: set[str], classes: set[str], min_pop: int
    ):
        self.conn, self.result = conn, result
        self.countries = {c.encode() for c in countries}
        self.classes = {c.encode() for c in classes}
        self.min_population = min_pop
        self.label = f"GeoNames dump {path.name}"
        self.admin1 = _admin1_names(conn)
        self.batch: dict[str, tuple[GazetteerEntry, tuple, tuple[str, str, str]]] = {}
        # the dump's own ADM1/ADM2 rows (admin2 '' for ADM1) name the divisions of its other rows
        conn.execute(
            "CREATE TEMP TABLE dump_admin (country, admin1, admin2, name, PRIMARY KEY (country, admin1, admin2))"
        )
        conn.execute("CREATE TEMP TABLE dump_rows (id PRIMARY KEY, country, admin1, admin2)")
        # the names of new populated places in countries with unlocated ones, to find duplicates
        conn.execute("CREATE TEMP TABLE dump_keys (key, id, PRIMARY KEY (key, id))")
        self.unlocated_in = {
            country
            for (country,) in conn.execute(
                "SELECT DISTINCT country FROM places WHERE feature_class = 'P' "
                f"AND coord_precision IN ({', '.join(repr(p) for p in UNLOCATED)})"
            )
        }

    def run(self, dump: _Dump, say: Progress) -> None:
        result = self.result
        for number, line in dump.lines():
            result.rows_read += 1
            if result.rows_read % _PROGRESS_EVERY == 0:
                say("reading", dump.position(), dump.total)
            self.row(line.split(b"\t"))
            if len(self.batch) >= _BATCH:
                self.flush()
        self.flush()
        say("reading", dump.total, dump.total)
        self.finish()

    def row(self, raw: list[bytes]) -> None:
        result = self.result
        if len(raw) != 19:
            _count(result.skipped, "wrong column count")
            return
        if self.countries and raw[8] not in self.countries:
            _count(result.filtered, "other countries")
            return
        if self.classes and raw[6] not in self.classes:
            _count(result.filtered, "other feature classes")
            return
        fields = _decoded(raw, result)
        if fields is None:
            return
        gid, name, ascii_name, alternates, lat, lon, fclass, fcode, country = fields[:9]
        admin1_code, admin2_code, population = fields[10], fields[11], fields[14]
        if not gid.isdigit() or not name.strip() or not fclass or not country:
            _count(result.skipped, "no id, name, feature class or country")
            return
        coordinates = _coordinates(lat, lon, result)
        if coordinates is None:
            return
        try:
            people = int(population or 0)
        except ValueError:
            _count(result.skipped, "bad population")
            return
        if fclass == "P" and people < self.min_population:
            _count(result.filtered, "populated places below --min-population")
            return
        result.places += 1
        if fclass == "A" and (fcode == "ADM1" or (fcode == "ADM2" and admin2_code)) and admin1_code:
            self.conn.execute(
                "INSERT OR IGNORE INTO dump_admin VALUES (?, ?, ?, ?)",
                (country, admin1_code, admin2_code if fcode == "ADM2" else "", name),
            )
        place = fclass == "P"
        # only populated places may feed the entity ruler: the ruler takes every other feature
        # worldwide, and a dump holds millions of hills, streams and farms
        names = [(name, place and _city_ruler_ok(name, True))]
        names += [(a, place and _city_ruler_ok(a, False)) for a in (ascii_name, *alternates.split(","))]
        entry = GazetteerEntry(
            id=f"geonames:{gid}",
            name=name.strip(),
            lat=coordinates[0],
            lon=coordinates[1],
            feature_class=fclass,
            feature_code=fcode,
            country=country,
            admin1=self.admin1.get((country, admin1_code)),
            admin1_code=admin1_code or None,
            population=people,
            source=self.label,
        )
        old = self.batch.get(entry.id)
        if old is not None:  # the same id twice in a file: one entry with the names of both
            names = [(n, r) for _, n, r in old[1]] + names
        self.batch[entry.id] = (entry, _dedupe(names), (country, admin1_code, admin2_code))

    def flush(self) -> None:
        if not self.batch:
            return
        conn, result = self.conn, self.result
        ids = list(self.batch)
        existing = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            existing.update(
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM places WHERE id IN ({', '.join('?' * len(chunk))})", chunk
                )
            )
        new = [e for i, (e, _, _) in self.batch.items() if i not in existing]
        _insert(conn, new)
        result.inserted += len(new)
        conn.executemany(
            "INSERT OR IGNORE INTO dump_rows VALUES (?, ?, ?, ?)",
            [
                (i, *codes)
                for i, (e, _, codes) in self.batch.items()
                if (e.admin1 is None and codes[1]) or codes[2]
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO dump_keys VALUES (?, ?)",
            [
                (key, e.id)
                for e in new
                if e.feature_class == "P" and e.country in self.unlocated_in
                for key, _, _ in self.batch[e.id][1]
            ],
        )
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO names (key, place_id, name, ruler) VALUES (?, ?, ?, ?)",
            [
                (key, i, name, int(ruler))
                for i, (_, names, _) in self.batch.items()
                for key, name, ruler in names
            ],
        )
        names = conn.total_changes - before
        result.names_added += names - sum(len(self.batch[e.id][1]) for e in new)
        self.batch.clear()

    def finish(self) -> None:
        """Division names the gazetteer lacks, from the dump's own ADM1 and ADM2 rows."""
        conn = self.conn
        for column, admin2 in (("admin1", "''"), ("admin2", "d.admin2")):
            conn.execute(
                f"UPDATE places SET {column} = a.name FROM dump_rows d JOIN dump_admin a "
                f"ON a.country = d.country AND a.admin1 = d.admin1 AND a.admin2 = {admin2} "
                f"WHERE places.id = d.id AND places.{column} IS NULL"
            )
        self.merge_duplicates()
        for table in ("dump_rows", "dump_admin", "dump_keys"):
            conn.execute(f"DROP TABLE {table}")

    def merge_duplicates(self) -> None:
        """A new populated place named like unlocated entries of its division: when one of them
        is that place (`_tie_break`) and no other new place claims it, the two are one. The
        dump's row stays (its id is stable, so adding the dump again finds it) and takes over the
        entry's names, raion and parent; the entry goes, and rows that named it as their parent
        name the new one. Set-wise: `names` has no index by place."""
        conn, result = self.conn, self.result
        unlocated = ", ".join(f"'{p}'" for p in UNLOCATED)
        pairs = conn.execute(
            f"""SELECT DISTINCT k.id, old.id FROM dump_keys k
            JOIN places new ON new.id = k.id
            JOIN names o ON o.key = k.key AND o.place_id != k.id
            JOIN places old ON old.id = o.place_id
            WHERE old.feature_class = 'P' AND old.coord_precision IN ({unlocated})
            AND old.country = new.country AND (old.admin1_code = new.admin1_code OR old.admin1 = new.admin1)"""
        ).fetchall()
        olds_of: dict[str, list[str]] = {}
        for new_id, old_id in pairs:
            olds_of.setdefault(new_id, []).append(old_id)
        chosen: list[tuple[GazetteerEntry, GazetteerEntry]] = []
        for new_id, old_ids in olds_of.items():
            new = _get(conn, new_id)
            olds = _tie_break([_get(conn, i) for i in old_ids], new.admin2, new.lat, new.lon, True)
            if len(olds) > 1:
                result.ambiguous += 1
            else:
                chosen.append((new, olds[0]))
        claims: dict[str, int] = {}
        for _, old in chosen:
            claims[old.id] = claims.get(old.id, 0) + 1
        moves = []
        for new, old in chosen:
            if claims[old.id] > 1:
                result.ambiguous += 1
            elif distance_km(old.lat, old.lon, new.lat, new.lon) > MAX_SHIFT_KM:
                _count(
                    result.kept, f"dump row over {MAX_SHIFT_KM:.0f} km from the unlocated entry of its name"
                )
            else:
                note = f"the same place as {old.id} ({old.source}), which it replaced"
                moves.append((old.id, new.id, old.admin2, old.parent, note))
        conn.execute("CREATE TEMP TABLE dump_moves (old_id PRIMARY KEY, new_id, admin2, parent, note)")
        conn.executemany("INSERT INTO dump_moves VALUES (?, ?, ?, ?, ?)", moves)
        conn.execute(
            "INSERT OR IGNORE INTO names (key, place_id, name, ruler) "
            "SELECT n.key, m.new_id, n.name, n.ruler FROM names n JOIN dump_moves m ON m.old_id = n.place_id"
        )
        conn.execute(
            "UPDATE places SET admin2 = COALESCE(m.admin2, places.admin2), parent = m.parent, coord_note = m.note "
            "FROM dump_moves m WHERE places.id = m.new_id"
        )
        conn.execute("UPDATE places SET parent = m.new_id FROM dump_moves m WHERE places.parent = m.old_id")
        conn.execute("DELETE FROM names WHERE place_id IN (SELECT old_id FROM dump_moves)")
        conn.execute("DELETE FROM places WHERE id IN (SELECT old_id FROM dump_moves)")
        conn.execute("DROP TABLE dump_moves")
        result.merged += len(moves)


def _get(conn: sqlite3.Connection, entry_id: str) -> GazetteerEntry:
    return GazetteerEntry(
        *conn.execute(f"SELECT {_COLUMNS} FROM places WHERE id = ?", (entry_id,)).fetchone()
    )


# ---------------------------------------------------------------------------- postal codes


@dataclass
class _PostalPlace:
    country: str
    name: str  # as given, with any "(... сільська рада)" qualifier
    admin1: str
    admin2: str
    codes: list[str] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    # filled by `locate`
    base: str = ""  # the name without its qualifier
    latin: str = ""  # its official romanisation (Ukraine)
    lat: float = 0.0
    lon: float = 0.0
    shared: int = 0  # when no point is the place's own: how many places share its point

    def names(self) -> list[str]:
        return [n for n in (self.latin, self.base) if n]

    def note(self, label: str) -> str:
        rows = len(self.points)
        codes = ", ".join(sorted(self.codes)[:3]) + (", ..." if rows > 3 else "")
        if self.shared:
            return f"postal point shared by {self.shared} places (the dump's estimate, e.g. a council's seat) in {label}"
        return f"median of {rows} postal-code row{'s' if rows > 1 else ''} ({codes}) in {label}"


_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*")


class _PostalLoader:
    """12-column rows grouped per place (country, name, admin1, admin2, admin3), each placed at
    the median of its own postal points, then merged or inserted (module docstring)."""

    def __init__(self, conn, result: AddResult, path: Path, countries: set[str]):
        self.conn, self.result, self.countries = conn, result, {c.encode() for c in countries}
        self.label = f"GeoNames postal codes {path.name}"
        self.latin: Callable[[str], str] | None = None
        self.admin1 = _Admin1Map(conn)

    def run(self, dump: _Dump, say: Progress) -> None:
        result = self.result
        places: dict[tuple[str, ...], _PostalPlace] = {}
        for number, line in dump.lines():
            result.rows_read += 1
            if result.rows_read % _PROGRESS_EVERY == 0:
                say("reading", dump.position(), dump.total)
            raw = line.split(b"\t")
            if len(raw) != 12:
                _count(result.skipped, "wrong column count")
                continue
            if self.countries and raw[0] not in self.countries:
                _count(result.filtered, "other countries")
                continue
            fields = _decoded(raw, result)
            if fields is None:
                continue
            country, code, name, admin1, admin1_code, admin2, _, admin3 = (f.strip() for f in fields[:8])
            if not country or not _QUALIFIER.sub(" ", name).strip():
                _count(result.skipped, "no country or place name")
                continue
            point = _coordinates(fields[9], fields[10], result)
            if point is None:
                continue
            key = (country, name, admin1 or admin1_code, admin2, admin3)
            if key not in places:
                places[key] = _PostalPlace(country, name, admin1 or admin1_code, admin2)
            places[key].codes.append(code)
            places[key].points.append((round(point[0], 4), round(point[1], 4)))
        say("reading", dump.total, dump.total)
        result.places = len(places)
        if any(p.country == "UA" for p in places.values()):
            self.latin = _transliterator(result)
        self.locate(list(places.values()))
        self.merge(sorted(places.values(), key=lambda p: (p.country, min(p.codes), p.name)), say)

    def locate(self, places: list[_PostalPlace]) -> None:
        """Names and the median position of each place. A point several places share is where
        the dump put what it could not locate (an oblast's or a council's position), or one
        namesake's position given to another: only the points a place has alone are its own."""
        sharing: dict[tuple[str, float, float], int] = {}
        for place in places:
            for point in set(place.points):
                sharing[(place.country, *point)] = sharing.get((place.country, *point), 0) + 1
        for place in places:
            own = [pt for pt in place.points if sharing[(place.country, *pt)] == 1]
            if not own:
                place.shared = min(sharing[(place.country, *pt)] for pt in place.points)
            points = own or place.points
            place.lat = statistics.median(pt[0] for pt in points)
            place.lon = statistics.median(pt[1] for pt in points)
            place.base = _QUALIFIER.sub(" ", place.name).strip()
            if self.latin and place.country == "UA" and not is_latin(place.base):
                place.latin = self.latin(place.base)

    def merge(self, places: list[_PostalPlace], say: Progress) -> None:
        conn, result = self.conn, self.result
        matches: list[tuple[_PostalPlace, tuple[str, str] | None, GazetteerEntry | None]] = []
        claims: dict[str, int] = {}
        for number, place in enumerate(places):
            if number % 2000 == 0:
                say("matching", number, len(places))
            admin1 = self.admin1.get(place.country, place.admin1)
            if admin1 is None and place.admin1 and place.admin1 not in result.admin1_unmapped:
                result.admin1_unmapped.append(place.admin1)
            found = _candidates(conn, map(fold, place.names()), place.country, admin1)
            if len(found) > 1:
                found = _tie_break(found, place.admin2, place.lat, place.lon, not place.shared, self.latin)
            if len(found) > 1:
                result.ambiguous += 1
                continue
            entry = found[0] if found else None
            if entry is not None:
                claims[entry.id] = claims.get(entry.id, 0) + 1
            matches.append((place, admin1, entry))
        say("matching", len(places), len(places))
        new: list[GazetteerEntry] = []
        taken: set[str] = set()
        for place, admin1, entry in matches:
            if entry is None:
                new.append(self.entry(place, admin1, taken))
                taken.add(new[-1].id)
                names = [(n, _city_ruler_ok(n, n == new[-1].name)) for n in place.names()]
                _add_names(conn, new[-1].id, _dedupe(names))
                continue
            names = [(n, _city_ruler_ok(n, False)) for n in place.names()]
            result.names_added += _add_names(conn, entry.id, _dedupe(names))
            reason = _keep_reason(entry, place, claims[entry.id])
            if reason:
                _count(result.kept, reason)
                continue
            conn.execute(
                "UPDATE places SET lat = ?, lon = ?, coord_precision = 'postal', coord_note = ? WHERE id = ?",
                (place.lat, place.lon, place.note(self.label), entry.id),
            )
            result.updated += 1
        _insert(conn, new)
        result.inserted += len(new)

    def entry(self, place: _PostalPlace, admin1: tuple[str, str] | None, taken: set[str]) -> GazetteerEntry:
        """A new place, "postal:<country>:<its first postal code>" (the next one if taken)."""
        codes = sorted(place.codes)
        ids = dict.fromkeys(f"postal:{place.country}:{c}" for c in codes)
        more = (f"postal:{place.country}:{codes[0]}-{n}" for n in itertools.count(2))
        entry_id = next(
            i
            for i in itertools.chain(ids, more)
            if i not in taken and not self.conn.execute("SELECT 1 FROM places WHERE id = ?", (i,)).fetchone()
        )
        return GazetteerEntry(
            id=entry_id,
            name=place.names()[0],
            lat=place.lat,
            lon=place.lon,
            feature_class="P",
            feature_code="PPL",
            country=place.country,
            admin1=admin1[1] if admin1 else None,
            admin1_code=admin1[0] if admin1 else None,
            source=self.label,
            coord_note=place.note(self.label),
            admin2=place.admin2 or None,
            coord_precision="parent" if place.shared else "postal",
        )


def _keep_reason(entry: GazetteerEntry, place: _PostalPlace, claimants: int) -> str:
    """Why a matched entry keeps its coordinates ("" when it takes the postal ones)."""
    if entry.coord_precision not in UNLOCATED:
        return "entry has its own coordinates"
    if claimants > 1:
        return "several postal places match the entry"
    if place.shared:
        return "postal point shared with other places"
    if distance_km(entry.lat, entry.lon, place.lat, place.lon) > MAX_SHIFT_KM:
        return f"postal point over {MAX_SHIFT_KM:.0f} km from the entry"
    return ""
