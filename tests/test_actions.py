"""Action items across postmortems: stable keys, due policy, filters, and `set` in place."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from afteraction.document.parse import read_document
from afteraction.errors import AfteractionError, UsageError
from afteraction.followup.config import ActionsConfig
from afteraction.followup.edit import set_status_read
from afteraction.followup.items import ItemFilter, action_rows
from afteraction.model import ActionItem, ActionState
from afteraction.profiles.due import DuePolicy
from afteraction.service import actions as service
from afteraction.service.lint import LintRequest, lint
from afteraction.service.reading import read_all
from tests.conftest import BUILTIN, open_workspace
from tests.lint_support import demo_text
from tests.test_cli import aar

TODAY = date(2026, 11, 20)


def corpus(tmp_path: Path, profiles: list[str]) -> Path:
    """Write each profile's demo postmortem with an ID of its own (INC-20261103-00N)."""
    folder = tmp_path / "pm"
    folder.mkdir()
    for number, name in enumerate(profiles, 1):
        text = re.sub(r"(INC-2026-?11-?03-)001", rf"\g<1>{number:03d}", demo_text(name))
        (folder / f"{name}.md").write_text(text)
    return folder


def rows(folder: Path, registry, policy: DuePolicy | None = None, today: date = TODAY):
    read = read_all(open_workspace(folder, registry), (str(folder),))
    found, errors = read.documents, read.unreadable
    assert errors == []
    return list(action_rows(found, policy or DuePolicy(), today))


def test_every_item_has_a_stable_key_its_state_and_due_date(tmp_path, registry):
    folder = corpus(tmp_path, BUILTIN)
    found = rows(folder, registry)
    keys = [r.key for r in found]
    assert len(keys) == len(set(keys))
    first = next(r for r in found if r.key == "INC-20261103-001#2")
    assert (first.state, first.item.owner, first.due) == (
        "in_progress",
        "sam.okafor",
        date(2026, 11, 17),
    )
    assert first.overdue and not first.due_soon
    done = next(r for r in found if r.key == "INC-20261103-001#1")
    assert done.state == "done" and not done.overdue
    soon = next(r for r in found if r.key == "INC-20261103-001#3")
    assert soon.due == date(2026, 12, 3) and not soon.due_soon  # 13 days away
    assert rows(folder, registry, DuePolicy(soon=DuePolicy().soon * 2))[2].due_soon


def test_a_key_survives_conversion_to_another_profile(tmp_path, registry):
    folder = corpus(tmp_path, ["default"])
    before = {r.key: r.item.title for r in rows(folder, registry)}
    converted = aar("convert", str(folder / "default.md"), "--to", "sre")
    assert converted.returncode == 0, converted.stderr
    (folder / "default.md").write_text(converted.stdout)
    assert {r.key: r.item.title for r in rows(folder, registry)} == before


def test_due_dates_come_from_the_policy_when_none_is_written(tmp_path, registry):
    folder = corpus(tmp_path, ["trading-invariants"])
    path = folder / "trading-invariants.md"
    path.write_text(path.read_text().replace("| 2026-12-03 |", "| |"))
    by_horizon = {r.key: r for r in rows(folder, registry)}["INC-20261103-001#3"]
    assert by_horizon.item.horizon == "long_term"
    assert (by_horizon.due, by_horizon.due_by_policy) == (date(2026, 12, 3), True)  # 30 days
    policy = ActionsConfig(due={"long_term": "14d"}).policy()
    assert {r.key: r for r in rows(folder, registry, policy)}["INC-20261103-001#3"].due == date(
        2026, 11, 17
    )
    with pytest.raises(UsageError, match="not a span"):
        ActionsConfig(due={"P0": "soon"}).policy()


def test_filters_combine(tmp_path, registry):
    found = rows(corpus(tmp_path, BUILTIN), registry)
    overdue = [r for r in found if ItemFilter(overdue=True).keeps(r)]
    assert overdue and all(r.overdue for r in overdue)
    sams = [r for r in found if ItemFilter(owner="SAM.OKAFOR", open_only=True).keeps(r)]
    assert sams and all(r.item.owner == "sam.okafor" and r.state != "done" for r in sams)
    assert not [r for r in found if ItemFilter(status="done", overdue=True).keeps(r)]


