"""Records on a Dask distributed cluster: `sitreps ingest --scheduler tcp://HOST:8786`.

    with Cluster("tcp://10.0.0.5:8786", settings) as pool:
        for doc in pool.imap(articles):   # one Document per article, in input order; never raises for a record
            store.save(doc)

This process, the client, reads the articles and sends them to the cluster as tasks of
`[cluster] batch` plain `Article`s; each task hands back plain `Document`s, which `imap` gives
out in the order the articles came in, as `isolation.Workers` does. The caller stays the one
writer, so the store is the one `--workers 1` makes.

No task carries a model. `Cluster` first registers a `PipelinePlugin` holding the settings (their
values: the client's settings file need not exist on a worker), and every worker process, also
one that joins or restarts later, builds the pipeline from them once and keeps it for every task
and for later runs with the same settings. `dask worker --preload sitreps.parallel` builds it as
the worker starts, from the worker's own settings (SITREPS_CONFIG). A worker never builds the
gazetteer: it opens `[gazetteer] path` read-only, and a worker that cannot (or cannot load the
model) fails the plugin, so the run stops at once with that worker's reason (`ClusterError`).

On a worker, a task's records run one at a time through `isolation.Workers`: in a process forked
from the worker after the model loaded, under `[pipeline] record_seconds`, so a stuck record or
one that kills its process costs only itself (`pipeline.timeout`, `pipeline.crash`), as
locally. Dask starts worker processes as daemons, which may not start processes of their own:
run the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False, or set record_seconds = 0 to run
records in the worker process itself, without a budget.

A worker process that dies (killed, out of memory) loses nothing: the scheduler runs its tasks
again on another worker, and the client takes each task's answer once. A task that killed more
workers than `distributed.scheduler.allowed-failures` (a record without a budget, which runs in
the worker process itself, can kill it) has its records run again one by one, each alone on the
cluster, and a record that kills its worker then comes back failed (`pipeline.crash`). A task that
raises is retried `[cluster] retries` times, then the run stops with a `ClusterError`, as it does
when no worker joins, or none is left, for `[cluster] connect_seconds`; what was saved stays
saved, and the same command again completes the run (saves are idempotent).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from distributed import Client, Future, KilledWorker, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from . import __version__
from .errors import ClusterError, SitrepsError
from .isolation import Workers
from .pipeline import Context, Pipeline, Stage, passed
from .records import Article, Document, Note
from .settings import ClusterSettings, Settings, load_settings, with_overrides

log = logging.getLogger(__name__)

PLUGIN = "sitreps-pipeline"
_WINDOW = 3  # tasks in flight or waiting to be handed back, per worker thread
_DAEMON_HINT = (
    "Dask started it as a daemon process, and a daemon may not start the process that runs records under "
    "[pipeline] record_seconds: start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False "
    "(docs/scaling.md), or set record_seconds = 0 to run records without a time budget"
)
_GAZETTEER_HINT = (
    "build it once (`sitreps gazetteer build`) and set [gazetteer] path to a copy every worker can read "
    "(docs/scaling.md)"
)


@dataclass(frozen=True)
class Recipe:
    """What a worker builds its pipeline from: the settings that shape the analysis, without
    those that differ between clients that may share a loaded pipeline (the store's path, the
    settings files' names, the number of local workers, the cluster section), and the stages
    (None: the default ones; tests give others)."""

    settings: Settings
    stages: tuple[Stage, ...] | None = None
    version: str = __version__

    @classmethod
    def of(cls, settings: Settings, stages: tuple[Stage, ...] | None = None) -> Recipe:
        kept = with_overrides(settings, store={"path": ""}, pipeline={"workers": 0})
        return cls(replace(kept, cluster=ClusterSettings(), source=()), stages)


# -- the worker's side: one pipeline per worker process, one records process per worker thread

_lock = threading.Lock()
_loaded: tuple[Recipe, Pipeline] | None = None
_local = threading.local()


def pipeline_for(recipe: Recipe, where: str = "") -> Pipeline:
    """This worker process's pipeline for `recipe`, built on first use and kept. One is kept at
    a time (a loaded model is ~300 MB): a run with other settings replaces it."""
    global _loaded
    with _lock:
        if _loaded is None or _loaded[0] != recipe:
            _loaded = None
            _loaded = (recipe, _build(recipe, where or _here()))
        return _loaded[1]


def _build(recipe: Recipe, where: str) -> Pipeline:
    if recipe.version != __version__:
        raise ClusterError(f"the worker {where} runs sitreps {__version__} and the client {recipe.version}: "
                           "install the same version on both")
    settings = recipe.settings
    if settings.pipeline.record_seconds > 0 and hasattr(os, "fork") and multiprocessing.current_process().daemon:
        raise ClusterError(f"the worker {where} cannot run records under a time budget: {_DAEMON_HINT}")
    pipeline = Pipeline(Context(settings), recipe.stages)
    if not any(stage.name == "nlp" for stage in pipeline.stages):
        return pipeline  # nothing to load (what warm() loads is the model, with the gazetteer)
    from .gazetteer.sqlite import SQLiteGazetteer

    path = settings.gazetteer_path()
    try:
        if not path.is_file():
            raise ClusterError(f"no gazetteer at {path}: {_GAZETTEER_HINT}")
        pipeline.ctx.gazetteer_ = SQLiteGazetteer(path)  # opened read-only, never built here
        pipeline.warm()
    except SitrepsError as exc:
        raise ClusterError(f"the worker {where} cannot load the pipeline: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - whatever stops the model loading, the client must hear why
        raise ClusterError(f"the worker {where} cannot load the pipeline: {type(exc).__name__}: {exc}") from None
    return pipeline


def _here() -> str:
    try:
        return get_worker().address
    except ValueError:  # not in a task: a preload or a test
        return f"process {os.getpid()}"


def analyse(articles: list[Article], recipe: Recipe) -> list[Document]:
    """The task: a batch of records through this worker's pipeline, one Document per article."""
    pipeline = pipeline_for(recipe)
    runner = getattr(_local, "runner", None)
    if runner is None or runner.pipeline is not pipeline:
        if runner is not None:
            runner.close()
        runner = _local.runner = Workers(pipeline, recipe.settings.pipeline.record_seconds, 1)
    return list(runner.imap(articles))


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline of `recipe` in every worker process, as it joins or when registered.
    The model loads in a thread, so the worker keeps answering the scheduler meanwhile."""

    name = PLUGIN

    def __init__(self, recipe: Recipe):
        self.recipe = recipe

    async def setup(self, worker) -> None:
        await asyncio.get_running_loop().run_in_executor(None, pipeline_for, self.recipe, worker.address)


def dask_setup(worker) -> None:
    """`dask worker --preload sitreps.parallel`: build the pipeline of this worker's own settings
    (SITREPS_CONFIG, else the defaults) as it starts, so a run with the same settings finds it
    loaded. Dask logs a preload's error and starts the worker anyway: a worker that cannot load
    the pipeline says why in its log, and the first run's plugin stops on the same reason."""
    pipeline_for(Recipe.of(load_settings()), f"{getattr(worker, 'name', '')} (preload)")


# -- the client's side


class Cluster:
    """Records out to the workers of the Dask scheduler at `address`, Documents back in input
    order (see the module's docstring)."""

    def __init__(self, address: str, settings: Settings, stages: tuple[Stage, ...] | None = None):
        self.address = address
        self.recipe = Recipe.of(settings, stages)
        self.batch = settings.cluster.batch
        self.retries = settings.cluster.retries
        self.seconds = settings.cluster.connect_seconds
        self.client: Client | None = None
        self._run = uuid.uuid4().hex[:12]
        self._sent = 0

    def __enter__(self) -> Cluster:
        try:
            self.client = Client(self.address, timeout=self.seconds, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - an address that does not parse, a refused or timed-out connection
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            try:
                self.client.wait_for_workers(1, timeout=self.seconds)
            except TimeoutError:
                raise ClusterError(f"no worker joined the Dask scheduler at {self.address} within "
                                   f"{self.seconds:g} s (cluster.connect_seconds)") from None
            except Exception as exc:  # noqa: BLE001 - the scheduler went away meanwhile
                raise _stop(exc) from None
            try:
                self.client.register_plugin(PipelinePlugin(self.recipe))
            except Exception as exc:  # noqa: BLE001 - a worker's reason, whatever its type
                self._forget_plugin()  # or a worker that restarts later would fail to start on it
                raise _stop(exc) from None
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect: the scheduler drops whatever this run still had queued. The workers keep
        their pipeline for the next run with the same settings."""
        if self.client is not None:
            self._forget_plugin()
            self.client.close()
            self.client = None

    def _forget_plugin(self) -> None:
        try:
            self.client.unregister_worker_plugin(PLUGIN)
        except Exception:  # noqa: BLE001 - not registered, or the scheduler is gone: nothing to undo
            pass

    def imap(self, articles: Iterable[Article | Document]) -> Iterator[Document]:
        """One Document per article, in the order the articles come."""
        source = iter(articles)
        waiting: dict[int, Article] = {}  # sent and not handed back yet, by input position
        done: dict[int, Document] = {}
        tasks = as_completed(loop=self.client.loop)
        batches: dict[Future, list[int]] = {}
        suspects: deque[int] = deque()  # records of tasks that kept killing their workers
        alone: Future | None = None  # the one suspect running with nothing else of this run
        read = handed = 0
        exhausted = False
        limit = self.batch * _WINDOW * max(1, sum(self.client.nthreads().values()))
        while True:
            while not suspects and not exhausted and read - handed < limit:
                batch = []
                while len(batch) < self.batch:
                    article = next(source, None)
                    if article is None:
                        exhausted = True
                        break
                    ready = passed(article)  # already analysed, or a reader's refusal: not for the cluster
                    if ready is not None:
                        done[read] = ready
                    else:
                        waiting[read] = article
                        batch.append(read)
                    read += 1
                if batch:
                    tasks.add(self._submit(batch, waiting, batches))
            if suspects and not batches:
                alone = self._submit([suspects.popleft()], waiting, batches)
                tasks.add(alone)
            while handed in done:
                waiting.pop(handed, None)
                yield done.pop(handed)
                handed += 1
            if exhausted and handed == read:
                return
            if not batches:
                # every task in flight came back at once, while the window was full: read on
                # (or find the input's end) before waiting, for there is nothing to wait for
                continue
            for future in self._finished(tasks):
                positions = batches.pop(future)
                try:
                    docs = future.result()
                except KilledWorker as exc:
                    # The scheduler blames every task a dying worker held, so a task's records
                    # are only suspects until one kills a worker while nothing else of ours runs.
                    if future is alone:
                        done[positions[0]] = _killer(waiting[positions[0]], exc)
                    else:
                        suspects.extend(positions)
                    continue
                except Exception as exc:  # noqa: BLE001 - a broken worker or scheduler: the run stops, clearly
                    raise _stop(exc) from None
                finally:
                    future.release()
                if len(docs) != len(positions):
                    raise ClusterError(f"a task gave back {len(docs)} records for {len(positions)}: a bug in sitreps")
                done.update(zip(positions, docs))

    def _finished(self, tasks: as_completed) -> list[Future]:
        """The tasks that are done, once one is. A scheduler left without workers ends the run
        (after cluster.connect_seconds with nothing done), rather than waiting for ever."""
        since = time.monotonic()
        while not tasks.has_ready():
            time.sleep(0.02)  # as as_completed's own blocking wait polls (its timeout is for the whole run)
            if time.monotonic() - since >= self.seconds:
                if not self.client.nthreads():
                    raise ClusterError(f"the Dask scheduler at {self.address} has no workers left; what was saved "
                                       "stays saved, and the same command again completes the run")
                since = time.monotonic()
        return tasks.next_batch(block=False)

    def _submit(self, positions: list[int], waiting: dict[int, Article], batches: dict[Future, list[int]]) -> Future:
        self._sent += 1
        future = self.client.submit(analyse, [waiting[p] for p in positions], self.recipe,
                                    key=f"sitreps-analyse-{self._run}-{self._sent}", retries=self.retries)
        batches[future] = positions
        return future


def _stop(exc: BaseException) -> ClusterError:
    """The error that ends a run, from what a task or the plugin raised on a worker."""
    if isinstance(exc, ClusterError):
        return exc
    if isinstance(exc, SitrepsError):
        return ClusterError(str(exc))
    return ClusterError(f"the cluster failed a task ({type(exc).__name__}: {exc}); what was saved stays "
                        "saved, and the same command again completes the run")


def _killer(article: Article, exc: KilledWorker) -> Document:
    detail = (f"every Dask worker that analysed this record died ({exc.allowed_failures + 1} of them, "
              "distributed.scheduler.allowed-failures), the last while it ran alone; this is a bug in sitreps "
              "or out of memory")
    log.error("%s: %s", article.origin or article.id, detail)
    return Document(article=article, notes=article.notes + (Note("pipeline", "pipeline.crash", detail, "error"),))
