"""The small public surface: analyse one text, or many articles, with one shared context."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .pipeline import Context, Pipeline
from .records import Article, Document
from .stages.read import article_from_text, parse_published


def analyze_text(
    text: str,
    *,
    published: str | None = None,
    url: str | None = None,
    title: str | None = None,
    id: str | None = None,
    ctx: Context | None = None,
) -> Document:
    article = article_from_text(text, id=id, url=url, title=title, published=parse_published(published))
    return Pipeline(ctx).__call__(article)


def analyze_articles(articles: Iterable[Article], ctx: Context | None = None) -> Iterator[Document]:
    return Pipeline(ctx).pipe(articles)
