"""Use cases on the team's postmortems: list, create, import, read, render, replace, delete.

Who may see a postmortem: everyone on the team, except a private one, which
only its participants (who created it, its owners) and admins see; to anyone
else it does not exist. Writing needs the author role; deleting, admin.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select

from afteraction.document.loaded import Document, read_source_text
from afteraction.errors import ConflictError, InvalidValueError, NotFoundError
from afteraction.model import HistoryEntry, KeyTimes, compute_metrics
from afteraction.service import documents
from afteraction.service.team.context import Actor, Team, sql
from afteraction.sourcetext import SourceText
from afteraction.store.sql.store import SqlStore
from afteraction.store.sql.tables import (
    ChangeRow,
    LabelRow,
    PostmortemBodyRow,
    PostmortemRow,
    RevisionRow,
)

MAX_PAGE = 200
_SORTS = {
    "occurred": PostmortemRow.occurred_at,
    "updated": PostmortemRow.updated_at,
    "id": PostmortemRow.ref,
    "severity": PostmortemRow.severity,
    "status": PostmortemRow.status,
    "title": PostmortemRow.title,
}


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """Return the condition a postmortem row meets when ``actor`` may see it."""
    if actor.at_least("admin"):
        return PostmortemRow.id.is_not(None)
    names = {actor.name.lower(), actor.display_name.lower()} - {""}
    owner = exists().where(
        LabelRow.postmortem_id == PostmortemRow.id,
        LabelRow.kind == "owner",
        LabelRow.value.in_(names),
    )
    return or_(PostmortemRow.private == false(), PostmortemRow.created_by == actor.name, owner)


def labelled(kind: str, value: str) -> ColumnElement[bool]:
    """Return the condition a postmortem row meets when it has the label ``kind`` ``value``.

    It is found through the labels' index, not by a look at every postmortem's labels.
    """
    found = select(LabelRow.postmortem_id).where(
        LabelRow.kind == kind, LabelRow.value == value.lower()
    )
    return PostmortemRow.id.in_(found)


def visible_row(store: SqlStore, actor: Actor, ref: str, *, lock: bool = False) -> PostmortemRow:
    """Return the row of ``ref`` if ``actor`` may see it; a hidden one is not found."""
    row = store.row(ref, lock=lock)
    if row.private and not store.session.scalar(
        select(func.count())
        .select_from(PostmortemRow)
        .where(PostmortemRow.id == row.id, visible_to(actor))
    ):
        raise NotFoundError(f"no postmortem '{ref}'", field="id")
    return row


def summary(row: PostmortemRow) -> dict[str, Any]:
    """Return what a list shows of a postmortem."""

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": row.ref,
        "title": row.title,
        "profile": row.profile,
        "severity": row.severity,
        "status": row.status,
        "occurred_at": moment(row.occurred_at),
        "times": {
            "started": moment(row.started_at),
            "detected": moment(row.detected_at),
            "acknowledged": moment(row.acknowledged_at),
            "mitigated": moment(row.mitigated_at),
            "resolved": moment(row.resolved_at),
            "closed": moment(row.closed_at),
        },
        "owners": list(row.owners),
        "component": row.component,
        "tags": list(row.tags),
        "private": row.private,
        "version": row.revision,
        "created_by": row.created_by,
        "updated_at": moment(row.updated_at),
        "updated_by": row.updated_by,
    }


@dataclass(frozen=True)
class PostmortemQuery:
    """Which postmortems to list, in what order, which page."""

    status: str | None = None
    severity: str | None = None
    profile: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    owner: str | None = None
    component: str | None = None
    tag: str | None = None
    text: str | None = None
    sort: str = "-occurred"
    limit: int = 50
    offset: int = 0

    def select(self, actor: Actor) -> Select[PostmortemRow]:
        """Return the query of the rows it asks for (before ordering and paging)."""
        conditions: list[ColumnElement[bool]] = [visible_to(actor)]
        for value, column in (
            (self.status, PostmortemRow.status),
            (self.severity, PostmortemRow.severity),
            (self.profile, PostmortemRow.profile),
        ):
            if value:
                conditions.append(func.lower(column) == value.lower())
        if self.component:
            conditions.append(func.lower(PostmortemRow.component) == self.component.lower())
        if self.since:
            conditions.append(PostmortemRow.occurred_at >= self.since)
        if self.until:
            conditions.append(PostmortemRow.occurred_at < self.until)
        for kind, value in (("owner", self.owner), ("tag", self.tag)):
            if value:
                conditions.append(labelled(kind, value))
        if self.text:
            words = self.text.lower().split()[:10]
            conditions += [
                or_(
                    func.lower(PostmortemRow.title).contains(w, autoescape=True),
                    PostmortemRow.id.in_(
                        select(PostmortemBodyRow.postmortem_id).where(
                            func.lower(PostmortemBodyRow.text).contains(w, autoescape=True)
                        )
                    ),
                )
                for w in words
            ]
        # A list shows nothing of the body (text, record): it is not read.
        return select(PostmortemRow).where(and_(*conditions))


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, how many there are in all, where the page starts."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        """Return the page as JSON-ready data."""
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


def list_postmortems(team: Team, actor: Actor, query: PostmortemQuery) -> Page:
    """Return the page of postmortems ``query`` asks for that ``actor`` may see."""
    actor.require("viewer", "listing postmortems")
    if not 1 <= query.limit <= MAX_PAGE:
        raise InvalidValueError(f"limit is 1 to {MAX_PAGE}", field="limit")
    if query.offset < 0:
        raise InvalidValueError("offset is 0 or more", field="offset")
    column = _SORTS.get(query.sort.lstrip("-"))
    if column is None:
        raise InvalidValueError(
            f"unknown sort '{query.sort}' (sorts: {', '.join(_SORTS)}, '-' first to reverse)",
            field="sort",
        )
    order = column.desc() if query.sort.startswith("-") else column.asc()
    with team.reading() as space:
        session = sql(space).session
        chosen = query.select(actor)
        total = session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
        rows = session.scalars(
            chosen.order_by(order, PostmortemRow.id).limit(query.limit).offset(query.offset)
        )
        return Page([summary(r) for r in rows], total, query.limit, query.offset)


@dataclass(frozen=True)
class Shown:
    """A postmortem read whole: what ``aar show --json`` gives, its version and list facts."""

    data: dict[str, Any]
    version: int

    def to_dict(self) -> dict[str, Any]:
        """Return the postmortem as JSON-ready data."""
        return self.data


def _shown(row: PostmortemRow, document: Document) -> Shown:
    return Shown({**documents.shown(document), **summary(row)}, row.revision)


def _shown_row(store: SqlStore, row: PostmortemRow) -> Shown:
    """Return what :func:`_shown` gives, from the record the row keeps (read as JSON only)."""
    if row.reading != store.reading:
        return _shown(row, store.whole(row))
    times = KeyTimes(
        started=row.started_at,
        detected=row.detected_at,
        acknowledged=row.acknowledged_at,
        mitigated=row.mitigated_at,
        resolved=row.resolved_at,
        closed=row.closed_at,
    )
    record = orjson.loads(row.body.record)
    parts = documents.shown_parts(record, row.profile, times, row.body.disorder)
    return Shown({**parts, **summary(row)}, row.revision)


def get_postmortem(team: Team, actor: Actor, ref: str) -> Shown:
    """Return a postmortem's record, figures and list facts, with its version."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        return _shown_row(store, visible_row(store, actor, ref))


