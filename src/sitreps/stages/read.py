"""Stub: the readers, replaced by the real implementation."""

from __future__ import annotations

from datetime import datetime

from ..records import Article


def parse_published(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value)


def article_from_text(text: str, *, id=None, url=None, title=None, published=None, origin="") -> Article:
    return Article(id=id, text=text, url=url, title=title, published=published, origin=origin)
