"""Action items as tracker imports: Jira CSV, GitHub issue payloads, Linear CSV, iCalendar.

Each format is a pure function of the rows (and, for iCalendar, the postmortems
whose reviews it schedules): the same rows give the same text, byte for byte,
in the rows' order. Every format carries the item's stable key, so a later pull
can match a tracker's copy back to its item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from afteraction.csvcell import csv_text
from afteraction.document.loaded import Document
from afteraction.errors import InvalidValueError
from afteraction.followup.choices import EXPORT_FORMATS
from afteraction.followup.items import ItemRow, incident_name
from afteraction.model import Incident
from afteraction.spans import parse_span

if TYPE_CHECKING:
    from icalendar import Event

# Jira's CSV importer (Atlassian, "Import data from a CSV file",
# support.atlassian.com/jira-cloud-administration/docs/import-data-from-a-csv-file/):
# a header row with a Summary column and no punctuation, a cell (empty or not) for
# every column; Summary, Issue Type, Priority, Assignee, Description, Due Date and
# Labels are Jira's field names, mapped by name. A field with several values takes
# one column per value (the same docs, for versions and components); Labels repeats
# under one name, as Jira's own CSV export writes it. The key goes to a custom field,
# "Postmortem Key", mapped in the wizard. Dates are ISO: the wizard reads them with
# the date format given there in Java SimpleDateFormat syntax ("Map CSV data to Jira
# fields", support.atlassian.com/jira-software-cloud/docs/mapping-csv-data-to-jira-fields),
# here `yyyy-MM-dd`.
JIRA_COLUMNS = ("Summary", "Issue Type", "Priority", "Assignee", "Due Date", "Description")
JIRA_KEY = "Postmortem Key"
JIRA_LABELS = "Labels"
JIRA_PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")

# Linear's CSV import reads the columns of Linear's own CSV export (linear/linear,
# packages/import/src/importers/linearCsv and its tests): Id (kept as the issue's
# external ID), Title, Description, Status (a workflow state's name), Priority
# (Urgent, High, Medium, Low, No priority), Assignee and Labels (one cell, ", "
# between labels). Due Date (ISO) is written too; that importer does not read it.
LINEAR_COLUMNS = (
    "Id",
    "Title",
    "Description",
    "Status",
    "Priority",
    "Assignee",
    "Labels",
    "Due Date",
)
LINEAR_PRIORITIES = ("Urgent", "High", "Medium", "Low")
LINEAR_STATUS = {
    "open": "Todo",
    "in_progress": "In Progress",
    "done": "Done",
    "cancelled": "Canceled",
}

# RFC 5545 3.8.1.11: the statuses a VTODO may have.
ICS_STATUS = {
    "open": "NEEDS-ACTION",
    "in_progress": "IN-PROCESS",
    "done": "COMPLETED",
    "cancelled": "CANCELLED",
}
ICS_DOMAIN = "afteraction"

# Priority words that say their own rank (0 is the most urgent).
_WORD_RANK = {"urgent": 0, "highest": 0, "high": 1, "medium": 2, "low": 3, "lowest": 4}
_P_DIGIT = re.compile(r"^p(\d)$", re.IGNORECASE)
# A GitHub login: letters, digits and single inner hyphens, at most 39 characters.
_GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$")


def priority_rank(row: ItemRow) -> int | None:
    """Return how urgent an item is, 0 first: a priority word, its place in the profile's scale, Pn.

    None when the item has no priority or one nothing here can rank.
    """
    name = (row.item.priority or "").strip().casefold()
    if not name:
        return None
    if name in _WORD_RANK:
        return _WORD_RANK[name]
    scale = [p.casefold() for p in row.postmortem.profile.priorities]
    if name in scale:
        return scale.index(name)
    match = _P_DIGIT.match(name)
    return int(match[1]) if match else None


def labels(row: ItemRow) -> list[str]:
    """Return the item's labels: "postmortem", then its priority, category and horizon."""
    item = row.item
    found = ["postmortem", item.priority, item.category, item.horizon]
    return list(dict.fromkeys(label.strip() for label in found if label and label.strip()))


def describe(row: ItemRow) -> str:
    """Return plain text saying where the item comes from: incident ID, title, postmortem path.

    It ends with the marker ``aar-key: KEY``, which a pull finds in any text column.
    """
    record = row.postmortem.brief
    severity = f" ({record.severity})" if record.severity else ""
    lines = [
        f"Action item {row.key} of incident {incident_name(record)}: {record.title}{severity}.",
        f"Postmortem: {row.postmortem.path}",
    ]
    if row.due_by_policy:
        lines.append("Due date set by the due policy; the postmortem writes none.")
    if row.item.link:
        lines.append(f"Link: {row.item.link}")
    lines.append(f"aar-key: {row.key}")
    return "\n".join(lines)


def jira_csv(rows: Iterable[ItemRow]) -> str:
    """Return a CSV file for Jira's importer, one issue per item, labels in repeated columns."""
    rows = list(rows)
    width = max((len(labels(row)) for row in rows), default=1)
    table = [[*JIRA_COLUMNS, JIRA_KEY, *[JIRA_LABELS] * width]]
    for row in rows:
        rank = priority_rank(row)
        tags = [re.sub(r"\s+", "_", label) for label in labels(row)]  # Jira labels have no spaces
        table.append(
            [
                row.item.title,
                "Task",
                JIRA_PRIORITIES[min(rank, len(JIRA_PRIORITIES) - 1)] if rank is not None else "",
                row.item.owner or "",
                row.due.isoformat() if row.due else "",
                describe(row),
                row.key,
                *tags,
                *[""] * (width - len(tags)),
            ]
        )
    return csv_text(table)