@dataclass(frozen=True)
class Rendered:
    """A postmortem written out in a profile and format, with its version."""

    text: str
    fmt: str
    profile: str
    version: int


def render_postmortem(
    team: Team,
    actor: Actor,
    ref: str,
    fmt: str = "md",
    profile: str | None = None,
    *,
    remote_images: bool = False,
) -> Rendered:
    """Write a postmortem as Markdown (in any profile), HTML or JSON, as ``aar render`` does."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        key = (row.ref, row.revision, row.digest, fmt, profile, remote_images)
        kept = team.rendered.get(key)
        if isinstance(kept, Rendered):
            return kept
        document = store.whole(row)
        target = space.profiles.get(profile) if profile else None
        record, chosen = documents.in_profile(document, target)
        keeps_history = any(spec.bind == "history" for spec in chosen.sections)
        if fmt == "md" and target is None and not keeps_history:
            text = document.source.text if document.source is not None else ""
            return Rendered(text, fmt, document.profile.name, row.revision)
        if keeps_history:
            record = record.model_copy(update={"history": _history(store, row)})
        text = documents.render(record, chosen, fmt, remote_images=remote_images)
        rendered = Rendered(text, fmt, chosen.name, row.revision)
        team.rendered.put(key, rendered)
        return rendered


def _history(store: SqlStore, row: PostmortemRow) -> list[HistoryEntry]:
    """Return the document history a profile's table shows, from the revisions and the log."""
    saves = store.session.scalars(
        select(ChangeRow).where(ChangeRow.ref == row.ref).order_by(ChangeRow.id)
    )
    actions = {entry.revision: entry.action for entry in saves if "digest" in entry.detail}
    found = store.session.scalars(
        select(RevisionRow).where(RevisionRow.postmortem_id == row.id).order_by(RevisionRow.number)
    )
    return [
        HistoryEntry(
            version=str(r.number),
            date=r.created_at.date(),
            author=r.author,
            changes=r.message or actions.get(r.number, "edit"),
        )
        for r in found
    ]


def text_of(team: Team, actor: Actor, ref: str) -> Rendered:
    """Return a postmortem's text exactly as stored (its own line endings), with its version."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        return Rendered(row.body.text, "md", row.profile, row.revision)


@dataclass(frozen=True)
class NewPostmortem:
    """A new postmortem from a profile's template."""

    profile: str
    title: str = ""
    severity: str | None = None
    started: datetime | None = None


