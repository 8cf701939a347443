"""Highlight spans of a text in HTML: overlapping spans nest, or are split where they cross.

    html = highlight(text, [Mark(0, 12, "place", "place-0", "Alder: 50.0, 30.0"), ...])

Offsets are Python string indices (code points), as in the sitreps/3 record. The text is cut at
every span boundary; each piece is escaped and wrapped in the marks that cover it, outermost the
one that lasts longest, so a span that crosses another becomes two or more `<mark>` elements
sharing one `data-ann` key (the first carries `id="t-<key>"`). Every character of the text
comes out exactly once and in order, whatever the spans: one outside the text or empty is left
out, never clipped into something else.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # a CSS class suffix: place, time, quote, claim, event, actor, evidence...
    key: str  # unique within the page: links a highlight to its entry in the side list
    label: str = ""  # shown on hover (the title attribute)


def valid(mark: Mark, length: int) -> bool:
    return (
        isinstance(mark.start, int)
        and isinstance(mark.end, int)
        and 0 <= mark.start < mark.end <= length
    )


def highlight(text: str, marks: list[Mark]) -> Markup:
    marks = [m for m in marks if valid(m, len(text))]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    # Outer first: the longest-lasting, then the earliest start, then the order given.
    rank = {id(m): i for i, m in enumerate(marks)}

    def outer_first(m: Mark) -> tuple:
        return (-m.end, m.start, rank[id(m)])

    by_start = sorted(marks, key=lambda m: m.start)
    out: list[str] = []
    stack: list[Mark] = []
    active: list[Mark] = []
    opened: set[str] = set()
    i = 0
    for lo, hi in itertools.pairwise(cuts):
        active = [m for m in active if m.end > lo]
        while i < len(by_start) and by_start[i].start <= lo:
            active.append(by_start[i])
            i += 1
        active_ids = {id(m) for m in active}
        keep = 0
        while keep < len(stack) and id(stack[keep]) in active_ids:
            keep += 1
        out.extend("</mark>" for _ in stack[keep:])
        kept_ids = {id(m) for m in stack[:keep]}
        stack = stack[:keep]
        for m in sorted((m for m in active if id(m) not in kept_ids), key=outer_first):
            out.append(_open(m, first=m.key not in opened))
            opened.add(m.key)
            stack.append(m)
        out.append(str(escape(text[lo:hi])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def _open(m: Mark, first: bool) -> str:
    attrs = f' class="ann ann-{escape(m.kind)}" data-ann="{escape(m.key)}" data-kind="{escape(m.kind)}"'
    if first:
        attrs += f' id="t-{escape(m.key)}"'
    if m.label:
        attrs += f' title="{escape(m.label)}"'
    return f"<mark{attrs}>"
