"""`sitreps ingest --scheduler`: the records on a Dask cluster (sitreps.parallel) give the store
that one local worker gives, a worker killed midway loses and duplicates nothing, and a record's
own failures stay data, as locally.

One LocalCluster of two worker processes (one thread each) serves the module, started as
docs/scaling.md says workers should be: not as daemons, so they may fork the process that runs
records under the time budget. `allowed-failures` is 1 (Dask's default is 3) so that a record
that kills its worker is given up on after two deaths, not four.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'sitreps[cluster]' (dev has it)")

import dask  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402
from test_cli import KHARKIV_TEXT, LVIV_TEXT, flat, invoke, ok, store_counts, toml_str  # noqa: E402
from test_isolation import _misbehave  # noqa: E402

from sitreps import parallel  # noqa: E402
from sitreps.parallel import Cluster, Recipe  # noqa: E402
from sitreps.pipeline import Stage  # noqa: E402
from sitreps.settings import load_settings, with_overrides  # noqa: E402
from sitreps.stages.read import article_from_text  # noqa: E402
from sitreps.store import open_store  # noqa: E402

MISBEHAVE = (Stage("misbehave", _misbehave, ("article",), ("text",)),)  # from test_isolation: workers import it


@pytest.fixture(scope="module")
def cluster():
    with dask.config.set({"distributed.worker.daemon": False, "distributed.scheduler.allowed-failures": 1}):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.ERROR) as local:
            yield local.scheduler_address


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """The default gazetteer spelled out (as test_cli's settings), and small tasks, so that 24
    articles make several tasks on each worker."""
    path = tmp_path_factory.mktemp("cluster-config") / "settings.toml"
    path.write_text(f"[gazetteer]\npath = {toml_str(load_settings().gazetteer_path())}\n\n[cluster]\nbatch = 3\n",
                    encoding="utf-8")
    return path


def contents(db):
    with open_store(db) as store:
        docs = sorted(({k: v for k, v in d.items() if k not in ("ingested_at", "updated_at")}
                       for d in store.iter_documents()), key=lambda d: d["id"])
        failures = sorted((f["origin"], f["code"]) for f in store.failures())
    return docs, failures


def on_workers(address, fn):
    with Client(address, set_as_default=False) as client:
        return client.run(fn)


def loaded_pipeline():
    return None if parallel._loaded is None else id(parallel._loaded[1])


@pytest.mark.model
def test_a_cluster_stores_what_one_worker_stores(tmp_path, cluster, config):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(22):
        (folder / f"report-{i:02d}.txt").write_text(f"Report {i}. " + (KHARKIV_TEXT if i % 2 else LVIV_TEXT),
                                                    encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 4)

    one = ok("ingest", folder, "--db", tmp_path / "one.db", "--workers", "1", "--config", config)
    dask_ = ok("ingest", folder, "--db", tmp_path / "dask.db", "--scheduler", cluster, "--config", config)
    assert "22 new, 0 updated, 0 unchanged, 2 failed" in flat(one.stderr)
    assert flat(dask_.stderr).replace("dask.db", "one.db") == flat(one.stderr)
    assert contents(tmp_path / "dask.db") == contents(tmp_path / "one.db")

    # each worker process built the pipeline once (the plugin), and a second run uses it again
    built = on_workers(cluster, loaded_pipeline)
    assert len(built) == 2 and None not in built.values()
    again = ok("ingest", folder, "--db", tmp_path / "dask.db", "--scheduler", cluster, "--config", config)
    assert "0 new, 0 updated, 22 unchanged, 2 failed" in flat(again.stderr)
    assert on_workers(cluster, loaded_pipeline) == built


@pytest.mark.model
def test_a_worker_killed_midway_loses_nothing_and_duplicates_nothing(tmp_path, cluster, config):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(24):
        path = folder / f"{i:02d}.txt"
        path.write_text(f"Report {i}.\n\n" + (KHARKIV_TEXT + "\n" + LVIV_TEXT + "\n") * 4, encoding="utf-8")
    db = tmp_path / "killed.db"
    env = {**os.environ, "SITREPS_SCHEDULER": cluster}
    env.pop("SITREPS_CONFIG", None)
    proc = subprocess.Popen([sys.executable, "-c", "from sitreps.cli import app; app()", "ingest", str(folder),
                             "--db", str(db), "--config", str(config)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with Client(cluster, set_as_default=False) as client:
        pids = set(client.run(os.getpid).values())  # each worker process's own answer
        assert len(pids) == 2
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if db.exists() and store_counts(db)["articles"] >= 2:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the ingest ended before a worker could be killed"
        stored_at_kill = store_counts(db)["articles"]
        victim = sorted(pids)[0]
        os.kill(victim, signal.SIGKILL)
        _, err = proc.communicate(timeout=180)
        err = flat(err.decode("utf-8", "replace"))
        assert proc.returncode == 0 and "Traceback" not in err, err
        assert 2 <= stored_at_kill < 24
        # every article once: 24 saved as new, none saved a second time ("unchanged") or lost
        assert "24 new, 0 updated, 0 unchanged, 0 failed" in err
        with open_store(db) as store:
            ids = [d["id"] for d in store.iter_documents()]
        assert len(ids) == len(set(ids)) == 24
        client.wait_for_workers(2, timeout=60)  # the nanny started a fresh worker in its place
        assert victim not in set(client.run(os.getpid).values())


def test_a_records_own_failure_on_a_worker_is_a_failed_record_as_locally(cluster):
    """A stage that raises, a record past its budget and one that kills the process running it
    each cost only that record (the budget and the records process are isolation.Workers'),
    and the rest come back analysed, in input order."""
    texts = [f"record {k}" for k in range(20)]
    texts[5], texts[11], texts[15] = "SLOW five", "DIE eleven", "RAISE fifteen"
    settings = with_overrides(load_settings(), pipeline={"record_seconds": 1}, cluster={"batch": 3})
    with Cluster(cluster, settings, MISBEHAVE) as pool:
        docs = list(pool.imap(article_from_text(t, id=str(i)) for i, t in enumerate(texts)))
    assert [d.article.id for d in docs] == [str(i) for i in range(20)]
    codes = {i: [n.code for n in d.notes if n.level == "error"] for i, d in enumerate(docs)}
    assert codes[5] == ["pipeline.timeout"] and codes[11] == ["pipeline.crash"] and codes[15] == ["pipeline.crash"]
    assert all(docs[i].text == texts[i].upper() and not codes[i] for i in range(20) if i not in (5, 11, 15))


def test_a_record_that_kills_its_dask_worker_fails_alone(cluster):
    """Without a budget the records run in the Dask worker itself, so a record that kills its
    process kills the worker: its task goes to the other worker and kills that one too, taking
    the tasks queued there with it; the records of every task that failed so are run again one
    by one, each alone, and only the killer comes back failed."""
    texts = [f"record {k}" for k in range(12)]
    texts[6] = "DIE six"
    settings = with_overrides(load_settings(), pipeline={"record_seconds": 0}, cluster={"batch": 4})
    with Cluster(cluster, settings, MISBEHAVE) as pool:
        docs = list(pool.imap(article_from_text(t, id=str(i)) for i, t in enumerate(texts)))
    assert [d.text for d in docs] == [t.upper() if i != 6 else "" for i, t in enumerate(texts)]
    assert [n.code for n in docs[6].notes] == ["pipeline.crash"] and "died" in docs[6].notes[0].detail


def test_the_run_reads_on_when_the_tasks_in_flight_all_finish_at_once(cluster):
    """A slow first record holds back the hand-out while the other tasks finish: when it is
    done, every task in flight is too, and the window was full (batch 1, 2 worker threads: 6
    read, the 7th not yet). imap waited for a task when none was left to wait for, so the run
    never ended: what a worker killed midway made happen once in ~40 runs (its task, run again,
    finished last). The run goes in a thread so that a wait for nothing fails the test instead
    of hanging it."""
    texts = ["SLOW zero"] + [f"record {k}" for k in range(1, 9)]
    settings = with_overrides(load_settings(), pipeline={"record_seconds": 1}, cluster={"batch": 1})
    docs = []

    def run():
        with Cluster(cluster, settings, MISBEHAVE) as pool:
            docs.extend(pool.imap(article_from_text(t, id=str(i)) for i, t in enumerate(texts)))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)  # a bound on a hang, never a measure: the run takes about two seconds
    assert not thread.is_alive(), f"imap waits for a task with none in flight, after {len(docs)} records"
    assert [d.article.id for d in docs] == [str(i) for i in range(9)]
    assert [n.code for n in docs[0].notes] == ["pipeline.timeout"]
    assert [d.text for d in docs[1:]] == [t.upper() for t in texts[1:]]


def test_a_task_carries_settings_never_a_model():
    settings = load_settings()
    recipe = Recipe.of(with_overrides(settings, store={"path": "/somewhere/else.db"}))
    assert recipe == Recipe.of(settings)  # clients with other stores share a worker's loaded pipeline
    import pickle

    assert len(pickle.dumps(recipe)) < 5000


def test_daemon_workers_are_refused_with_the_fix_when_records_have_a_budget(tmp_path, config):
    with dask.config.set({"distributed.worker.daemon": True}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                         silence_logs=logging.CRITICAL) as daemons:
        result = invoke("ingest", tmp_path, "--db", tmp_path / "x.db", "--scheduler", daemons.scheduler_address,
                        "--config", config)
    assert result.exit_code == 2
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in flat(result.stderr) and "record_seconds = 0" in flat(result.stderr)


@pytest.mark.model
def test_a_worker_without_the_gazetteer_stops_the_run_with_its_reason(tmp_path, cluster):
    config = tmp_path / "settings.toml"
    config.write_text(f"[gazetteer]\npath = {toml_str(tmp_path / 'nowhere.sqlite')}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(KHARKIV_TEXT, encoding="utf-8")
    result = invoke("ingest", tmp_path / "a.txt", "--db", tmp_path / "x.db", "--scheduler", cluster, "--config", config)
    assert result.exit_code == 2
    message = flat(result.stderr)
    assert "cannot load the pipeline" in message and "nowhere.sqlite" in message and "sitreps gazetteer build" in message
    assert not (tmp_path / "x.db").exists()


def test_a_scheduler_unreachable_or_without_workers_is_a_clear_error(tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text("[cluster]\nconnect_seconds = 1\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(KHARKIV_TEXT, encoding="utf-8")

    def ingest(address):
        result = invoke("ingest", tmp_path / "a.txt", "--db", tmp_path / "x.db", "--scheduler", address,
                        "--config", config)
        assert result.exit_code == 2
        return flat(result.stderr)

    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in ingest("tcp://127.0.0.1:9")
    with LocalCluster(n_workers=0, dashboard_address=":0", silence_logs=logging.CRITICAL) as empty:
        assert "no worker joined the Dask scheduler" in ingest(empty.scheduler_address)
    assert not (tmp_path / "x.db").exists()
