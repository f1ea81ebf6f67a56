"""Key times inferred from a timeline, each with the event it came from, and the figures.

Impact start, detection, acknowledgement, mitigation and resolution, read
from what the sources say; a time the postmortem already states overrides
the inferred one, and the figures (TTD, TTA, TTM, TTR) follow it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from afteraction.model import KeyTimes, Metrics, compute_metrics
from afteraction.timeline.event import Event, Kind, Level

NAMES = ("started", "detected", "acknowledged", "mitigated", "resolved")
# What a person or a deploy says when the impact is stopped or worked around.
MITIGATION = re.compile(
    r"\b(mitigat\w*|roll(?:ed|ing)?[ -]?back|revert(?:ed|ing)?|fail(?:ed|ing)?[ -]?over|"
    r"hotfix\w*|workaround|traffic (?:shifted|drained|moved)|drain(?:ed|ing)|"
    r"disabled? (?:the )?(?:feature|flag)|restor(?:ed|ing) service|recovered)\b",
    re.IGNORECASE,
)
RESOLUTION = re.compile(r"\b(resolved|all clear|incident (?:is )?closed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class KeyTime:
    """One key time: when, the event it came from, and how it was found."""

    name: str
    time: datetime | None
    event: Event | None
    how: str

    @property
    def overridden(self) -> bool:
        """Say whether the postmortem's own value replaced the inferred one."""
        return self.how == "stated in the postmortem"


@dataclass(frozen=True)
class KeyTimesReport:
    """Every key time and the response figures computed from them."""

    times: dict[str, KeyTime]

    def key_times(self) -> KeyTimes:
        """Return the key times as the record holds them."""
        return KeyTimes(**{name: kt.time for name, kt in self.times.items()})

    def metrics(self) -> Metrics:
        """Return TTD, TTA, TTM, TTR and the duration, from the (overridden) key times."""
        return compute_metrics(self.key_times())


def _first(
    events: Sequence[Event], test: Callable[[Event], bool], after: datetime | None = None
) -> Event | None:
    return next((e for e in events if (after is None or e.time >= after) and test(e)), None)


def _says(pattern: re.Pattern[str]) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        return event.kind in (Kind.MESSAGE, Kind.DEPLOY, Kind.PAGE_NOTE) and bool(
            pattern.search(event.text)
        )

    return test


def _all_alerts_resolved(events: Sequence[Event]) -> Event | None:
    """Return the event that resolved the last alert still firing, if every one resolved."""
    firing: dict[str, Event] = {}
    last: Event | None = None
    for event in events:
        if event.key is None:
            continue
        if event.kind is Kind.ALERT_FIRING:
            firing[event.key] = event
        elif event.kind is Kind.ALERT_RESOLVED and event.key in firing:
            del firing[event.key]
            last = event
    return last if last is not None and not firing else None


def infer_key_times(events: Sequence[Event], stated: KeyTimes | None = None) -> KeyTimesReport:
    """Infer each key time from time-ordered ``events``; ``stated`` times win.

    - detected: the first alert firing or page triggered; else the first chat message;
    - started: the first error-level log or detection, whichever is earlier;
    - acknowledged: the first page acknowledged after detection;
    - mitigated: the first message, deploy or note saying mitigation (a rollback,
      a failover...) after detection, else the first alert resolved;
    - resolved: the last page resolved; else when every alert that fired had
      resolved; else a message saying the incident is resolved.
    """
    found: dict[str, tuple[Event | None, str]] = {}
    signal = _first(events, lambda e: e.kind in (Kind.ALERT_FIRING, Kind.PAGE_TRIGGERED))
    if signal is None:
        signal = _first(events, lambda e: e.kind is Kind.MESSAGE)
        found["detected"] = (signal, "the first chat message (no alert or page)")
    else:
        found["detected"] = (signal, f"the first {signal.kind.value.replace('.', ' ')}")
    detected = signal.time if signal else None
    error = _first(
        events, lambda e: e.kind is Kind.LOG and e.level is not None and e.level >= Level.ERROR
    )
    if error is not None and (detected is None or error.time < detected):
        found["started"] = (error, "the first error in the logs, before detection")
    elif signal is not None:
        found["started"] = (signal, "no earlier sign in the sources: taken as the detection")
    acked = _first(events, lambda e: e.kind is Kind.PAGE_ACKNOWLEDGED, detected)
    found["acknowledged"] = (acked, "the first page acknowledged")
    said = _first(events, _says(MITIGATION), detected)
    if said is not None:
        found["mitigated"] = (said, "the first rollback, failover or mitigation mentioned")
    else:
        cleared = _first(events, lambda e: e.kind is Kind.ALERT_RESOLVED, detected)
        found["mitigated"] = (cleared, "the first alert resolved")
    pages = [e for e in events if e.kind is Kind.PAGE_RESOLVED]
    if pages:
        found["resolved"] = (pages[-1], "the last page resolved")
    elif (alerts := _all_alerts_resolved(events)) is not None:
        found["resolved"] = (alerts, "every alert that fired had resolved")
    else:
        found["resolved"] = (_first(events, _says(RESOLUTION), detected), "a message saying so")
    times = {}
    for name in NAMES:
        event, how = found.get(name, (None, ""))
        own = getattr(stated, name) if stated is not None else None
        if own is not None:
            times[name] = KeyTime(name, own, None, "stated in the postmortem")
        elif event is not None:
            times[name] = KeyTime(name, event.time, event, how)
        else:
            times[name] = KeyTime(name, None, None, "not found in the sources")
    return KeyTimesReport(times)
