"""Every action item of every postmortem, each with a stable key, its due date and state.

The key is the incident ID and the item's number (``INC-20261103-001#2``):
the number the document writes, else the item's place in the document, so it
survives re-rendering and conversion between profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from afteraction.document.loaded import Document
from afteraction.model import CLOSED_STATES, ActionItem, Incident
from afteraction.profiles.due import DuePolicy


@dataclass(frozen=True)
class ItemRow:
    """One action item with what follow-up needs: key, due date (written or by policy), state."""

    key: str
    number: str
    postmortem: Document
    item: ActionItem
    due: date | None
    due_by_policy: bool
    state: str
    overdue: bool
    due_soon: bool
    age_days: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready data with stable names."""
        item = self.item
        return {
            "key": self.key,
            "incident": self.postmortem.brief.id,
            "incident_title": self.postmortem.brief.title,
            "path": str(self.postmortem.path),
            "profile": self.postmortem.profile.name,
            "number": self.number,
            "title": item.title,
            "owner": item.owner,
            "status": self.state,
            "priority": item.priority,
            "category": item.category,
            "horizon": item.horizon,
            "blocking": item.blocking,
            "link": item.link,
            "due": self.due.isoformat() if self.due else None,
            "due_by_policy": self.due_by_policy,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "age_days": self.age_days,
        }


def incident_name(record: Incident) -> str:
    """Return how keys and exports name an incident: its ID, else its title."""
    return record.id or record.title or "untitled"


def item_key(record: Incident, number: str) -> str:
    """Return an item's stable key: the incident's name and the item's number."""
    return f"{incident_name(record)}#{number}"


@dataclass(frozen=True)
class PlacedItem:
    """An action item with its key and where it is: its postmortem and its place in the list."""

    key: str
    number: str
    postmortem: Document
    index: int
    item: ActionItem


def numbered_items(postmortems: Iterable[Document]) -> Iterator[PlacedItem]:
    """Yield every action item of every postmortem with its key, in document order."""
    for postmortem in postmortems:
        for index, item in enumerate(postmortem.brief.action_items):
            number = (item.id or "").strip() or str(index + 1)
            yield PlacedItem(item_key(postmortem.brief, number), number, postmortem, index, item)


def action_rows(
    postmortems: Iterable[Document], policy: DuePolicy, today: date
) -> Iterator[ItemRow]:
    """Yield a row for every action item of every postmortem, in document order."""
    for placed in numbered_items(postmortems):
        item, profile = placed.item, placed.postmortem.profile
        start = placed.postmortem.brief.incident_date()
        due = policy.due_date(item, profile, start)
        state = item.status or "open"
        open_ = not item.closed
        yield ItemRow(
            key=placed.key,
            number=placed.number,
            postmortem=placed.postmortem,
            item=item,
            due=due,
            due_by_policy=item.due is None and due is not None,
            state=state,
            overdue=policy.overdue(item, due, today),
            due_soon=open_ and due is not None and today <= due <= today + policy.soon,
            age_days=(today - start).days if start else None,
        )


@dataclass(frozen=True)
class ItemFilter:
    """Which rows to keep: each given criterion must hold (text matches ignore case).

    A status is one of the four states, as written or as words ("In progress").
    """

    owner: str | None = None
    status: str | None = None
    priority: str | None = None
    category: str | None = None
    horizon: str | None = None
    overdue: bool = False
    due_soon: bool = False
    blocking: bool = False
    open_only: bool = False

    def keeps(self, row: ItemRow) -> bool:
        """Say whether a row passes every criterion given."""
        item = row.item
        status = self.status and self.status.replace(" ", "_").replace("-", "_")
        for wanted, value in (
            (self.owner, item.owner),
            (status, row.state),
            (self.priority, item.priority),
            (self.category, item.category),
            (self.horizon, item.horizon),
        ):
            if wanted is not None and (value or "").casefold() != wanted.casefold():
                return False
        if self.open_only and row.state in CLOSED_STATES:
            return False
        if self.overdue and not row.overdue:
            return False
        if self.due_soon and not row.due_soon:
            return False
        return not (self.blocking and not item.blocking)
