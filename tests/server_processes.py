"""Team servers as real processes: `aar serve` on a free port, its database prepared first.

Each server runs in its own process group (uvicorn's workers with it), so a test
can kill it as a crash would, and stop whatever is left of it afterwards.
A server that does not answer is a failure that shows what it printed.

On PostgreSQL these tests use a database of their own, ``afteraction_test_servers``,
emptied per test: each runs for seconds, during which another test run on the same
machine may empty the shared ``afteraction_test`` (and would find it emptied by them).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest

from afteraction.service.team.context import SYSTEM, Team
from afteraction.service.team.postmortems import import_postmortem
from tests.server_support import People, database_url, make_people, postgres_url, team_settings

AAR = Path(sys.executable).with_name("aar")
API = "/api/v1"
START_SECONDS = 30
STOP_SECONDS = 10
PG_DATABASE = "afteraction_test_servers"


def server_database(backend: str, folder: Path) -> str:
    """Return an empty database of ``backend`` for one test (skip if PostgreSQL is absent)."""
    if backend == "sqlite":
        return database_url(backend, folder)
    return postgres_url(PG_DATABASE)


def prepare(folder: Path, url: str, *bodies: bytes) -> tuple[People, list[str]]:
    """Upgrade the database at ``url``, add the people, import ``bodies``; return people and IDs."""
    team = Team.open(team_settings(folder, url))
    try:
        team.database.upgrade()
        people = make_people(team)
        refs = [import_postmortem(team, SYSTEM, body).data["id"] for body in bodies]
    finally:
        team.database.dispose()
    return people, refs


def free_port() -> int:
    """Return a TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """One `aar serve` process (the leader of its own process group) and where it logs."""

    process: subprocess.Popen[bytes]
    base: str
    stdout: Path
    stderr: Path

    def output(self) -> str:
        """Return what the server printed, stderr first."""
        err = self.stderr.read_text(errors="replace")
        out = self.stdout.read_text(errors="replace")
        return f"--- stderr ---\n{err[-8000:]}\n--- stdout ---\n{out[-2000:]}"

    def wait_ready(self) -> None:
        """Wait until the API answers; fail the test (with its output) if it never does."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"aar serve exited with {self.process.returncode}:\n{self.output()}",
                    pytrace=False,
                )
            try:
                if httpx.get(f"{self.base}{API}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(
            f"aar serve did not answer within {START_SECONDS} s:\n{self.output()}", pytrace=False
        )

    def workers(self) -> list[int]:
        """Return the process IDs of the uvicorn workers (the server's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = [int(pid) for pid in children.read_text().split()]
        # Its other child is multiprocessing's resource tracker.
        return [pid for pid in found if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]

    def kill(self) -> None:
        """Kill the server and its workers at once (SIGKILL), as a crash or power cut would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop the server and its workers (SIGTERM, then SIGKILL if they linger)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(folder: Path, url: str, workers: int, name: str) -> Server:
    """Start `aar serve` on ``url`` in ``folder`` (not waiting for it to answer)."""
    port = free_port()
    stdout, stderr = folder / f"{name}.stdout", folder / f"{name}.stderr"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERACTION_")}
    command = [str(AAR), "serve", "--port", str(port), "--workers", str(workers)]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [*command, "--database", url],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    return Server(process, f"http://127.0.0.1:{port}", stdout, stderr)
