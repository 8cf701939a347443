"""What /docs and /openapi.json tell about the API: the description and tags, the filters'
help and patterns, error and download examples, and the Pydantic models of the answers
(documentation only: answers are not validated against them)."""

from functools import cache
from typing import Any

from ..records import CERTAINTIES
from ..stages.read import parse_published
from ..web.errors import error_body

_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
# n + 1 decimal numbers separated by commas (bbox: 4, near: 3): told in the OpenAPI spec; the
# parsers check it themselves (parse_bbox, parse_near), with messages that say what is wrong
_FLOATS = r"^\s*-?(\d+\.?\d*|\.\d+)(\s*,\s*-?(\d+\.?\d*|\.\d+)){{{n}}}\s*$"

_HELP = {
    "type": "ACLED event type, in any case; an unknown one is refused (422) with the nearest names.",
    "subtype": "ACLED sub-event type, in any case; an unknown one is refused (422) with the nearest names.",
    "since": "Earliest date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD. An event whose date interval overlaps "
    "the range matches; undated events never do.",
    "until": "Latest date, inclusive, as for `since`: until=2022-11 keeps 30 November.",
    "country": "The country of the event's place: its ISO 3166-1 code (UA, UKR) or English name (Ukraine), in"
    " any case. A name or code that is no country is refused (422) with the nearest ones in the store.",
    "admin1": "The first-level division (oblast, province, state) of the event's place, by name, in any case,"
    " with or without the word for its kind: Donetsk and Donetsk Oblast match what the store holds. A name"
    " no stored event has is refused (422) with the nearest stored names.",
    "admin2": "The second-level division (raion, county) of the event's place, by name, as for `admin1`:"
    " Bakhmut and Bakhmut Raion.",
    "place": "The event's place: a gazetteer id exactly (geonames:706448, katottg:UA14..., curated:...) or a"
    " place name in any case. One no stored event has is refused (422) with the nearest stored names.",
    "bbox": "minlon,minlat,maxlon,maxlat (WGS84); minlon > maxlon crosses the antimeridian. Events without "
    "coordinates never match.",
    "near": "lat,lon,km: events within km kilometres (great-circle) of the point.",
    "actor": "An actor id (exact, e.g. RUS.MIL) or part of an actor's name (any case), as the doer or the "
    "target.",
    "certainty": f"One or several of {', '.join(CERTAINTIES)}: repeat the parameter or separate with commas."
    " Without it, only events said to have happened (not possible or negated).",
    "include_background": "Also events the article tells as history (dated well before its news window,"
    " `background` in the record); left out by default.",
    "include_copies": "Also the events of articles that copy an earlier stored article (the same text"
    " re-published or syndicated, found by linking); left out by default, since the first copy's events"
    " are the same.",
    "min_corroboration": "Minimum number of independent sources telling the event's incident (the events "
    "linked across articles as one occurrence): distinct known outlets, copies counting once; reports whose "
    "outlet is unknown never count, nor do the other incidents of its cluster. Events not linked yet, and "
    "possible or negated ones, do not match.",
    "q": "Words that must all appear in the article's title or text (SQLite FTS5; punctuation is not query "
    "syntax).",
}


_DESCRIPTION = """
Events read from news articles, each with the words that support it. The records follow the
`sitreps/3` contract (docs/contract.md): every place, date, quote, claim and event carries
half-open character offsets into its article's cleaned `text`.

**Paging.** `GET /api/events` answers `{"events": [...], "count": n, "next": url | null}`,
sorted by date, then id, undated events last; follow `next` until it is null. `count` is the
number of matches across all pages when the first page was asked (later pages repeat it).

**Downloads.** `GET /api/events.csv`, `.geojson` and `.jsonl` (or `/api/events?format=csv`...)
take the filters of `/api/events` and stream every matching event as a file, with no page size:
CSV in ACLED's columns, GeoJSON properties under the CSV's names, JSON lines of the events
`/api/events` gives. The columns are described in docs/contract.md ("Exports").

**Errors.** Every error has one shape, whatever its cause (unknown URL, invalid or unknown
parameter, missing token): `{"error": {"code": "not_found", "message": "...", "status": 404}}`.
Codes: `validation_error` (422), `not_found` (404), `method_not_allowed` (405), `unauthorized`
(401), `writing_disabled` (403), `too_large` (413), `search_unavailable` (501),
`internal_error` (500), and a failed analysis's own code such as `read.html_no_text` (422).

**Writing.** `POST /api/articles` is off unless the server was started with a token
(`sitreps serve --token ...` or `$SITREPS_API_TOKEN`); then send `Authorization: Bearer <token>`.
"""

_TAGS = [
    {
        "name": "events",
        "description": "Event records: who did what to whom, where, when, how sure, said by whom.",
    },
    {
        "name": "articles",
        "description": "Stored articles with every annotation; ingesting one (token needed).",
    },
    {"name": "clusters", "description": "Reports linked as one incident: the incidents they tell, who tells each."},
    {"name": "stats", "description": "Counts for charts and overviews."},
    {"name": "service", "description": "Is the server up, and what can it do."},
]

