"""UCDP GED rows as gold for event location in Ukraine.

Each row's `source_headline` (one or more headlines, `;`-separated) is analysed as one article
published on the row's first `source_date`; the place sitreps gives the event is compared with
the row's coordinates and first-level division. Only rows coded to an exact place or near one
(`where_prec` 1 or 2) are used. A headline often does not name the place the coders used (they
read the article): rows are split into those whose headline names it (a word of the row's
`where_description` appears in the headline) and the rest, and both are reported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import InputError
from ..gazetteer import distance_km, fold
from . import pct

_NEEDED = {"source_headline", "source_date", "where_description", "adm_1", "latitude", "longitude", "where_prec"}

# words of `where_description` that are not names ("city of X", "X village", "2 in X")
_GENERIC = {
    "city", "town", "village", "villages", "settlement", "region", "oblast", "raion", "district",
    "area", "the", "of", "and", "in", "near", "outskirts", "urban", "type", "rural", "community",
    "province", "direction", "front", "south", "north", "east", "west", "city's", "hromada",
    "territorial", "microdistrict", "residential", "airport", "port", "bridge", "plant", "border",
}


_DIVISION_PHRASE = re.compile(
    r"[\w'\-]+\s+(?:region|oblast|district|raion|direction|community|hromada|People's\s+Republic)\b"
    r"|\b(?:DPR|LPR)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class UcdpRow:
    id: str
    text: str
    published: datetime | None
    where: str
    adm_1: str
    lat: float
    lon: float
    where_prec: int

    @property
    def names_place(self) -> bool:
        """Does the headline name the row's place (a name word of `where_description`, compared
        on its first five letters to allow for spelling and case endings)?"""
        headline = fold(self.text)
        # "Donetsk region: 2 in X" names the region, not the place: division phrases go first
        where = _DIVISION_PHRASE.sub(" ", self.where)
        for word in re.findall(r"[^\W\d_][\w'\-]+", where):
            w = fold(word)
            if len(w) >= 4 and w not in _GENERIC and w[:5] in headline:
                return True
        return False


def _date(value: str) -> datetime | None:
    first = value.split(";")[0].strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p"):
        try:
            return datetime.strptime(first, fmt)
        except ValueError:
            continue
    return None


def load_rows(paths: Iterable[str | Path], limit: int | None = None, precise: bool = True) -> list[UcdpRow]:
    """Rows with a headline and coordinates; `precise` keeps `where_prec` 1 and 2 only."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as fh:
            taken = 0
            reader = csv.DictReader(fh)
            missing = _NEEDED - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"{path}: not a UCDP GED file, it lacks the columns {', '.join(sorted(missing))}")
            for raw in reader:
                try:
                    prec = int(raw["where_prec"])
                    lat, lon = float(raw["latitude"]), float(raw["longitude"])
                except (KeyError, ValueError):
                    continue
                if (precise and prec > 2) or not raw.get("source_headline", "").strip():
                    continue
                if limit is not None and taken >= limit:
                    break
                taken += 1
                headlines = [h.strip() for h in raw["source_headline"].split(";") if h.strip()]
                rows.append(
                    UcdpRow(
                        id=raw.get("id", ""),
                        text="\n\n".join(h if h[-1:] in ".!?" else h + "." for h in headlines),
                        published=_date(raw.get("source_date", "")),
                        where=raw.get("where_description", ""),
                        adm_1=raw.get("adm_1", ""),
                        lat=lat,
                        lon=lon,
                        where_prec=prec,
                    )
                )
    return rows


def _oblast_key(name: str | None, gaz=None) -> str:
    """The gazetteer's name of a first-level division written any way ("Zaporizhzhya oblast",
    "Kiev oblast"); failing that, its first five folded letters."""
    if not name:
        return ""
    if gaz is not None:
        for entry in gaz.lookup(name):
            if entry.feature_code == "ADM1" and entry.admin1:
                return fold(entry.admin1)
    return fold(name)[:5]


def names_region(row: UcdpRow, gaz) -> bool:
    """Does the headline name the row's place or its first-level division, by any of the
    division's names in the gazetteer ("Donetsk region", "DPR", "Zaporozhye"), compared on the
    first five letters of a name's first word? Without either, the text gives nothing to find
    the row's oblast by but chance."""
    if row.names_place:
        return True
    headline = fold(row.text)
    for entry in gaz.lookup(row.adm_1):
        if entry.feature_code != "ADM1":
            continue
        for name in gaz.names_of(entry.id):
            words = fold(name).split()
            if words and len(words[0]) >= 3 and re.search(rf"\b{re.escape(words[0][:5])}", headline):
                return True
    return False


