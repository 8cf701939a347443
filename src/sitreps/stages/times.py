"""Stage stub: replaced by the real implementation."""

from __future__ import annotations

from ..records import Document


def normalise_times(doc: Document, ctx) -> Document:
    return doc
