"""Where a sentence sits in the article: its paragraph (a line of the cleaned text)."""

from __future__ import annotations


def paragraph(text: str, offset: int) -> tuple[int, int]:
    """The character extent of the line (paragraph) holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def told_just_before(text: str, before: list, e) -> list:
    """The events of `before` (in text order) told in the paragraph before `e`'s one: an event
    there of `e`'s kind is what a paragraph that names no place or day goes on with."""
    lo, _ = paragraph(text, e.evidence[0].start)
    if lo == 0:
        return []
    prev_lo = paragraph(text, lo - 2)[0] if lo >= 2 else 0
    return [b for b in before if prev_lo <= b.evidence[0].start < lo]
