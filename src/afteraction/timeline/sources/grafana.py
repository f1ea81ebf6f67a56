"""Grafana alerting webhooks: unified alerting (Grafana 8 to 11) and the legacy (pre-8) layout."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.payloads import each_payload, mapping, text
from afteraction.timeline.problems import Problems
from afteraction.timeline.source import Source
from afteraction.timeline.sources.alertmanager import alert_key, component_of
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.times import parse_time

_DETAIL_KEYS = ("summary", "description", "message")
# Legacy states Grafana notifies about; "paused" and "pending" are never sent.
_LEGACY_STATES = {
    "alerting": (Kind.ALERT_FIRING, "firing"),
    "no_data": (Kind.ALERT_FIRING, "firing (no data)"),
    "ok": (Kind.ALERT_RESOLVED, "resolved"),
}
# One query result in a unified alert's valueString: [ var='A' labels={...} value=1 ].
_VALUE = re.compile(
    r"\[ (?:var='(?P<var>[^']*)' )?(?:metric='(?P<metric>[^']*)' )?"
    r"labels=\{[^{}]*\} value=(?P<value>[^ \]]+) \]"  # [^{}]: one pass over many labels={
)
_GRAFANA = "a Grafana alerting webhook payload (no 'alerts' list, no 'ruleName')"


def query_values(alert: Mapping[str, Any]) -> str | None:
    """Return an alert's query results as ``A=1, B=0``, from ``values`` or ``valueString``."""
    values = mapping(alert.get("values"))
    pairs = [(name, text(value)) for name, value in values.items()]
    if not pairs:
        found = _VALUE.finditer(text(alert.get("valueString")) or "")
        pairs = [(m["var"] or m["metric"] or "value", m["value"]) for m in found]
    shown = [f"{name}={value}" for name, value in pairs if value is not None]
    return ", ".join(shown) or None


