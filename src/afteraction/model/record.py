"""Pydantic models of the canonical postmortem record.

Times are aware datetimes normalised to UTC; money is a ``Decimal`` with a
currency. The JSON names of ``Incident`` are a public contract other tools
rely on: change them only with a migration note.
"""

from __future__ import annotations

from datetime import UTC, datetime
from datetime import date as Date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

KEY_TIMES = ("started", "detected", "acknowledged", "mitigated", "resolved", "closed")
ActionState = Literal["open", "in_progress", "done", "cancelled"]


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a time zone (naive times are ambiguous)")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]


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
    """One moment of the incident. ``extra`` keeps columns the record has no name for."""

    time: UtcDatetime | None = None
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
    """A follow-up action. ``status`` is one of the canonical states when known.

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


class SignOff(_Model):
    """One role's review or approval."""

    role: str
    name: str | None = None
    signature: str | None = None
    date: Date | None = None
    approved: bool | None = None


class RelatedIncident(_Model):
    """An incident this one is linked to."""

    id: str
    date: Date | None = None
    note: str | None = None


class Evidence(_Model):
    """A reference to an artefact kept outside the document."""

    artifact: str
    location: str | None = None


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


class Incident(_Model):
    """The canonical postmortem record."""

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
    # "document": a generic reading of a document in no known profile; ``sections``
    # then lists every section in the order written and the record is written back
    # in that shape. "profile": written in its profile's layout.
    layout: Literal["profile", "document"] = "profile"

    def incident_date(self) -> Date | None:
        """Return the UTC date the incident started, when known."""
        first = self.times.started or self.times.detected
        return first.astimezone(UTC).date() if first else None
