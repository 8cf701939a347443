"""Records under a time budget: a stuck record is stopped, stored as failed, and the batch goes on.

    with Isolated(pipeline, seconds=60) as run:
        for article in articles:
            doc = run(article)        # a Document, always; never raises for a bad record

The pipeline runs in one worker process forked from this one after the model and the gazetteer
are loaded, so the worker shares their memory and starts in milliseconds. A record still running
after `seconds` is ended by killing the worker (`pipeline.timeout`); a worker that dies (a crash in
native code, the out-of-memory killer) costs only its record (`pipeline.crash`). Either way the
next record gets a fresh worker. Python exceptions inside a stage never get this far: the pipeline
itself turns them into `pipeline.crash` notes.

Where fork is unavailable (Windows, or `seconds` = 0) records run in this process, unbudgeted.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection

from .pipeline import Pipeline
from .records import Article, Document, Note

log = logging.getLogger(__name__)


def _fork_context():
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


class Isolated:
    def __init__(self, pipeline: Pipeline, seconds: float):
        self.pipeline = pipeline
        self.seconds = float(seconds or 0)
        self._mp = _fork_context() if self.seconds > 0 else None
        self._proc = None
        self._conn: Connection | None = None

    @property
    def budgeted(self) -> bool:
        return self._mp is not None

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self._stop()  # Ctrl-C or an error in the caller: no waiting for the record in hand

    def __call__(self, article: Article) -> Document:
        if self._mp is None or article.failed:
            return self.pipeline(article)
        conn = self._worker()
        try:
            conn.send(article)
            if conn.poll(self.seconds):
                return conn.recv()
        except (EOFError, OSError) as exc:
            code = self._stop()
            why = f"exit code {code}" if code is None or code >= 0 else f"signal {-code}"
            log.error("worker died on %s (%s): %s", article.origin or article.id, why, exc)
            detail = f"the worker process analysing this record died ({why}); this is a bug in sitreps or out of memory"
            return _failed(article, "pipeline.crash", detail)
        self._stop()
        detail = (f"analysis took longer than pipeline.record_seconds ({self.seconds:g} s) and was stopped; "
                  "raise the budget in the settings if such records are expected")
        return _failed(article, "pipeline.timeout", detail)

    def close(self) -> None:
        if self._proc is None:
            return
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._proc.join(timeout=5)
        self._stop()

    # -- the worker

    def _worker(self) -> Connection:
        if self._proc is not None and self._proc.is_alive():
            return self._conn
        self._stop()
        self.pipeline.warm()
        parent, child = self._mp.Pipe()
        self._proc = self._mp.Process(target=_serve, args=(child, parent, self.pipeline), daemon=True, name="sitreps-record")
        self._proc.start()
        child.close()
        self._conn = parent
        return parent

    def _stop(self) -> int | None:
        """End the worker (if any) and say how it ended."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is None:
            return None
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        if conn is not None:
            conn.close()
        return proc.exitcode


def _serve(conn: Connection, parents_end: Connection, pipeline: Pipeline) -> None:
    """The worker: records in, documents out, until told to stop (None) or the pipe closes
    (the parent died: its end closes only if this process does not hold a copy of it too)."""
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends this worker
    gazetteer = pipeline.ctx.gazetteer_
    if hasattr(gazetteer, "reopen"):
        gazetteer.reopen()  # a SQLite connection must not be shared across a fork
    while True:
        try:
            article = conn.recv()
        except (EOFError, OSError):
            break
        if article is None:
            break
        doc = pipeline(article)
        try:
            conn.send(doc)
        except (BrokenPipeError, OSError):
            break  # the parent is gone (killed): nothing to answer
    conn.close()
    os._exit(0)  # no atexit handlers or finalisers of the parent's objects in the child


def _failed(article: Article, code: str, detail: str) -> Document:
    return Document(article=article, notes=article.notes + (Note("pipeline", code, detail, "error"),))