def event_place(doc):
    """The place sitreps gives the headline's event: the first violent event's place (the first
    placed below the country, if any: a coder maps a report to the finest place it gives),
    else the finest resolved place of the text."""
    from ..stages.places import focus_place

    placed = [e.place for e in doc.events if e.place is not None and e.place.resolved]
    finer = [p for p in placed if p.precision != "country"]
    if placed:
        return _district_of(doc, (finer or placed)[0])
    focus = focus_place(doc)
    if focus is not None:
        return focus
    order = {"district": 0, "city": 1, "admin2": 2, "admin3": 2, "front": 2, "water": 3, "admin1": 4, "region": 5}
    resolved = [p for p in doc.places if p.resolved and p.precision in order]
    return min(resolved, key=lambda p: order[p.precision]) if resolved else None


def _district_of(doc, place):
    """A district of the chosen city named elsewhere in the text is where the report points."""
    if place.precision != "city":
        return place
    for p in doc.places:
        if (
            p.resolved and p.precision == "district" and p.admin1 == place.admin1
            and distance_km(p.lat, p.lon, place.lat, place.lon) < 20
        ):
            return p
    return place


def evaluate_locations(
    rows: list[UcdpRow], ctx, *, on_row: Callable[[], None] | None = None, mistakes: list | None = None,
    label: str = "",
) -> dict[str, dict]:
    from ..pipeline import Pipeline
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    groups: dict[str, list[tuple[bool, bool, bool]]] = {
        "all precise rows": [], "headline names the place": [], "headline does not": [],
        "headline names the place or its oblast": [],
    }
    for row in rows:
        doc = pipeline(article_from_text(row.text, id=f"ucdp-{row.id}", published=row.published))
        place = event_place(doc)
        km = distance_km(row.lat, row.lon, place.lat, place.lon) if place else None
        oblast = bool(place and place.admin1 and row.adm_1) and fold(place.admin1) in (
            _oblast_key(row.adm_1, ctx.gazetteer), fold(row.adm_1)[:5]
        ) or bool(place and place.admin1 and row.adm_1) and fold(place.admin1)[:5] == fold(row.adm_1)[:5]
        outcome = (km is not None and km <= 10, km is not None and km <= 50, oblast)
        groups["all precise rows"].append(outcome)
        groups["headline names the place" if row.names_place else "headline does not"].append(outcome)
        if names_region(row, ctx.gazetteer):
            groups["headline names the place or its oblast"].append(outcome)
        if mistakes is not None and not outcome[0]:
            mistakes.append({
                "dataset": f"UCDP{label}", "row": row.id, "text": row.text, "gold": [row.lat, row.lon, row.where, row.adm_1],
                "got": [place.text, place.name, place.admin1, place.gazetteer_id, place.coord_precision] if place else None,
                "km": round(km, 1) if km is not None else None,
            })
        if on_row:
            on_row()
    return {
        name: {
            "rows": len(o),
            "within_10km": pct(sum(a for a, _, _ in o), len(o)),
            "within_50km": pct(sum(b for _, b, _ in o), len(o)),
            "right_oblast": pct(sum(c for _, _, c in o), sum(1 for _ in o)),
        }
        for name, o in groups.items()
    }


def evaluate_with_added(
    rows: list[UcdpRow], settings, files, *, on_row: Callable[[], None] | None = None, mistakes: list | None = None
) -> dict[str, dict]:
    """`evaluate_locations` with GeoNames files (e.g. the postal-code extract) added to a copy
    of the gazetteer: the user's own gazetteer is not touched."""
    import shutil
    import tempfile

    from ..gazetteer import open_gazetteer
    from ..gazetteer.dumps import add_dump
    from ..pipeline import Context
    from ..settings import with_overrides

    base = open_gazetteer(settings)  # built first if missing
    with tempfile.TemporaryDirectory(prefix="sitreps-eval-") as tmp:
        copy = Path(tmp) / "gazetteer.sqlite"
        shutil.copyfile(base.path, copy)
        for f in files:
            add_dump(copy, f)
        ctx = Context(with_overrides(settings, gazetteer={"path": str(copy)}))
        try:
            return evaluate_locations(rows, ctx, on_row=on_row, mistakes=mistakes, label=" +added")
        finally:
            ctx.gazetteer.close()
