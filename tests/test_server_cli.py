"""aar db, aar user, aar hook and aar serve's checks: the server's administration from the shell."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from afteraction.errors import ConfigurationError
from afteraction.lint.config import LintConfig
from afteraction.server.app import create_app
from afteraction.service.team.context import Team
from afteraction.settings import Settings
from afteraction.store.sql.database import head_revision
from tests.server_support import team_settings
from tests.test_cli import aar

HEAD = head_revision()


def test_db_upgrade_makes_the_tables_once_and_status_says_so(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    behind = aar("db", "status", "--database", url, cwd=tmp_path)
    assert behind.returncode == 1 and "behind: run `aar db upgrade`" in behind.stdout
    done = aar("db", "upgrade", "--database", url, cwd=tmp_path)
    assert done.returncode == 0 and f"from schema none to {HEAD}" in done.stdout
    again = aar("db", "upgrade", "--database", url, cwd=tmp_path)
    assert "is up to date" in again.stdout
    status = aar("db", "status", "--database", url, "--json", cwd=tmp_path)
    assert json.loads(status.stdout)["current"] == json.loads(status.stdout)["needed"] == HEAD


def test_the_server_refuses_a_database_that_is_behind_naming_the_command(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    with pytest.raises(ConfigurationError, match="run `aar db upgrade`"):
        create_app(team_settings(tmp_path, url))
    refused = aar("user", "list", "--database", url, cwd=tmp_path)
    assert refused.returncode == 2
    assert "field '--database'" in refused.stderr and "aar db upgrade" in refused.stderr
    aar("db", "upgrade", "--database", url, cwd=tmp_path)
    with sqlite3.connect(tmp_path / "team.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(ConfigurationError, match=f"at schema 0000, this version needs {HEAD}"):
        create_app(team_settings(tmp_path, url))


def test_the_default_sqlite_file_upgrades_itself(tmp_path: Path):
    settings = Settings(lint=LintConfig(root=tmp_path))
    app = create_app(settings)
    team: Team = app.state.team
    assert team.database.schema_state() == (HEAD, HEAD)
    assert (tmp_path / "afteraction.db").is_file()
    team.database.dispose()


def test_users_are_added_granted_and_given_tokens(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    aar("db", "upgrade", "--database", url, cwd=tmp_path)
    added = aar(
        "user",
        "add",
        "ana",
        "--admin",
        "--password-stdin",
        "--database",
        url,
        cwd=tmp_path,
        stdin="correct-horse\n",
    )
    assert added.returncode == 0 and "Added ana (admin)" in added.stdout
    short = aar(
        "user", "add", "bo", "--password-stdin", "--database", url, cwd=tmp_path, stdin="short\n"
    )
    assert short.returncode == 2 and "'--password-stdin'" in short.stderr
    assert (
        aar(
            "user",
            "add",
            "ian",
            "--role",
            "reviewer",
            "--no-password",
            "--database",
            url,
            cwd=tmp_path,
        ).returncode
        == 0
    )
    assert (
        aar("user", "add", "ian", "--no-password", "--database", url, cwd=tmp_path).returncode == 2
    )
    bad_role = aar(
        "user", "add", "zed", "--role", "boss", "--no-password", "--database", url, cwd=tmp_path
    )
    assert bad_role.returncode == 2 and "'--role'" in bad_role.stderr
    granted = aar("user", "grant", "ian", "Incident Commander", "--database", url, cwd=tmp_path)
    assert "ian signs for: Incident Commander" in granted.stdout
    listed = json.loads(aar("user", "list", "--json", "--database", url, cwd=tmp_path).stdout)
    assert [(u["name"], u["role"], u["sign_roles"]) for u in listed] == [
        ("ana", "admin", []),
        ("ian", "reviewer", ["Incident Commander"]),
    ]
    token = aar("user", "token", "ian", "--scope", "read", "--database", url, cwd=tmp_path)
    assert token.stdout.startswith("aar_") and len(token.stdout.strip()) > 40
    revoked = aar("user", "revoke", "ian", "incident commander", "--database", url, cwd=tmp_path)
    assert "ian signs for: no role" in revoked.stdout
    missing = aar("user", "grant", "nobody", "Risk", "--database", url, cwd=tmp_path)
    assert missing.returncode == 2 and "no user 'nobody'" in missing.stderr
    inactive = aar("user", "set", "ian", "--inactive", "--database", url, cwd=tmp_path)
    assert "inactive" in inactive.stdout


def test_hooks_are_added_listed_and_removed(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    aar("db", "upgrade", "--database", url, cwd=tmp_path)
    added = aar("hook", "add", "prom", "--kind", "alertmanager", "--database", url, cwd=tmp_path)
    assert added.returncode == 0
    assert len(added.stdout.strip().splitlines()[-1]) >= 32
    given = aar(
        "hook",
        "add",
        "pd",
        "--kind",
        "pagerduty",
        "--secret-stdin",
        "--database",
        url,
        cwd=tmp_path,
        stdin="pagerduty-signing-secret\n",
    )
    assert given.returncode == 0 and "pagerduty-signing-secret" not in given.stdout
    wrong = aar("hook", "add", "x", "--kind", "nagios", "--database", url, cwd=tmp_path)
    assert wrong.returncode == 2 and "'--kind'" in wrong.stderr
    listed = json.loads(aar("hook", "list", "--json", "--database", url, cwd=tmp_path).stdout)
    assert [(h["name"], h["kind"]) for h in listed] == [
        ("pd", "pagerduty"),
        ("prom", "alertmanager"),
    ]
    assert aar("hook", "remove", "prom", "--database", url, cwd=tmp_path).returncode == 0
    assert aar("hook", "remove", "prom", "--database", url, cwd=tmp_path).returncode == 2


def test_a_database_url_that_is_not_one_is_one_line(tmp_path: Path):
    bad = aar("db", "status", "--database", "nonsense", cwd=tmp_path)
    assert bad.returncode == 2 and "is not a database URL" in bad.stderr
    other = aar("db", "status", "--database", "mysql://x@localhost/db", cwd=tmp_path)
    assert other.returncode == 2 and "SQLite or PostgreSQL" in other.stderr
    nowhere = aar(
        "db", "status", "--database", f"sqlite:///{tmp_path}/no/such/team.db", cwd=tmp_path
    )
    assert nowhere.returncode == 2 and "no folder" in nowhere.stderr
