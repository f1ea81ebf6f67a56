"""The normalised event every source produces: one moment of the incident, in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any

from afteraction.errors import UsageError


class Kind(StrEnum):
    """What happened: the vocabulary every source maps its own event types onto."""

    ALERT_FIRING = "alert.firing"
    ALERT_RESOLVED = "alert.resolved"
    PAGE_TRIGGERED = "page.triggered"
    PAGE_ACKNOWLEDGED = "page.acknowledged"
    PAGE_ESCALATED = "page.escalated"
    PAGE_NOTE = "page.note"
    PAGE_RESOLVED = "page.resolved"
    MESSAGE = "message"
    DEPLOY = "deploy"
    LOG = "log"


class Level(IntEnum):
    """Log severity on one scale, whatever the logger called it."""

    TRACE = 5
    DEBUG = 10
    INFO = 20
    NOTICE = 25
    WARN = 30
    ERROR = 40
    CRITICAL = 50

    @classmethod
    def parse(cls, value: object) -> Level | None:
        """Read a level as loggers write it: a name, an abbreviation or a number.

        Numbers follow bunyan and pino (10 trace ... 60 fatal); syslog's 0-7
        severities come through :func:`syslog_level`. Returns None for a value
        that names no level.
        """
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return _NUMBERED.get(int(value) // 10 * 10)
        if isinstance(value, str):
            word = value.strip().lower()
            if word.isdigit():
                return cls.parse(int(word))
            return _NAMED.get(word)
        return None

    @classmethod
    def option(cls, value: str) -> Level:
        """Read a level given on the command line, failing with the names it knows."""
        level = cls.parse(value)
        if level is None:
            names = ", ".join(m.name.lower() for m in cls)
            raise UsageError(f"unknown level '{value}' (levels: {names})", field="min_level")
        return level


_NAMED = {
    **{m.name.lower(): m for m in Level},
    "trc": Level.TRACE,
    "dbg": Level.DEBUG,
    "debu": Level.DEBUG,
    "inf": Level.INFO,
    "information": Level.INFO,
    "informational": Level.INFO,
    "note": Level.NOTICE,
    "warning": Level.WARN,
    "wrn": Level.WARN,
    "warn": Level.WARN,
    "err": Level.ERROR,
    "eror": Level.ERROR,
    "fail": Level.ERROR,
    "severe": Level.ERROR,
    "crit": Level.CRITICAL,
    "fatal": Level.CRITICAL,
    "ftl": Level.CRITICAL,
    "panic": Level.CRITICAL,
    "alert": Level.CRITICAL,
    "emerg": Level.CRITICAL,
    "emergency": Level.CRITICAL,
}
_NUMBERED = {
    10: Level.TRACE,
    20: Level.DEBUG,
    30: Level.INFO,
    40: Level.WARN,
    50: Level.ERROR,
    60: Level.CRITICAL,
}
_SYSLOG = [
    Level.CRITICAL,  # 0 emergency
    Level.CRITICAL,  # 1 alert
    Level.CRITICAL,  # 2 critical
    Level.ERROR,  # 3 error
    Level.WARN,  # 4 warning
    Level.NOTICE,  # 5 notice
    Level.INFO,  # 6 informational
    Level.DEBUG,  # 7 debug
]


def syslog_level(severity: int) -> Level:
    """Map a syslog severity (0 emergency ... 7 debug) onto the common scale."""
    return _SYSLOG[max(0, min(7, severity))]


@dataclass(slots=True)
class Event:
    """One moment of the incident, from one source, normalised.

    ``time`` is aware and in UTC. ``key`` names the thing the event is about
    across sources (an alert's identity), for de-duplication. ``origin`` is
    where it was read (``file:line``), ``link`` a URL to the original.
    ``count`` and ``until`` describe repeats collapsed into this one event.
    ``key_moment`` marks what a person singled out (a pinned Slack message).
    """

    time: datetime
    source: str
    kind: Kind
    text: str
    actor: str | None = None
    component: str | None = None
    link: str | None = None
    level: Level | None = None
    key: str | None = None
    origin: str | None = None
    count: int = 1
    until: datetime | None = None
    key_moment: bool = False
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the event as JSON-ready data with stable names."""
        return {
            "time": iso(self.time),
            "source": self.source,
            "kind": self.kind.value,
            "text": self.text,
            "actor": self.actor,
            "component": self.component,
            "link": self.link,
            "level": self.level.name.lower() if self.level is not None else None,
            "key": self.key,
            "origin": self.origin,
            "count": self.count,
            "until": iso(self.until) if self.until else None,
            "key_moment": self.key_moment,
            "also": list(self.also),
        }


def iso(value: datetime) -> str:
    """Format a UTC time as ISO 8601 with a ``Z`` (seconds, or microseconds when present)."""
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
