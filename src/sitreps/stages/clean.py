"""Stage stub: replaced by the real implementation."""

from __future__ import annotations

from dataclasses import replace

from ..records import Document


def clean(doc: Document, ctx) -> Document:
    return replace(doc, text=doc.article.text.strip())
