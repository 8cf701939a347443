"""`sitreps eval events`, second part: the project's hand-labelled sentences.

Each label (`labels/violent_sentences.jsonl`, see docs/annotation-events.md) names a sentence by
article id and character offsets into a text of `../shared/data/articles/` (the texts are not
in the repository). Each sentence is analysed alone, published at its article's date; a
sentence *yields* a violent event when `events.violent_events` finds one. Reported: the share
of `none` sentences that yield one (false alarms) and of `violent` sentences that do (recall).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from importlib import resources
from pathlib import Path

from ..errors import InputError
from . import json_lines, pct
from .events import FALSE_ALARM_TARGET, event_brief, violent_events


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    article: str
    start: int
    end: int
    label: str  # violent | none
    text: str = ""
    published: datetime | None = None


LABELS = ("violent", "none")


def default_labels():
    """The labels that ship with sitreps, or None when there are none."""
    path = resources.files("sitreps.evaluation").joinpath("labels", "violent_sentences.jsonl")
    return path if path.is_file() else None


def load_labels(path, limit: int | None = None) -> list[LabelledSentence]:
    """`{article, start, end, label}` lines; the sentences' text comes from `attach_text`."""
    labels = []
    for n, raw in json_lines(path, "a labelled sentence"):
        if limit is not None and len(labels) >= limit:
            break
        start, end = raw.get("start"), raw.get("end")
        if not isinstance(raw.get("article"), str) or type(start) is not int or type(end) is not int:
            raise InputError(f"{path}:{n}: a label needs article (a string), start and end (whole numbers)")
        if raw.get("label") not in LABELS:
            raise InputError(f"{path}:{n}: label is {raw.get('label')!r}, not one of {', '.join(LABELS)}")
        labels.append(LabelledSentence(raw["article"], start, end, raw["label"]))
    return labels


def load_articles(path: Path, wanted: set[str] | None = None) -> dict[str, tuple[datetime | None, str]]:
    """id -> (published, text) of the articles in a JSON lines file (only `wanted` ids if given)."""
    from ..stages.read import parse_published

    articles = {}
    for n, raw in json_lines(path, "an article"):
        key = str(raw.get("id", ""))
        if wanted is not None and key not in wanted:
            continue
        if not isinstance(raw.get("text"), str):
            raise InputError(f"{path}:{n}: article {key!r} has no text")
        try:
            published = parse_published(raw.get("published"))
        except (TypeError, ValueError) as exc:
            raise InputError(f"{path}:{n}: article {key!r}: published: {exc}") from None
        articles[key] = (published, raw["text"])
    return articles


def attach_text(
    labels: list[LabelledSentence], articles: dict[str, tuple[datetime | None, str]]
) -> list[LabelledSentence]:
    """Each label with its sentence and its article's date; every label that points nowhere is
    listed in one error."""
    problems, out = [], []
    for lab in labels:
        if lab.article not in articles:
            problems.append(f"{lab.article} (no such article)")
            continue
        published, text = articles[lab.article]
        if not 0 <= lab.start < lab.end <= len(text):
            problems.append(f"{lab.article} {lab.start}-{lab.end} (outside its {len(text)} characters)")
            continue
        out.append(replace(lab, text=text[lab.start : lab.end], published=published))
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise InputError(f"{len(problems)} labelled sentences do not match the articles: {shown}")
    return out


def labelled_sentences(labels_path, articles_path: Path, limit: int | None = None) -> list[LabelledSentence]:
    labels = load_labels(labels_path, limit=limit)
    return attach_text(labels, load_articles(articles_path, {lab.article for lab in labels}))


def evaluate_sentences(
    items: list[LabelledSentence], ctx, *, on_item: Callable[[], None] | None = None,
    mistakes: list | None = None,
) -> dict[str, dict]:
    from ..pipeline import Pipeline
    from ..stages.read import article_from_text

    pipeline = Pipeline(ctx)
    yields = {label: [0, 0] for label in LABELS}
    for item in items:
        article = article_from_text(item.text, id=f"{item.article}:{item.start}", published=item.published)
        doc = pipeline(article)
        found = violent_events(doc)
        yields[item.label][0] += 1
        yields[item.label][1] += bool(found)
        if mistakes is not None and bool(found) != (item.label == "violent"):
            mistakes.append({
                "dataset": "labels", "row": f"{item.article}:{item.start}-{item.end}",
                "field": "false alarm" if found else "violent sentence missed", "headline": item.text,
                "gold": item.label, "got": [event_brief(e) for e in found],
            })
        if on_item:
            on_item()
    (n_none, k_none), (n_violent, k_violent) = yields["none"], yields["violent"]
    return {
        "`none` sentences yielding a violent event (false alarms)": _line(n_none, k_none, FALSE_ALARM_TARGET),
        "`violent` sentences that yield one (recall)": _line(n_violent, k_violent, None),
    }


def _line(n: int, k: int, target: str | None) -> dict:
    return {"sentences": n, "yield an event": k, "%": pct(k, n), "target_%": target}
