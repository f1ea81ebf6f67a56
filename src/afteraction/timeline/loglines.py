"""What text logs share: continuation lines, times without a year, telling a log of another kind."""

from __future__ import annotations

from datetime import date, timedelta

from afteraction.errors import UsageError
from afteraction.timeline.event import Event
from afteraction.timeline.problems import Problems

# A file none of whose first lines reads as the expected log is another kind of file.
FIRST_LINES = 50
# Continuation lines kept per event (a stack trace); the rest are counted.
KEPT_CONTINUATION = 200


class BadLines:
    """A log's malformed lines, counted; and a file of another kind told from a log with a few.

    When none of the first :data:`FIRST_LINES` lines read (or of all, in a
    shorter file) makes an event, the file is not this kind of log at all:
    a ``UsageError`` naming what was expected and the first line's fault.
    Sources set ``found`` once a line has made an event.
    """

    __slots__ = ("expected", "first", "found", "problems", "seen")

    def __init__(self, problems: Problems, expected: str) -> None:
        self.problems = problems
        self.expected = expected
        self.found = False
        self.seen = 0
        self.first: tuple[str, int] | None = None

    def add(self, message: str, line: int) -> None:
        """Count a malformed line (raises under --strict, or when no line has made an event)."""
        self.problems.add(message, line)
        if not self.found:
            self.seen += 1
            self.first = self.first or (message, line)
            if self.seen >= FIRST_LINES:
                raise self._other_kind(f"none of its first {self.seen} lines")

    def end(self, other: str | None = None) -> None:
        """Fail for a file none of whose lines made an event, at the end of a short file.

        ``other`` names the other format of the records read from a log that
        mixes two (``JSON``): a file of nothing but those is not this log.
        """
        if not self.found and self.first is not None:
            raise self._other_kind("none of its lines")
        if not self.found and other is not None:
            raise UsageError(
                f"not {self.expected}: every record in it is {other}", file=self.problems.file
            )

    def _other_kind(self, lines: str) -> UsageError:
        assert self.first is not None
        message, line = self.first
        where = f"{'byte' if self.problems.by_offset else 'line'} {line}"
        return UsageError(
            f"not {self.expected}: {lines} reads as one ({where}: {message})",
            file=self.problems.file,
        )


class Pending:
    """The last event of a text log, held back for the continuation lines that may follow it.

    A line without a time of its own (a stack trace, a wrapped message)
    belongs to the event before it, so each event is complete only when the
    next one starts or the log ends.
    """

    __slots__ = ("dropped", "event", "lines")

    def __init__(self) -> None:
        self.event: Event | None = None
        self.lines: list[str] = []
        self.dropped = 0

    def replace(self, event: Event) -> Event | None:
        """Hold ``event``; return the event held before it, now complete (None at first)."""
        done = self.finish() if self.event is not None else None
        self.event = event
        return done

    def extend(self, line: str) -> bool:
        """Add a continuation line to the held event; False when there is none to add it to."""
        if self.event is None:
            return False
        if len(self.lines) < KEPT_CONTINUATION:
            self.lines.append(line)
        else:
            self.dropped += 1
        return True

    def finish(self) -> Event | None:
        """Return the held event with its continuation lines, and hold nothing."""
        event, self.event = self.event, None
        if event is not None and self.lines:
            more = f"\n[{self.dropped} more lines]" if self.dropped else ""
            event.text = "\n".join([event.text, *self.lines]) + more
            self.lines, self.dropped = [], 0
        return event


class Years:
    """The year of log times written without one (syslog's ``Nov  3 09:23:38``).

    The first time takes the year given, else the latest year that does not
    put it in the future (noted once). Later times follow the file: a month
    that goes back by more than half a year is the next year (December, then
    January), one that jumps ahead as far is the year before.
    """

    def __init__(self, given: str | None, problems: Problems, field: str) -> None:
        self.given = _year(given, field) if given else None
        self.problems = problems
        self.year: int | None = None
        self.month = 0

    def of(self, month: int, day: int) -> int:
        """Return the year of a time on ``month``/``day``, read in file order."""
        if self.year is None:
            self.year = self.given or self._latest(month, day)
        elif month < self.month - 6:
            self.year += 1
        elif month > self.month + 6:
            self.year -= 1
        self.month = month
        return self.year

    def _latest(self, month: int, day: int) -> int:
        # Two days' grace: a log written in a zone ahead of ours may be dated tomorrow.
        today = date.today()
        limit = today + timedelta(days=2)
        year = today.year
        if limit.year == today.year and (month, day) > (limit.month, limit.day):
            year -= 1
        self.problems.note(
            f"times without a year read as {year} onwards (the latest year not in the future;"
            " give year=YYYY for the year of the first line)"
        )
        return year


def _year(text: str, field: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise UsageError(f"year '{text}' is not a year such as 2026", field=field)
    return int(text)


def zone_note(problems: Problems) -> None:
    """Note that times without a zone were read as UTC, no zone having been given."""
    problems.note("times without a zone read as UTC (give zone=NAME for the log's zone)")
