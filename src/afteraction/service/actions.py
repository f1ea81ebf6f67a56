"""Use cases on action items: list and filter them, set one's status, pull a tracker's, export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from afteraction.csvcell import csv_lines
from afteraction.document.kinds.action_build import canonical_state
from afteraction.document.loaded import Document
from afteraction.errors import AfteractionError, ConflictError, NotFoundError, UsageError
from afteraction.followup import exports
from afteraction.followup.edit import set_status, set_status_read
from afteraction.followup.items import (
    ItemFilter,
    ItemRow,
    PlacedItem,
    action_rows,
    incident_name,
    numbered_items,
)
from afteraction.followup.pull import match_states, read_export
from afteraction.service.reading import read_all
from afteraction.service.workspace import Workspace

__all__ = [  # ItemFilter and ItemRow are here for front ends, which import only service
    "CSV_COLUMNS",
    "ActionList",
    "ActionQuery",
    "ItemFilter",
    "ItemRow",
    "PullReport",
    "StatusSet",
    "check_export_format",
    "json_text",
    "list_actions",
    "pull_states",
    "set_action_status",
]
CSV_COLUMNS = (
    "key",
    "incident",
    "number",
    "title",
    "owner",
    "status",
    "priority",
    "category",
    "horizon",
    "blocking",
    "due",
    "due_by_policy",
    "overdue",
    "due_soon",
    "age_days",
    "link",
    "path",
)


@dataclass(frozen=True)
class ActionQuery:
    """Which items to list: where the postmortems are, the filter, the day overdue is judged by."""

    today: date
    where: tuple[str, ...] = ()
    keep: ItemFilter = field(default_factory=ItemFilter)


@dataclass
class ActionList:
    """The items a query found, the documents they came from, and files that could not be read."""

    rows: list[ItemRow]
    documents: list[Document]
    unreadable: list[AfteractionError]

    def to_dict(self) -> list[dict[str, Any]]:
        """Return the rows as JSON-ready data with stable names."""
        return [row.to_dict() for row in self.rows]

    def csv(self) -> str:
        """Return the rows as CSV (formula-like cells neutralised)."""
        return "".join(self.csv_lines())

    def csv_lines(self) -> Iterator[str]:
        """Yield the CSV a record at a time, so a long list is written without being held."""
        data = (row.to_dict() for row in self.rows)
        return csv_lines(
            [CSV_COLUMNS, *([found.get(name) for name in CSV_COLUMNS] for found in data)]
        )

    def json_chunks(self) -> Iterator[str]:
        """Yield the JSON array (as `json_text` writes it) an item at a time."""
        if not self.rows:
            yield "[]\n"
            return
        for index, row in enumerate(self.rows):
            item = json.dumps(row.to_dict(), indent=2).replace("\n", "\n  ")
            yield ("[\n  " if index == 0 else ",\n  ") + item
        yield "\n]\n"

    def export(self, fmt: str) -> str:
        """Return the rows in a tracker's import format (``EXPORT_FORMATS``)."""
        return exports.exporter(fmt)(self.rows, self.documents)


def check_export_format(fmt: str) -> None:
    """Refuse an export format that is not known, before any document is read."""
    exports.exporter(fmt)


def json_text(listed: ActionList) -> str:
    """Return the listed rows as JSON text (an array, one object per item)."""
    return "".join(listed.json_chunks())


def list_actions(workspace: Workspace, query: ActionQuery) -> ActionList:
    """Return every action item of the postmortems the query names that passes its filter."""
    read = read_all(workspace, query.where)
    rows = [
        row
        for row in action_rows(read.documents, workspace.policy, query.today)
        if query.keep.keeps(row)
    ]
    return ActionList(rows, read.documents, read.unreadable)


@dataclass(frozen=True)
class StatusSet:
    """An item whose status was set: its key, the state written, where it is."""

    key: str
    state: str
    path: Path

    def to_dict(self) -> dict[str, str]:
        """Return the change as JSON-ready data."""
        return {"key": self.key, "state": self.state, "path": str(self.path)}


