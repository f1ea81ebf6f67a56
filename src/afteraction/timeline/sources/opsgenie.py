"""Opsgenie alert activity: outgoing webhook payloads and the alert-log API response."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from afteraction.timeline.event import Event, Kind
from afteraction.timeline.payloads import each_payload, mapping, text
from afteraction.timeline.source import Source
from afteraction.timeline.times import parse_time

# Webhook actions: the kind, what the timeline says, and the alert field that details it.
_ACTIONS: dict[str, tuple[Kind, str, str | None]] = {
    "Create": (Kind.PAGE_TRIGGERED, "created", "priority"),
    "Acknowledge": (Kind.PAGE_ACKNOWLEDGED, "acknowledged", None),
    "UnAcknowledge": (Kind.PAGE_NOTE, "unacknowledged", None),
    "AddNote": (Kind.PAGE_NOTE, "note added", None),
    "Close": (Kind.PAGE_RESOLVED, "closed", None),
    "Delete": (Kind.PAGE_NOTE, "deleted", None),
    "Escalate": (Kind.PAGE_ESCALATED, "escalated", None),
    "EscalateNext": (Kind.PAGE_ESCALATED, "escalated to the next level", None),
    "AssignOwnership": (Kind.PAGE_ESCALATED, "assigned", "owner"),
    "TakeOwnership": (Kind.PAGE_NOTE, "taken over", "owner"),
    "AddRecipient": (Kind.PAGE_ESCALATED, "recipient added", "recipient"),
    "AddTeam": (Kind.PAGE_ESCALATED, "team added", "team"),
    "AddResponder": (Kind.PAGE_ESCALATED, "responder added", "responder"),
    "AddTags": (Kind.PAGE_NOTE, "tags added", "addedTags"),
    "RemoveTags": (Kind.PAGE_NOTE, "tags removed", "removedTags"),
    "UpdatePriority": (Kind.PAGE_NOTE, "priority changed", "priority"),
}
# What an alert-log line says happened, read from its words; other lines are notes.
_LOG_WORD = re.compile(
    r"^(?:alert )?(?:is )?(unacknowledged|acknowledged|closed|escalated|created)\b", re.I
)
_LOG_KINDS = {
    "acknowledged": Kind.PAGE_ACKNOWLEDGED,
    "closed": Kind.PAGE_RESOLVED,
    "escalated": Kind.PAGE_ESCALATED,
    "created": Kind.PAGE_TRIGGERED,
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_OPSGENIE = "an Opsgenie payload (no 'action' and 'alert', no alert-log 'data' list)"


def log_kind(line: str) -> Kind:
    """Return the kind of an alert-log line (``Alert acknowledged via web``: acknowledged)."""
    said = _LOG_WORD.match(line.strip())
    return _LOG_KINDS.get(said[1].lower(), Kind.PAGE_NOTE) if said else Kind.PAGE_NOTE


def event_key(alert_id: str | None, kind: Kind, words: str) -> str | None:
    """Return an event's key: its alert's id, and for a note its words too.

    An alert is created, acknowledged and closed once but has many notes:
    with the alert's id alone, two notes a minute apart would be folded into
    one as duplicates.
    """
    if alert_id is None or kind is not Kind.PAGE_NOTE:
        return alert_id
    return f"{alert_id} {words}"


def priority(value: Any) -> str | None:
    """Return an alert priority as Opsgenie shows it (``P3``), whether written 3 or ``P3``."""
    shown = text(value)
    return f"P{shown}" if shown and shown.isdigit() else shown


class Opsgenie(Source):
    """Opsgenie alerts: what happened to each, when and by whom.

    Reads outgoing webhook payloads (``action`` and ``alert``): a Create
    happens at the alert's ``createdAt``, every other action at its
    ``updatedAt`` (payloads without one, such as Escalate, are bad input:
    their time is unknown). Also reads the ``GET /v2/alerts/{id}/logs``
    response, whose lines' kinds come from their words; it does not name its
    alert, so the ``alert=`` option gives the key that folds its events with
    the same alert's webhook events.
    """

    name = "opsgenie"
    summary = "Opsgenie outgoing webhook payloads and alert-log API responses"
    options = {"alert": "the alert id an alert-log response belongs to (its events' key)"}

    def events(self) -> Iterator[Event]:
        """Yield the events of every payload: one document, an array, or one per line."""
        for each in each_payload(self.spec, self.problems):
            payload, line, where = each.fields, each.line, each.where
            if isinstance(payload.get("action"), str) and isinstance(payload.get("alert"), dict):
                yield from self._webhook(payload, line, where)
            elif isinstance(payload.get("data"), list):
                yield from self._log(payload, line, where)
            else:
                each.refuse(_OPSGENIE, self.spec.label, self.problems)

    def _webhook(self, payload: Mapping[str, Any], line: int | None, where: str) -> Iterator[Event]:
        action = payload["action"]
        alert = mapping(payload["alert"])
        words = _CAMEL.sub(" ", action).lower()
        kind, verb, field = _ACTIONS.get(action, (Kind.PAGE_NOTE, words, None))
        names = ("createdAt", "updatedAt") if action == "Create" else ("updatedAt",)
        time = self._time(alert, names, f"{where}.alert", line)
        if time is None:
            return
        tiny = text(alert.get("tinyId"))
        details = [_detail(field, alert), text(alert.get("note")), _escalation(payload)]
        detail = "; ".join(d for d in details if d) or None
        if kind is not Kind.PAGE_NOTE:  # notes leave the message out: its words are not theirs
            detail = _joined(text(alert.get("message")), detail)
        said = f"{verb}: {detail}" if detail else verb
        yield Event(
            time=time,
            source=self.name,
            kind=kind,
            text=(f"Alert #{tiny}" if tiny else "Alert") + f" {said}",
            actor=text(alert.get("username")) or text(mapping(payload.get("source")).get("name")),
            component=text(alert.get("entity")),
            key=event_key(text(alert.get("alertId")), kind, said),
            origin=self.origin(line),
        )

    def _log(self, payload: Mapping[str, Any], line: int | None, where: str) -> Iterator[Event]:
        alert = self.spec.options.get("alert") or None
        if alert is None:
            self.problems.note(
                "an alert-log response does not name its alert: give opsgenie[alert=ID]"
                " to fold its events with the alert's webhook events"
            )
        if text(mapping(payload.get("paging")).get("next")):
            self.problems.note("the alert-log response has a next page: its lines are not here")
        for index, entry in enumerate(payload["data"]):
            path = f"{where}.data[{index}]"
            if not isinstance(entry, dict):
                self.problems.add(f"{path} is not an object", line)
                continue
            said = text(entry.get("log"))
            if said is None:
                self.problems.add(f"{path}.log is missing", line)
                continue
            time = self._time(entry, ("createdAt",), path, line)
            if time is not None:
                kind = log_kind(said)
                yield Event(
                    time=time,
                    source=self.name,
                    kind=kind,
                    text=said,
                    actor=text(entry.get("owner")),
                    key=event_key(alert, kind, said),
                    origin=self.origin(line),
                )

    def _time(
        self, item: Mapping[str, Any], names: tuple[str, ...], path: str, line: int | None
    ) -> datetime | None:
        """Return the first of an item's times present, or None after reporting the problem."""
        for name in names:
            try:
                time = parse_time(item.get(name), self.zone)
            except ValueError as exc:
                self.problems.add(f"{path}.{name}: {exc}", line)
                return None
            if time is not None:
                return time
        self.problems.add(f"{path}.{names[-1]} is missing", line)
        return None


def _detail(field: str | None, alert: Mapping[str, Any]) -> str | None:
    """Return the alert field an action is about (the new owner, the added tags ...)."""
    if field is None:
        return None
    if field == "priority":
        return priority(alert.get(field))
    value = alert.get(field)
    if isinstance(value, list):
        return ", ".join(filter(None, map(text, value))) or None
    return text(value) or _summary(value)


def _summary(value: Any) -> str | None:
    return text(mapping(value).get("name")) or text(mapping(value).get("id"))


def _escalation(payload: Mapping[str, Any]) -> str | None:
    """Return which escalation an Escalate payload ran and whom it notified."""
    name = text(payload.get("escalationName"))
    notified = _summary(payload.get("escalationNotify"))
    parts = [name, f"notified {notified}" if notified else None]
    return ", ".join(p for p in parts if p) or None


def _joined(message: str | None, detail: str | None) -> str | None:
    """Return ``message (detail)``, or whichever of the two there is."""
    if message and detail:
        return f"{message} ({detail})"
    return message or detail
