"""Pydantic models of the canonical postmortem record.

Times are aware datetimes normalised to UTC; money is a ``Decimal`` with a
currency. The JSON names of ``Incident`` are a public contract other tools
rely on: change them only with a migration note.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from datetime import date as Date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, BinaryIO, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

KEY_TIMES = ("started", "detected", "acknowledged", "mitigated", "resolved", "closed")


class ActionState(StrEnum):
    """Where an action item stands; each profile writes every state in its own words."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def closed(self) -> bool:
        """Say whether the item is finished (done or cancelled)."""
        return self in CLOSED_STATES


CLOSED_STATES = frozenset({ActionState.DONE, ActionState.CANCELLED})
"""The states an action item is finished in."""

_STATES = {state.value: state for state in ActionState}

ReadingHow = Literal["inferred", "mapped"]


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a time zone (naive times are ambiguous)")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024


def _check_sha256(value: str) -> str:
    if not _SHA256.fullmatch(value):
        raise ValueError("a SHA-256 is 64 lowercase hexadecimal digits (0-9, a-f)")
    return value


Sha256 = Annotated[
    str,
    AfterValidator(_check_sha256),
    WithJsonSchema({"type": "string", "pattern": f"^{_SHA256.pattern}$"}),
]
"""A SHA-256 content hash: 64 lowercase hexadecimal digits."""


def sha256_hex(data: bytes | BinaryIO) -> str:
    """Return the SHA-256 of bytes, or of what a binary stream holds from where it stands.

    A stream is read in chunks to its end, so an artefact of any size is
    hashed in constant memory.
    """
    digest = hashlib.sha256()
    if isinstance(data, bytes | bytearray | memoryview):
        digest.update(data)
    else:
        while chunk := data.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Money(_Model):
    """An amount of money; never a float."""

    amount: Decimal
    currency: str = "USD"


class KeyTimes(_Model):
    """The incident's key moments, in UTC."""

    started: UtcDatetime | None = None
    detected: UtcDatetime | None = None
    acknowledged: UtcDatetime | None = None
    mitigated: UtcDatetime | None = None
    resolved: UtcDatetime | None = None
    closed: UtcDatetime | None = None


class Impact(_Model):
    """Who and what was hurt, and how much."""

    users: int | None = None
    money: Money | None = None
    data_loss: str | None = None
    systems: str | None = None
    description: str | None = None


class TimelineEvent(_Model):
    """One moment of the incident. ``extra`` keeps columns the record has no name for.

    ``time`` is the moment in UTC. ``date`` is set only when the entry was
    written with a day and no time of day ("2021-08-22: patch released"); such
    an entry has no ``time``, and the day is kept as written (no midnight is
    invented).
    """

    time: UtcDatetime | None = None
    date: Date | None = None
    text: str
    actor: str | None = None
    source: str | None = None
    component: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class Why(_Model):
    """One step of a five-whys chain."""

    question: str | None = None
    answer: str


class Factor(_Model):
    """A contributing factor."""

    title: str
    description: str | None = None
    contribution: str | None = None


class ActionItem(_Model):
    """A follow-up action. ``status`` is an :class:`ActionState` value when the words are known.

    Words that name none of the states ("Blocked on vendor") are kept as written.

    ``extra`` keeps columns the record has no name for (a table's "Notes").
    """

    id: str | None = None
    title: str
    owner: str | None = None
    due: Date | None = None
    priority: str | None = None
    status: str | None = None
    category: str | None = None
    horizon: str | None = None
    blocking: bool | None = None
    link: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    @property
    def state(self) -> ActionState | None:
        """Return the item's state; None when no status is written or its words name none."""
        return _STATES.get(self.status) if self.status is not None else None

    @property
    def closed(self) -> bool:
        """Say whether the item is done or cancelled."""
        return self.state is not None and self.state.closed


