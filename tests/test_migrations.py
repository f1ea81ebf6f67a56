"""The migrations build exactly the tables the code declares, and upgrade a database in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from afteraction.errors import ConfigurationError
from afteraction.service.team import postmortems
from afteraction.service.team.context import SYSTEM, Team
from afteraction.store.sql.database import head_revision
from afteraction.store.sql.tables import Base
from tests.server_support import BACKENDS, database_url, team_settings

REF = "INC-2026-05-01-001"
BODY = b"# Kept\n\n**Incident ID:** INC-2026-05-01-001\n\n## Summary\n\nStill here.\n"


def test_the_migrations_build_the_declared_tables(team: Team):
    with team.database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def _to(team: Team, revision: str, *, down: bool = False) -> None:
    config = team.database._alembic()
    with team.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_older_database_upgrades_keeping_its_postmortems(backend: str, tmp_path: Path):
    team = Team.open(team_settings(tmp_path, database_url(backend, tmp_path)))
    try:
        team.database.upgrade()
        postmortems.import_postmortem(team, SYSTEM, BODY.replace(b"\n", b"\r\n"))
        before = postmortems.get_postmortem(team, SYSTEM, REF).to_dict()
        # Back to the schema that kept each text in its postmortem's row: it is there.
        _to(team, "0002", down=True)
        assert team.database.schema_state() == ("0002", head_revision())
        with team.database.engine.connect() as connection:
            text, record = connection.execute(
                sa.text("SELECT text, record FROM postmortems WHERE ref = :ref"), {"ref": REF}
            ).one()
        assert text.encode("utf-8") == BODY.replace(b"\n", b"\r\n")
        assert '"Still here."' in record
        # And forward again: the bodies move, byte for byte, and read as they did.
        assert team.database.upgrade() == ("0002", head_revision())
        assert postmortems.text_of(team, SYSTEM, REF).text.encode("utf-8") == BODY.replace(
            b"\n", b"\r\n"
        )
        assert postmortems.get_postmortem(team, SYSTEM, REF).to_dict() == before
        with team.database.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("postmortems")}
        assert not columns & {"text", "record", "brief", "warnings", "disorder"}
    finally:
        team.database.dispose()


class _FullDisk:
    """A driver connection on a disk with no room for VACUUM's copy."""

    class driver_connection:  # the attribute SQLAlchemy gives the driver's connection as
        @staticmethod
        def execute(statement: str) -> None:
            raise sqlite3.OperationalError("database or disk is full")

    def close(self) -> None:
        """Give the connection back."""


def test_a_file_that_cannot_be_packed_after_an_upgrade_is_named_and_stays_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    team = Team.open(team_settings(tmp_path, database_url("sqlite", tmp_path)))
    try:
        team.database.upgrade()
        # What upgrade() does last, after the migrations are committed, on a full disk:
        monkeypatch.setattr(team.database.engine, "raw_connection", _FullDisk)
        with pytest.raises(ConfigurationError, match=r"packing the file failed \(database or disk"):
            team.database._compact()
        monkeypatch.undo()
        assert team.database.schema_state() == (head_revision(), head_revision())
    finally:
        team.database.dispose()
