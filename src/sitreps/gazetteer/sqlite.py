"""The SQLite gazetteer: one compact file, built once from package data (build.py), read-only after.

    schema_version(version, gazetteer_version, built_at, min_population, sources)   one row
    places(id PK, name, lat, lon, feature_class, feature_code, country, admin1, admin1_code,
           population, source, coord_note, admin2, parent, coord_precision)
    names(key, place_id, name, ruler)   PK (key, place_id): the index lookups use

`key` is `fold(name)`; `ruler` marks the surface forms fit for the spaCy entity ruler (Latin
script, capitalised; ASCII and 4+ characters for populated places), decided once at build time
so `ruler_names` is one query.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from ..errors import GazetteerError
from . import GAZETTEER_VERSION, GazetteerEntry, fold
from .build import CURATED_SOURCE, Sources, assemble, is_latin, package_sources
from .translit import consonants, is_cyrillic, russian_latin, skeleton

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE schema_version (
    version INTEGER NOT NULL,
    gazetteer_version TEXT NOT NULL,
    built_at TEXT NOT NULL,
    min_population INTEGER NOT NULL,
    sources TEXT NOT NULL
);
CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    feature_class TEXT NOT NULL,
    feature_code TEXT NOT NULL,
    country TEXT,
    admin1 TEXT,
    admin1_code TEXT,
    population INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    coord_note TEXT NOT NULL DEFAULT '',
    admin2 TEXT,
    parent TEXT,
    coord_precision TEXT NOT NULL DEFAULT 'source'
) WITHOUT ROWID;
CREATE TABLE names (
    key TEXT NOT NULL,
    place_id TEXT NOT NULL,
    name TEXT NOT NULL,
    ruler INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
CREATE TABLE skeletons (
    key TEXT NOT NULL,
    place_id TEXT NOT NULL,
    PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
CREATE TABLE consonants (
    key TEXT NOT NULL,
    place_id TEXT NOT NULL,
    PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
"""
# places in these countries also get Latin forms of their Russian Cyrillic names and loose
# (skeleton) keys: their names are spelt in several romanisations in English news
VARIANT_COUNTRIES = frozenset({"UA", "RU", "BY", "MD"})

_COLUMNS = (
    "id, name, lat, lon, feature_class, feature_code, country, admin1, admin1_code, population, source, "
    "coord_note, admin2, parent, coord_precision"
)
_N_COLUMNS = _COLUMNS.count(",") + 1
# equal populations: the coarser, more established entry first
_RANK = "CASE p.feature_class || '.' || p.feature_code WHEN 'A.PCLI' THEN 0 WHEN 'A.ADM1' THEN 1 ELSE 2 END"
_BATCH = 20000


