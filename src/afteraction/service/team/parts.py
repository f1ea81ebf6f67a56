"""Use cases on parts of a team postmortem: timeline events, action items, comments, findings.

Each append runs on the latest revision inside one transaction (the row is
locked while it is changed), so two people appending at once both land; the
text is changed as the CLI changes it (``aar timeline add``, ``aar actions
set``): nothing else in the document moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from afteraction.document.loaded import Document
from afteraction.errors import InvalidValueError, NotFoundError
from afteraction.profiles.labels import norm
from afteraction.service import actions, lint
from afteraction.service.team.context import Actor, Team, sql
from afteraction.service.team.postmortems import labelled, visible_row, visible_to
from afteraction.service.timeline import Event, Timeline, add_timeline
from afteraction.service.workspace import Workspace
from afteraction.store.sql.store import source_of
from afteraction.store.sql.tables import CommentRow, PostmortemRow
from afteraction.timeline.apply import Applied
from afteraction.timeline.event import Kind

MAX_EVENTS = 1000
MAX_TEXT = 10_000


@dataclass(frozen=True)
class NewEvent:
    """A timeline event to add: when, what, and optionally who, from where, about what."""

    time: datetime
    text: str
    actor: str | None = None
    source: str | None = None
    component: str | None = None


@dataclass(frozen=True)
class Appended:
    """What an append did: events added, repeats not added again, key times filled."""

    added: int
    already: int
    filled: list[str]
    version: int

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "added": self.added,
            "already": self.already,
            "filled": self.filled,
            "version": self.version,
        }


def append_events(team: Team, actor: Actor, ref: str, events: list[NewEvent]) -> Appended:
    """Add events to a postmortem's timeline, as ``aar timeline add`` adds them."""
    actor.require("author", "adding timeline events")
    if not 1 <= len(events) <= MAX_EVENTS:
        raise InvalidValueError(f"give 1 to {MAX_EVENTS} events", field="events")
    built = []
    for index, new in enumerate(events):
        if new.time.tzinfo is None:
            raise InvalidValueError("a time needs its zone", field=f"events[{index}].time")
        if not new.text.strip() or len(new.text) > MAX_TEXT:
            raise InvalidValueError(
                f"an event's text has 1 to {MAX_TEXT} characters", field=f"events[{index}].text"
            )
        built.append(
            Event(
                time=new.time,
                source=new.source or "api",
                kind=Kind.MESSAGE,
                text=" ".join(new.text.split()),
                actor=new.actor or actor.display_name or actor.name,
                component=new.component,
            )
        )
    built.sort(key=lambda e: e.time)
    return append_timeline(team, actor, ref, Timeline(built, []), "timeline.append")


def append_timeline(
    team: Team, actor: Actor, ref: str, timeline: Timeline, action: str
) -> Appended:
    """Add a built timeline (from sources or a webhook) to a postmortem, key times included."""

    def attempt(space: Workspace, lock: bool) -> Applied:
        store = sql(space)
        return add_timeline(space, store.whole(visible_row(store, actor, ref, lock=lock)), timeline)

    applied, version = team.edit(actor, action, ref, attempt)
    return Appended(applied.added, applied.already, list(applied.filled), version)


def visible_refs(team: Team, actor: Actor, item_owner: str | None = None) -> tuple[str, ...]:
    """Return the IDs of every postmortem ``actor`` may see (with an item ``item_owner`` owns)."""
    query = select(PostmortemRow.ref).where(visible_to(actor)).order_by(PostmortemRow.id)
    if item_owner:
        query = query.where(labelled("item-owner", item_owner.strip()))
    with team.reading() as space:
        return tuple(sql(space).session.scalars(query))


def list_action_items(
    team: Team, actor: Actor, keep: actions.ItemFilter, today: date
) -> actions.ActionList:
    """Return the action items of every postmortem the actor may see that pass ``keep``."""
    actor.require("viewer", "listing action items")
    refs = visible_refs(team, actor, keep.owner)
    if not refs:
        return actions.ActionList([], [], [])
    with team.reading() as space:
        # Rows, exports and calendars read each document's brief record, kept in its row.
        return actions.list_actions(space, actions.ActionQuery(today, refs, keep))


def set_action_item(
    team: Team, actor: Actor, key: str, status: str, note: str | None = None
) -> actions.StatusSet:
    """Set an action item's status (and note), as ``aar actions set`` sets it."""
    actor.require("author", "changing an action item")
    ref = key.rpartition("#")[0]
    if not ref:
        raise InvalidValueError("an action item's key is INCIDENT-ID#NUMBER", field="key")

    def attempt(space: Workspace, lock: bool) -> actions.StatusSet:
        visible_row(sql(space), actor, ref, lock=lock)
        return actions.set_action_status(space, key, status, note, (ref,))

    return team.edit(actor, "action.status", ref, attempt, f"{key} -> {status}")[0]


def add_comment(
    team: Team, actor: Actor, ref: str, body: str, section: str | None = None
) -> dict[str, Any]:
    """Comment on a postmortem (or one of its sections), at its current revision."""
    actor.require("author", "commenting")
    if not body.strip() or len(body) > MAX_TEXT:
        raise InvalidValueError(f"a comment has 1 to {MAX_TEXT} characters", field="body")
    with team.writing(actor, "comment") as space:
        store = sql(space)
        row = visible_row(store, actor, ref, lock=True)
        if section is not None and norm(section) not in _section_names(store.whole(row)):
            raise NotFoundError(f"{ref} has no section '{section}'", field="section")
        comment = CommentRow(
            postmortem_id=row.id,
            section=section,
            author=actor.name,
            body=body,
            revision=row.revision,
            created_at=team.now(),
        )
        store.session.add(comment)
        store.session.flush()
        store.log("comment", ref, row.revision, {"comment": comment.id, "section": section})
        return _comment(comment)


def _section_names(document: Document) -> set[str]:
    """Return the names a comment may give a section by: its heading or key, normalised."""
    names = {
        name
        for spec in document.profile.sections
        for name in (spec.heading, spec.key, *spec.aliases)
    }
    names |= {
        name for part in document.record.sections for name in (part.heading, part.key) if name
    }
    return {norm(name) for name in names} - {""}


def comments(team: Team, actor: Actor, ref: str) -> list[dict[str, Any]]:
    """Return a postmortem's comments, oldest first."""
    actor.require("viewer", "reading comments")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        found = store.session.scalars(
            select(CommentRow).where(CommentRow.postmortem_id == row.id).order_by(CommentRow.id)
        )
        return [_comment(c) for c in found]


def _comment(row: CommentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "section": row.section,
        "author": row.author,
        "body": row.body,
        "revision": row.revision,
        "created_at": row.created_at.isoformat(),
    }


def findings(team: Team, actor: Actor, ref: str, today: date) -> list[dict[str, Any]]:
    """Return the lint findings of a postmortem's current text, as ``aar lint`` finds them."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        row = visible_row(sql(space), actor, ref)
        text, name = source_of(row).text, row.ref
    rules = {r.id: r for r in team.workspace.rules.ordered()}
    found = lint.lint_text(team.workspace, text, str(Path(name)), today)
    return [
        {
            "rule": f.rule,
            "name": f.name,
            "line": f.line,
            "col": f.col,
            "message": f.message,
            "fixable": f.fixable,
            "blocks_final": bool(getattr(rules.get(f.rule), "blocks_final", False)),
        }
        for f in found
    ]
