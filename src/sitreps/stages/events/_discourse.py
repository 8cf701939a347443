"""Where a sentence sits in the article: its paragraph (a line of the cleaned text)."""

from __future__ import annotations


def paragraph(text: str, offset: int) -> tuple[int, int]:
    """The character extent of the line (paragraph) holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end
