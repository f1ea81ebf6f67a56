"""What an alert webhook delivery says about its incident: the delivery's *notice*.

The team server receives Alertmanager, Grafana (unified and legacy),
PagerDuty (v3 and v2) and Opsgenie webhooks. For each delivery it needs the
incident it belongs to, the state it reports and since when, a title, a
severity, a component and a link: :func:`read_notice` reads them. The
timeline events of the same bytes come from the timeline sources; this
module reads payloads with their helpers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

from afteraction.errors import InvalidValueError, TooLargeError
from afteraction.timeline.inputs import mib
from afteraction.timeline.payloads import mapping, text
from afteraction.timeline.sources.alertmanager import alert_key, component_of
from afteraction.timeline.sources.opsgenie import priority
from afteraction.timeline.sources.pagerduty import incident_names
from afteraction.timeline.times import aware, parse_time

RECEIVERS: tuple[str, ...] = ("alertmanager", "grafana", "pagerduty", "opsgenie")
MAX_BODY_BYTES = 10 * 1024 * 1024
"""The largest delivery read; Alertmanager and Grafana cap theirs far below this."""

# Longer grouping keys (in UTF-8) are replaced by their SHA-256, so that they stay indexable.
_MAX_KEY_BYTES = 1024
_SHOWN_CHARS = 60
_NAMES = {
    "alertmanager": "Alertmanager",
    "grafana": "Grafana",
    "pagerduty": "PagerDuty",
    "opsgenie": "Opsgenie",
}


class AlertState(StrEnum):
    """The state of an incident a delivery reports."""

    FIRING = "firing"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class AlertNotice:
    """What one delivery says: its incident (``group``), state and since when (``at``, UTC).

    ``severity`` is worded as the tool words it (``critical``, ``P1``,
    ``high``); it, ``component`` and ``link`` are None when the payload has none.
    """

    receiver: str
    group: str
    state: AlertState
    at: datetime
    title: str
    severity: str | None
    component: str | None
    link: str | None


_GROUP_STATES = {"firing": AlertState.FIRING, "resolved": AlertState.RESOLVED}
# Legacy Grafana never notifies "pending" (nor "paused"), but a sender that does means an alert.
_LEGACY_STATES = {
    "alerting": AlertState.FIRING,
    "no_data": AlertState.FIRING,
    "pending": AlertState.FIRING,
    "ok": AlertState.RESOLVED,
}
# PagerDuty v3 event types and v2 message types that set the state; others keep the incident's.
_PAGERDUTY_EVENTS = {
    "incident.triggered": AlertState.FIRING,
    "incident.trigger": AlertState.FIRING,
    "incident.reopened": AlertState.FIRING,
    "incident.unacknowledged": AlertState.FIRING,
    "incident.unacknowledge": AlertState.FIRING,
    "incident.acknowledged": AlertState.ACKNOWLEDGED,
    "incident.acknowledge": AlertState.ACKNOWLEDGED,
    "incident.resolved": AlertState.RESOLVED,
    "incident.resolve": AlertState.RESOLVED,
}
_PAGERDUTY_STATUSES = {
    "triggered": AlertState.FIRING,
    "acknowledged": AlertState.ACKNOWLEDGED,
    "resolved": AlertState.RESOLVED,
}
# Opsgenie actions that set the state; others keep the alert's.
_OPSGENIE_ACTIONS = {
    "Create": AlertState.FIRING,
    "UnAcknowledge": AlertState.FIRING,
    "Acknowledge": AlertState.ACKNOWLEDGED,
    "Close": AlertState.RESOLVED,
}


def read_notice(receiver: str, body: bytes, received_at: datetime) -> AlertNotice:
    """Return what a delivery to ``receiver`` says; ``received_at`` stands in for a missing time.

    Raises TooLargeError for a body over :data:`MAX_BODY_BYTES`, and
    InvalidValueError for an unknown receiver (field ``receiver``) or a body
    that is not JSON, not an object or not that receiver's payload (field
    ``body``), with a message saying what is wrong.
    """
    name = receiver.strip().lower()
    if name not in RECEIVERS:
        raise InvalidValueError(
            f"unknown receiver '{_shown(receiver)}' (receivers: {', '.join(RECEIVERS)})",
            field="receiver",
        )
    payload = _payload(body)
    received = aware(received_at, None)
    if name == "alertmanager":
        return _alertmanager(payload, received)
    if name == "grafana":
        return _grafana(payload, received)
    if name == "pagerduty":
        return _pagerduty(payload, received)
    return _opsgenie(payload, received)


def _bytes(value: str) -> bytes:
    """Return text as bytes: any text (a payload's odd characters too) encodes."""
    return value.encode("utf-8", "surrogatepass")


def _payload(body: bytes) -> Mapping[str, Any]:
    """Return a body's JSON object, or fail saying why it is none."""
    if len(body) > MAX_BODY_BYTES:
        raise TooLargeError(
            f"the body is {mib(len(body))}, more than the {mib(MAX_BODY_BYTES)} a delivery may be",
            field="body",
        )
    if not body or body.isspace():
        raise InvalidValueError("the body is empty, not a JSON object", field="body")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InvalidValueError(f"not JSON: {exc.msg} ({where})", field="body") from None
    if not isinstance(document, dict):
        raise InvalidValueError(f"not a JSON object but {_json_kind(document)}", field="body")
    return document


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


def _shown(value: str) -> str:
    """Return text as a message quotes it: cut short when it is long."""
    cut = _SHOWN_CHARS - 3
    return value if len(value) <= _SHOWN_CHARS else value[:cut] + "..."


def _fail(message: str) -> InvalidValueError:
    return InvalidValueError(message, field="body")


def _group(receiver: str, key: str) -> str:
    """Return the grouping key: the receiver, then its own key (hashed when very long)."""
    encoded = _bytes(key)
    if len(encoded) > _MAX_KEY_BYTES:
        key = "sha256:" + hashlib.sha256(encoded).hexdigest()
    return f"{receiver}:{key}"


def _time(value: Any, where: str) -> datetime | None:
    """Return a payload time in UTC (None when absent), or fail naming where it is."""
    if isinstance(value, dict | list):  # never quoted in the message: it may be huge, or deep
        raise _fail(
            f"{where}: not a time but {'an object' if isinstance(value, dict) else 'an array'}"
        )
    try:
        return parse_time(value)
    except ValueError as exc:
        said = str(exc)  # a number too large for any unit says only that number
        raise _fail(f"{where}: {said if said.startswith('not a time') else 'not a time'}") from None


def _summary(value: Any) -> str | None:
    """Return the name of a referenced object (a service, a priority)."""
    return text(mapping(value).get("summary")) or text(mapping(value).get("name"))


# ---------------------------------------------------------------- Alertmanager and Grafana


def _alertmanager(payload: Mapping[str, Any], received_at: datetime) -> AlertNotice:
    if not isinstance(payload.get("alerts"), list):
        raise _fail("not an Alertmanager payload: no 'alerts' list")
    return _alert_group("alertmanager", payload, received_at, ("generatorURL",))


def _grafana(payload: Mapping[str, Any], received_at: datetime) -> AlertNotice:
    if "ruleName" in payload or "evalMatches" in payload:
        return _grafana_legacy(payload, received_at)
    if not isinstance(payload.get("alerts"), list):
        raise _fail(
            "not a Grafana alerting payload: no 'alerts' list (unified alerting)"
            " and no 'ruleName' (legacy)"
        )
    return _alert_group(
        "grafana", payload, received_at, ("generatorURL", "panelURL", "dashboardURL")
    )


def _alert_group(
    receiver: str, payload: Mapping[str, Any], received_at: datetime, links: tuple[str, ...]
) -> AlertNotice:
    """Return the notice of an Alertmanager-shaped group of alerts (Grafana unified too)."""
    alerts: list[Mapping[str, Any]] = []
    for index, alert in enumerate(payload["alerts"]):
        if not isinstance(alert, dict):
            raise _fail(f"{_NAMES[receiver]} payload alerts[{index}] is not an object")
        alerts.append(alert)
    state = _group_state(receiver, payload, alerts)
    common = mapping(payload.get("commonLabels"))
    labels = [mapping(alert.get("labels")) for alert in alerts]
    return AlertNotice(
        receiver=receiver,
        group=_group(receiver, _group_key(receiver, payload, labels)),
        state=state,
        at=_group_time(alerts, state) or received_at,
        title=text(mapping(payload.get("commonAnnotations")).get("summary"))
        or text(common.get("alertname"))
        or _names(labels)
        or f"{_NAMES[receiver]} alert",
        severity=text(common.get("severity")) or _first(each.get("severity") for each in labels),
        component=component_of(common) or _first(map(component_of, labels)),
        link=_first(alert.get(link) for alert in alerts for link in links)
        or text(payload.get("externalURL")),
    )


def _names(labels: list[Mapping[str, Any]]) -> str | None:
    """Return the alert name of a group's alerts: ``A``, or ``A and 2 other alerts``."""
    names = list(dict.fromkeys(filter(None, (text(each.get("alertname")) for each in labels))))
    if len(names) < 2:
        return names[0] if names else None
    others = len(names) - 1
    return f"{names[0]} and {others} other alert" + ("s" if others > 1 else "")


def _first(values: Iterable[Any]) -> str | None:
    """Return the first of some payload values that is text."""
    return next(filter(None, map(text, values)), None)


def _group_state(
    receiver: str, payload: Mapping[str, Any], alerts: list[Mapping[str, Any]]
) -> AlertState:
    """Return a group's ``status``; without one, resolved when every alert says it is."""
    status = text(payload.get("status"))
    if status is None:
        resolved = bool(alerts) and all(
            (text(alert.get("status")) or "").lower() == "resolved" for alert in alerts
        )
        return AlertState.RESOLVED if resolved else AlertState.FIRING
    state = _GROUP_STATES.get(status.lower())
    if state is None:
        said = _shown(status)
        raise _fail(f"{_NAMES[receiver]} payload status '{said}' is not firing or resolved")
    return state


def _group_key(receiver: str, payload: Mapping[str, Any], labels: list[Mapping[str, Any]]) -> str:
    """Return a group's ``groupKey``, else its group (or common) labels as ``alert_key`` sorts them.

    Payloads of version 0 write ``groupKey`` 0, Go's zero value: no key.
    """
    given = payload.get("groupKey")
    key = None if given == 0 else text(given)
    if key is not None:
        return key
    grouped = _labels(payload.get("groupLabels")) or _labels(payload.get("commonLabels"))
    grouped = grouped or (_labels(labels[0]) if len(labels) == 1 else {})
    if not grouped:
        raise _fail(
            f"{_NAMES[receiver]} payload has no 'groupKey', 'groupLabels' or 'commonLabels'"
            " to group it by"
        )
    return alert_key(grouped)


def _labels(value: Any) -> dict[str, str]:
    """Return the labels of a payload object that are text (label values always are)."""
    labels = ((name, text(label)) for name, label in mapping(value).items())
    return {name: label for name, label in labels if label is not None}


def _group_time(alerts: list[Mapping[str, Any]], state: AlertState) -> datetime | None:
    """Return the earliest ``startsAt`` of a firing group, the latest ``endsAt`` of a resolved one.

    A firing alert's ``endsAt`` is only an expiry guess, and never read.
    """
    name = "startsAt" if state is AlertState.FIRING else "endsAt"
    read: dict[str, datetime | None] = {}  # the alerts of a group mostly share their times
    times: list[datetime] = []
    for index, alert in enumerate(alerts):
        value = alert.get(name)
        if isinstance(value, str) and value in read:
            time = read[value]
        else:
            time = _time(value, f"alerts[{index}].{name}")
            if isinstance(value, str):
                read[value] = time
        if time is not None:
            times.append(time)
    if not times:
        return None
    return min(times) if state is AlertState.FIRING else max(times)


def _grafana_legacy(payload: Mapping[str, Any], received_at: datetime) -> AlertNotice:
    """Return the notice of a legacy (pre-8) Grafana payload, which carries no time."""
    said = text(payload.get("state"))
    state = _LEGACY_STATES.get((said or "").lower())
    if state is None:
        known = ", ".join(_LEGACY_STATES)
        what = f"state '{_shown(said)}' is not" if said else "has no 'state':"
        raise _fail(f"legacy Grafana payload {what} one of {known}")
    name = text(payload.get("ruleName"))
    rule = text(payload.get("ruleId")) or name
    if rule is None:
        raise _fail("legacy Grafana payload names no rule (no 'ruleId' or 'ruleName')")
    url = text(payload.get("ruleUrl"))
    tags = mapping(payload.get("tags"))
    return AlertNotice(
        receiver="grafana",
        group=_group("grafana", f"rule:{rule}" + (f"@{url}" if url else "")),
        state=state,
        at=received_at,
        title=name or text(payload.get("title")) or "Grafana alert",
        severity=text(tags.get("severity")),
        component=component_of(tags),
        link=url,
    )


# ---------------------------------------------------------------- PagerDuty and Opsgenie


def _pagerduty(payload: Mapping[str, Any], received_at: datetime) -> AlertNotice:
    event = payload.get("event")
    if isinstance(event, dict) or "event_type" in payload:
        return _pagerduty_v3(mapping(event) or payload, received_at)
    messages = payload.get("messages")
    if not isinstance(messages, list):
        raise _fail(
            "not a PagerDuty webhook payload: no 'event' object (v3) or 'messages' list (v2)"
        )
    if not messages or not isinstance(messages[0], dict):
        raise _fail("PagerDuty v2 payload has no message: 'messages[0]' is not an object")
    message = messages[0]
    incident = mapping(message.get("incident"))
    state = _PAGERDUTY_EVENTS.get(text(message.get("event")) or "")
    at = _time(message.get("created_on"), "messages[0].created_on") or received_at
    return _incident_notice(incident, "messages[0].incident.id", state, at)


def _pagerduty_v3(event: Mapping[str, Any], received_at: datetime) -> AlertNotice:
    event_type = text(event.get("event_type"))
    if event_type is None:
        raise _fail("PagerDuty event has no 'event_type'")
    if not event_type.startswith("incident."):
        raise _fail(f"PagerDuty event '{_shown(event_type)}' is not about an incident")
    data = mapping(event.get("data"))
    # Most events' data is the incident; others' (notes, responders) holds a reference to it.
    incident = data if "incident" not in data else mapping(data.get("incident"))
    at = _time(event.get("occurred_at"), "event.occurred_at") or received_at
    return _incident_notice(incident, "event.data.id", _PAGERDUTY_EVENTS.get(event_type), at)


def _incident_notice(
    incident: Mapping[str, Any], where: str, state: AlertState | None, at: datetime
) -> AlertNotice:
    """Return a PagerDuty incident's notice; ``state`` None keeps its stated status."""
    incident_id = text(incident.get("id"))
    if incident_id is None:
        raise _fail(f"PagerDuty payload names no incident (no '{where}')")
    if state is None:
        status = (text(incident.get("status")) or "").lower()
        state = _PAGERDUTY_STATUSES.get(status, AlertState.FIRING)
    label, title = incident_names(incident)
    return AlertNotice(
        receiver="pagerduty",
        group=_group("pagerduty", incident_id),
        state=state,
        at=at,
        title=title or label,
        severity=_summary(incident.get("priority")) or text(incident.get("urgency")),
        component=_summary(incident.get("service")),
        link=text(incident.get("html_url")),
    )


def _opsgenie(payload: Mapping[str, Any], received_at: datetime) -> AlertNotice:
    action, alert = payload.get("action"), payload.get("alert")
    if not isinstance(action, str) or not isinstance(alert, dict):
        raise _fail("not an Opsgenie webhook payload: no 'action' and 'alert' object")
    key = text(alert.get("alertId")) or text(alert.get("alias"))
    if key is None:
        raise _fail("Opsgenie alert has no 'alertId' or 'alias'")
    state = _OPSGENIE_ACTIONS.get(action) or _opsgenie_status(alert)
    # A Create happens when the alert was created; every other action at its update.
    names = ("createdAt", "updatedAt") if action == "Create" else ("updatedAt",)
    times = (_time(alert.get(name), f"alert.{name}") for name in names)
    tiny = text(alert.get("tinyId"))
    return AlertNotice(
        receiver="opsgenie",
        group=_group("opsgenie", key),
        state=state,
        at=next(filter(None, times), None) or received_at,
        title=text(alert.get("message")) or (f"Opsgenie alert #{tiny}" if tiny else key),
        severity=priority(alert.get("priority")),
        component=text(alert.get("entity")),
        link=None,
    )


def _opsgenie_status(alert: Mapping[str, Any]) -> AlertState:
    """Return the state an Opsgenie alert states (``status``, ``acknowledged``), else firing."""
    status = (text(alert.get("status")) or "").lower()
    if status == "closed":
        return AlertState.RESOLVED
    if alert.get("acknowledged") is True:
        return AlertState.ACKNOWLEDGED
    return AlertState.FIRING
