"""Per-document state shared by the kinds while rendering or parsing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo
from typing import Any

from afteraction.document.blocks import Block
from afteraction.document.timetext import Day
from afteraction.document.zones import resolve_zone
from afteraction.errors import FieldValueError
from afteraction.model import Incident, Reading, TimelineEvent
from afteraction.profiles.schema import Profile


@dataclass
class Partial:
    """Pieces of one time read from different places (a date here, a clock there)."""

    day: date | None = None
    clock: time | None = None
    zone: tzinfo | None = None
    line: int | None = None


@dataclass
class PendingTime:
    """A timeline event whose time waits for the document's date to be known.

    ``stated`` says the entry wrote its own day (not a heading's or the
    document's); ``follows`` says an entry without a day of its own takes the
    day of the entries above it (a time written but unreadable, "2X:XX");
    ``wraps`` says its clock may be a 12-hour one written without
    AM or PM in a timeline that writes them elsewhere (12:08, then 1:17).
    """

    event: TimelineEvent
    day: Day | None
    clock: time | None
    zone: tzinfo | None
    line: int
    path: str = ""
    stated: bool = False
    follows: bool = False
    wraps: bool = False


@dataclass(frozen=True)
class Problem:
    """A value that could not be read as written, and where it is."""

    message: str
    line: int | None = None
    field: str | None = None
    code: str = "value"
    value: str | None = None
    allowed: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.field + ': ' if self.field else ''}{self.message}"


@dataclass
class Context:
    """What a kind needs besides its section: the profile, zone and reference date."""

    profile: Profile
    zone: tzinfo
    file: str | None = None
    ref_date: date | None = None
    hints: bool = False
    problems: list[Problem] = field(default_factory=list)
    collect: bool = False
    lines: dict[str, int] = field(default_factory=dict)
    zoneless: set[str] = field(default_factory=set)
    deferred: list[Callable[[], None]] = field(default_factory=list)
    strict: bool = True
    partials: dict[str, Partial] = field(default_factory=dict)
    stated_duration: str | None = None
    pending_events: list[PendingTime] = field(default_factory=list)
    section_zone: tzinfo | None = None
    # The zone a document's own words state for all its times ("All times in COT").
    document_zone: str | None = None
    dayfirst: bool = False
    # The document's link reference definitions, as read (see ``RawDocument.references``).
    references: dict[str, str] = field(default_factory=dict)
    readings: list[Reading] = field(default_factory=list)
    # Write only the fields that have a value (a document written in its own shape).
    sparse: bool = False
    # The blocks each profile section's kind left as written, by section key (read once).
    left_as_written: dict[str, list[Block]] = field(default_factory=dict)

    @classmethod
    def for_profile(cls, profile: Profile, **kwargs: object) -> Context:
        """Build a context in the profile's display zone."""
        return cls(profile=profile, zone=resolve_zone(profile.zone), **kwargs)  # type: ignore[arg-type]

    def without_hints(self) -> Context:
        """Return this context writing values only, never a template's prompts."""
        return replace(self, hints=False)

    def local(self, value: datetime) -> datetime:
        """Return ``value`` in this document's zone."""
        return value.astimezone(self.zone)

    def fail(
        self,
        message: str,
        line: int | None,
        field: str | None = None,
        *,
        code: str = "value",
        value: str | None = None,
        allowed: tuple[str, ...] = (),
    ) -> None:
        """Raise on bad input when strict; otherwise (or when collecting) record it and go on.

        ``code`` says what kind of value it was: ``date``, ``bool``, ``choice``,
        ``priority``, ``form`` (not in the template's form) or ``time``; ``value``
        is the text as written and ``allowed`` the values a choice may take.
        """
        if self.strict and not self.collect:
            raise FieldValueError(message, file=self.file, line=line, field=field)
        self.problems.append(Problem(message, line, field, code, value, allowed))

    def locate(self, path: str, line: int | None) -> None:
        """Remember the first line a record part (``severity``, ``timeline[3]``) was read from."""
        if line is not None:
            self.lines.setdefault(path, line)

    def locate_item(self, bind: str, items: list[Any], line: int | None) -> None:
        """Remember the line of the item just appended to the record's list ``bind``."""
        self.locate(f"{bind}[{len(items) - 1}]", line)

    def finish(self, record: Incident) -> None:
        """Run the work that needed the whole document (times needing a date)."""
        del record
        for step in self.deferred:
            step()
        self.deferred.clear()
