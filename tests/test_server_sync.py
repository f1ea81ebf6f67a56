"""aar sync: a folder of Markdown postmortems and the store kept in step, both ways."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from afteraction.service.team import postmortems, users
from afteraction.service.team.context import SYSTEM, Actor, Team
from afteraction.service.team.sync import STATE_FILE, ApiRemote, DatabaseRemote, sync
from tests.server_processes import AAR, start_server
from tests.server_support import team_settings
from tests.test_cli import aar

SYNC = Actor("sync", "admin")


def _doc(ref: str, summary: str = "It broke.", newline: str = "\n") -> bytes:
    text = f"# Outage {ref}\n\n**Incident ID:** {ref}\n\n## Summary\n\n{summary}\n"
    return text.replace("\n", newline).encode()


def _run(folder: Path, team: Team):
    return sync(folder, DatabaseRemote(team, SYNC), team.workspace.profiles)


def test_the_first_sync_brings_both_sides_together_and_the_second_changes_nothing(
    team: Team, tmp_path: Path
):
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001"))
    (folder / "b.md").write_bytes(_doc("INC-2026-03-02-001", newline="\r\n"))
    postmortems.import_postmortem(team, SYSTEM, _doc("INC-2026-03-03-001"))
    first = _run(folder, team)
    assert sorted(first.imported) == ["INC-2026-03-01-001", "INC-2026-03-02-001"]
    assert first.written == ["INC-2026-03-03-001"]
    assert (folder / "INC-2026-03-03-001.md").read_bytes() == _doc("INC-2026-03-03-001")
    stored = postmortems.text_of(team, SYSTEM, "INC-2026-03-02-001")
    assert stored.text.encode() == _doc("INC-2026-03-02-001", newline="\r\n")
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    second = _run(folder, team)
    assert (second.imported, second.updated, second.written, second.conflicts) == ([], [], [], {})
    assert len(second.unchanged) == 3
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != STATE_FILE}
    assert after == {k: v for k, v in before.items() if k != STATE_FILE}


def test_a_change_on_one_side_goes_to_the_other(team: Team, tmp_path: Path):
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001", newline="\r\n"))
    _run(folder, team)
    (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001", "It broke twice.", "\r\n"))
    pushed = _run(folder, team)
    assert pushed.updated == ["INC-2026-03-01-001"]
    revisions = postmortems.revisions(team, SYSTEM, "INC-2026-03-01-001")
    assert [r["message"] for r in revisions] == ["sync: a.md", "sync"]
    current = postmortems.text_of(team, SYSTEM, "INC-2026-03-01-001")
    edited = current.text.replace("It broke twice.", "It broke twice in an hour.")
    postmortems.replace_text(team, SYSTEM, "INC-2026-03-01-001", edited.encode(), current.version)
    pulled = _run(folder, team)
    assert pulled.written == ["INC-2026-03-01-001"]
    assert (folder / "a.md").read_bytes() == _doc(
        "INC-2026-03-01-001", "It broke twice in an hour.", "\r\n"
    )
    assert _run(folder, team).unchanged == ["INC-2026-03-01-001"]


def test_a_change_on_both_sides_is_a_conflict_that_changes_neither(team: Team, tmp_path: Path):
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001"))
    _run(folder, team)
    current = postmortems.text_of(team, SYSTEM, "INC-2026-03-01-001")
    there = current.text.replace("It broke.", "It broke in the store.")
    postmortems.replace_text(team, SYSTEM, "INC-2026-03-01-001", there.encode(), current.version)
    here = _doc("INC-2026-03-01-001", "It broke in the folder.")
    (folder / "a.md").write_bytes(here)
    report = _run(folder, team)
    diff = report.conflicts["INC-2026-03-01-001"]
    assert "-It broke in the store." in diff and "+It broke in the folder." in diff
    assert (folder / "a.md").read_bytes() == here
    assert postmortems.text_of(team, SYSTEM, "INC-2026-03-01-001").text == there
    again = _run(folder, team)
    assert list(again.conflicts) == ["INC-2026-03-01-001"]
    (folder / "a.md").write_bytes(there.encode())
    settled = _run(folder, team)
    assert (settled.conflicts, settled.unchanged) == ({}, ["INC-2026-03-01-001"])


def test_the_command_reports_and_exits_1_on_a_conflict(team: Team, tmp_path: Path):
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001"))
    url = str(team.database.url.render_as_string(hide_password=False))
    done = aar("sync", str(folder), "--database", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Imported: INC-2026-03-01-001" in done.stdout
    current = postmortems.text_of(team, SYSTEM, "INC-2026-03-01-001")
    postmortems.replace_text(
        team, SYSTEM, "INC-2026-03-01-001", current.text.replace("broke", "fell").encode(), 1
    )
    (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001", "Gone."))
    clash = aar("sync", str(folder), "--database", url, "--json", cwd=tmp_path)
    assert clash.returncode == 1
    assert list(json.loads(clash.stdout)["conflicts"]) == ["INC-2026-03-01-001"]


def test_a_damaged_state_file_is_refused_naming_it(team: Team, tmp_path: Path):
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / STATE_FILE).write_text("{not json")
    with pytest.raises(Exception, match=STATE_FILE):
        _run(folder, team)


def test_sync_through_a_running_server(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    team = Team.open(team_settings(tmp_path, url))
    team.database.upgrade()
    users.add_user(team, SYSTEM, "ann", role="admin")
    token = users.make_token(team, SYSTEM, "ann", "sync").secret
    postmortems.import_postmortem(team, SYSTEM, _doc("INC-2026-03-03-001"))
    team.database.dispose()
    running = start_server(tmp_path, url, 1, "sync")
    try:
        running.wait_ready()
        folder = tmp_path / "pm"
        folder.mkdir()
        (folder / "a.md").write_bytes(_doc("INC-2026-03-01-001"))
        report = sync(folder, ApiRemote(running.base, token), team.workspace.profiles)
        assert (report.imported, report.written) == (["INC-2026-03-01-001"], ["INC-2026-03-03-001"])
        env = {**os.environ, "AAR_TOKEN": token}
        again = subprocess.run(
            [str(AAR), "sync", str(folder), "--server", running.base],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert again.returncode == 0, again.stderr
        assert "2 unchanged" in again.stdout
    finally:
        running.stop()