def set_action_status(
    workspace: Workspace,
    key: str,
    status: str,
    note: str | None = None,
    where: tuple[str, ...] = (),
    *,
    expected: str | None = None,
) -> StatusSet:
    """Set the status (and note) of the action item with ``key`` in its document, in its store.

    With ``expected`` (the digest of the document as the caller last read it),
    a document changed since is refused as a conflict and nothing is written.
    """
    documents = read_all(workspace, where).documents
    placed = _one_item(key, documents)
    document = workspace.store.fresh(placed.postmortem)
    if expected is not None and document.digest != expected:
        raise ConflictError(
            "changed since it was read; nothing was written; read it again", file=document.path
        )
    text = document.source.text if document.source is not None else ""
    changed, read = set_status_read(
        text,
        str(document.path),
        document.profile,
        placed.index,
        status,
        note,
        strict=document.recognized,
    )
    workspace.store.put(document, changed, read if document.recognized else None)
    state = canonical_state(status, document.profile) or status
    return StatusSet(placed.key, state, document.path)


def _one_item(key: str, found: list[Document]) -> PlacedItem:
    """Return the one item with ``key``, or fail saying there is none or several."""
    places = [p for p in numbered_items(found) if p.key == key]
    if not places:
        known = sorted({incident_name(d.brief) for d in found})
        raise NotFoundError(
            f"no action item has the key '{key}' (keys are INCIDENT-ID#NUMBER; incidents:"
            f" {', '.join(known[:5])}{' ...' if len(known) > 5 else ''})",
            field="key",
        )
    if len(places) > 1:
        where = ", ".join(str(p.postmortem.path) for p in places)
        raise ConflictError(f"the key '{key}' is in several documents: {where}", field="key")
    return places[0]


@dataclass
class PullReport:
    """What a pull did: items changed, already so, keys it does not know, items skipped."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        """Return the report as JSON-ready data."""
        return {
            "changed": self.changed,
            "unchanged": self.unchanged,
            "unknown": self.unknown,
            "skipped": self.skipped,
        }


def _pull_into(
    workspace: Workspace,
    document: Document,
    plan: list[tuple[PlacedItem, str, str]],
    skipped: list[str],
) -> list[str]:
    """Set the planned states in one document, written once; return the keys changed."""
    document = workspace.store.fresh(document)
    source_text = document.source.text if document.source is not None else ""
    text = source_text
    changed: list[str] = []
    for placed, state_name, exported in plan:
        try:
            text = set_status(text, str(document.path), document.profile, placed.index, state_name)
        except UsageError as exc:
            skipped.append(f"{placed.key}: {exc.message}")
            continue
        moved = "" if placed.key == exported else f" (exported as {exported})"
        changed.append(placed.key + moved)
    workspace.store.put(document, text)
    return changed


def pull_states(workspace: Workspace, export: Path, where: tuple[str, ...] = ()) -> PullReport:
    """Set each item's status to what a tracker export says, in its document.

    Each document is changed in memory item by item and written once, and
    only if unchanged since read. An item that cannot be set (or a key in
    several documents) is reported with its key, and the others are still
    set. A row is matched to the one item of its incident with the row's
    title when there is one (its number may have changed since the export),
    else by its key.
    """
    found = read_all(workspace, where).documents
    read = read_export(export)
    report = PullReport(skipped=list(read.skipped))
    latest = {state.key: state for state in read.states}  # a later row of one key wins
    matches = match_states(latest.values(), numbered_items(found))
    report.unknown += matches.unknown
    report.skipped += matches.skipped
    plans: dict[Path, list[tuple[PlacedItem, str, str]]] = {}
    for state, placed in matches.found:
        if (placed.item.status or "open") == state.state:
            report.unchanged.append(state.key)
        else:
            plans.setdefault(placed.postmortem.path, []).append((placed, state.state, state.key))
    for plan in plans.values():
        document = plan[0][0].postmortem
        try:
            report.changed += _pull_into(workspace, document, plan, report.skipped)
        except ConflictError as exc:
            report.skipped += [f"{placed.key}: {exc}" for placed, _, _ in plan]
    return report