def create_postmortem(team: Team, actor: Actor, new: NewPostmortem) -> Shown:
    """Start a postmortem from a profile's template, with the next free incident ID."""
    actor.require("author", "creating a postmortem")
    if len(new.title) > 500:
        raise InvalidValueError("a title has at most 500 characters", field="title")
    profile = team.workspace.profiles.get(new.profile)
    given = documents.NewIncident(new.title, new.severity, new.started)
    with team.writing(actor, "create") as space:
        store = sql(space)
        record = documents.new_record(profile, store, given, team.now().date())
        assert record.id is not None
        store.create(Path(record.id), documents.render_draft(record, profile))
        row = store.row(record.id)
        return _shown_row(store, row)


def import_postmortem(
    team: Team,
    actor: Actor,
    data: bytes,
    *,
    name: str = "upload.md",
    profile: str | None = None,
    message: str = "",
) -> Shown:
    """Store an uploaded Markdown postmortem of any shape, read as ``aar import`` reads it.

    The text is kept as written; with ``profile`` it is re-written in that
    profile first. Its incident ID names it; one without an ID gets the
    next free one of its profile.
    """
    actor.require("author", "importing a postmortem")
    label = Path(name).name or "upload.md"
    source = SourceText.decode(data, label)
    document = read_source_text(source, Path(label), team.workspace.profiles)
    if profile is not None:
        record, target = documents.in_profile(document, team.workspace.profiles.get(profile))
        data = documents.render(record, target, "md").encode("utf-8")
        document = read_source_text(
            SourceText.decode(data, label), Path(label), team.workspace.profiles
        )
    with team.writing(actor, "import", message) as space:
        store = sql(space)
        record = document.record
        ref = record.id
        if ref is None:
            day = (record.times.started or team.now()).date()
            ref = store.next_id(document.profile, day)
        elif store.session.scalar(select(PostmortemRow.id).where(PostmortemRow.ref == ref)):
            raise ConflictError(
                f"a postmortem '{ref}' exists already: replace its text instead", field="id"
            )
        store.create_bytes(ref, data)
        row = store.row(ref)
        return _shown_row(store, row)


def replace_text(
    team: Team, actor: Actor, ref: str, data: bytes, version: int, message: str = ""
) -> Shown:
    """Save a new text of a postmortem over ``version``; any other version is refused (412)."""
    actor.require("author", "editing a postmortem")
    with team.writing(actor, "edit", message) as space:
        store = sql(space)
        visible_row(store, actor, ref, lock=True)
        store.replace(ref, data, version)
        row = store.row(ref)
        return _shown_row(store, row)


def delete_postmortem(team: Team, actor: Actor, ref: str) -> None:
    """Delete a postmortem (admins only); the log of changes keeps its last text."""
    actor.require("admin", "deleting a postmortem")
    with team.writing(actor, "delete") as space:
        sql(space).delete(ref)


def revisions(team: Team, actor: Actor, ref: str) -> list[dict[str, Any]]:
    """Return a postmortem's revisions, oldest first: number, author, time, message, digest."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        found = store.session.scalars(
            select(RevisionRow)
            .where(RevisionRow.postmortem_id == row.id)
            .order_by(RevisionRow.number)
        )
        return [
            {
                "number": r.number,
                "author": r.author,
                "created_at": r.created_at.isoformat(),
                "message": r.message,
                "digest": r.digest,
                "size": len(r.text.encode("utf-8")),
            }
            for r in found
        ]


def revision_text(team: Team, actor: Actor, ref: str, number: int) -> str:
    """Return the text of one revision."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        return _revision(store, visible_row(store, actor, ref), number).text


def diff(team: Team, actor: Actor, ref: str, old: int, new: int) -> str:
    """Return the unified diff from revision ``old`` to revision ``new``."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        before, after = _revision(store, row, old), _revision(store, row, new)
        return "".join(
            difflib.unified_diff(
                before.text.splitlines(keepends=True),
                after.text.splitlines(keepends=True),
                f"{ref}@{old}",
                f"{ref}@{new}",
            )
        )


def _revision(store: SqlStore, row: PostmortemRow, number: int) -> RevisionRow:
    found = store.session.scalars(
        select(RevisionRow).where(RevisionRow.postmortem_id == row.id, RevisionRow.number == number)
    ).one_or_none()
    if found is None:
        raise NotFoundError(
            f"{row.ref} has no revision {number} (revisions 1 to {row.revision})", field="revision"
        )
    return found


def key_times(team: Team, actor: Actor, ref: str) -> dict[str, Any]:
    """Return a postmortem's key times and the figures between them (TTD, TTA, TTM, TTR)."""
    actor.require("viewer", "reading a postmortem")
    with team.reading() as space:
        store = sql(space)
        row = visible_row(store, actor, ref)
        times = store.whole(row).record.times
        metrics = compute_metrics(times)
        return {
            "times": {k: (v.isoformat() if v else None) for k, v in times.model_dump().items()},
            "metrics": {k: (v.total_seconds() if v is not None else None) for k, v in metrics},
            "version": row.revision,
        }
