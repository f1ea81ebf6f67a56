"""Prometheus Alertmanager webhook payloads (version 4, and the older 0-3 layouts)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.payloads import each_payload, mapping, text
from afteraction.timeline.source import Source
from afteraction.timeline.times import parse_time

_ALERTMANAGER = "an Alertmanager webhook payload (no 'alerts' list)"
# Labels that name the affected thing, most specific first.
COMPONENT_LABELS = ("service", "app", "job", "component", "instance", "host")


def alert_key(labels: Mapping[str, Any]) -> str:
    """Return an alert's identity when it has no fingerprint: its labels, sorted."""
    pairs = ",".join(f'{k}="{labels[k]}"' for k in sorted(labels))
    return f"alert{{{pairs}}}"


def component_of(labels: Mapping[str, Any]) -> str | None:
    """Return the labelled service, job, instance or host an alert is about."""
    for name in COMPONENT_LABELS:
        value = text(labels.get(name))
        if value:
            return value
    return None


class Alertmanager(Source):
    """Alertmanager webhook payloads: each alert firing at ``startsAt``, resolved at ``endsAt``.

    Reads one payload, a JSON array of payloads, or one payload per line (a
    receiver's log). An alert's status is its own, or the payload's in the
    old layouts without one; an alert still firing has no resolved event (its
    ``endsAt`` is only Alertmanager's expiry guess).
    """

    name = "alertmanager"
    summary = "Prometheus Alertmanager webhook payloads (version 4 and older)"

    def events(self) -> Iterator[Event]:
        """Yield a firing event per alert, and a resolved one for resolved alerts."""
        for each in each_payload(self.spec, self.problems):
            if isinstance(each.fields.get("alerts"), list):
                yield from self._alerts(dict(each.fields), each.line, each.where)
            else:
                each.refuse(_ALERTMANAGER, self.spec.label, self.problems)

    def _alerts(self, payload: dict[str, Any], line: int | None, where: str) -> Iterator[Event]:
        group_status = (text(payload.get("status")) or "firing").lower()
        external = text(payload.get("externalURL"))
        for index, alert in enumerate(payload["alerts"]):
            path = f"{where}.alerts[{index}]"
            if not isinstance(alert, dict):
                self.problems.add(f"{path} is not an object", line)
                continue
            labels = mapping(alert.get("labels"))
            annotations = mapping(alert.get("annotations"))
            try:
                started = parse_time(alert.get("startsAt"), self.zone)
                ended = parse_time(alert.get("endsAt"), self.zone)
            except ValueError as exc:
                self.problems.add(f"{path}: {exc}", line)
                continue
            if started is None:
                self.problems.add(f"{path} has no startsAt", line)
                continue
            name = text(labels.get("alertname")) or "alert"
            detail = next(
                (value for value in map(text, (annotations.get(k) for k in _DETAIL_KEYS)) if value),
                None,
            )
            status = (text(alert.get("status")) or group_status).lower()
            firing = Event(
                time=started,
                source=self.name,
                kind=Kind.ALERT_FIRING,
                text=f"Alert {name} firing" + (f": {detail}" if detail else ""),
                actor="Alertmanager",
                component=component_of(labels),
                link=text(alert.get("generatorURL")) or external,
                level=Level.parse(labels.get("severity")),
                key=text(alert.get("fingerprint")) or alert_key(labels),
                origin=self.origin(line),
            )
            yield firing
            if status == "resolved" and ended is None:
                self.problems.note(
                    "resolved alerts without endsAt: their resolution time is unknown"
                )
            if status == "resolved" and ended is not None:
                yield replace(
                    firing, time=ended, kind=Kind.ALERT_RESOLVED, text=f"Alert {name} resolved"
                )


_DETAIL_KEYS = ("summary", "description", "message", "name")
