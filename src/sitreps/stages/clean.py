"""The clean stage: the text every later span indexes into.

Cleaning is deliberately small and predictable:
1. newlines are normalised ("\\r\\n" and "\\r" become "\\n"); no other character is changed
   (no Unicode normalisation: curly quotes, dashes and non-Latin letters stay as they are);
2. scraped-news boilerplate matching the patterns in lexicons/promos.toml is cut out, and each
   piece is listed as `Removed(start, end, text, reason)` with offsets into `article.text`;
3. the whitespace at each cut is joined back: one space inside a line, none before punctuation,
   at most one blank line between paragraphs; whitespace elsewhere is left alone;
4. leading and trailing whitespace is stripped.
An article with nothing left gets the error note `clean.empty`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from ..lexicons import load_lexicon
from ..records import Document, Note, Removed

# A cut followed by one of these joins without a space: "shelled (Image: X)." -> "shelled."
_CLOSING = frozenset(".,;:!?)]}”’\"'")
_EDGE = re.compile(r"[ \t\n]*")


@dataclass(frozen=True)
class Promo:
    name: str
    reason: str
    pattern: re.Pattern


@cache
def load_promos() -> tuple[Promo, ...]:
    """The boilerplate patterns of lexicons/promos.toml, compiled once."""
    return tuple(
        Promo(p["name"], p["reason"], re.compile(p["pattern"], re.MULTILINE))
        for p in load_lexicon("promos")["promo"]
    )


def clean(doc: Document, ctx) -> Document:
    original = doc.article.text
    text, to_original = normalise_newlines(original)
    cuts = find_boilerplate(text)
    cleaned = join_around(text, cuts).strip()
    removed = tuple(
        Removed(to_original[s], to_original[e], original[to_original[s] : to_original[e]], reason)
        for s, e, reason in cuts
    )
    doc = replace(doc, text=cleaned, removed=removed)
    min_chars = ctx.settings.read.min_chars if ctx is not None else 1
    if len(cleaned) < max(min_chars, 1):
        what = "nothing" if not cleaned else f"only {len(cleaned)} characters"
        detail = f"After cleaning, {what} of the article text is left (read.min_chars is {min_chars})."
        doc = replace(doc, notes=doc.notes + (Note("clean", "clean.empty", detail, "error"),))
    elif ctx is not None:
        doc = _within_limits(doc, ctx.settings)
    return doc


def _within_limits(doc: Document, settings) -> Document:
    """A text past what one record may hold: more characters than nlp.max_length, or more lines
    than pipeline.max_lines (a list or a dump: thousands of one-word lines cost the parser as
    much as a book). By `pipeline.too_long`, its beginning up to the last paragraph (else
    sentence, else word) end within the limits is analysed, with a warning; or it is refused."""
    text, max_chars, max_lines = doc.text, settings.nlp.max_length, settings.pipeline.max_lines
    limit, why = len(text), []
    if len(text) > max_chars:
        limit = max_chars
        why.append(f"{len(text):,} characters, more than nlp.max_length ({max_chars:,})")
    if max_lines and text.count("\n") >= max_lines:
        nth = -1
        for _ in range(max_lines):
            nth = text.index("\n", nth + 1)
        limit = min(limit, nth)
        why.append(f"{text.count(chr(10)) + 1:,} lines, more than pipeline.max_lines ({max_lines:,})")
    if not why:
        return doc
    said = "The cleaned text has " + " and ".join(why)
    if settings.pipeline.too_long == "refuse":
        return replace(doc, notes=doc.notes + (Note("clean", "read.too_long", f"{said}; it was not analysed.", "error"),))
    head = text[:limit]
    cut = limit  # at a line break already (the lines limit), or no boundary near: cut there
    for sep, keep in (() if text[limit : limit + 1] == "\n" else (("\n\n", 0), ("\n", 0), (". ", 1), (" ", 0))):
        at = head.rfind(sep)
        if at >= limit // 2:
            cut = at + keep
            break
    kept = text[:cut].rstrip()
    detail = f"{said}; only the first {len(kept):,} characters were analysed."
    return replace(doc, text=kept, notes=doc.notes + (Note("clean", "clean.truncated", detail, "warning"),))


def normalise_newlines(text: str) -> tuple[str, list[int]]:
    """The text with "\\r\\n" and "\\r" as "\\n", and for every offset of it (and the end) the
    matching offset in `text`."""
    if "\r" not in text:
        return text, list(range(len(text) + 1))
    out, to_original = [], []
    i = 0
    while i < len(text):
        to_original.append(i)
        if text[i] == "\r":
            out.append("\n")
            i += 2 if text.startswith("\r\n", i) else 1
        else:
            out.append(text[i])
            i += 1
    to_original.append(len(text))
    return "".join(out), to_original


def find_boilerplate(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, reason) cuts, in text order. Of overlapping matches the one
    that starts first wins (the longest on a tie)."""
    matches = sorted(
        ((m.start(), m.end(), promo.reason) for promo in load_promos() for m in promo.pattern.finditer(text)),
        key=lambda c: (c[0], -c[1]),
    )
    cuts: list[tuple[int, int, str]] = []
    for start, end, reason in matches:
        if end > start and (not cuts or start >= cuts[-1][1]):
            cuts.append((start, end, reason))
    return cuts


def join_around(text: str, cuts: list[tuple[int, int, str]]) -> str:
    """`text` without the cut pieces. Only the whitespace touching a cut changes: the two sides
    keep the newlines of the wider one (at most one blank line), else one space if either had
    some, and no space before closing punctuation or at the start of the text."""
    if not cuts:
        return text
    bounds = [0, *(x for start, end, _ in cuts for x in (start, end)), len(text)]
    first = text[: bounds[1]]
    body = first.rstrip(" \t\n")
    parts, pending, has_body = [body], first[len(body) :], bool(body)
    for i in range(2, len(bounds), 2):
        segment = text[bounds[i] : bounds[i + 1]]
        lead = _EDGE.match(segment).group()
        body = segment[len(lead) :].rstrip(" \t\n")
        if not body:  # only whitespace between two cuts: keep the side with more newlines
            pending = lead if lead.count("\n") > pending.count("\n") else (pending or lead)
            continue
        parts.append(_gap(pending, lead, has_body, body[0]) + body)
        pending, has_body = segment[len(lead) + len(body) :], True
    parts.append(pending)
    return "".join(parts)


def _gap(left_ws: str, right_ws: str, has_left: bool, next_char: str) -> str:
    newlines = max(left_ws.count("\n"), right_ws.count("\n"))
    if newlines:
        indent = right_ws[right_ws.rfind("\n") + 1 :] if "\n" in right_ws else ""
        return "\n" * min(newlines, 2) + indent
    if not has_left or next_char in _CLOSING:
        return ""
    return " " if (left_ws or right_ws) else ""
