"""Records on every core, each under a time budget: a stuck record is stopped, stored as failed,
and the batch goes on.

    with Workers(pipeline, seconds=60, workers=2) as pool:
        for doc in pool.imap(articles):   # one Document per article, in input order; never raises
            store.save(doc)

Each worker is a process forked from this one after the model and the gazetteer are loaded, so
the workers share their memory and start in milliseconds; records go out one at a time to
whichever worker is free and come back as plain `Document`s, which the caller (the one writer)
gets in the order the articles came in, so the output does not depend on the number of workers.
A record still running after `seconds` is ended by killing its worker (`pipeline.timeout`); a
worker that dies (a crash in native code, the out-of-memory killer) costs only its record
(`pipeline.crash`). Either way the next record gets a fresh worker. Python exceptions inside a
stage never get this far: the pipeline itself turns them into `pipeline.crash` notes.

One worker with no budget (`seconds` = 0) runs records in this process. Where fork is unavailable
(Windows), more than one worker are spawned instead: each loads its own model from the settings,
and the budget starts once it is loaded.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait

from .pipeline import Context, Pipeline, passed
from .records import Article, Document, Note

log = logging.getLogger(__name__)

_WINDOW = 4  # records in flight or waiting to be handed back, per worker


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _context(method: str):
    try:
        return multiprocessing.get_context(method)
    except ValueError:
        return None


class Workers:
    def __init__(self, pipeline: Pipeline, seconds: float, workers: int = 1):
        self.pipeline = pipeline
        self.seconds = float(seconds or 0)
        self.workers = max(1, int(workers))
        self._mp = None
        self.start_method = None
        if self.workers > 1 or self.seconds > 0:
            self._mp = _context("fork")
            self.start_method = "fork" if self._mp is not None else None
            if self._mp is None and self.workers > 1:
                self._mp, self.start_method = _context("spawn"), "spawn"
        self._slots: list[_Slot] = []

    @property
    def budgeted(self) -> bool:
        return self._mp is not None and self.seconds > 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self._stop_all()  # Ctrl-C or an error in the caller: no waiting for the records in hand

    def __call__(self, article: Article) -> Document:
        """One record (under the budget, in a worker when there is one)."""
        return next(self.imap([article]))

    def imap(self, articles: Iterable[Article | Document]) -> Iterator[Document]:
        """One Document per article, in the order the articles come. A record that needs no
        analysis (`pipeline.passed`) takes no worker: records that all came analysed start none,
        and load no model."""
        if self._mp is None:
            for article in articles:
                yield self.pipeline(article)
            return
        source = iter(articles)
        done: dict[int, Document] = {}
        sent = handed = 0
        exhausted = False
        waiting: Article | None = None  # read, and waiting for a free worker
        while True:
            while not exhausted and sent - handed < _WINDOW * self.workers:
                article = waiting or next(source, None)
                waiting = None
                if article is None:
                    exhausted = True
                    break
                ready = passed(article)
                if ready is None:
                    slot = self._idle()
                    if slot is None:
                        waiting = article
                        break
                    slot.give(sent, article)
                else:
                    done[sent] = ready
                sent += 1
            while handed in done:
                yield done.pop(handed)
                handed += 1
            busy = [s for s in self._slots if s.job is not None]
            if not busy:
                if exhausted and handed == sent:
                    return
                continue
            self._collect(busy, done)

    def close(self) -> None:
        for slot in self._slots:
            slot.close()
        self._slots = []

    # -- the workers

    def _idle(self) -> _Slot | None:
        for slot in self._slots:
            if slot.job is None:
                return slot
        if len(self._slots) < self.workers:
            if self.start_method == "fork":
                self.pipeline.warm()
                gc.freeze()  # the objects loaded so far stay where they are: the workers' copies stay shared
            slot = _Slot(self._mp, self.pipeline, self.start_method)
            self._slots.append(slot)
            return slot
        return None

    def _collect(self, busy: list[_Slot], done: dict[int, Document]) -> None:
        """Wait for the first answer, or the first budget to run out, and file what came."""
        timeout = None
        if self.seconds > 0:
            now = time.monotonic()
            timeout = max(0.0, min(s.started + self.seconds for s in busy if s.started is not None) - now) \
                if any(s.started is not None for s in busy) else None
        ready = wait([s.conn for s in busy], timeout)
        for slot in busy:
            if slot.conn in ready:
                job, doc = slot.receive()
                if doc is not None:
                    done[job] = doc
        if self.seconds > 0:
            now = time.monotonic()
            for slot in busy:
                if slot.job is not None and slot.started is not None and now - slot.started >= self.seconds:
                    job = slot.job  # read before time_out frees the slot
                    done[job] = slot.time_out(self.seconds)

    def _stop_all(self) -> None:
        for slot in self._slots:
            slot.stop()
        self._slots = []


class _Slot:
    """One worker process and the record it holds."""

    def __init__(self, mp, pipeline: Pipeline, method: str):
        self._mp, self._pipeline, self._method = mp, pipeline, method
        self._proc = None
        self.conn: Connection | None = None
        self.job: int | None = None
        self.article: Article | None = None
        self.started: float | None = None
        self._ready = False

    def give(self, job: int, article: Article) -> None:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        self.job, self.article = job, article
        try:
            self.conn.send(article)
        except (OSError, ValueError):
            pass  # the worker died: its end of the pipe reports it when the answer is read
        self.started = time.monotonic() if self._ready else None

    def receive(self) -> tuple[int, Document | None]:
        """The worker's answer: (job, document); (job, None) when it only said it is ready."""
        job, article = self.job, self.article
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            code = self.stop()
            why = f"exit code {code}" if code is None or code >= 0 else f"signal {-code}"
            log.error("worker died on %s (%s): %s", article.origin or article.id, why, exc)
            detail = f"the worker process analysing this record died ({why}); this is a bug in sitreps or out of memory"
            self._free()
            return job, _failed(article, "pipeline.crash", detail)
        if message == _READY:
            self._ready, self.started = True, time.monotonic()
            return job, None
        self._free()
        return job, message

    def time_out(self, seconds: float) -> Document:
        article = self.article
        self.stop()
        self._free()
        detail = (f"analysis took longer than pipeline.record_seconds ({seconds:g} s) and was stopped; "
                  "raise the budget in the settings if such records are expected")
        return _failed(article, "pipeline.timeout", detail)

    def close(self) -> None:
        if self._proc is None:
            return
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self._proc.join(timeout=5)
        self.stop()

    def stop(self) -> int | None:
        """End the worker (if any) and say how it ended."""
        proc, conn = self._proc, self.conn
        self._proc = self.conn = None
        self._ready = False
        if proc is None:
            return None
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        if conn is not None:
            conn.close()
        return proc.exitcode

    def _free(self) -> None:
        self.job = self.article = self.started = None

    def _start(self) -> None:
        parent, child = self._mp.Pipe()
        if self._method == "fork":
            args = (child, parent, self._pipeline, None)
        else:  # spawn: the child builds its own pipeline from the settings (a loaded model does not pickle)
            args = (child, None, None, (self._pipeline.ctx.settings, self._pipeline.stages))
        self._proc = self._mp.Process(target=_serve, args=args, daemon=True, name="sitreps-record")
        self._proc.start()
        child.close()
        self.conn = parent


_READY = "ready"


def _serve(conn: Connection, parents_end: Connection | None, pipeline: Pipeline | None, recipe) -> None:
    """The worker: records in, documents out, until told to stop (None) or the pipe closes
    (the parent died: its end closes only if this process does not hold a copy of it too)."""
    if parents_end is not None:
        parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends this worker
    if pipeline is None:
        settings, stages = recipe
        pipeline = Pipeline(Context(settings), stages)
        pipeline.warm()
    gazetteer = pipeline.ctx.gazetteer_
    if hasattr(gazetteer, "reopen"):
        gazetteer.reopen()  # a SQLite connection must not be shared across a fork
    try:
        conn.send(_READY)
    except (BrokenPipeError, OSError):
        os._exit(0)
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
