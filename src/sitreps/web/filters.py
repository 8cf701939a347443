"""The map page's filters: the query string of `/` is the query string of /api/events.

The page's URL is the shareable state of the view: `/?type=Battles&since=2022-11&bbox=...`.
The server reads it as the API reads its own (same names, same checks, same messages), so the
no-JS list, the page's JSON twin and the script's /api/events requests always agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from .. import filters as shared
from ..api import check_params, invalid, parse_bbox, parse_certainty, parse_near
from ..store.queries import EventFilter

FILTERS = ("type", "subtype", "since", "until", "bbox", "near", "actor", "certainty", "min_corroboration", "q",
           "include_background", "include_copies")
PAGE_PARAMS = frozenset({"cursor", "limit", "format"})  # the list's paging and the twin switch


@dataclasses.dataclass(frozen=True)
class Query:
    """The filters given (as strings, empty ones dropped) and the EventFilter they make."""

    params: dict[str, str | list[str]]
    filter: EventFilter

    def query_string(self, **changes: str | list[str] | None) -> str:
        from urllib.parse import urlencode

        params = {**self.params, **changes}
        return urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)


def parse_query(args: Mapping, multi: Mapping[str, list[str]]) -> Query:
    """`args` maps a name to its last value, `multi` to all its values (Starlette's QueryParams
    gives both). Raises sitreps.api.ApiError (422) for what /api/events would refuse."""
    check_params(args.keys(), frozenset(FILTERS) | PAGE_PARAMS)
    params: dict[str, str | list[str]] = {}
    for name in FILTERS:
        if name == "certainty":
            values = [v for v in multi.get(name, []) if v.strip()]
            if values:
                params[name] = list(parse_certainty(values))
            continue
        value = (args.get(name) or "").strip()
        if value:
            params[name] = value
    try:
        for name, parse in (("since", None), ("until", None), ("type", shared.parse_type), ("subtype", shared.parse_subtype)):
            if name in params:
                params[name] = shared.parse_day(f"query.{name}", params[name]) if parse is None else parse(params[name])
        shared.check_range(params.get("since"), params.get("until"))
    except shared.FilterError as exc:
        raise invalid(str(exc)) from None
    if len(params.get("q", "")) > 500:
        raise invalid("query.q: at most 500 characters")
    kwargs = {
        "type": params.get("type"),
        "subtype": params.get("subtype"),
        "since": params.get("since"),
        "until": params.get("until"),
        "bbox": parse_bbox(params["bbox"]) if "bbox" in params else None,
        "near": parse_near(params["near"]) if "near" in params else None,
        "actor": params.get("actor"),
        "certainty": tuple(params.get("certainty", ())),
        "text": params.get("q"),
        "include_background": _flag(params.get("include_background"), "include_background"),
        "include_copies": _flag(params.get("include_copies"), "include_copies"),
    }
    if "min_corroboration" in params:
        try:
            n = shared.parse_min_corroboration(params["min_corroboration"])
        except shared.FilterError as exc:
            raise invalid(f"query.{exc}") from None
        params["min_corroboration"] = str(n)
        kwargs["min_corroboration"] = n
    return Query(params, EventFilter(**kwargs))


def without_dates(query: Query) -> EventFilter:
    """The filters but the date range: the timeline shows every month, the range highlighted."""
    return dataclasses.replace(query.filter, since=None, until=None)


def _flag(value, name: str) -> bool:
    if value in (None, "", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise invalid(f"query.{name}: expected true or false, got {value!r}")
