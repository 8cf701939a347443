"""Near-duplicate texts (wire copies, re-publications) by MinHash/LSH over word shingles."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .summaries import LinkSettings

# ---------------------------------------------------------------------------- copies


def shingles(text: str, k: int = 5) -> set[str]:
    """Word k-shingles of a text (lower-cased words; a shorter text is one shingle)."""
    tokens = re.findall(r"\w+", text.lower())
    if len(tokens) <= k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + k]) for i in range(len(tokens) - k + 1)}


class Copies:
    """Near-duplicate texts, incrementally: `add(key, text)` returns the key of the first text
    it copies (itself when it copies none); `groups()` lists groups of two or more."""

    def __init__(self, settings: LinkSettings | None = None):
        from datasketch import MinHashLSH

        self.settings = settings or LinkSettings()
        self._lsh = MinHashLSH(threshold=self.settings.copy_jaccard, num_perm=self.settings.num_perm)
        self._hashes: dict[str, object] = {}
        self._first: dict[str, str] = {}  # key -> first key of its group
        self._order: dict[str, int] = {}

    def minhash(self, text: str):
        from datasketch import MinHash

        m = MinHash(num_perm=self.settings.num_perm)
        m.update_batch([s.encode("utf-8") for s in sorted(shingles(text, self.settings.shingle_words))])
        return m

    def add(self, key: str, text: str) -> str:
        if key in self._first:
            raise ValueError(f"{key!r} was added already")
        m = self.minhash(text)
        hits = [
            k for k in self._lsh.query(m)
            if self._hashes[k].jaccard(m) >= self.settings.copy_jaccard  # LSH gives candidates only
        ]
        first = min((self._first[k] for k in hits), key=self._order.__getitem__, default=key)
        self._order[key] = len(self._order)
        self._first[key] = first
        self._hashes[key] = m
        self._lsh.insert(key, m)
        return first

    def first_of(self, key: str) -> str:
        return self._first[key]

    def signature(self, key: str) -> bytes:
        """The MinHash of `key` as bytes (little-endian uint64s), to store and `restore`."""
        import numpy as np

        return np.asarray(self._hashes[key].hashvalues, dtype="<u8").tobytes()

    def restore(self, key: str, first: str, signature: bytes) -> None:
        """Put back a text added earlier (in the order it was added), from its stored
        `signature` and the first key of its group, without the text."""
        import numpy as np
        from datasketch import MinHash

        if key in self._first:
            raise ValueError(f"{key!r} was added already")
        blank = MinHash(num_perm=self.settings.num_perm)  # the scheme and dtype this datasketch uses
        values = np.frombuffer(signature, dtype="<u8")
        if len(values) != self.settings.num_perm:
            raise ValueError(f"signature of {key!r} has {len(values)} values, not {self.settings.num_perm}")
        m = MinHash(
            num_perm=self.settings.num_perm, hashvalues=values.astype(blank.hashvalues.dtype), scheme=blank.scheme
        )
        self._order[key] = len(self._order)
        self._first[key] = first if first in self._first else key
        self._hashes[key] = m
        self._lsh.insert(key, m)

    def groups(self) -> list[tuple[str, ...]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for key, first in self._first.items():
            grouped[first].append(key)
        return [tuple(keys) for keys in grouped.values() if len(keys) > 1]


def near_duplicates(
    texts: Iterable[tuple[str, str]], settings: LinkSettings | None = None
) -> list[tuple[str, ...]]:
    """Groups of near-duplicate texts among (key, text) pairs, in input order."""
    copies = Copies(settings)
    for key, text in texts:
        copies.add(key, text)
    return copies.groups()