_ERROR_EXAMPLES = {
    401: ("unauthorized", "send the server's token as `Authorization: Bearer <token>`"),
    403: ("writing_disabled", "writing is off on this server: start it with a token ..."),
    404: ("not_found", "no event '3f2a9c1d7b4e8a06'"),
    413: ("too_large", "the article has 9,000,000 bytes, more than read.max_bytes (5,000,000)"),
    422: ("validation_error", "query.limit: Input should be less than or equal to 1000"),
    501: ("search_unavailable", "text search needs SQLite with FTS5, which this store's SQLite lacks"),
}


_DOWNLOAD_CONTENT = {
    "description": "Every matching event as a file (on /api/events with `format` other than json)",
    "content": {
        "text/csv": {"schema": {"type": "string", "description": "CSV, a header row first"}},
        "application/geo+json": {"schema": {"type": "object", "required": ["type", "features"],
                                            "description": "a GeoJSON FeatureCollection"}},
        "application/x-ndjson": {"schema": {"type": "string", "description": "one JSON event a line"}},
    },
}


def _errors(*statuses: int) -> dict:
    s = _schemas()
    out = {}
    for status in statuses:
        code, message = _ERROR_EXAMPLES[status]
        out[status] = {
            "model": s.ErrorBody,
            "description": code,
            "content": {"application/json": {"example": error_body(status, code, message)}},
        }
    return out


_EXAMPLE_EVENT = {
    "id": "3f2a9c1d7b4e8a06",
    "type": "Explosions/Remote violence",
    "subtype": "Shelling/artillery/missile attack",
    "trigger": {"start": 0, "end": 8, "text": "Shelling"},
    "actors": [{"start": 0, "end": 8, "text": "Shelling", "actor": "XB.MIL", "name": "Army of B",
                "kind": "state_forces", "country": "XB", "inferred": True}],
    "targets": [{"start": 70, "end": 77, "text": "workers", "actor": "CIV", "name": "Civilians",
                 "kind": "civilians", "country": None, "inferred": False}],
    "place": {"start": 24, "end": 29, "text": "Alder", "name": "Alder", "lat": 50.0, "lon": 30.0,
              "country": "XA", "admin1": "North Province", "feature": "P.PPL", "gazetteer_id": "geonames:1",
              "precision": "city", "admin2": None, "coord_precision": "source", "dateline": False},
    "time": {"start": 33, "end": 41, "text": "Thursday", "value": "2022-11-10", "grain": "day", "anchored": True},
    "fatalities": {"low": 2, "high": 2, "start": 62, "end": 85, "text": "Two workers were killed", "approximate": False},
    "injured": None,
    "weapons": [],
    "certainty": "reported",
    "source": {"start": 43, "end": 52, "text": "officials", "name": None, "kind": "government"},
    "evidence": [{"start": 0, "end": 61, "text": "Shelling hit a depot in Alder on Thursday, officials said."}],
    "article_id": "a1",
    "url": "https://news.example/a1",
    "title": "Depot shelled in Alder",
    "published": "2022-11-11T08:30:00",
}  # fmt: skip


