"""Exports: each format checked against its own rules, the key carried, the output stable."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import jsonschema
import pytest
from icalendar import Calendar

from afteraction.document.loaded import Document as Postmortem
from afteraction.errors import UsageError
from afteraction.followup import exports
from afteraction.followup.items import ItemRow
from afteraction.profiles.schema import Review
from tests.conftest import BUILTIN
from tests.test_actions import corpus, rows
from tests.test_cli import aar

# The field names Jira's CSV importer maps by itself (Atlassian, "Import data from a CSV
# file"), and the custom field that holds the key. A header has no punctuation.
JIRA_FIELDS = {"Summary", "Issue Type", "Priority", "Assignee", "Due Date", "Description", "Labels"}
JIRA_DEFAULT_PRIORITIES = {"", "Highest", "High", "Medium", "Low", "Lowest"}
# The body of GitHub's "Create an issue" (POST /repos/{owner}/{repo}/issues): title is
# required; body, labels and assignees are the optional fields used; milestone is left out.
GITHUB_ISSUE = {
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "body": {"type": "string"},
        "labels": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "uniqueItems": True,
        },
        "assignees": {
            "type": "array",
            "items": {"type": "string", "pattern": r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$"},
        },
    },
}
REVIEWS = [
    Review(name="One-week review", after="7d"),
    Review(name="30-day retrospective", after="30d"),
]


@pytest.fixture
def found(tmp_path, registry) -> list[ItemRow]:
    return rows(corpus(tmp_path, BUILTIN), registry)


def _owned(row: ItemRow, owner: str | None) -> ItemRow:
    return replace(row, item=row.item.model_copy(update={"owner": owner}))


def _with_reviews(postmortem: Postmortem) -> Postmortem:
    profile = postmortem.profile.model_copy(update={"reviews": REVIEWS})
    return Postmortem(postmortem.path, postmortem.record, profile, postmortem.source)


def test_jira_csv_has_the_importers_columns_and_reads_back_with_every_key(found):
    text = exports.jira_csv(found)
    table = list(csv.reader(io.StringIO(text)))
    header = table[0]
    assert set(header) - JIRA_FIELDS == {exports.JIRA_KEY}
    assert all(re.fullmatch(r"[A-Za-z ]+", name) for name in header)  # no punctuation
    assert header.count("Labels") == 3  # the most any item has: postmortem, priority, category
    assert {len(line) for line in table} == {len(header)}  # no cell left out
    read = list(csv.DictReader(io.StringIO(text)))
    assert [r[exports.JIRA_KEY] for r in read] == [row.key for row in found]
    by_key = {r[exports.JIRA_KEY]: r for r in read}
    first = by_key["INC-20261103-001#2"]
    assert (first["Summary"], first["Issue Type"], first["Priority"], first["Assignee"]) == (
        "Alert on order-rejection rate per venue",
        "Task",
        "High",
        "sam.okafor",
    )
    assert date.fromisoformat(first["Due Date"]) == date(2026, 11, 17)
    for needle in ("INC-20261103-001", "Order gateway rejected orders", "default.md"):
        assert needle in first["Description"]
    assert first["Description"].endswith("\naar-key: INC-20261103-001#2")  # what a pull matches
    lines = {line[header.index(exports.JIRA_KEY)]: line for line in table[1:]}
    cells = lines["INC-20261103-001#2"]
    tags = [cells[i] for i, name in enumerate(header) if name == "Labels" and cells[i]]
    assert tags == ["postmortem", "P1", "prevent"]
    assert {r["Priority"] for r in read} <= JIRA_DEFAULT_PRIORITIES
    assert by_key["INC-2026-11-03-006#2"]["Due Date"] == ""  # no due date, no policy


def test_github_payloads_are_issue_bodies_with_a_hidden_key(found):
    logins = [_owned(found[0], "@octocat"), _owned(found[1], "sam.okafor"), found[2]]
    payloads = json.loads(exports.github_issues([*logins, *found[3:]]))
    assert len(payloads) == len(found)
    for payload, row in zip(payloads, found, strict=True):
        jsonschema.validate(payload, GITHUB_ISSUE)
        assert "milestone" not in payload
        assert re.findall(r"<!-- aar-key: (.+?) -->", payload["body"]) == [row.key]
        assert payload["title"] == row.item.title
        assert str(row.postmortem.path) in payload["body"]
        assert payload["labels"][0] == "postmortem"
        item = row.item
        assert [x for x in (item.priority, item.category, item.horizon) if x] == payload["labels"][
            1:
        ]
    assert [p["assignees"] for p in payloads[:2]] == [["octocat"], []]


def test_linear_csv_maps_priorities_statuses_and_labels(found):
    read = list(csv.DictReader(io.StringIO(exports.linear_csv(found))))
    assert list(read[0]) == list(exports.LINEAR_COLUMNS)
    assert [r["Id"] for r in read] == [row.key for row in found]
    by_key = {r["Id"]: r for r in read}
    default = [by_key[f"INC-20261103-001#{n}"] for n in (1, 2, 3)]
    assert [r["Priority"] for r in default] == ["Urgent", "High", "Medium"]
    assert [r["Status"] for r in default] == ["Done", "In Progress", "Todo"]
    assert default[1]["Labels"].split(", ") == ["postmortem", "P1", "prevent"]
    assert default[1]["Due Date"] == "2026-11-17"
    assert by_key["INC-20261103-002#3"]["Priority"] == "No priority"  # horizons, no priority
    assert {r["Priority"] for r in read} <= {*exports.LINEAR_PRIORITIES, "No priority"}


@pytest.mark.parametrize(
    ("priority", "scale", "rank"),
    [
        ("P3", [], 3),
        ("p1", [], 1),
        ("High", [], 1),
        ("Sev-A", ["Sev-A", "Sev-B"], 0),
        ("Sev-B", ["sev-a", "sev-b"], 1),
        ("P2", ["P1", "P2", "P3"], 1),  # the profile's scale wins over the digit
        ("whenever", [], None),
        (None, ["P0"], None),
    ],
)
def test_priority_rank_reads_words_the_profile_scale_and_pn(found, priority, scale, rank):
    row = found[0]
    old = row.postmortem
    profile = old.profile.model_copy(update={"priorities": scale})
    postmortem = Postmortem(old.path, old.record, profile, old.source)
    item = row.item.model_copy(update={"priority": priority})
    assert exports.priority_rank(replace(row, postmortem=postmortem, item=item)) == rank


def test_ics_has_a_todo_per_dated_item_and_an_event_per_review(found):
    with_reviews = [_with_reviews(row.postmortem) for row in found]
    text = exports.ics(found, with_reviews)
    calendar = Calendar.from_ical(text)
    todos = {str(c["UID"]): c for c in calendar.walk("VTODO")}
    dated = [row for row in found if row.due]
    assert list(todos) == [f"{row.key}@afteraction" for row in dated]
    for row in dated:
        todo = todos[f"{row.key}@afteraction"]
        assert todo.decoded("DUE") == row.due and not isinstance(todo.decoded("DUE"), datetime)
        assert str(todo["SUMMARY"]) == row.item.title
        assert str(row.postmortem.path) in str(todo["DESCRIPTION"])
    statuses = {uid.split("@")[0]: str(c["STATUS"]) for uid, c in todos.items()}
    assert [statuses[f"INC-20261103-001#{n}"] for n in (1, 2, 3)] == [
        "COMPLETED",
        "IN-PROCESS",
        "NEEDS-ACTION",
    ]
    assert set(statuses.values()) <= set(exports.ICS_STATUS.values())
    stamp = todos["INC-20261103-001#1@afteraction"].decoded("DTSTAMP")
    assert stamp == datetime(2026, 11, 3, 15, 30, tzinfo=UTC)  # the record's latest time
    events = {str(c["UID"]): c for c in calendar.walk("VEVENT")}
    dated_incidents = {p.record.id for p in with_reviews if p.record.incident_date()}
    # sre's demo states its key times only as lines under "Additional information": inferred.
    assert len(events) == 2 * len(dated_incidents) == 12
    week = events["INC-20261103-001/review/one-week-review@afteraction"]
    month = events["INC-20261103-001/review/30-day-retrospective@afteraction"]
    assert (week.decoded("DTSTART"), month.decoded("DTSTART")) == (
        date(2026, 11, 10),
        date(2026, 12, 3),
    )
    assert week.decoded("DTEND") == date(2026, 11, 11)
    assert str(week["SUMMARY"]).startswith("One-week review: INC-20261103-001")


def test_ics_reviews_come_from_the_rows_postmortems_alone_without_others(found):
    rows_ = [replace(row, postmortem=_with_reviews(row.postmortem)) for row in found[:1]]
    events = Calendar.from_ical(exports.ics(rows_)).walk("VEVENT")
    assert len(events) == 2


@pytest.mark.parametrize("fmt", exports.EXPORT_FORMATS)
def test_every_export_is_stable_and_in_row_order(tmp_path, registry, fmt):
    folder = corpus(tmp_path, BUILTIN)
    first = rows(folder, registry)
    postmortems = [_with_reviews(row.postmortem) for row in first]
    text = exports.exporter(fmt)(first, postmortems)
    again = exports.exporter(fmt)(rows(folder, registry), postmortems)  # read anew
    assert text == again
    keys = [row.key for row in first if fmt != "ics" or row.due]
    assert set(re.findall(r"INC-[0-9-]+#\d", text)) == set(keys)
    at = [text.index(key) for key in keys]
    assert at == sorted(at)


def test_the_formats_offered_are_the_formats_written():
    assert tuple(exports.EXPORTERS) == exports.EXPORT_FORMATS


def test_an_unknown_format_is_refused():
    with pytest.raises(UsageError, match="unknown export format 'asana'"):
        exports.exporter("asana")


def test_the_command_exports_filtered_rows_to_stdout_or_a_file(tmp_path, registry):
    folder = corpus(tmp_path, ["default", "trading-cot"])
    jira = aar("actions", "export", "jira", str(folder), "--open")
    assert jira.returncode == 0, jira.stderr
    keys = [r[exports.JIRA_KEY] for r in csv.DictReader(io.StringIO(jira.stdout))]
    assert keys == [f"INC-20261103-00{n}#{i}" for n in (1, 2) for i in (2, 3)]
    target = tmp_path / "items.ics"
    written = aar("actions", "export", "ics", str(folder), "--owner", "li.wei", "-o", str(target))
    assert written.returncode == 0, written.stderr
    assert str(target) in written.stdout and written.stdout.startswith("2 action items")
    data = target.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")  # RFC 5545 line ends kept
    calendar = Calendar.from_ical(data)
    uids = [str(c["UID"]) for c in calendar.walk("VTODO")]
    assert uids == ["INC-20261103-001#3@afteraction", "INC-20261103-002#3@afteraction"]
    reviews = sum(len(registry.get(name).reviews) for name in ("default", "trading-cot"))
    assert len(calendar.walk("VEVENT")) == reviews  # every postmortem's, whatever the filters
    again = aar("actions", "export", "ics", str(folder), "--owner", "li.wei", "-o", str(target))
    assert again.returncode == 0 and target.read_bytes() == data
    unknown = aar("actions", "export", "asana", str(folder))
    assert unknown.returncode == 2 and "unknown export format 'asana'" in unknown.stderr
    bare = aar("actions", "export")
    assert bare.returncode == 2 and "Missing argument 'FORMAT'" in bare.stderr
