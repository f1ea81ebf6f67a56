"""Postmortems for bench/server_load.py, and their load into the team server's database.

Run: .venv/bin/python bench/server_data.py FOLDER [COUNT]

Writes COUNT postmortems (default 10,000) in FOLDER, or only the ones it
lacks: the files are the same for the same index, so a folder written once
serves every later run (and a smaller COUNT takes the first files). Each is
the demo incident in one built-in profile, in turn, as bench/lint_speed.py
writes it (about 6 KB: 30 timeline events, 9 action items), and besides:

- its own day (20 incidents a day from 2020-01-01; the demo's day replaced
  by it throughout the text), so a ``since`` filter keeps some and not others;
- its profile's severities and statuses in turn, so those filters do too;
- front matter with two tags of eight, a component and its owners, the
  labels the server's ``tag`` and ``owner`` filters read.

A file is named ``NNNNN-ID.md``: its index, then its incident ID.

:func:`load` gives a database of either kind its users and these
postmortems: the first 200 through the import use case (a transaction
each, what ``POST /postmortems/import`` runs, timed for its cost), the rest
through the same SQL store in batches of 100 to a transaction, from a
process per core on PostgreSQL (SQLite takes one writer at a time).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.lint.config import LintConfig
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.profiles.ids import format_id
from afteraction.service.team import users
from afteraction.service.team.context import SYSTEM, Team, sql
from afteraction.service.team.postmortems import import_postmortem
from afteraction.settings import Settings
from afteraction.store.sql.config import ServerConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lint_speed import grow

FIRST_DAY = date(2020, 1, 1)
PER_DAY = 20
DEMO_START = datetime(2026, 11, 3, 14, 2, tzinfo=UTC)
DEMO_DAY = DEMO_START.date().isoformat()
TAGS = ("db", "network", "deploy", "config", "capacity", "dns", "auth", "cache")
COMPONENTS = ("order-gateway", "risk-engine", "pricing", "ledger", "checkout", "search")
ACTION_ITEMS = 9
"""Action items in every postmortem, numbered 1 to 9."""
PG_DATABASE = "afteraction_bench"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_BENCH = f"host=127.0.0.1 port=5432 user=postgres dbname={PG_DATABASE}"
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
SERVICE_SAMPLE = 200
BATCH = 100


def day_of(index: int) -> date:
    """Return the day of the ``index``-th postmortem."""
    return FIRST_DAY + timedelta(days=index // PER_DAY)


def postmortem(index: int, profile: Profile) -> tuple[str, str]:
    """Return the incident ID and Markdown text of the ``index``-th postmortem."""
    record = demo_record(profile)
    day = day_of(index)
    record.id = format_id(profile.id_pattern, day, index % PER_DAY + 1)
    turn = index // 6
    if profile.severity:
        record.severity = profile.severity[turn % len(profile.severity)].name
    if profile.statuses:
        record.status = profile.statuses[turn % len(profile.statuses)].name
    grow(
        record,
        profile,
        DEMO_START,
        day + timedelta(days=30),
        ACTION_ITEMS - len(record.action_items),
    )
    first = index % len(TAGS)
    second = (first + 1 + index // len(TAGS) % (len(TAGS) - 1)) % len(TAGS)
    tags = f"{TAGS[first]}, {TAGS[second]}"
    front = (
        f"---\ntags: [{tags}]\ncomponent: {COMPONENTS[index % len(COMPONENTS)]}\n"
        "owners: [sam.okafor, maria.lopez]\n---\n"
    )
    assert record.id is not None
    # The demo's day is written in places the record does not hold (text the profile keeps
    # as written): move it in the text, every time with it.
    text = render_markdown(record, profile).replace(DEMO_DAY, day.isoformat())
    return record.id, front + text


def ensure(folder: Path, count: int) -> list[Path]:
    """Return the first ``count`` postmortems of ``folder``, writing those it lacks."""
    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob("[0-9]*-*.md"))
    if len(found) < count:
        registry = ProfileRegistry.discover()
        profiles = [registry.get(n) for n in registry.names()]
        for index in range(len(found), count):
            ref, text = postmortem(index, profiles[index % len(profiles)])
            (folder / f"{index:05d}-{ref}.md").write_text(text, encoding="utf-8")
        found = sorted(folder.glob("[0-9]*-*.md"))
    return found[:count]


def ref_of(path: Path) -> str:
    """Return the incident ID a file of :func:`ensure` holds (from its name)."""
    return path.stem.partition("-")[2]


# ---------------------------------------------------------------------------- loading
def reset_postgres() -> None:
    """Make the bench database when missing and give it an empty public schema."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
        ).fetchone():
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
    with psycopg.connect(PG_BENCH, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


def open_team(url: str, folder: Path) -> Team:
    """Open the team of ``url``, its settings folder ``folder``."""
    settings = Settings(lint=LintConfig(root=folder), server=ServerConfig(database_url=url))
    return Team.open(settings)


_WORKER_TEAM: Team | None = None


def _worker_open(url: str, folder: str) -> None:
    global _WORKER_TEAM
    _WORKER_TEAM = open_team(url, Path(folder))


def store_batch(paths: list[str], team: Team | None = None) -> int:
    """Store postmortems through the SQL store, all in one transaction; return how many."""
    team = team or _WORKER_TEAM
    assert team is not None
    with team.writing(SYSTEM, "import", "bench load") as space:
        store = sql(space)
        for name in paths:
            path = Path(name)
            store.create_bytes(ref_of(path), path.read_bytes())
    return len(paths)


@dataclass
class Loaded:
    """A database ready to serve: its URL, the tokens, how long the load took."""

    url: str
    tokens: dict[str, str]
    service_seconds: float
    service_count: int
    batch_seconds: float
    batch_count: int
    processes: int

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return {
            "import_use_case": {
                "documents": self.service_count,
                "seconds": round(self.service_seconds, 2),
                "ms_each": round(1000 * self.service_seconds / max(1, self.service_count), 1),
            },
            "store_batches": {
                "documents": self.batch_count,
                "seconds": round(self.batch_seconds, 2),
                "per_second": round(self.batch_count / max(1e-9, self.batch_seconds)),
                "processes": self.processes,
                "batch": BATCH,
            },
        }


def load(backend: str, folder: Path, paths: list[Path]) -> Loaded:
    """Make an empty database of ``backend``, its users, and load every postmortem into it."""
    if backend == "sqlite":
        for old in folder.glob("bench.db*"):
            old.unlink()
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        reset_postgres()
        url = PG_URL
    team = open_team(url, folder)
    team.database.upgrade()
    tokens = {}
    for name, role in (("reader", "viewer"), ("writer", "author")):
        users.add_user(team, SYSTEM, name, role=role)
        tokens[role] = users.make_token(team, SYSTEM, name, "load").secret
    sample, rest = paths[:SERVICE_SAMPLE], [str(p) for p in paths[SERVICE_SAMPLE:]]
    started = time.perf_counter()
    for path in sample:
        import_postmortem(team, SYSTEM, path.read_bytes(), name=path.name)
    service = time.perf_counter() - started
    batches = [rest[i : i + BATCH] for i in range(0, len(rest), BATCH)]
    # SQLite takes one writer at a time: a second process would only wait for the lock.
    processes = 1 if backend == "sqlite" else max(1, os.cpu_count() or 1)
    started = time.perf_counter()
    if processes == 1:
        stored = sum(store_batch(b, team) for b in batches)
    else:
        team.database.dispose()
        with ProcessPoolExecutor(
            processes, initializer=_worker_open, initargs=(url, str(folder))
        ) as pool:
            stored = sum(pool.map(store_batch, batches))
    batch = time.perf_counter() - started
    team.database.dispose()
    return Loaded(url, tokens, service, len(sample), batch, stored, processes)


if __name__ == "__main__":
    where = Path(sys.argv[1])
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    paths = ensure(where, total)
    size = sum(p.stat().st_size for p in paths) / len(paths)
    print(f"{len(paths)} postmortems of {size / 1024:.1f} KB on average in {where}")
