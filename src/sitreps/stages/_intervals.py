"""Non-overlapping picks from ranked spans, in O(n log n) rather than against every span kept."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def pick_non_overlapping(ranked: Iterable[T]) -> list[T]:
    """Walk `ranked` (best first; each item has `start` and `end`) and keep each item that
    overlaps none kept before it. Returns the kept items in text order. The kept items never
    overlap, so only the neighbours of an item's position need checking."""
    kept: list[T] = []
    for item in ranked:
        k = bisect_left(kept, item.start, key=_start)
        if (k == len(kept) or item.end <= kept[k].start) and (k == 0 or kept[k - 1].end <= item.start):
            kept.insert(k, item)
    return kept


def _start(item) -> int:
    return item.start
