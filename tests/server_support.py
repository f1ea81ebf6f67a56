"""Fixtures of the team server's tests: a team on SQLite or on the machine's PostgreSQL.

Every server test runs twice, once per database. PostgreSQL is the real
server at 127.0.0.1:5432 (trust auth); each test gets an empty schema in the
``afteraction_test`` database. Where it cannot be reached, its tests skip,
except under CI, where they fail: CI starts it (``make test``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from afteraction.lint.config import LintConfig
from afteraction.server.app import create_app
from afteraction.service.team import users
from afteraction.service.team.context import SYSTEM, Team
from afteraction.settings import Settings
from afteraction.store.sql.config import ServerConfig

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "afteraction_test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
ROLES = ("viewer", "author", "reviewer", "admin")


def postgres_url(database: str = PG_DATABASE) -> str:
    """Return the URL of an empty ``database`` on the local PostgreSQL (skip if there is none)."""
    import psycopg

    try:
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True, connect_timeout=3
        ) as admin:
            found = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if found is None:
                admin.execute(f"CREATE DATABASE {database}")
        with psycopg.connect(
            f"host=127.0.0.1 port=5432 user=postgres dbname={database}", autocommit=True
        ) as connection:
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({exc}); `make test` starts it")
    return f"{PG_SERVER}/{database}"


def database_url(backend: str, folder: Path) -> str:
    """Return an empty database of ``backend`` for one test."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'team.db'}"
    return postgres_url()


def team_settings(folder: Path, url: str) -> Settings:
    """Return settings of a team whose folder is ``folder`` and database ``url``."""
    return Settings(lint=LintConfig(root=folder), server=ServerConfig(database_url=url))


@dataclass
class People:
    """A user of every role, each with a write token (and the admin's read token)."""

    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        """Return the headers that authenticate as the user of ``role``."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def make_people(team: Team) -> People:
    """Add ann (admin), rita (reviewer), al (author), val (viewer), with tokens."""
    people = People()
    for name, role in (("ann", "admin"), ("rita", "reviewer"), ("al", "author"), ("val", "viewer")):
        users.add_user(team, SYSTEM, name, role=role, password=f"{name}-password")
        people.tokens[role] = users.make_token(team, SYSTEM, name, "tests").secret
    people.tokens["read"] = users.make_token(team, SYSTEM, "ann", "read", "read").secret
    return people


@pytest.fixture(params=BACKENDS)
def team(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Team]:
    """Return a team on an empty, upgraded database of each backend."""
    url = database_url(request.param, tmp_path)
    team = Team.open(team_settings(tmp_path, url))
    team.database.upgrade()
    yield team
    team.database.dispose()


@pytest.fixture
def people(team: Team) -> People:
    """Return the team's users of every role."""
    return make_people(team)


@pytest.fixture
def client(team: Team) -> Iterator[TestClient]:
    """Return a client of the team's server."""
    with TestClient(create_app(team=team)) as test_client:
        yield test_client
