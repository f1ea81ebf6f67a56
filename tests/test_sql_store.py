"""The SQL store: what it derives from a text, what it keeps of the bytes, hostile input."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from afteraction.errors import InvalidValueError, StaleVersionError, UsageError
from afteraction.service.team import parts, postmortems
from afteraction.service.team.context import STAGED_TRIES, SYSTEM, Team, sql
from afteraction.service.timeline import Event, Timeline, add_timeline
from afteraction.service.workspace import Workspace
from afteraction.store.sql.store import StagedStore
from afteraction.store.sql.tables import PostmortemBodyRow, PostmortemRow
from afteraction.timeline.apply import Applied
from afteraction.timeline.event import Kind
from tests.server_support import People

FRONT = """---
owners: [Ann Lee, bob]
tags: [Database, network]
component: payments-api
private: true
---
# Payments down

**Incident ID:** INC-2026-04-01-001
**Date:** 2026-04-01
**Authors:** Ann Lee and Cy Doe

## Summary

Payments failed.

## Action Items

| # | Action | Owner | Due | Status |
|---|---|---|---|---|
| 1 | Add a breaker | bob | 2026-05-01 | Open |
"""


def test_the_columns_lists_need_come_from_the_text(team: Team):
    shown = postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    data = shown.data
    assert data["owners"] == ["Ann Lee", "bob", "Cy Doe"]
    assert data["tags"] == ["database", "network"]
    assert data["component"] == "payments-api"
    assert data["private"] is True
    assert data["occurred_at"] == "2026-04-01T00:00:00+00:00"
    assert data["created_by"] == "system" and data["version"] == 1


def test_an_edit_keeps_the_bytes_it_does_not_change(team: Team):
    body = ("\ufeff" + FRONT).replace("\n", "\r\n").encode()
    postmortems.import_postmortem(team, SYSTEM, body)
    parts.set_action_item(team, SYSTEM, "INC-2026-04-01-001#1", "done")
    stored = postmortems.text_of(team, SYSTEM, "INC-2026-04-01-001").text.encode()
    assert stored == body.replace(b"| 2026-05-01 | Open |", b"| 2026-05-01 | Done |")


def test_a_stale_version_is_refused_and_nothing_is_written(team: Team):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    text = postmortems.text_of(team, SYSTEM, "INC-2026-04-01-001").text
    postmortems.replace_text(
        team, SYSTEM, "INC-2026-04-01-001", text.replace("failed", "fell").encode(), 1
    )
    with pytest.raises(StaleVersionError) as refused:
        postmortems.replace_text(team, SYSTEM, "INC-2026-04-01-001", text.encode(), 1)
    assert refused.value.current == 2
    assert "fell" in postmortems.text_of(team, SYSTEM, "INC-2026-04-01-001").text
    assert len(postmortems.revisions(team, SYSTEM, "INC-2026-04-01-001")) == 2


def test_the_id_in_the_text_cannot_change(team: Team):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    moved = FRONT.replace("INC-2026-04-01-001", "INC-2026-04-01-009")
    with pytest.raises(InvalidValueError, match="stored as 'INC-2026-04-01-001'"):
        postmortems.replace_text(team, SYSTEM, "INC-2026-04-01-001", moved.encode(), 1)


def test_next_ids_count_the_day_in_the_profiles_pattern(team: Team):
    profile = team.workspace.profiles.get("sre")
    with team.writing(SYSTEM, "test") as space:
        store = sql(space)
        assert store.next_id(profile, date(2026, 4, 1)) == "INC-2026-04-01-001"
    for number in (1, 2, 7):
        body = FRONT.replace("INC-2026-04-01-001", f"INC-2026-04-01-{number:03d}")
        postmortems.import_postmortem(team, SYSTEM, body.encode())
    postmortems.import_postmortem(
        team, SYSTEM, FRONT.replace("INC-2026-04-01-001", "INC-2026-04-01-" + "9" * 30).encode()
    )
    with team.writing(SYSTEM, "test") as space:
        store = sql(space)
        assert store.next_id(profile, date(2026, 4, 1)) == "INC-2026-04-01-008"
        assert store.next_id(profile, date(2026, 4, 2)) == "INC-2026-04-02-001"


def test_records_kept_by_another_version_are_read_again(team: Team):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    with team.database.writing() as session:
        session.execute(update(PostmortemRow).values(reading="older"))
        session.execute(update(PostmortemBodyRow).values(record="{}", brief='{"title": "stale"}'))
    assert postmortems.get_postmortem(team, SYSTEM, "INC-2026-04-01-001").data["record"][
        "title"
    ] == ("Payments down")
    with team.reading() as space:
        [document] = sql(space).load_all([Path("INC-2026-04-01-001")])
        assert not isinstance(document, Exception) and document.brief.title == "Payments down"


HOSTILE = {
    "a 1 MB line": b"# Long\n\n## Summary\n\n" + b"x" * 1_000_000 + b"\n",
    "a 1 MB run of spaces among names": b"# Names\n\n**Authors:** a" + b" " * 1_000_000 + b"b\n",
    "deep front matter": b"---\na: " + b"[" * 100_000 + b"\n---\n# Deep\n",
    "a huge number": b"---\nsize: " + b"9" * 5_000 + b"\n---\n# Huge\n",
    "an impossible date": b"# Odd\n\n**Incident ID:** INC-2026-02-30-001\n**Date:** 2026-02-30\n",
    "bytes that are not UTF-8": b"# Bad \xff\xfe\n",
    "an ID that is a path": b"# Path\n\n**Incident ID:** ../../etc/passwd\n",
    "nothing": b"",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_texts_get_one_clear_answer(client: TestClient, people: People, name: str):
    started = time.perf_counter()
    answer = client.post(
        "/api/v1/postmortems/import", content=HOSTILE[name], headers=people.headers("author")
    )
    assert time.perf_counter() - started < 30
    assert answer.status_code in (201, 400, 413, 422), (name, answer.status_code, answer.text)
    if answer.status_code >= 400:
        problem = answer.json()
        assert problem["detail"] and "\n" not in problem["detail"]
        assert "Traceback" not in answer.text


def test_the_log_of_changes_refuses_updates_and_deletes(team: Team):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    for statement in ("UPDATE changes SET actor = 'mallory'", "DELETE FROM changes"):
        with pytest.raises(DBAPIError, match="append-only"), team.database.writing() as session:
            session.execute(text(statement))
    history = postmortems.revisions(team, SYSTEM, "INC-2026-04-01-001")
    assert [r["author"] for r in history] == ["system"]


def test_postmortems_read_another_way_are_derived_again(team: Team):
    from sqlalchemy import delete

    from afteraction.service import actions
    from afteraction.service.team.context import refresh
    from afteraction.store.sql.tables import LabelRow

    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    assert refresh(team) == 0
    with team.database.writing() as session:
        session.execute(delete(LabelRow))
        session.execute(update(PostmortemRow).values(reading="older", tags=[]))
    assert refresh(team) == 1
    shown = postmortems.get_postmortem(team, SYSTEM, "INC-2026-04-01-001").data
    assert shown["tags"] == ["database", "network"]
    found = parts.list_action_items(team, SYSTEM, actions.ItemFilter(owner="BOB"), date(2026, 4, 2))
    assert [row.key for row in found.rows] == ["INC-2026-04-01-001#1"]
    assert postmortems.revisions(team, SYSTEM, "INC-2026-04-01-001")[-1]["number"] == 1
    nobody = parts.list_action_items(
        team, SYSTEM, actions.ItemFilter(owner="zed"), date(2026, 4, 2)
    )
    assert nobody.rows == []


def test_a_record_read_from_its_row_is_the_record_read_from_its_text(team: Team):
    from tests.conftest import shared_folder

    folder = shared_folder("fixtures") / "postmortems"
    for path in sorted(folder.glob("*.md"))[:8]:
        made = postmortems.import_postmortem(team, SYSTEM, path.read_bytes(), name=path.name)
        with team.reading() as space:
            store = sql(space)
            row = store.row(made.data["id"])
            quick = postmortems._shown_row(store, row).to_dict()
            slow = postmortems._shown(row, store.whole(row)).to_dict()
            row.reading = "other"
            again = postmortems._shown_row(store, row).to_dict()
            row.reading = store.reading
        assert quick == slow == again, path.name


def test_an_edit_keeps_the_record_a_fresh_reading_gives(team: Team):
    from datetime import UTC, datetime

    from afteraction.document.loaded import read_source_text
    from afteraction.sourcetext import SourceText
    from tests.conftest import shared_folder

    folder = shared_folder("fixtures") / "postmortems"
    event = parts.NewEvent(datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "Checked by the team")
    for path in sorted(folder.glob("*.md"))[:12]:
        made = postmortems.import_postmortem(team, SYSTEM, path.read_bytes(), name=path.name)
        ref = made.data["id"]
        edits = [lambda ref=ref: parts.append_events(team, SYSTEM, ref, [event])]
        if made.data["record"]["action_items"]:
            edits.append(lambda ref=ref: parts.set_action_item(team, SYSTEM, f"{ref}#1", "done"))
        for edit in edits:
            try:
                edit()
            except UsageError:  # a shape that cannot take the edit refuses it, saying so
                continue
            with team.reading() as space:
                row = sql(space).row(ref)
                kept, text = row.body.record, row.body.text
            source = SourceText.decode(text.encode(), ref)
            fresh = read_source_text(source, Path(ref), team.workspace.profiles).record
            fresh.id = fresh.id or ref  # a text without an ID is known by the one it is stored as
            assert kept == fresh.model_dump_json(), path.name


def _event(text: str) -> list[parts.NewEvent]:
    return [parts.NewEvent(datetime(2026, 4, 1, 9, tzinfo=UTC), text)]


def _texts(team: Team, ref: str) -> str:
    return postmortems.text_of(team, SYSTEM, ref).text


def _interrupted(
    team: Team, ref: str, runs: list[bool], interrupt: Callable[[bool], bool]
) -> Callable[[Workspace, bool], Applied]:
    """Return an edit adding "Mine"; after each run ``interrupt`` picks, another edit lands."""

    def attempt(space: Workspace, lock: bool) -> Applied:
        runs.append(lock)
        store = sql(space)
        row = postmortems.visible_row(store, SYSTEM, ref, lock=lock)
        applied = add_timeline(space, store.whole(row), Timeline(_built("Mine"), []))
        if interrupt(lock):
            parts.append_events(team, SYSTEM, ref, _event(f"Theirs {len(runs)}"))
        return applied

    return attempt


def test_an_edit_worked_out_without_the_lock_is_made_again_when_its_postmortem_changed(
    team: Team,
):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    ref, runs = "INC-2026-04-01-001", []
    attempt = _interrupted(team, ref, runs, lambda _lock: len(runs) == 1)
    applied, version = team.edit(SYSTEM, "timeline.append", ref, attempt)
    assert runs == [False, False]  # the first try's save was refused, the second made
    assert applied.added == 1
    assert "Theirs 1" in _texts(team, ref) and "Mine" in _texts(team, ref)
    assert version == postmortems.get_postmortem(team, SYSTEM, ref).version == 3


def test_an_edit_refused_every_time_it_is_staged_is_made_under_the_lock(team: Team):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    ref, runs = "INC-2026-04-01-001", []
    team.edit(SYSTEM, "timeline.append", ref, _interrupted(team, ref, runs, lambda lock: not lock))
    assert runs == [False] * STAGED_TRIES + [True]
    text = _texts(team, ref)
    assert all(f"Theirs {n}" in text for n in range(1, STAGED_TRIES + 1)) and "Mine" in text


def test_an_edit_that_changes_nothing_writes_nothing(team: Team):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    ref = "INC-2026-04-01-001"
    first = parts.append_events(team, SYSTEM, ref, _event("Once"))
    again = parts.append_events(team, SYSTEM, ref, _event("Once"))
    assert (again.added, again.already, again.version) == (0, 1, first.version)
    assert len(postmortems.revisions(team, SYSTEM, ref)) == first.version


def test_a_staged_store_keeps_edits_only(team: Team):
    with team.database.reading() as session:
        store = StagedStore(session, team.workspace.profiles)
        for write in (
            lambda: store.create_bytes("INC-1", b"# New\n"),
            lambda: store.replace("INC-1", b"# New\n", 1),
            lambda: store.delete("INC-1"),
        ):
            with pytest.raises(TypeError, match="keeps edits"):
                write()


def _built(text: str) -> list[Event]:
    return [
        Event(
            time=datetime(2026, 4, 1, 10, tzinfo=UTC),
            source="api",
            kind=Kind.MESSAGE,
            text=text,
            actor="test",
        )
    ]


def test_a_read_sees_one_snapshot_throughout(team: Team):
    postmortems.import_postmortem(team, SYSTEM, FRONT.encode())
    ref = "INC-2026-04-01-001"
    revision = select(PostmortemRow.revision).where(PostmortemRow.ref == ref)
    with team.database.reading() as session:
        before = session.scalar(revision)
        parts.append_events(team, SYSTEM, ref, _event("Committed meanwhile"))
        assert session.scalar(revision) == before  # not what was committed since
    with team.database.reading() as session:
        assert session.scalar(revision) == before + 1
