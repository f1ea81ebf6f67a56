"""The SQL store: what it derives from a text, what it keeps of the bytes, hostile input."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from afteraction.errors import InvalidValueError, StaleVersionError, UsageError
from afteraction.service.team import parts, postmortems
from afteraction.service.team.context import SYSTEM, Team, sql
from afteraction.store.sql.tables import PostmortemRow
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
        session.execute(
            update(PostmortemRow).values(reading="older", record="{}", brief='{"title": "stale"}')
        )
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
                kept, text = row.record, row.text
            source = SourceText.decode(text.encode(), ref)
            fresh = read_source_text(source, Path(ref), team.workspace.profiles).record
            fresh.id = fresh.id or ref  # a text without an ID is known by the one it is stored as
            assert kept == fresh.model_dump_json(), path.name