def build_gazetteer(
    path: str | os.PathLike,
    *,
    min_population: int = 500,
    progress: Callable[[str], None] | None = None,
    sources: Sources | None = None,
) -> Path:
    """Build the gazetteer file at `path` from `sources` (default: the installed packages, with
    populated places of at least `min_population` inhabitants). The file appears complete or not
    at all: it is written to a temporary file in the same folder and renamed."""
    path = Path(path)
    say = progress or (lambda message: None)
    sources = sources or package_sources(min_population)
    started = time.perf_counter()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise GazetteerError(f"cannot write the gazetteer at {path}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        counts = _write(tmp, sources, min_population, say)
        tmp.chmod(0o644 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GazetteerError(f"cannot write the gazetteer at {path}: {exc}") from exc
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise GazetteerError(f"cannot build the gazetteer at {path}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    size = path.stat().st_size / 1e6
    say(
        f"gazetteer ready: {counts['places']:,} places, {counts['names']:,} names, "
        f"{size:.1f} MB in {time.perf_counter() - started:.1f} s ({path})"
    )
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(tmp: Path, sources: Sources, min_population: int, say: Callable[[str], None]) -> dict[str, int]:
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072;" + _SCHEMA
        )
        labels = "; ".join(f"{k}: {v}" for k, v in sources.labels.items()) or "custom"
        conn.execute(
            "INSERT INTO schema_version VALUES (?, ?, ?, ?, ?)",
            (
                SCHEMA_VERSION,
                GAZETTEER_VERSION,
                datetime.now(UTC).isoformat(timespec="seconds"),
                min_population,
                labels,
            ),
        )
        places, names = [], []
        skeletons: set[tuple[str, str]] = set()
        consonant_keys: set[tuple[str, str]] = set()
        n_places = n_names = 0
        for built in assemble(sources, say):
            e = built.entry
            places.append(entry_row(e))
            # English news needs Latin names; Cyrillic ones only where they yield variants. The
            # other scripts (a fifth of GeoNames' alternate names) would only cost space.
            built_names = tuple(
                n for n in built.names
                if n[1] == e.name or is_latin(n[1]) or (e.country in VARIANT_COUNTRIES and is_cyrillic(n[1]))
            )
            if e.country in VARIANT_COUNTRIES:
                built_names = with_variants(built_names)
                latin = [name for _, name, _ in built_names if not is_cyrillic(name)]
                skeletons.update((skeleton(name), e.id) for name in latin)
                consonant_keys.update((key, e.id) for key in map(consonants, latin) if key)
            names.extend((key, e.id, name, int(ruler)) for key, name, ruler in built_names)
            if len(places) >= _BATCH:
                n_places, n_names = _flush(conn, places, names, n_places, n_names)
        n_places, n_names = _flush(conn, places, names, n_places, n_names)
        conn.executemany("INSERT OR IGNORE INTO skeletons (key, place_id) VALUES (?, ?)", sorted(skeletons))
        conn.executemany("INSERT OR IGNORE INTO consonants (key, place_id) VALUES (?, ?)", sorted(consonant_keys))
        conn.commit()
        say("compacting")
        conn.execute("ANALYZE")
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    return {"places": n_places, "names": n_names}


def with_variants(names: tuple[tuple[str, str, bool], ...]) -> tuple[tuple[str, str, bool], ...]:
    """`names` plus the Latin form of every Cyrillic name ("Кременная" -> "Kremennaya"), fit for
    the matcher when capitalised and at least four letters long."""
    have = {key for key, _, _ in names}
    extra = []
    for _, name, _ in names:
        if not is_cyrillic(name):
            continue
        latin = russian_latin(name)
        key = fold(latin)
        if key and key not in have and not is_cyrillic(latin):
            have.add(key)
            extra.append((key, latin, len(latin) >= 4 and latin[:1].isupper() and latin.isascii()))
    return names + tuple(extra)


def entry_row(e: GazetteerEntry) -> tuple:
    """An entry as a row of the places table, in `_COLUMNS` order."""
    return (
        e.id,
        e.name,
        e.lat,
        e.lon,
        e.feature_class,
        e.feature_code,
        e.country,
        e.admin1,
        e.admin1_code,
        e.population,
        e.source,
        e.coord_note,
        e.admin2,
        e.parent,
        e.coord_precision,
    )


def _flush(
    conn: sqlite3.Connection, places: list, names: list, n_places: int, n_names: int
) -> tuple[int, int]:
    try:
        conn.executemany(f"INSERT INTO places ({_COLUMNS}) VALUES ({', '.join('?' * _N_COLUMNS)})", places)
    except sqlite3.IntegrityError as exc:
        dupes = sorted({p[0] for p in places})[:5]
        raise GazetteerError(f"two gazetteer entries share an id (one of {dupes}): {exc}") from exc
    names.sort()
    conn.executemany("INSERT INTO names (key, place_id, name, ruler) VALUES (?, ?, ?, ?)", names)
    counts = n_places + len(places), n_names + len(names)
    places.clear()
    names.clear()
    return counts


class SQLiteGazetteer:
    """The `Gazetteer` over a built file, opened read-only. Safe to share between threads
    (queries are serialised) and to pickle (it reopens the file by path)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = self._open()

    def reopen(self) -> None:
        """A fresh connection, for a process forked from the one that opened this (SQLite
        connections must not cross a fork; the inherited one is left alone, not closed)."""
        self._lock = threading.Lock()
        self._inherited = self._conn
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        return connect_checked(
            self.path,
            lambda: sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False),
            missing="",
            outdated="delete the file to rebuild it",
        )

    # -- the Gazetteer protocol

    def lookup(self, name: str) -> list[GazetteerEntry]:
        """All entries with this name or alias (folded), most populous first."""
        key = fold(name)
        if not key:
            return []
        return self._entries(
            f"SELECT {_prefixed('p')} FROM names n JOIN places p ON p.id = n.place_id "
            f"WHERE n.key = ? ORDER BY p.population DESC, {_RANK}, p.id",
            (key,),
        )

    def lookup_loose(self, name: str) -> list[GazetteerEntry]:
        """Entries whose name has the same spelling skeleton (see translit.skeleton): the
        fallback when `lookup` finds nothing. Only places in VARIANT_COUNTRIES have one."""
        key = skeleton(name)
        if not key:
            return []
        return self._entries(
            f"SELECT {_prefixed('p')} FROM skeletons s JOIN places p ON p.id = s.place_id "
            f"WHERE s.key = ? ORDER BY p.population DESC, {_RANK}, p.id",
            (key,),
        )

    def lookup_consonants(self, name: str) -> list[GazetteerEntry]:
        """Entries whose name has the same consonants (see translit.consonants): Ukrainian and
        Russian vowels of one name. Loose: the caller keeps only those its context supports."""
        key = consonants(name)
        if not key:
            return []
        return self._entries(
            f"SELECT {_prefixed('p')} FROM consonants s JOIN places p ON p.id = s.place_id "
            f"WHERE s.key = ? ORDER BY p.population DESC, {_RANK}, p.id",
            (key,),
        )

    def get(self, entry_id: str) -> GazetteerEntry | None:
        found = self._entries(f"SELECT {_COLUMNS} FROM places WHERE id = ?", (entry_id,))
        return found[0] if found else None

    def names_of(self, entry_id: str) -> list[str]:
        """Every surface form an entry is known by (its name first)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT n.name, n.name = p.name FROM names n JOIN places p ON p.id = n.place_id "
                "WHERE n.place_id = ? ORDER BY 2 DESC, n.key",
                (entry_id,),
            ).fetchall()
        return [name for name, _ in rows]

    def ruler_names(self, min_population: int, countries: Iterable[str]) -> list[tuple[str, str]]:
        """(surface form, spaCy label) pairs; see `matcher_names`."""
        return list(dict.fromkeys((name, label) for name, label, _ in self.matcher_names(min_population, countries)))

    def matcher_names(self, min_population: int, countries: Iterable[str]) -> list[tuple[str, str, bool]]:
        """(surface form, spaCy label, strong) for the NLP stage's gazetteer matcher: countries,
        divisions and curated places always; populated places in `countries` with all their
        Latin-script names; elsewhere only the main name of places with at least
        `min_population` inhabitants. `strong` names (all but the populated places outside
        `countries`) may correct the model's label; the others only fill gaps."""
        countries = sorted(set(countries))
        marks = ", ".join("?" * len(countries)) or "NULL"
        sql = (
            f"SELECT n.name, p.feature_class, p.feature_class != 'P' OR p.source = ? OR p.country IN ({marks}) "
            "FROM names n JOIN places p ON p.id = n.place_id "
            f"WHERE n.ruler = 1 AND (p.feature_class != 'P' OR p.source = ? "
            f"OR (p.population >= ? AND n.name = p.name) OR p.country IN ({marks}))"
        )
        with self._lock:
            rows = self._conn.execute(
                sql, (CURATED_SOURCE, *countries, CURATED_SOURCE, min_population, *countries)
            ).fetchall()
        out: dict[tuple[str, str], bool] = {}
        for name, fc, strong in rows:
            label = "GPE" if fc in ("A", "P") else "LOC"
            forms = [name]
            if "'" in name or "\u2019" in name:
                # one surface form is kept per folded key: "Khar'kov" stands for "Kharkov" too
                forms.append(name.replace("'", "").replace("\u2019", ""))
            for form in forms:
                out[form, label] = out.get((form, label), False) or bool(strong)
        return [(name, label, strong) for (name, label), strong in out.items()]

    # -- extras

    def entries(self, feature_class: str | None = None, min_population: int = 0) -> list[GazetteerEntry]:
        """All entries of a feature class (all classes when None) with at least
        `min_population` inhabitants: for reverse look-ups and evaluation, not the hot path."""
        sql = f"SELECT {_COLUMNS} FROM places WHERE population >= ?"
        params: tuple = (min_population,)
        if feature_class:
            sql += " AND feature_class = ?"
            params += (feature_class,)
        return self._entries(sql, params)

    def stats(self) -> dict[str, int]:
        """Row counts by feature ("A.PCLI", "P.PPL", ...) plus "names"."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT feature_class || '.' || feature_code, COUNT(*) FROM places GROUP BY 1 ORDER BY 1"
            ).fetchall()
            (names,) = self._conn.execute("SELECT COUNT(*) FROM names").fetchone()
        return {**dict(rows), "names": names}

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __getstate__(self) -> dict:
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.path = state["path"]
        self._lock = threading.Lock()
        self._conn = self._open()

    def __repr__(self) -> str:
        return f"SQLiteGazetteer({str(self.path)!r})"

    def _entries(self, sql: str, params: tuple) -> list[GazetteerEntry]:
        if self._conn is None:
            raise GazetteerError(f"the gazetteer at {self.path} is closed")
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [_entry(row) for row in rows]


def connect_checked(path: Path, connect: Callable[[], sqlite3.Connection], *, missing: str, outdated: str) -> sqlite3.Connection:
    """`connect()` to the gazetteer file at `path`, checking that it exists and has this
    sitreps's schema; `missing` and `outdated` end the error messages (what the user should do)."""
    if not path.is_file():
        raise GazetteerError(f"no gazetteer at {path}" + (f": {missing}" if missing else ""))
    try:
        conn = connect()
        row = conn.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.Error as exc:
        raise GazetteerError(f"cannot open the gazetteer at {path}: {exc}") from exc
    if not row or row[0] != SCHEMA_VERSION:
        conn.close()
        raise GazetteerError(
            f"the gazetteer at {path} has schema {row and row[0]}, this sitreps needs {SCHEMA_VERSION}: {outdated}"
        )
    return conn


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _COLUMNS.split(","))


def _entry(row: tuple) -> GazetteerEntry:
    id_, name, lat, lon, fc, code, country, admin1, admin1_code, population, source, note, admin2, parent, cprec = row
    return GazetteerEntry(
        id=id_,
        name=name,
        lat=lat,
        lon=lon,
        feature_class=fc,
        feature_code=code,
        country=country,
        admin1=admin1,
        admin1_code=admin1_code,
        population=population,
        source=source,
        coord_note=note,
        admin2=admin2,
        parent=parent,
        coord_precision=cprec,
    )
