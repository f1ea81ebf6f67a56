"""Plain-text logs: a timestamp at the start of each event's line, anything after it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.inputs import decode
from afteraction.timeline.logfields import clean, read_level, read_time
from afteraction.timeline.loglines import BadLines, Pending, Years, zone_note
from afteraction.timeline.source import Source
from afteraction.timeline.timepattern import TimePattern, offset_zone
from afteraction.timeline.times import aware

# An ISO-like time at the start of a line, perhaps in brackets: 2026-11-03T14:02:11.003Z,
# 2026-11-03 14:02:11,003 (Python), 2026/11/03 14:02:11 (nginx), with an offset or not.
_ISO_START = re.compile(
    r"\[?(?P<stamp>\d{4}([-/])\d\d\2\d\d[T ]\d\d:\d\d(?::\d\d)?(?:[.,]\d+)?)"
    r"(?: ?(?P<zone>Z|[+-]\d\d(?::?\d\d)?|UTC|GMT)\b)?\]?"
)
# Level words near the start of the rest of a line: ERROR, [error], level=error.
_LEVEL_REACH = 48
_LEVEL_WORDS = (
    *("TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "ERR"),
    *("CRIT", "CRITICAL", "FATAL", "SEVERE", "PANIC", "EMERG", "ALERT"),
)
_CAPITALS = {word: Level.parse(word) for word in _LEVEL_WORDS}
_BRACKETED = {f"[{word.lower()}]": level for word, level in _CAPITALS.items()}
_PUNCTUATION = "[]():,|"
_SEPARATORS = " \t-:|]"
_UTC_NAMES = {"Z", "UTC", "GMT"}

# What a line says: its time, level, text, component and actor.
Read = tuple[datetime, Level | None, str, str | None, str | None]


def guess_level(rest: str) -> Level | None:
    """Return the level a line names near its start (``ERROR``, ``[warn]``, ``level=info``)."""
    for word in rest[:_LEVEL_REACH].split():
        level = _CAPITALS.get(word.strip(_PUNCTUATION)) or _BRACKETED.get(word)
        if level is not None:
            return level
        if word.startswith("level="):
            return read_level(word[6:].strip('"'))
    return None


class Plain(Source):
    """A plain-text log: each line starting with a time is an event, the rest its text.

    Without options, ISO-like times are found at the start of lines. With
    ``pattern=`` the time is read by a strptime-style pattern; with
    ``regex=`` each line is matched by a regular expression whose named
    group ``time`` holds the time (read by ``pattern=`` when given) and
    optional groups ``level``, ``message``, ``component``, ``actor`` the
    rest. A line without a time continues the event before it (a stack
    trace) and is added to its text; before any event, it is malformed.
    """

    name = "plain"
    summary = "plain-text logs with a time at the start of each line (pattern= or regex=)"
    options = {
        "pattern": "strptime-style pattern of the time at the start of lines, e.g. %d/%b/%Y:%T",
        "regex": "regular expression matched at the start of lines, with a named group 'time'"
        " (and optional 'level', 'message', 'component', 'actor')",
        "year": "year of the first line, for a pattern without one",
    }
    streaming = True

    def events(self) -> Iterator[Event]:
        """Yield a log event per timed line, with its continuation lines, in file order."""
        read = self._reader()
        bad = BadLines(self.problems, "a plain-text log with a time at the start of lines")
        pending = Pending()
        for number, raw in self.lines():
            line = decode(raw)
            try:
                found = read(line)
            except ValueError as exc:
                bad.add(str(exc), number)
                continue
            if found is None:
                if line.strip() and not pending.extend(line):
                    bad.add(f"no time at the start of the line ({self._expected()})", number)
                continue
            bad.found = True
            when, level, text, component, actor = found
            done = pending.replace(
                Event(
                    time=when,
                    source="plain",
                    kind=Kind.LOG,
                    text=text,
                    actor=actor,
                    component=component,
                    level=level,
                    origin=self.origin(number),
                )
            )
            if done is not None:
                yield done
        last = pending.finish()
        if last is not None:
            yield last
        bad.end()
        if read.naive and self.zone is None:
            zone_note(self.problems)

    def _expected(self) -> str:
        options = self.spec.options
        if "regex" in options:
            return f"regex {options['regex']}"
        if "pattern" in options:
            return f"pattern {options['pattern']}"
        return "looked for an ISO-like time; give pattern= or regex="

    def _reader(self) -> _Reader:
        """Return how lines are read, by the options given."""
        options = self.spec.options
        years = Years(options.get("year"), self.problems, "plain[year]")
        pattern = (
            TimePattern(options["pattern"], "plain[pattern]") if options.get("pattern") else None
        )
        if options.get("regex"):
            return _ByRegex(options["regex"], pattern, self.zone, years)
        if pattern is not None:
            return _ByPattern(pattern, self.zone, years)
        return _IsoStart(self.zone)


class _Reader(Protocol):
    """Reads a line: None when it does not start with a time; ValueError for a bad time.

    ``naive`` says whether a time without a zone was read (taking the source's zone).
    """

    naive: bool

    def __call__(self, line: str) -> Read | None: ...


class _IsoStart:
    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone or UTC
        self.naive = False

    def __call__(self, line: str) -> Read | None:
        match = _ISO_START.match(line)
        if match is None:
            return None
        stamp, zone = match.group("stamp", "zone")
        if stamp[4] == "/":
            stamp = stamp.replace("/", "-", 2)
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError as exc:
            raise ValueError(f"not a time: '{stamp}' ({exc})") from None
        rest = line[match.end() :].lstrip(_SEPARATORS)
        when = aware(moment, self._zone(zone))
        return when, guess_level(rest), clean(rest) or line.strip(), None, None

    def _zone(self, written: str | None) -> tzinfo:
        if written is None:
            self.naive = True
            return self.zone
        return UTC if written in _UTC_NAMES else offset_zone(written)


class _ByPattern:
    def __init__(self, pattern: TimePattern, zone: tzinfo | None, years: Years) -> None:
        self.pattern = pattern
        self.zone = zone
        self.years = years
        self.naive = not pattern.zoned

    def __call__(self, line: str) -> Read | None:
        match = self.pattern.match(line)
        if match is None:
            return None
        when = self.pattern.time(match, self.zone, self.years)
        rest = line[match.end() :].lstrip(_SEPARATORS)
        return when, guess_level(rest), clean(rest) or line.strip(), None, None


class _ByRegex:
    def __init__(
        self, regex: str, pattern: TimePattern | None, zone: tzinfo | None, years: Years
    ) -> None:
        try:
            self.regex = re.compile(regex)
        except re.error as exc:
            raise UsageError(f"regex '{regex}' is not valid: {exc}", field="plain[regex]") from None
        if "time" not in self.regex.groupindex:
            raise UsageError(f"regex '{regex}' has no group (?P<time>...)", field="plain[regex]")
        self.groups = {name: name in self.regex.groupindex for name in _GROUPS}
        self.pattern = pattern
        self.zone = zone
        self.years = years
        self.naive = pattern is not None and not pattern.zoned

    def __call__(self, line: str) -> Read | None:
        match = self.regex.match(line)
        if match is None:
            return None
        when = self._time(match["time"] or "")
        rest = line[match.end() :].lstrip(_SEPARATORS)
        level = read_level(match["level"]) if self.groups["level"] else guess_level(rest)
        text = clean(match["message"] or "") if self.groups["message"] else clean(rest)
        component, actor = self._group(match, "component"), self._group(match, "actor")
        return when, level, text or line.strip(), component, actor

    def _time(self, written: str) -> datetime:
        if self.pattern is not None:
            match = self.pattern.regex.fullmatch(written.strip())
            if match is None:
                raise ValueError(f"'{written}' does not match pattern {self.pattern.pattern}")
            return self.pattern.time(match, self.zone, self.years)
        when = read_time(written, self.zone)
        if when is None:
            raise ValueError("the time group is empty")
        return when

    def _group(self, match: re.Match[str], name: str) -> str | None:
        return (match[name] or "").strip() or None if self.groups[name] else None


_GROUPS = ("level", "message", "component", "actor")
