"""Syslog files: RFC 3164 (BSD, ``Nov  3 09:23:38 host tag[pid]: msg``) and RFC 5424 lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind, Level, syslog_level
from afteraction.timeline.inputs import decode
from afteraction.timeline.logfields import read_time
from afteraction.timeline.loglines import BadLines, Years, zone_note
from afteraction.timeline.source import Source
from afteraction.timeline.times import aware

_PRI = r"(?:<(?P<pri>\d{1,3})>)?"
# After the host: ``tag[pid]:`` or ``tag:`` (absent in lines such as ``syslogd 1.4.1: restart.``).
_TAG = r"(?: +(?P<tag>[^\s\[:]+)(?:\[[^\]]*\])?:)? ?(?P<message>.*)"
_BSD = re.compile(
    _PRI + r"(?P<month>[A-Z][a-z]{2}) {1,2}(?P<day>\d{1,2}) (?P<clock>\d\d:\d\d:\d\d)"
    r"(?:\.(?P<fraction>\d{1,6})\d*)? +(?P<host>\S+)" + _TAG
)
# rsyslog's high-precision layout: an RFC 3339 time in place of the BSD one.
_ISO = re.compile(_PRI + r"(?P<stamp>\d{4}-\d\d-\d\dT\S+) +(?P<host>\S+)" + _TAG)
_SD = r'(?P<sd>-|(?:\[(?:[^\]\\"]|\\.|"(?:[^"\\]|\\.)*")*\])+)'
_RFC5424 = re.compile(
    _PRI
    + r"1 (?P<stamp>\S+) (?P<host>\S+) (?P<tag>\S+) \S+ (?P<msgid>\S+) "
    + _SD
    + r"(?: (?P<message>.*))?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_LEVELS = [syslog_level(severity) for severity in range(8)]
_COMPONENTS = ("app", "host", "host/app")
_NIL = "-"
NOT_SYSLOG = "not a syslog line ('Mon dd hh:mm:ss host tag: message' or RFC 5424)"


class Syslog(Source):
    """A syslog file: each line a log event, its level from the PRI severity when written.

    BSD lines have no year: ``year=`` gives the first line's, else the
    latest year not in the future (noted); a month going back from December
    to January moves to the next year. Times without a zone take ``zone=``.
    The component is the app (the tag) unless ``component=`` says otherwise.
    """

    name = "syslog"
    summary = "syslog files (RFC 3164 BSD lines, RFC 5424, rsyslog high-precision)"
    options = {
        "year": "year of the first line, for BSD lines written without one",
        "component": "what names the component: app (the tag, default), host or host/app",
    }
    streaming = True

    def events(self) -> Iterator[Event]:
        """Yield a log event per syslog line, in file order."""
        years = Years(self.spec.options.get("year"), self.problems, "syslog[year]")
        shape = self.spec.options.get("component") or "app"
        if shape not in _COMPONENTS:
            raise UsageError(
                f"component '{shape}' is not one of {', '.join(_COMPONENTS)}",
                field="syslog[component]",
            )
        bad = BadLines(self.problems, "a syslog log (RFC 3164 or 5424 lines)")
        naive = False
        for number, raw in self.lines():
            line = decode(raw)
            match = _BSD.match(line) or _RFC5424.match(line) or _ISO.match(line)
            if match is None:
                if line.strip():
                    bad.add(NOT_SYSLOG, number)
                continue
            try:
                when = self._time(match, years)
                level = _level(match["pri"])
            except ValueError as exc:
                bad.add(str(exc), number)
                continue
            bad.found = True
            naive = naive or match.re is _BSD
            yield Event(
                time=when,
                source="syslog",
                kind=Kind.LOG,
                text=_text(match),
                component=_component(shape, match["host"], match["tag"]),
                level=level,
                origin=self.origin(number),
            )
        bad.end()
        if naive and self.zone is None:
            zone_note(self.problems)

    def _time(self, match: re.Match[str], years: Years) -> datetime:
        """Return a line's time in UTC: a BSD time in the year of its place, else RFC 3339."""
        if match.re is not _BSD:
            stamp = match["stamp"]
            if stamp == _NIL:
                raise ValueError("no time ('-')")
            when = read_time(stamp, self.zone)
            if when is None:
                raise ValueError(f"not a time: '{stamp}'")
            return when
        month = _MONTHS.get(match["month"])
        if month is None:
            raise ValueError(f"not a month: '{match['month']}'")
        day = int(match["day"])
        clock = match["clock"]
        fraction = match["fraction"]
        try:
            moment = datetime(
                years.of(month, day),
                month,
                day,
                int(clock[:2]),
                int(clock[3:5]),
                int(clock[6:]),
                int(fraction.ljust(6, "0")) if fraction else 0,
                self.zone or UTC,
            )
        except ValueError as exc:
            raise ValueError(f"not a time: {exc}") from None
        return aware(moment, self.zone)


def _level(pri: str | None) -> Level | None:
    """Return the level of a PRI's severity (PRI is facility * 8 + severity), None without one."""
    if pri is None:
        return None
    value = int(pri)
    if value > 191:
        raise ValueError(f"PRI <{pri}> is not 0-191")
    return _LEVELS[value & 7]


def _text(match: re.Match[str]) -> str:
    """Return a line's message (an RFC 5424 one's structured data or id when it has none)."""
    message = (match["message"] or "").lstrip("\ufeff").strip()
    if message or match.re is not _RFC5424:
        return message or "(no message)"
    return next((v for v in (match["sd"], match["msgid"]) if v != _NIL), "(no message)")


def _component(shape: str, host: str | None, app: str | None) -> str | None:
    """Return the component as ``component=`` shapes it from a line's host and app."""
    host = None if host == _NIL else host
    app = None if app == _NIL else app
    if shape == "app":
        return app
    if shape == "host":
        return host
    return "/".join(part for part in (host, app) if part) or None
