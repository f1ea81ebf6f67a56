"""The SQL store: the :class:`DocumentStore` interface over a database session.

A document's name (its ``path``) is its incident ID (``ref``). Every save
reads the text into its record, derives the row's columns and labels from
it, and adds a revision and an entry to the log of changes, all in the
transaction of the session the store was given: a save that fails leaves
nothing behind.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, joinedload

from afteraction.document.loaded import LONG_PARTS, Document, order_warnings, read_source_text
from afteraction.document.parse import Parsed
from afteraction.errors import (
    AfteractionError,
    ConflictError,
    InvalidValueError,
    NotFoundError,
    StaleVersionError,
)
from afteraction.model import Incident
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.profiles.ids import format_id, id_regex
from afteraction.sourcetext import SourceText, digest_of
from afteraction.store.cache import fingerprint
from afteraction.store.sql.derive import derive
from afteraction.store.sql.tables import (
    ChangeRow,
    LabelRow,
    PostmortemBodyRow,
    PostmortemRow,
    RevisionRow,
)

MAX_REF = 200
MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_SEQUENCE_DIGITS = 9
_EXCLUDED = set(LONG_PARTS)
# What a brief document reads of a body: not the text, not the whole record.
_BRIEF = (PostmortemBodyRow.brief, PostmortemBodyRow.warnings, PostmortemBodyRow.disorder)


# Bumped whenever what a save derives from a text (columns, labels) changes.
DERIVED = 3


def reading_of(registry: ProfileRegistry) -> str:
    """Return how documents are read and derived: this version, these profiles, ``DERIVED``."""
    return f"{fingerprint(registry)}-{DERIVED}"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Change:
    """Who is changing the store and why: written with every revision and logged."""

    actor: str = "system"
    action: str = "edit"
    message: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


class SqlStore:
    """Postmortems in a database, through one session (one transaction).

    ``reading`` is the fingerprint of how documents are read (this version,
    these profiles): records kept under another are read again from the text.
    """

    def __init__(
        self,
        session: Session,
        registry: ProfileRegistry,
        change: Change | None = None,
        *,
        now: Callable[[], datetime] = _now,
        reading: str | None = None,
    ) -> None:
        self.session = session
        self.registry = registry
        self.change = change or Change()
        self.now = now
        self.reading = reading or reading_of(registry)

    # ------------------------------------------------------------------ reading
    def find(self, where: Iterable[str] = ()) -> list[Path]:
        """Return the postmortems ``where`` names (IDs or ``*`` patterns; default: all)."""
        wanted = list(where)
        if not wanted or any(any(c in name for c in "*?[") for name in wanted):
            known = list(self.session.scalars(select(PostmortemRow.ref).order_by(PostmortemRow.id)))
        else:  # only IDs: only those are looked up
            query = select(PostmortemRow.ref).where(PostmortemRow.ref.in_(wanted))
            known = list(self.session.scalars(query))
        if not wanted:
            return [Path(r) for r in known]
        present = set(known)
        found: dict[str, None] = {}
        for name in wanted:
            if any(c in name for c in "*?["):
                found.update(dict.fromkeys(fnmatch.filter(known, name)))
            elif name in present:
                found[name] = None
            else:
                raise NotFoundError(f"no postmortem '{name}'", field="id")
        return [Path(r) for r in found]

    def row(self, ref: str | Path, *, lock: bool = False) -> PostmortemRow:
        """Return a postmortem's row with its body (locked until the transaction ends, ``lock``)."""
        query = (
            select(PostmortemRow)
            .options(joinedload(PostmortemRow.body))
            .where(PostmortemRow.ref == str(ref))
        )
        if lock:
            query = query.with_for_update()
        row = self.session.scalars(query).one_or_none()
        if row is None:
            raise NotFoundError(f"no postmortem '{ref}'", field="id")
        return row

    def read(self, path: Path) -> SourceText:
        """Return a postmortem's text as stored."""
        return source_of(self.row(path))

    def get(self, path: Path, profile_name: str | None = None) -> Document:
        """Read a postmortem into its record (kept from its last save when read the same way)."""
        if profile_name is not None:
            return _named(read_source_text(self.read(path), path, self.registry, profile_name))
        return self.whole(self.row(path))

    def whole(self, row: PostmortemRow) -> Document:
        """Return the document a row holds, whole: its text and the record read from it.

        The record kept at the last save is used when it was read by this
        version with these profiles; otherwise the text is read again.
        """
        path, body, source = Path(row.ref), row.body, source_of(row)
        if row.reading != self.reading:
            return _named(read_source_text(source, path, self.registry))
        return Document(
            path,
            Incident.model_validate_json(body.record),
            self.registry.get(row.profile),
            source,
            row.recognized,
            tuple(body.warnings),
            tuple(body.disorder),
        )

    def load_all(self, paths: Iterable[Path]) -> list[Document | AfteractionError]:
        """Return each postmortem from its stored brief record, without reading its text."""
        wanted = [str(p) for p in paths]
        rows = {
            row.ref: row
            for row in self.session.scalars(
                select(PostmortemRow)
                .options(joinedload(PostmortemRow.body).load_only(*_BRIEF))
                .where(PostmortemRow.ref.in_(wanted))
            )
        }
        found: list[Document | AfteractionError] = []
        for ref in wanted:
            row = rows.get(ref)
            if row is None:
                found.append(NotFoundError(f"no postmortem '{ref}'", field="id"))
            else:
                found.append(self.document(row))
        return found

    def document(self, row: PostmortemRow) -> Document:
        """Return the document a row holds, with its brief record (its text read when asked)."""
        path, body = Path(row.ref), row.body
        if row.reading != self.reading:
            return self.whole(row)
        return Document(
            path,
            None,
            self.registry.get(row.profile),
            None,
            row.recognized,
            tuple(body.warnings),
            tuple(body.disorder),
            row.digest,
            brief=Incident.model_validate_json(body.brief),
            reread=lambda: self.get(path),
        )

    def fresh(self, document: Document) -> Document:
        """Return ``document`` with its text; one changed since it was read is a conflict."""
        if document.source is not None and document.known_digest is None:
            return document
        again = self.get(document.path)
        if again.digest != document.digest:
            raise ConflictError(
                "changed since it was read; nothing was written; read it again",
                field="version",
            )
        return again

    # ------------------------------------------------------------------ writing
    def put(self, document: Document, text: str, read: Parsed | None = None) -> SourceText:
        """Save ``text`` as the postmortem's next revision, if it is unchanged since read.

        The row is locked first, so two writers of one postmortem take turns.
        ``read`` is ``text`` already read in the document's profile, as it is
        read when it follows it (an edit's check): it is not read again.
        """
        row = self.row(document.path, lock=True)
        if row.digest != document.digest:
            raise ConflictError(
                "changed since it was read; nothing was written; read it again",
                field="version",
            )
        old = source_of(row)
        if text == old.text:
            return old
        known = None
        same = document.recognized and document.profile.name == row.profile
        if read is not None and same and not read.problems:
            known = read
        return self._save(row, old.encode(text), read=known)

    def replace(self, ref: str | Path, data: bytes, revision: int) -> SourceText:
        """Save ``data`` (a whole text, as uploaded) over revision ``revision`` of ``ref``."""
        row = self.row(ref, lock=True)
        if row.revision != revision:
            raise StaleVersionError(
                f"the postmortem is at version {row.revision}, not {revision}: nothing was"
                " written; read it again",
                current=row.revision,
            )
        if digest_of(data) == row.digest:
            return SourceText.decode(data, Path(row.ref))
        return self._save(row, data)

    def create(self, path: Path, text: str, *, force: bool = False) -> SourceText:
        """Store a new postmortem named ``path``; an existing one is a conflict unless ``force``."""
        return self.create_bytes(str(path), text.encode("utf-8"), force=force)

    def create_bytes(self, ref: str, data: bytes, *, force: bool = False) -> SourceText:
        """Store a new postmortem from its bytes as given (line endings and BOM kept)."""
        _check_ref(ref)
        existing = self.session.scalars(
            select(PostmortemRow)
            .options(joinedload(PostmortemRow.body))
            .where(PostmortemRow.ref == ref)
            .with_for_update()
        ).one_or_none()
        if existing is not None:
            if not force:
                raise ConflictError(f"a postmortem '{ref}' exists already", field="id")
            return self._save(existing, data)
        now = self.now()
        row = PostmortemRow(
            ref=ref,
            revision=0,
            created_at=now,
            created_by=self.change.actor,
            updated_at=now,
            updated_by=self.change.actor,
            digest="",
            profile="default",
            body=PostmortemBodyRow(text="", record="{}", brief="{}", warnings=[], disorder=[]),
            occurred_at=now,
        )
        self.session.add(row)
        # A new document is logged as its use case names it (create, import, alert ...).
        return self._save(row, data, action="create" if self.change.action == "edit" else None)

    def delete(self, ref: str) -> None:
        """Delete a postmortem and its revisions; the log of changes keeps its last text."""
        row = self.row(ref, lock=True)
        self.log("delete", row.ref, row.revision, {"digest": row.digest, "text": row.body.text})
        self.session.delete(row)
        self.session.flush()

    def next_id(self, profile: Profile, day: date) -> str:
        """Return the next free incident ID of ``day`` in the profile's pattern."""
        regex = id_regex(profile.id_pattern)
        head = profile.id_pattern.split("{N")[0].split("{#")[0]
        prefix = format_id(head, day, 0)
        if self.session.get_bind().dialect.name == "postgresql":
            # One allocation of a day's IDs at a time, until this transaction ends (SQLite's
            # write transactions take turns already).
            self.session.execute(
                sql_text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"aar-id:{prefix}"},
            )
        query = select(PostmortemRow.ref)
        if prefix:
            query = query.where(PostmortemRow.ref.startswith(prefix, autoescape=True))
        taken = 0
        wanted = (f"{day:%Y}", f"{day:%m}", f"{day:%d}")
        for ref in self.session.scalars(query):
            match = regex.fullmatch(ref)
            if match is None:
                continue
            groups = match.groupdict()
            stated = tuple(groups.get(k) for k in ("year", "month", "day"))
            same_day = all(s is None or s == w for s, w in zip(stated, wanted, strict=True))
            if same_day and len(groups["seq"]) <= MAX_SEQUENCE_DIGITS:
                taken = max(taken, int(groups["seq"]))
        return format_id(profile.id_pattern, day, taken + 1)

    def revision(self, ref: str) -> int:
        """Return the revision a postmortem is at."""
        found = self.session.scalar(select(PostmortemRow.revision).where(PostmortemRow.ref == ref))
        if found is None:
            raise NotFoundError(f"no postmortem '{ref}'", field="id")
        return found

    def log(
        self, action: str, ref: str | None, revision: int | None, detail: dict[str, Any]
    ) -> ChangeRow:
        """Append an entry to the log of changes, in this transaction."""
        entry = ChangeRow(
            at=self.now(),
            actor=self.change.actor,
            action=action,
            ref=ref,
            revision=revision,
            detail=detail,
        )
        self.session.add(entry)
        return entry

    def _save(
        self,
        row: PostmortemRow,
        data: bytes,
        action: str | None = None,
        read: Parsed | None = None,
    ) -> SourceText:
        if len(data) > MAX_TEXT_BYTES:
            raise InvalidValueError(
                f"the text is {len(data):,} bytes, more than {MAX_TEXT_BYTES:,}", field="text"
            )
        source = SourceText.decode(data, Path(row.ref))
        self._derive(row, source, read)
        now = self.now()
        row.body.text = data.decode("utf-8")
        row.digest = source.digest
        row.revision += 1
        row.updated_at, row.updated_by = now, self.change.actor
        self.session.add(
            RevisionRow(
                postmortem_id=row.id,
                number=row.revision,
                author=self.change.actor,
                created_at=now,
                message=self.change.message,
                text=row.body.text,
                digest=row.digest,
            )
        )
        detail: dict[str, Any] = {**self.change.detail, "digest": row.digest}
        if self.change.message:
            detail["message"] = self.change.message
        self.log(action or self.change.action, row.ref, row.revision, detail)
        self.session.flush()
        return source

    def _derive(self, row: PostmortemRow, source: SourceText, read: Parsed | None = None) -> None:
        """Read ``source`` into the row's record and the columns and labels derived from it.

        With ``read`` (the text already read strictly in the row's profile), it is not read again.
        """
        if read is None:
            document = _named(read_source_text(source, Path(row.ref), self.registry))
        else:
            disorder = tuple(order_warnings(read))
            document = _named(
                Document(
                    Path(row.ref),
                    read.record,
                    self.registry.get(row.profile),
                    source,
                    True,
                    (*read.warnings, *disorder),
                    disorder,
                )
            )
        record = document.record
        if record.id and record.id != row.ref:
            raise InvalidValueError(
                f"the text names the incident '{record.id}', but it is stored as '{row.ref}'",
                field="id",
            )
        derived = derive(record, source.text, row.ref, row.created_at)
        row.title = record.title
        row.profile = document.profile.name
        row.severity, row.status = record.severity, record.status
        times = record.times
        row.started_at, row.detected_at = times.started, times.detected
        row.acknowledged_at, row.mitigated_at = times.acknowledged, times.mitigated
        row.resolved_at, row.closed_at = times.resolved, times.closed
        row.occurred_at = derived.occurred_at
        row.owners, row.component, row.tags = derived.owners, derived.component, derived.tags
        row.private = derived.private
        body = row.body
        body.record = record.model_dump_json()
        body.brief = record.model_dump_json(exclude=_EXCLUDED)
        body.warnings, body.disorder = list(document.warnings), list(document.disorder)
        row.recognized = document.recognized
        row.reading = self.reading
        self.session.flush()
        self.session.execute(delete(LabelRow).where(LabelRow.postmortem_id == row.id))
        labels = {("owner", o.lower()) for o in derived.owners}
        labels |= {("tag", t) for t in derived.tags}
        labels |= {
            ("item-owner", i.owner.strip().lower()[:200]) for i in record.action_items if i.owner
        }
        self.session.add_all(
            LabelRow(postmortem_id=row.id, kind=kind, value=value) for kind, value in sorted(labels)
        )

    def rederive_stale(self, batch: int = 200) -> int:
        """Read again the postmortems last read by another version or profile set; return how many.

        Their records, columns and labels are made again from their texts; no
        revision is added (the texts are unchanged). One with a text this
        version cannot read keeps what it had.
        """
        done, last = 0, 0
        while True:
            rows = list(
                self.session.scalars(
                    select(PostmortemRow)
                    .options(joinedload(PostmortemRow.body))
                    .where(PostmortemRow.reading != self.reading, PostmortemRow.id > last)
                    .order_by(PostmortemRow.id)
                    .limit(batch)
                )
            )
            if not rows:
                return done
            for row in rows:
                last = row.id
                try:
                    self._derive(row, source_of(row))
                    done += 1
                except AfteractionError:
                    continue
            self.session.flush()


