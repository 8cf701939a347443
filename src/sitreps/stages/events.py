"""Stage stub: replaced by the real implementation."""

from __future__ import annotations

from ..records import Document


def extract_events(doc: Document, ctx) -> Document:
    return doc