class Grafana(Source):
    """Grafana alerting webhooks, every layout since Grafana 4.

    Unified alerting (Grafana 8 to 11) posts an Alertmanager-compatible body:
    each alert fires at ``startsAt`` and, when resolved, resolves at
    ``endsAt``. Legacy payloads (``ruleName``, ``state``, ``evalMatches``)
    carry no time at all: they are placed at the ``at=`` option, and without
    it each one is reported as bad input rather than given a made-up time.
    """

    name = "grafana"
    summary = "Grafana alerting webhooks (unified alerting 8 to 11, and legacy)"
    options = {"at": "time of legacy (pre-8) payloads, which carry no time of their own"}

    def __init__(self, spec: SourceSpec, problems: Problems) -> None:
        super().__init__(spec, problems)
        self.at = self._legacy_time()

    def _legacy_time(self) -> datetime | None:
        value = self.spec.options.get("at")
        if value is None:
            return None
        try:
            at = parse_time(value, self.zone)
        except ValueError:
            at = None
        if at is None:
            raise UsageError(f"'{value}' is not a time", field=f"{self.name}[at]")
        return at

    def events(self) -> Iterator[Event]:
        """Yield the events of every payload: one document, an array, or one per line."""
        for each in each_payload(self.spec, self.problems):
            payload, line, where = each.fields, each.line, each.where
            if "ruleName" in payload or "evalMatches" in payload:
                yield from self._legacy(dict(payload), line, where)
            elif isinstance(payload.get("alerts"), list):
                yield from self._unified(dict(payload), line, where)
            else:
                each.refuse(_GRAFANA, self.spec.label, self.problems)

    def _unified(self, payload: dict[str, Any], line: int | None, where: str) -> Iterator[Event]:
        truncated = payload.get("truncatedAlerts")
        if isinstance(truncated, int) and truncated > 0:
            self.problems.note(
                "Grafana left alerts out of some payloads (truncatedAlerts): they are not here"
            )
        group_status = (text(payload.get("status")) or "firing").lower()
        external = text(payload.get("externalURL"))
        for index, alert in enumerate(payload["alerts"]):
            path = f"{where}.alerts[{index}]"
            if not isinstance(alert, dict):
                self.problems.add(f"{path} is not an object", line)
                continue
            try:
                started = self._time(alert, path, "startsAt")
                ended = self._time(alert, path, "endsAt")
            except ValueError as exc:
                self.problems.add(str(exc), line)
                continue
            if started is None:
                self.problems.add(f"{path}.startsAt is missing", line)
                continue
            status = (text(alert.get("status")) or group_status).lower()
            yield from self._alert_events(alert, started, ended, status, external, line)

    def _alert_events(
        self,
        alert: dict[str, Any],
        started: datetime,
        ended: datetime | None,
        status: str,
        external: str | None,
        line: int | None,
    ) -> Iterator[Event]:
        labels = mapping(alert.get("labels"))
        annotations = mapping(alert.get("annotations"))
        name = text(labels.get("alertname")) or "alert"
        detail = next(filter(None, (text(annotations.get(k)) for k in _DETAIL_KEYS)), None)
        # The values are those of the latest evaluation: the one that fired, or resolved, the alert.
        shown = query_values(alert)
        values = f" ({shown})" if shown else ""
        resolved = status == "resolved"
        firing = Event(
            time=started,
            source=self.name,
            kind=Kind.ALERT_FIRING,
            text=f"Alert {name} firing"
            + (f": {detail}" if detail else "")
            + ("" if resolved else values),
            actor="Grafana",
            component=component_of(labels),
            link=_first_url(alert, ("generatorURL", "panelURL", "dashboardURL")) or external,
            level=Level.parse(labels.get("severity")),
            key=text(alert.get("fingerprint")) or alert_key(labels),
            origin=self.origin(line),
        )
        yield firing
        if resolved and ended is None:
            self.problems.note("resolved alerts without endsAt: their resolution time is unknown")
        elif resolved and ended is not None:
            yield replace(
                firing, time=ended, kind=Kind.ALERT_RESOLVED, text=f"Alert {name} resolved{values}"
            )

    def _legacy(self, payload: dict[str, Any], line: int | None, where: str) -> Iterator[Event]:
        state = (text(payload.get("state")) or "").lower()
        if state not in _LEGACY_STATES:
            said = f"'{state}' is not alerting, ok or no_data" if state else "is missing"
            self.problems.add(f"{where}.state {said}", line)
            return
        if self.at is None:
            self.problems.add(
                f"{where} is a legacy (pre-8) Grafana payload, which has no time:"
                " give one with grafana[at=TIME]",
                line,
            )
            return
        self.problems.note("legacy (pre-8) Grafana payloads carry no time: placed at the at= time")
        kind, phrase = _LEGACY_STATES[state]
        name = text(payload.get("ruleName")) or text(payload.get("title")) or "alert"
        message = text(payload.get("message")) if kind is Kind.ALERT_FIRING else None
        matches = _eval_matches(payload.get("evalMatches"))
        tags = mapping(payload.get("tags"))
        rule = text(payload.get("ruleId"))
        org = text(payload.get("orgId"))
        key = ":".join(filter(None, ("grafana-rule", org, rule))) if rule else None
        yield Event(
            time=self.at,
            source=self.name,
            kind=kind,
            text=f"Alert {name} {phrase}"
            + (f": {message}" if message else "")
            + (f" ({matches})" if matches else ""),
            actor="Grafana",
            component=component_of(tags),
            link=text(payload.get("ruleUrl")),
            level=Level.parse(tags.get("severity")),
            key=key or alert_key({"alertname": name}),
            origin=self.origin(line),
        )

    def _time(self, alert: Mapping[str, Any], path: str, name: str) -> datetime | None:
        try:
            return parse_time(alert.get(name), self.zone)
        except ValueError as exc:
            raise ValueError(f"{path}.{name}: {exc}") from None


def _first_url(alert: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    return next(filter(None, (text(alert.get(name)) for name in names)), None)


def _eval_matches(value: Any) -> str | None:
    """Return a legacy payload's ``evalMatches`` as ``metric=value, ...``."""
    matches = [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []
    shown = [
        f"{text(m.get('metric')) or 'value'}={text(m.get('value'))}"
        for m in matches
        if text(m.get("value")) is not None
    ]
    return ", ".join(shown) or None