class SignOff(_Model):
    """One role's review or approval."""

    # The docstrings of the record's models are the JSON Schema's descriptions (a
    # contract): what the fields mean is said here. ``name`` is the person the document
    # names; ``signer`` the identity that signed (an account, an email address), when
    # known. ``date`` is the day signed as the document writes it, in its zone;
    # ``signed_at`` the moment, in UTC, when a time of day is known. A document writes
    # ``signed_at`` where it writes the date, so a sign-off read from a document with a
    # time of day has both; code that signs should set both too.
    role: str
    name: str | None = None
    signature: str | None = None
    date: Date | None = None
    approved: bool | None = None
    signer: str | None = None
    signed_at: UtcDatetime | None = None

    @property
    def signed(self) -> bool:
        """Say whether the entry is signed: any mark of a signer, and no explicit 'No'."""
        if self.approved is False:
            return False
        marks = (self.name, self.signature, self.date, self.signed_at, self.signer, self.approved)
        return any(marks)


class RelatedIncident(_Model):
    """An incident this one is linked to."""

    id: str
    date: Date | None = None
    note: str | None = None


class Evidence(_Model):
    """A reference to an artefact kept outside the document."""

    artifact: str
    location: str | None = None
    # The artefact's content hash, so an auditor can tell it was not altered after the
    # fact (:func:`sha256_hex` computes it).
    sha256: Sha256 | None = None


class HistoryEntry(_Model):
    """One line of the document's revision history."""

    version: str
    date: Date | None = None
    author: str | None = None
    changes: str | None = None


class Section(_Model):
    """A section kept as Markdown.

    It holds profile sections the record has no field for, text beside
    structured content (``key`` of the profile section), and sections the
    profile does not know (``key`` is None).
    """

    key: str | None = None
    heading: str
    level: int = 2
    body: str = ""


class Reading(_Model):
    """How a value of the record was read when the document does not state it in its field.

    ``field`` is the record path (``times.detected``, ``severity``,
    ``impact.users``); ``value`` the value the record holds, as text (an ISO
    time for a key time); ``written`` the words as the document wrote them;
    ``line`` where. ``how`` is ``inferred`` (derived from text kept where it
    was written, a timeline entry or a labelled line; rendering writes that
    text, never the value, and reading derives it again) or ``mapped`` (the
    field's own words, mapped onto the profile's scale; rendering writes the
    words as written).
    """

    field: str
    value: str
    written: str
    line: int | None = None
    how: ReadingHow

    def __eq__(self, other: object) -> bool:
        """Compare what was read and how; the line moves when a document is rewritten."""
        if not isinstance(other, Reading):
            return NotImplemented
        return (self.field, self.value, self.written, self.how) == (
            other.field,
            other.value,
            other.written,
            other.how,
        )

    def __hash__(self) -> int:
        return hash((self.field, self.value, self.written, self.how))


class Incident(_Model):
    """The canonical postmortem record.

    ``readings`` says how each value not stated in its own field was read;
    a value stated in its field has none.
    """

    id: str | None = None
    title: str = ""
    profile: str = "default"
    severity: str | None = None
    status: str | None = None
    scope: str | None = None
    trigger: str | None = None
    drill: bool | None = None
    times: KeyTimes = Field(default_factory=KeyTimes)
    impact: Impact = Field(default_factory=Impact)
    summary: str | None = None
    timeline: list[TimelineEvent] = Field(default_factory=list)
    root_cause: str | None = None
    whys: list[Why] = Field(default_factory=list)
    contributing_factors: list[Factor] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    sign_offs: list[SignOff] = Field(default_factory=list)
    related: list[RelatedIncident] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)
    readings: list[Reading] = Field(default_factory=list)

    def reading(self, path: str) -> Reading | None:
        """Return how the value at ``path`` was read, when it was not stated in its field."""
        return next((r for r in self.readings if r.field == path), None)

    # "document": a generic reading of a document in no known profile; ``sections``
    # then lists every section in the order written and the record is written back
    # in that shape. "profile": written in its profile's layout.
    layout: Literal["profile", "document"] = "profile"

    def incident_date(self) -> Date | None:
        """Return the UTC date the incident started, when known."""
        first = self.times.started or self.times.detected
        return first.astimezone(UTC).date() if first else None
