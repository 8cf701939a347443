"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, listening only on
a Unix socket in that folder, stopped and removed at the end of the session.

    server = PostgresServer.start()        # raises Unavailable when PostgreSQL is not installed
    server.url                             # postgresql://postgres@/postgres?host=/tmp/sitreps-pg-...
    server.stop()

Run as root (as CI is), the server runs as the `postgres` user that Debian's package creates:
PostgreSQL refuses to run as root. Settings trade durability for speed (no fsync): the data is
thrown away anyway. `start(durable=True)` keeps PostgreSQL's own settings instead (every commit
flushed to disk), for benchmarks that compare its writes with SQLite's (benchmarks/pg.py).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class Unavailable(Exception):
    """PostgreSQL's server programs cannot be found or started here (the reason says which)."""


def bindir() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


@dataclass
class PostgresServer:
    root: Path
    bindir: Path
    user: str | None  # the system user the server runs as (None: this process's)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.root}"

    @classmethod
    def start(cls, *, durable: bool = False) -> PostgresServer:
        where = bindir()
        if where is None:
            raise Unavailable("PostgreSQL is not installed (apt-get install postgresql postgresql-15-postgis-3)")
        user = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` user to run the server as") from None
            user = "postgres"
        root = Path(tempfile.mkdtemp(prefix="sitreps-pg-"))
        if user is not None:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        server = cls(root, where, user)
        try:
            server._run("initdb", "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "--no-sync")  # fmt: skip
            options = f"-k {root} -c listen_addresses=''"
            if not durable:
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            server._run("pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-o", options, "-w", "start")
        except Unavailable:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return server

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        try:
            subprocess.run([str(self.bindir / program), *args], user=self.user, check=True, capture_output=True,
                           text=True, timeout=120, cwd=self.root)  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            output = getattr(exc, "stderr", "") or ""
            log = self.root / "log"
            if log.exists():
                output += log.read_text(errors="replace")[-2000:]
            raise Unavailable(f"{program} failed: {exc}\n{output.strip()}") from exc