def github_issues(rows: Iterable[ItemRow]) -> str:
    """Return a JSON array of payloads for GitHub's ``POST /repos/{owner}/{repo}/issues``."""
    payloads: list[dict[str, Any]] = []
    for row in rows:
        owner = (row.item.owner or "").strip().removeprefix("@")
        payloads.append(
            {
                "title": row.item.title,
                "body": _markdown(row),
                "labels": labels(row),
                "assignees": [owner] if _GITHUB_LOGIN.match(owner) else [],
            }
        )
    return json.dumps(payloads, indent=2, ensure_ascii=False) + "\n"


def linear_csv(rows: Iterable[ItemRow]) -> str:
    """Return a CSV file in the columns of Linear's CSV import, the key as the external ID."""
    table = [list(LINEAR_COLUMNS)]
    for row in rows:
        rank = priority_rank(row)
        table.append(
            [
                row.key,
                row.item.title,
                describe(row),
                LINEAR_STATUS.get(row.state, "Todo"),
                LINEAR_PRIORITIES[min(rank, len(LINEAR_PRIORITIES) - 1)]
                if rank is not None
                else "No priority",
                row.item.owner or "",
                ", ".join(labels(row)),
                row.due.isoformat() if row.due else "",
            ]
        )
    return csv_text(table)


def ics(rows: Iterable[ItemRow], postmortems: Iterable[Document] = ()) -> str:
    """Return an iCalendar file: a VTODO per item with a due date, a VEVENT per follow-up review.

    Items are VTODOs because RFC 5545 gives to-dos a due date and the states an
    item has (NEEDS-ACTION, IN-PROCESS, COMPLETED, CANCELLED); events have
    neither. Reviews are all-day VEVENTs, counted from the incident's date, for
    the postmortems given and those of the rows. UIDs come from the keys and
    DTSTAMP from the record (its latest known time), so a re-export is identical.
    """
    from icalendar import Calendar, Todo  # only here: a tenth of a second of start-up

    rows = list(rows)
    calendar = Calendar()
    calendar.add("prodid", "-//afteraction//aar actions export//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for row in rows:
        if row.due is None:
            continue
        todo = Todo()
        todo.add("uid", f"{row.key}@{ICS_DOMAIN}")
        todo.add("dtstamp", _stamp(row.postmortem.brief, row.due))
        todo.add("summary", row.item.title)
        todo.add("description", describe(row))
        todo.add("due", row.due)
        todo.add("status", ICS_STATUS.get(row.state, "NEEDS-ACTION"))
        calendar.add_component(todo)
    seen = {postmortem.path: postmortem for postmortem in postmortems}
    for row in rows:
        seen.setdefault(row.postmortem.path, row.postmortem)
    for postmortem in seen.values():
        for event in _reviews(postmortem):
            calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text.decode("utf-8")


Exporter = Callable[[Sequence[ItemRow], Sequence[Document]], str]
EXPORTERS: dict[str, Exporter] = {
    "jira": lambda rows, _: jira_csv(rows),
    "github": lambda rows, _: github_issues(rows),
    "linear": lambda rows, _: linear_csv(rows),
    "ics": ics,
}


def exporter(fmt: str) -> Exporter:
    """Return the function that writes export format ``fmt`` (one of ``EXPORT_FORMATS``)."""
    found = EXPORTERS.get(fmt)
    if found is None:
        raise InvalidValueError(
            f"unknown export format '{fmt}' (known: {', '.join(EXPORT_FORMATS)})", field="format"
        )
    return found


def _markdown(row: ItemRow) -> str:
    record = row.postmortem.brief
    item = row.item
    due = row.due.isoformat() if row.due else "none"
    facts = [
        ("Owner", item.owner or "none"),
        ("Due", due + (" (by policy)" if row.due_by_policy else "")),
        ("Status", row.state),
        ("Priority", item.priority),
        ("Category", item.category),
        ("Horizon", item.horizon),
        ("Link", item.link),
        ("Postmortem", f"`{row.postmortem.path}`"),
    ]
    lines = [
        f"Action item `{row.key}` from the postmortem of **{incident_name(record)}**:"
        f" {record.title}",
        "",
        *[f"- **{name}:** {value}" for name, value in facts if value],
        "",
        f"<!-- aar-key: {row.key} -->",
    ]
    return "\n".join(lines)


def _stamp(record: Incident, fallback: date) -> datetime:
    """Return when the record was last known to change: its latest key time or history date."""
    times = [value for _, value in record.times if isinstance(value, datetime)]
    times += [_midnight(entry.date) for entry in record.history if entry.date]
    return max(times, default=_midnight(fallback))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _reviews(postmortem: Document) -> list[Event]:
    record = postmortem.brief
    start = record.incident_date()
    if start is None:
        return []
    from icalendar import Event

    events = []
    for review in postmortem.profile.reviews:
        day = start + timedelta(days=max(1, parse_span(review.after).days))
        slug = re.sub(r"[^a-z0-9]+", "-", review.name.casefold()).strip("-")
        event = Event()
        event.add("uid", f"{incident_name(record)}/review/{slug}@{ICS_DOMAIN}")
        event.add("dtstamp", _stamp(record, day))
        event.add("summary", f"{review.name}: {incident_name(record)} {record.title}")
        event.add(
            "description",
            f"Follow-up review ({review.after} after the incident) of {incident_name(record)}:"
            f" {record.title}.\nPostmortem: {postmortem.path}",
        )
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events
