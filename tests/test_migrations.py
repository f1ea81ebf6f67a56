"""The migrations build exactly the tables the code declares, and upgrade a database in use."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from afteraction.service.team import postmortems
from afteraction.service.team.context import SYSTEM, Team
from afteraction.store.sql.database import head_revision
from afteraction.store.sql.tables import Base
from tests.server_support import database_url, team_settings

BODY = b"# Kept\n\n**Incident ID:** INC-2026-05-01-001\n\n## Summary\n\nStill here.\n"


def test_the_migrations_build_the_declared_tables(team: Team):
    with team.database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def _at(backend: str, folder: Path, revision: str) -> Team:
    team = Team.open(team_settings(folder, database_url(backend, folder)))
    config = team.database._alembic()
    with team.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return team


def test_an_older_database_upgrades_keeping_its_postmortems(tmp_path: Path):
    for backend in ("sqlite",):
        team = _at(backend, tmp_path, "0001")
        assert team.database.schema_state() == ("0001", head_revision())
        postmortems.import_postmortem(team, SYSTEM, BODY)
        assert team.database.upgrade() == ("0001", head_revision())
        assert "Still here." in postmortems.text_of(team, SYSTEM, "INC-2026-05-01-001").text
        team.database.dispose()
