"""The map page's filters: the query string of `/` is the query string of /api/events.

The page's URL is the shareable state of the view: `/?type=Battles&since=2022-11&bbox=...`.
The server reads it with the API's own parser (sitreps.filters: same names, same checks, same
messages), so the no-JS list, the page's JSON twin and the script's /api/events requests always
agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial

from ..filters import FILTERS, EventFilter, Query, check_params, parse_query
from ..store.queries import stored_values

PAGE_PARAMS = frozenset({"cursor", "limit", "format"})  # the list's paging and the twin switch


def read_query(args: Mapping, multi: Mapping[str, list[str]], store) -> Query:
    """`args` maps a name to its last value, `multi` to all its values (Starlette's QueryParams
    gives both); the where filters are checked against what `store` holds. Raises FilterError
    for what /api/events would refuse."""
    check_params(args.keys(), {*FILTERS, *PAGE_PARAMS})
    # a form sends its empty fields, and a field holding only spaces is empty to whoever typed them
    given = {name: multi[name] if name == "certainty" else args[name].strip() for name in FILTERS if name in args}
    return parse_query(given, partial(stored_values, store))


def without_dates(query: Query) -> EventFilter:
    """The filters but the date range: the timeline shows every month, the range highlighted."""
    return dataclasses.replace(query.filter, since=None, until=None)
