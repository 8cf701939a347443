"""The pipeline: one loop over named stages.

    read -> clean -> nlp -> places -> times -> quotes -> claims -> actors -> events

`read` turns inputs into `Article`s (see stages/read.py); every other stage is a plain function
`fn(doc, ctx) -> Document` that returns a new Document. Each stage declares the Document fields
it needs and gives, and `check_order` verifies once that every need is given upstream. A record
read back from an export is a Document already: it goes through no stage (`passed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .records import Article, Document, Note
from .settings import Settings, load_settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .gazetteer import Gazetteer


@dataclass
class Context:
    """What stages depend on. Heavy parts load lazily, so a test passes in only what it needs:
    `Context(settings, gazetteer=MemoryGazetteer([...]))` runs the place stage without a model."""

    settings: Settings = field(default_factory=load_settings)
    gazetteer_: Any = None
    nlp_: Any = None
    progress: Callable[[str], None] | None = None  # told about slow one-off work (gazetteer build)

    @property
    def gazetteer(self) -> Gazetteer:
        if self.gazetteer_ is None:
            from .gazetteer import open_gazetteer

            self.gazetteer_ = open_gazetteer(self.settings, progress=self.progress)
        return self.gazetteer_

    @property
    def nlp(self):
        if self.nlp_ is None:
            from .stages.nlp import load_model

            self.nlp_ = load_model(self.settings, self.gazetteer)
        return self.nlp_

    @cached_property
    def lexicons(self):
        from .lexicons import load_lexicons

        return load_lexicons()


StageFn = Callable[[Document, Context], Document]


@dataclass(frozen=True)
class Stage:
    name: str
    fn: StageFn
    needs: tuple[str, ...]
    gives: tuple[str, ...]


def default_stages() -> tuple[Stage, ...]:
    from .stages.actors import find_actors
    from .stages.claims import find_claims
    from .stages.clean import clean
    from .stages.events import extract_events
    from .stages.nlp import parse
    from .stages.places import geoparse
    from .stages.quotes import find_quotes
    from .stages.times import normalise_times

    return (
        Stage("clean", clean, ("article",), ("text", "removed")),
        Stage("nlp", parse, ("text",), ("sentences", "tokens", "entities")),
        Stage("places", geoparse, ("entities",), ("places",)),
        Stage("times", normalise_times, ("entities",), ("times", "article")),  # an early stamp is corrected
        Stage("quotes", find_quotes, ("sentences", "tokens", "entities"), ("quotes",)),
        Stage("claims", find_claims, ("sentences", "tokens", "quotes"), ("claims",)),
        Stage("actors", find_actors, ("tokens", "entities", "places"), ("actors",)),
        Stage(
            "events",
            extract_events,
            ("tokens", "places", "times", "claims", "actors"),
            ("events",),
        ),
    )


def check_order(stages: Iterable[Stage]) -> None:
    """Raise if a stage needs a field that no earlier stage gives."""
    given = {"article"}
    for stage in stages:
        missing = set(stage.needs) - given
        if missing:
            raise ValueError(f"stage {stage.name!r} needs {sorted(missing)} before it runs")
        given |= set(stage.gives)


class Pipeline:
    def __init__(self, ctx: Context | None = None, stages: tuple[Stage, ...] | None = None):
        self.ctx = ctx or Context()
        self.stages = stages if stages is not None else default_stages()
        check_order(self.stages)

    def __call__(self, article: Article | Document) -> Document:
        """One record through every stage. A stage that raises does not sink the batch: the
        record comes back failed with a `pipeline.crash` note naming the stage and the
        exception type (the traceback goes to the log), and whatever it had before is dropped.
        A record that needs no analysis comes back as it is (`passed`)."""
        done = passed(article)
        if done is not None:
            return done
        doc = Document(article=article, notes=article.notes)
        for stage in self.stages:
            try:
                doc = stage.fn(doc, self.ctx)
            except Exception as exc:  # noqa: BLE001 - any bug in a stage is this record's failure
                return crashed(article, stage.name, exc)
            if doc.failed:
                break
        return doc

    def warm(self) -> None:
        """Load what the stages need (the model and the gazetteer) now, not on the first record:
        a worker forked afterwards shares them."""
        if any(stage.name == "nlp" for stage in self.stages):
            self.ctx.nlp

    def pipe(self, articles: Iterable[Article | Document]) -> Iterator[Document]:
        for article in articles:
            yield self(article)


def passed(record: Article | Document) -> Document | None:
    """The Document of a record that goes through no stage, else None: a record already
    analysed (read back from an export: stored as it is) or an article the reader refused (its
    notes say why). Worker pools hand these back themselves: no worker, no model for them."""
    if isinstance(record, Document):
        return record
    if record.failed:
        return Document(article=record, notes=record.notes)
    return None


def crashed(article: Article, stage: str, exc: BaseException) -> Document:
    """A record that a bug stopped: its article and notes, and an error saying where and what."""
    log.error("%s crashed in stage %s", article.origin or article.id, stage, exc_info=exc)
    detail = f"the {stage} stage raised {type(exc).__name__}; this is a bug in sitreps (the log has the traceback)"
    return Document(article=article, notes=article.notes + (Note(stage, "pipeline.crash", detail, "error"),))


def add_note(doc: Document, stage: str, code: str, detail: str = "", level: str = "info") -> Document:
    return replace(doc, notes=doc.notes + (Note(stage, code, detail, level),))