def _diff(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.mark.parametrize("profile", BUILTIN)
def test_set_changes_one_status_and_not_one_byte_more(tmp_path, registry, profile):
    folder = corpus(tmp_path, [profile])
    path = folder / f"{profile}.md"
    before = path.read_text()
    states = {r.key: r.state for r in rows(folder, registry)}
    key = next(k for k in states if k.endswith("#2"))
    space = open_workspace(folder, registry)
    assert service.set_action_status(space, key, "done", None).key == key
    changed = _diff(before, path.read_text())
    assert len(changed) == 2, changed  # one line out, one line in
    assert re.search(r"\bdone\b|\[x\]", changed[1], re.IGNORECASE)
    assert {r.key: r.state for r in rows(folder, registry)} == {**states, key: "done"}


def test_set_refuses_what_it_cannot_do_and_leaves_the_file(tmp_path, registry):
    folder = corpus(tmp_path, ["default", "sre"])
    (folder / "copy.md").write_text((folder / "sre.md").read_text())
    snapshot = {p: p.read_bytes() for p in folder.iterdir()}
    space = open_workspace(folder, registry)
    with pytest.raises(UsageError, match="no action item has the key 'INC-9#1'"):
        service.set_action_status(space, "INC-9#1", "done", None)
    with pytest.raises(UsageError, match="in several documents"):
        service.set_action_status(
            open_workspace(folder, registry), "INC-2026-11-03-002#1", "done", None
        )
    with pytest.raises(UsageError, match="unknown status 'finished'"):
        service.set_action_status(
            open_workspace(folder, registry), "INC-20261103-001#1", "finished", None
        )
    with pytest.raises(UsageError, match="no Notes column"):
        service.set_action_status(
            open_workspace(folder, registry), "INC-20261103-001#1", "done", "shipped"
        )
    assert {p: p.read_bytes() for p in folder.iterdir()} == snapshot


def test_the_command_lists_as_json_and_csv_and_sets(tmp_path):
    folder = corpus(tmp_path, ["default", "trading-cot"])
    listed = aar("actions", str(folder), "--today", "2026-11-20", "--format", "json", "--overdue")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert {r["key"] for r in data} == {"INC-20261103-001#2", "INC-20261103-002#2"}
    assert all(r["overdue"] for r in data)
    as_csv = aar("actions", str(folder), "--today", "2026-11-20", "-f", "csv")
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(table) == 6 and table[0]["key"] == "INC-20261103-001#1"
    done = aar("actions", "set", "INC-20261103-002#2", "--status", "done", "--in", str(folder))
    assert done.returncode == 0, done.stderr
    after = aar("actions", str(folder), "--format", "json", "--status", "done")
    assert "INC-20261103-002#2" in {r["key"] for r in json.loads(after.stdout)}
    bad = aar("actions", "set", "INC-20261103-002#2", "--in", str(folder))
    assert bad.returncode == 2 and "Missing option '--status'" in bad.stderr


def test_the_profile_sla_per_priority_gives_the_due_date(tmp_path, registry):
    folder = corpus(tmp_path, ["default"])
    path = folder / "default.md"
    path.write_text(path.read_text().replace("| 2026-11-17 |", "| |"))
    row = {r.key: r for r in rows(folder, registry)}["INC-20261103-001#2"]
    assert row.item.priority == "P1"
    assert (row.due, row.due_by_policy) == (date(2026, 11, 10), True)  # 7 days after the 3rd
    assert row.overdue
    with pytest.raises(ValueError, match="'P9' is not one of the priorities"):
        registry.get("default").model_validate(
            {**registry.get("default").model_dump(), "priority_due": {"P9": "1d"}}
        )


def test_a_plain_list_item_gets_a_task_box(tmp_path, registry):
    folder = tmp_path / "pm"
    folder.mkdir()
    path = folder / "pm.md"
    path.write_text(
        "# Feed outage\n\n**Incident ID:** INC-20261103-009\n\n## Action items\n\n"
        "- Add a lag alert on the feed\n- Write the failover runbook\n"
    )
    space = open_workspace(folder, registry)
    service.set_action_status(space, "INC-20261103-009#2", "done", None)
    assert path.read_text().endswith(
        "- Add a lag alert on the feed\n- [x] Write the failover runbook\n"
    )
    with pytest.raises(UsageError, match="cannot find where this item's status is written"):
        service.set_action_status(
            open_workspace(folder, registry), "INC-20261103-009#1", "in_progress", None
        )


def test_a_note_goes_in_the_notes_cell_on_one_line(tmp_path, registry):
    folder = tmp_path / "pm"
    folder.mkdir()
    path = folder / "pm.md"
    before = (
        "# Feed outage\n\n**Incident ID:** INC-20261103-009\n\n## Action items\n\n"
        "| # | Action | Owner | Status | Notes |\n|---|---|---|---|---|\n"
        "| 1 | Add a lag alert | sam | Open | |\n| 2 | Write the runbook | li | Open | |\n"
    )
    path.write_text(before)
    service.set_action_status(
        open_workspace(folder, registry), "INC-20261103-009#1", "done", "shipped | in v42\nsee PR 7"
    )
    assert _diff(before, path.read_text()) == [
        "-| 1 | Add a lag alert | sam | Open | |",
        "+| 1 | Add a lag alert | sam | Done | shipped \\| in v42<br>see PR 7 |",
    ]


def test_the_status_filter_takes_the_words_people_write(tmp_path, registry):
    found = rows(corpus(tmp_path, ["default"]), registry)
    assert [r.key for r in found if ItemFilter(status="In progress").keeps(r)] == [
        "INC-20261103-001#2"
    ]


def test_lint_and_actions_agree_on_what_is_overdue(tmp_path, registry):
    # No due date written: P0 is due 24 hours after the incident by the profile's SLA.
    # Both the listing and AAR205 see it late, by the same policy and the same grace.
    folder = corpus(tmp_path, ["default"])
    path = folder / "default.md"
    path.write_text(
        path.read_text().replace(
            "| P0 | maria.lopez | 2026-11-10 | Done |", "| P0 | maria.lopez |  | Open |"
        )
    )
    request = LintRequest(date(2026, 11, 6), (str(folder),), select=("AAR205",), cache=False)
    for grace, late in ((0, True), (3, False)):
        policy = DuePolicy(grace_days=grace)
        listed = {r.key for r in rows(folder, registry, policy, date(2026, 11, 6)) if r.overdue}
        report = lint(open_workspace(folder, registry, grace_days=grace), request)
        linted = [f.message for f in report.findings]
        assert ("INC-20261103-001#1" in listed) is late
        assert any("was due 2026-11-04 by the due policy, 2 days ago" in m for m in linted) is late


def test_an_items_state_is_one_of_the_four_or_none_when_its_words_name_none():
    assert ActionItem(title="x", status="cancelled").state is ActionState.CANCELLED
    assert ActionItem(title="x", status="cancelled").closed
    assert not ActionItem(title="x", status="in_progress").closed
    blocked = ActionItem(title="x", status="Blocked on the vendor")
    assert blocked.state is None and not blocked.closed
    assert [s.value for s in ActionState] == ["open", "in_progress", "done", "cancelled"]


def test_a_long_list_is_written_in_pieces_that_join_to_the_whole(tmp_path, registry, monkeypatch):
    from typer.testing import CliRunner

    from afteraction.cli import actions as cli_actions
    from afteraction.cli.app import app
    from afteraction.service import actions as use

    folder = corpus(tmp_path, ["default", "trading-cot", "sre"])
    listed = use.list_actions(
        open_workspace(folder, registry), use.ActionQuery(TODAY, (str(folder),))
    )
    assert len(listed.rows) > 4
    assert use.json_text(listed) == json.dumps(listed.to_dict(), indent=2) + "\n"
    assert len(list(listed.csv_lines())) == len(listed.rows) + 1  # a record at a time
    empty = use.ActionList([], [], [])
    assert use.json_text(empty) == "[]\n" and empty.csv().startswith("key,")

    monkeypatch.setattr(cli_actions, "TABLE_ROWS", 2)
    monkeypatch.setattr(cli_actions.out, "width", 300)
    shown = CliRunner().invoke(app, ["actions", str(folder), "--today", "2026-11-20"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.count(f"Action items ({len(listed.rows)})") == 1
    assert shown.output.count("Priority") == -(-len(listed.rows) // 2)  # a header per table
    assert all(row.key in shown.output for row in listed.rows)


def test_a_bad_file_named_is_an_error_and_one_found_is_reported_apart(tmp_path, registry):
    folder = corpus(tmp_path, ["default"])
    bad = folder / "bad.md"
    bad.write_bytes(b"# Title\n\n\xff not UTF-8\n")
    space = open_workspace(folder, registry)
    found = read_all(space, (str(folder),))
    assert len(found.documents) == 1 and [e.file for e in found.unreadable] == [str(bad)]
    for named in ((str(bad),), (str(folder), str(folder / "." / "bad.md"))):
        with pytest.raises(AfteractionError, match="not UTF-8"):
            read_all(space, named)
    (tmp_path / "empty").mkdir()
    with pytest.raises(AfteractionError, match="not UTF-8"):  # the names are read once
        read_all(open_workspace(tmp_path / "empty", registry), iter([str(bad)]))


@pytest.mark.parametrize("profile", BUILTIN)
def test_setting_the_status_an_item_has_gives_the_text_and_its_reading_back(registry, profile):
    text, found = demo_text(profile), registry.get(profile)
    fresh = read_document(text, found, file="pm.md", strict=True, collect=True)
    items = fresh.record.action_items
    index = next(n for n, item in enumerate(items) if item.status in ("open", "done"))
    same, read = set_status_read(text, "pm.md", found, index, items[index].status, strict=True)
    assert same == text
    assert read.record.model_dump() == fresh.record.model_dump() and read.lines == fresh.lines