@cache
def _schemas():
    """Pydantic models that document the answers in /docs (answers are not validated against
    them: the store's dicts are the contract, and re-validating every page would cost time)."""
    from types import SimpleNamespace

    from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

    class ErrorDetail(BaseModel):
        code: str = Field(description="Stable, machine-readable.", examples=["not_found"])
        message: str = Field(description="For a person.", examples=["no event '3f2a9c1d7b4e8a06'"])
        status: int = Field(description="The HTTP status, repeated.", examples=[404])

    class ErrorBody(BaseModel):
        error: ErrorDetail

    class Event(BaseModel):
        """A sitreps/3 event (docs/contract.md) with its article's fields."""

        model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [_EXAMPLE_EVENT]})
        id: str
        type: str = Field(description="ACLED event type.")
        subtype: str | None = Field(description="ACLED sub-event type.")
        certainty: str = Field(description=f"One of {', '.join(CERTAINTIES)}.")
        trigger: dict[str, Any]
        actors: list[dict[str, Any]] = Field(description="Who did it.")
        targets: list[dict[str, Any]] = Field(description="Who had it done to them.")
        place: dict[str, Any] | None
        time: dict[str, Any] | None
        fatalities: dict[str, Any] | None = Field(
            description="Bounds low..high with the phrase that gives them."
        )
        source: dict[str, Any] | None = Field(description="Who says so.")
        evidence: list[dict[str, Any]] = Field(description="Spans of the article's text, with that text.")
        article_id: str
        url: str | None
        title: str | None
        published: str | None
        outlet: str | None = Field(
            description="The article's outlet: its URL's registrable domain, else its page's site name (null: unknown)."
        )
        cluster_id: str | None = Field(description="The article's same-incident cluster (null: not linked yet).")
        incident_id: str | None = Field(
            description="The event's incident in that cluster (null: not linked yet, or a possible or negated event)."
        )
        corroboration: int | None = Field(
            description="Independent sources of the event's incident: distinct known outlets, copies counting once."
        )
        reports_outlet_unknown: int | None = Field(
            description="Reports of the event's incident whose outlet is unknown (never counted as independent)."
        )

    class EventPage(BaseModel):
        events: list[Event]
        count: int = Field(description="Events matching the filters, across all pages.", examples=[1234])
        next: str | None = Field(
            description="The next page's URL; null on the last page.",
            examples=["http://localhost:8000/api/events?type=Battles&cursor=WyIyMDIyLTExLTEwIiwiM2YyYSJd"],
        )

    class Document(BaseModel):
        """A stored sitreps/3 document (docs/contract.md)."""

        model_config = ConfigDict(extra="allow")
        schema_: str = Field(alias="schema", examples=["sitreps/3"])
        id: str
        url: str | None
        title: str | None
        published: str | None
        text: str = Field(description="The cleaned text every offset points into.")
        places: list[dict[str, Any]]
        times: list[dict[str, Any]]
        quotes: list[dict[str, Any]]
        claims: list[dict[str, Any]]
        actors: list[dict[str, Any]]
        events: list[dict[str, Any]]
        notes: list[dict[str, Any]]

    class Stats(BaseModel):
        events: int = Field(description="Events matching the filters.")
        undated: int
        first: str | None = Field(
            description="First day covered by a matching event's date (a month's, a week's first day)."
        )
        last: str | None = Field(
            description="Last day covered by a matching event's date (a month's, a week's last day)."
        )
        by_type: dict[str, int] = Field(examples=[{"Battles": 812, "Explosions/Remote violence": 640}])
        by_month: dict[str, int] = Field(
            description="Dated events, each once, in the month of the first day its date covers (a week in"
            " the month of its Monday, a year in its January, an interval in the month it begins).",
            examples=[{"2022-10": 301, "2022-11": 455}],
        )
        by_month_rough: dict[str, int] = Field(
            description="Of by_month's events, those whose dates run past the month they are counted in (a"
            " year, a week or an interval across months); months without such events are left out.",
            examples=[{"2022-10": 12}],
        )
        by_certainty: dict[str, int] = Field(examples=[{"reported": 900, "asserted": 410}])
        store: dict[str, int] = Field(description="Rows in the store's tables (unfiltered).")

    class Health(BaseModel):
        status: str = Field(examples=["ok"])
        version: str
        schema_: str = Field(alias="schema", examples=["sitreps/3"])
        migrations: list[str]
        text_search: bool = Field(description="Whether `q` works (SQLite with FTS5).")
        writing: bool = Field(description="Whether POST /api/articles is enabled (a token is set).")

    class ArticleIn(BaseModel):
        """One article: `text`, or `html` whose main text is extracted; the rest is optional."""

        model_config = ConfigDict(
            extra="forbid",
            json_schema_extra={
                # exactly one of text and html, as a string with something besides spaces
                "oneOf": [{"required": [k], "properties": {k: {"not": {"type": "null"}, "pattern": "\\S"}}} for k in ("text", "html")],
                "examples": [{
                    "id": "wire-0001", "url": "https://news.example/wire-0001", "title": "Depot shelled in Alder",
                    "published": "2022-11-11T08:30:00",
                    "text": "Shelling hit a depot in Alder on Thursday, officials said. Two workers were killed.",
                }],
            },
        )  # fmt: skip
        id: str | None = Field(
            None, min_length=1, max_length=200, description="Kept as given; default: a content hash."
        )
        url: str | None = None
        title: str | None = None
        published: str | None = Field(None, description="ISO 8601 or a full date; anchors relative dates.")
        text: str | None = Field(None, description="Plain text.")
        html: str | None = Field(None, description="A whole page; its main text is extracted.")

        @field_validator("published")
        @classmethod
        def _published(cls, value: str | None) -> str | None:
            parse_published(value)  # raises ValueError with a readable message
            return value

        @model_validator(mode="after")
        def _one_body(self):
            given = [name for name in ("text", "html") if (getattr(self, name) or "").strip()]
            if len(given) != 1:
                raise ValueError("give exactly one of `text` and `html`, not blank")
            return self

    class Ingested(BaseModel):
        id: str = Field(examples=["wire-0001"])
        status: str = Field(description="new, updated or unchanged.", examples=["new"])
        events: int = Field(description="Events found in the article.", examples=[1])
        url: str = Field(
            description="Where the stored article is.",
            examples=["http://localhost:8000/api/articles/wire-0001"],
        )

    return SimpleNamespace(
        **{c.__name__: c for c in (ErrorBody, Event, EventPage, Document, Stats, Health, ArticleIn, Ingested)}
    )