@dataclass(frozen=True)
class StagedSave:
    """A save a :class:`StagedStore` kept: the document as read, its new text, that text read."""

    document: Document
    text: str
    read: Parsed | None


class StagedStore(SqlStore):
    """A SQL store that reads as one does and keeps each save, to make later under the lock.

    A use case run on it in a read transaction does its work (reading,
    editing, checking) without the write lock; :meth:`SqlStore.put` then
    makes each kept save in a write transaction, refusing it as a conflict
    if the postmortem changed meanwhile. Nothing else may be written.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saves: list[StagedSave] = []

    def put(self, document: Document, text: str, read: Parsed | None = None) -> SourceText:
        """Keep the save of ``text`` for later; return the text as it will be stored."""
        old = document.source if document.source is not None else self.read(document.path)
        if text == old.text:
            return old
        self.saves.append(StagedSave(document, text, read))
        return SourceText.decode(old.encode(text), document.path)

    def replace(self, ref: str | Path, data: bytes, revision: int) -> SourceText:
        """Refuse: a staged store keeps edits of a postmortem (``put``) only."""
        raise TypeError("a staged store keeps edits (put) only")

    def create_bytes(self, ref: str, data: bytes, *, force: bool = False) -> SourceText:
        """Refuse: a staged store keeps edits of a postmortem (``put``) only."""
        raise TypeError("a staged store keeps edits (put) only")

    def delete(self, ref: str) -> None:
        """Refuse: a staged store keeps edits of a postmortem (``put``) only."""
        raise TypeError("a staged store keeps edits (put) only")


def source_of(row: PostmortemRow) -> SourceText:
    """Return the text a row keeps, read as a file's bytes would be (BOM and endings noted)."""
    return SourceText.decode(row.body.text.encode("utf-8"), Path(row.ref))


def _named(document: Document) -> Document:
    """Give a record whose text states no incident ID the one it is stored as (its name)."""
    if document.record.id is None:
        document.record.id = str(document.path)
    return document


def _check_ref(ref: str) -> None:
    if not ref or len(ref) > MAX_REF or ref != ref.strip() or any(c in ref for c in "/\\\n\r\t"):
        raise InvalidValueError(
            f"'{ref[:80]}' cannot name a postmortem (1-{MAX_REF} characters, no slashes,"
            " no line breaks, no spaces at either end)",
            field="id",
        )
