"""`aar actions pull`: tracker states read back from CSV and JSON exports, matched by key."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from afteraction.errors import UsageError
from afteraction.followup.pull import read_export, tracker_state
from afteraction.service import actions as service
from tests.conftest import open_workspace
from tests.test_actions import corpus, rows


@pytest.mark.parametrize(
    ("words", "state"),
    [
        ("Done", "done"),
        ("CLOSED", "done"),
        ("In Review", "in_progress"),
        ("Won't Do", "cancelled"),
        ("not_planned", "cancelled"),
        ("To Do", "open"),
        ("Backlog", "open"),
        ("Blocked-ish", None),
    ],
)
def test_tracker_words_map_onto_the_four_states(words, state):
    assert tracker_state(words) == state


def test_a_jira_style_csv_is_read_by_its_key_and_status_columns(tmp_path):
    export = tmp_path / "jira.csv"
    export.write_text(
        "Summary,Status,Postmortem Key\n"
        "Alert on rejections,Done,INC-20261103-001#2\n"
        "Drill runbook,Frozen,INC-20261103-001#3\n"
        "Unrelated,Done,\n"
    )
    read = read_export(export)
    assert [(s.key, s.state) for s in read.states] == [("INC-20261103-001#2", "done")]
    assert read.skipped == [
        f"{export}:3: status 'Frozen' means no known state",
        f"{export}:4: no postmortem key",
    ]


def test_github_issues_are_matched_by_the_marker_in_their_body(tmp_path):
    export = tmp_path / "issues.json"
    issues = [
        {"title": "a", "state": "closed", "state_reason": "completed",
         "body": "Fix it\n\n<!-- aar-key: INC-20261103-001#2 -->"},
        {"title": "b", "state": "closed", "state_reason": "not_planned",
         "body": "<!-- aar-key: INC-20261103-001#3 -->"},
        {"title": "c", "state": "open", "body": "no key here"},
    ]  # fmt: skip
    export.write_text(json.dumps(issues))
    read = read_export(export)
    assert [(s.key, s.state) for s in read.states] == [
        ("INC-20261103-001#2", "done"),
        ("INC-20261103-001#3", "cancelled"),
    ]
    assert read.skipped == [f"{export}[2]: no postmortem key"]


def test_pull_sets_the_states_in_the_documents(tmp_path, registry):
    folder = corpus(tmp_path, ["default", "trading-cot"])
    export = tmp_path / "linear.csv"
    export.write_text(
        "Title,State,Key\n"
        "x,Completed,INC-20261103-001#2\n"
        "y,Canceled,INC-20261103-001#3\n"
        "z,In Progress,INC-20261103-002#2\n"  # already in progress
        "w,Done,INC-77#1\n"
    )
    report = service.pull_states(open_workspace(folder, registry), export, (str(folder),))
    assert report.changed == ["INC-20261103-001#2", "INC-20261103-001#3"]
    assert report.unchanged == ["INC-20261103-002#2"]
    assert report.unknown == ["INC-77#1"]
    states = {r.key: r.state for r in rows(folder, registry)}
    assert states["INC-20261103-001#2"] == "done"
    assert states["INC-20261103-001#3"] == "cancelled"


def test_an_export_without_a_status_column_is_refused(tmp_path):
    export = tmp_path / "x.csv"
    export.write_text("Title,Key\na,INC-1#1\n")
    with pytest.raises(UsageError, match="no Status column"):
        read_export(export)
    export.write_text('{"issues": 3}')
    with pytest.raises(UsageError, match="expected a list of issues"):
        read_export(Path(export))


def test_an_export_closed_in_the_tracker_comes_back_through_pull(tmp_path):
    from tests.test_cli import aar

    folder = corpus(tmp_path, ["default"])
    exported = aar("actions", "export", "github", str(folder), "--open")
    assert exported.returncode == 0, exported.stderr
    issues = json.loads(exported.stdout)
    for issue in issues:  # the tracker closes every issue
        issue["state"], issue["state_reason"] = "closed", "completed"
    tracker = tmp_path / "issues.json"
    tracker.write_text(json.dumps(issues))
    pulled = aar("actions", "pull", str(tracker), "--in", str(folder))
    assert pulled.returncode == 0, pulled.stderr
    assert f"{len(issues)} changed, 0 already so, 0 unknown" in pulled.stdout
    listed = json.loads(aar("actions", str(folder), "--format", "json").stdout)
    assert {r["status"] for r in listed} == {"done"}


def test_an_item_that_cannot_be_set_is_reported_and_the_others_still_set(tmp_path, registry):
    folder = tmp_path / "pm"
    folder.mkdir()
    path = folder / "pm.md"
    path.write_text(
        "# Feed outage\n\n**Incident ID:** INC-20261103-009\n\n## Action items\n\n"
        "- Add a lag alert on the feed\n- Write the failover runbook\n"
    )
    export = tmp_path / "tracker.csv"
    export.write_text(
        "Title,Status,Key\n"
        "a,In Progress,INC-20261103-009#1\n"  # a plain list item cannot say "in progress"
        "b,Done,INC-20261103-009#2\n"
    )
    report = service.pull_states(open_workspace(folder, registry), export, (str(folder),))
    assert report.changed == ["INC-20261103-009#2"]
    assert report.skipped[0].startswith("INC-20261103-009#1: cannot find where")
    assert path.read_text().endswith(
        "- Add a lag alert on the feed\n- [x] Write the failover runbook\n"
    )


def test_keys_of_incidents_without_an_id_are_matched_too(tmp_path):
    export = tmp_path / "tracker.csv"
    export.write_text("Title,Status,Key\na,Done,Feed outage#1\n")
    assert [(s.key, s.state) for s in read_export(export).states] == [("Feed outage#1", "done")]
    issues = tmp_path / "issues.json"
    issues.write_text(json.dumps([{"state": "closed", "body": "<!-- aar-key: Feed outage#2 -->"}]))
    assert [s.key for s in read_export(issues).states] == ["Feed outage#2"]


def test_export_then_lint_fix_renumbering_then_pull_sets_the_exported_item(tmp_path):
    from tests.lint_support import demo_text
    from tests.test_cli import aar

    folder = tmp_path / "pm"
    folder.mkdir()
    path = folder / "pm.md"
    path.write_text(  # IDs out of order: 1, 3, 2
        demo_text("default")
        .replace("| 2 | Alert", "| 3 | Alert", 1)
        .replace("| 3 | Add", "| 2 | Add", 1)
    )
    exported = aar(
        "actions", "export", "jira", str(folder), "--open", "-o", str(tmp_path / "j.csv")
    )
    assert exported.returncode == 0, exported.stderr
    rows_out = list(csv.DictReader(io.StringIO((tmp_path / "j.csv").read_text())))
    assert [(r["Postmortem Key"], r["Summary"][:8]) for r in rows_out] == [
        ("INC-20261103-001#3", "Alert on"),
        ("INC-20261103-001#2", "Add the "),
    ]
    rows_out[0]["Status"] = "Done"  # the tracker closes the alert item, exported as #3
    tracker = tmp_path / "tracker.csv"
    with tracker.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[*rows_out[0].keys(), "Status"])
        writer.writeheader()
        writer.writerow(rows_out[0])
    fixed = aar("lint", "--fix", str(path))
    assert "| 2 | Alert" in path.read_text() and "| 3 | Add" in path.read_text(), fixed.stdout
    pulled = aar("actions", "pull", str(tracker), "--in", str(folder))
    assert pulled.returncode == 0, pulled.stderr
    listed = json.loads(aar("actions", str(folder), "--format", "json").stdout)
    assert [(r["key"], r["title"][:8], r["status"]) for r in listed] == [
        ("INC-20261103-001#1", "Validate", "done"),
        ("INC-20261103-001#2", "Alert on", "done"),  # the item the tracker closed
        ("INC-20261103-001#3", "Add the ", "open"),  # now keyed #3, left alone
    ]
    assert "INC-20261103-001#2 (exported as INC-20261103-001#3)" in pulled.stdout


def test_a_row_is_matched_by_title_and_a_moved_key_does_not_set_the_wrong_item(tmp_path, registry):
    folder = tmp_path / "pm"
    folder.mkdir()
    path = folder / "pm.md"
    path.write_text(  # the runbook item was moved above the alert after the export
        "# Feed outage\n\n**Incident ID:** INC-20261103-009\n\n## Action items\n\n"
        "- [ ] Write the failover runbook\n- [ ] Add a lag alert on the feed\n"
        "- [ ] Page the desk on rejections\n"
    )
    export = tmp_path / "tracker.csv"
    export.write_text(
        "Summary,Status,Postmortem Key\n"
        "Add a lag alert on the feed,Done,INC-20261103-009#1\n"
        "Runbook for failover (renamed in the tracker),Done,INC-20261103-009#2\n"
        "Paging (renamed in the tracker),In Progress,INC-20261103-009#3\n"
    )
    report = service.pull_states(open_workspace(folder, registry), export, (str(folder),))
    assert report.changed == ["INC-20261103-009#2 (exported as INC-20261103-009#1)"]
    assert report.skipped[0].startswith(
        "INC-20261103-009#2: the item with this key is now 'Add a lag alert on the feed'"
    )
    assert report.skipped[1].startswith("INC-20261103-009#3: cannot find where")  # by key
    assert path.read_text().endswith(
        "- [ ] Write the failover runbook\n- [x] Add a lag alert on the feed\n"
        "- [ ] Page the desk on rejections\n"
    )
