"""Small helpers over the plain Token records (no spaCy): index by offset, children, subtrees."""

from __future__ import annotations

from bisect import bisect_right

from ..records import Document, Token


class TokenIndex:
    """Fast look-ups over a document's tokens; built once per stage call."""

    def __init__(self, tokens: tuple[Token, ...]):
        self.tokens = tokens
        self._starts = [t.start for t in tokens]
        self._children: dict[int, list[int]] = {}
        for t in tokens:
            if t.head != t.i:
                self._children.setdefault(t.head, []).append(t.i)

    def at(self, offset: int) -> Token | None:
        """The token covering character `offset`, or None."""
        k = bisect_right(self._starts, offset) - 1
        if k >= 0 and self.tokens[k].start <= offset < self.tokens[k].end:
            return self.tokens[k]
        return None

    def in_span(self, start: int, end: int) -> list[Token]:
        k = bisect_right(self._starts, start - 1)
        out = []
        while k < len(self.tokens) and self.tokens[k].start < end:  # no slice: a copy of the tail per call
            if self.tokens[k].end <= end:
                out.append(self.tokens[k])
            k += 1
        return out

    def head_of_span(self, start: int, end: int) -> Token | None:
        """The token of the span whose head lies outside it (the syntactic root of the span)."""
        toks = self.in_span(start, end)
        ids = {t.i for t in toks}
        for t in toks:
            if t.head not in ids or t.head == t.i:
                return t
        return toks[0] if toks else None

    def children(self, i: int) -> list[Token]:
        return [self.tokens[c] for c in self._children.get(i, [])]

    def head(self, t: Token) -> Token:
        return self.tokens[t.head]

    def subtree(self, i: int) -> tuple[int, int]:
        """Character extent of token i's subtree."""
        lo = hi = i
        stack = [i]
        while stack:
            k = stack.pop()
            lo, hi = min(lo, k), max(hi, k)
            stack.extend(self._children.get(k, []))
        return self.tokens[lo].start, self.tokens[hi].end

    def ancestors(self, t: Token):
        seen = set()
        while t.head != t.i and t.i not in seen:
            seen.add(t.i)
            t = self.tokens[t.head]
            yield t

    def clause_verb(self, t: Token) -> Token | None:
        """The verb of the clause holding `t`: `t` itself when it is one, else its nearest verb ancestor."""
        if t.pos in ("VERB", "AUX"):
            return t
        return next((a for a in self.ancestors(t) if a.pos in ("VERB", "AUX")), None)

    def word(self, t: Token) -> list[Token]:
        """The tokens of the whole word `t` ends ("counter", "-", "attack"): the parse may hang
        the word's modifiers on any of them."""
        word = [t]
        while word[0].i > 0 and self.tokens[word[0].i - 1].end == word[0].start:
            word.insert(0, self.tokens[word[0].i - 1])
        return word

    def next(self, t: Token, k: int = 1) -> Token | None:
        j = t.i + k
        return self.tokens[j] if 0 <= j < len(self.tokens) else None


_RECENT: list[TokenIndex] = []


def index(doc: Document) -> TokenIndex:
    """The TokenIndex of `doc.tokens`, shared by the stages that run on the same document
    (matched by identity: hashing thousands of tokens per call would cost more than it saves)."""
    for idx in _RECENT:
        if idx.tokens is doc.tokens:
            return idx
    idx = TokenIndex(doc.tokens)
    _RECENT.insert(0, idx)
    del _RECENT[4:]
    return idx
