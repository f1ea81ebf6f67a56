"""PagerDuty incident activity: v3 webhook events, legacy v2 webhooks and REST log entries."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from afteraction.timeline.event import Event, Kind
from afteraction.timeline.payloads import each_payload, mapping, text
from afteraction.timeline.source import Source
from afteraction.timeline.times import parse_time

# v3 event types (v2 ones are renamed to these first), with what the timeline says.
_EVENTS: dict[str, tuple[Kind, str]] = {
    "incident.triggered": (Kind.PAGE_TRIGGERED, "triggered"),
    "incident.reopened": (Kind.PAGE_TRIGGERED, "reopened"),
    "incident.unacknowledged": (Kind.PAGE_TRIGGERED, "unacknowledged (acknowledgement timed out)"),
    "incident.acknowledged": (Kind.PAGE_ACKNOWLEDGED, "acknowledged"),
    "incident.escalated": (Kind.PAGE_ESCALATED, "escalated"),
    "incident.reassigned": (Kind.PAGE_ESCALATED, "reassigned"),
    "incident.delegated": (Kind.PAGE_ESCALATED, "delegated"),
    "incident.responder.added": (Kind.PAGE_ESCALATED, "responder requested"),
    "incident.annotated": (Kind.PAGE_NOTE, "note"),
    "incident.priority_updated": (Kind.PAGE_NOTE, "priority changed"),
    "incident.resolved": (Kind.PAGE_RESOLVED, "resolved"),
}
_V2_EVENTS = {
    "incident.trigger": "incident.triggered",
    "incident.unacknowledge": "incident.unacknowledged",
    "incident.acknowledge": "incident.acknowledged",
    "incident.escalate": "incident.escalated",
    "incident.assign": "incident.reassigned",
    "incident.delegate": "incident.delegated",
    "incident.annotate": "incident.annotated",
    "incident.resolve": "incident.resolved",
}
# v2 events whose incident's last_status_change_by is who caused them.
_STATUS_CHANGES = {"incident.triggered", "incident.acknowledged", "incident.resolved"}
# Log entry types; every other type (annotate, notify, snooze, priority change ...) is a note.
_ENTRIES = {
    "trigger_log_entry": Kind.PAGE_TRIGGERED,
    "reopen_log_entry": Kind.PAGE_TRIGGERED,
    "unacknowledge_log_entry": Kind.PAGE_TRIGGERED,
    "acknowledge_log_entry": Kind.PAGE_ACKNOWLEDGED,
    "escalate_log_entry": Kind.PAGE_ESCALATED,
    "assign_log_entry": Kind.PAGE_ESCALATED,
    "delegate_log_entry": Kind.PAGE_ESCALATED,
    "responder_request_log_entry": Kind.PAGE_ESCALATED,
    "resolve_log_entry": Kind.PAGE_RESOLVED,
}
# An incident reference's summary: "[#33] Title" (or the title alone).
_NUMBERED = re.compile(r"^(?:\[#(?P<number>\d+)\] )?(?P<title>.*)$", re.S)
_PAGERDUTY = "a PagerDuty payload (no 'event', 'messages' or 'log_entries')"


def incident_names(incident: Mapping[str, Any]) -> tuple[str, str | None]:
    """Return an incident's label (``Incident #33``, else its id) and its title, apart.

    Notes and the like carry the short label only, so that words of the
    title ("rollback ...") are never read as what the note says.
    """
    number = text(incident.get("number")) or text(incident.get("incident_number"))
    title = text(incident.get("title"))
    summary = _NUMBERED.match(text(incident.get("summary")) or "")
    if summary is not None:
        number, title = number or summary["number"], title or summary["title"]
    label = f"#{number}" if number else text(incident.get("id"))
    if label:
        return f"Incident {label}", title
    return f"Incident {title or ''}".strip(), None


def assignees(incident: Mapping[str, Any]) -> str | None:
    """Return who an incident is assigned to (v3 ``assignees``, v2 ``assignments``), or None."""
    assignments = incident.get("assignments")
    people = incident.get("assignees") or [
        mapping(a).get("assignee") for a in (assignments if isinstance(assignments, list) else [])
    ]
    names = [text(mapping(p).get("summary")) for p in people] if isinstance(people, list) else []
    return ", ".join(n for n in names if n) or None


def event_key(incident_id: str | None, kind: Kind, words: str) -> str | None:
    """Return an event's key: its incident's id, and for a note its words too.

    An incident has one trigger, acknowledgement and resolution but many
    notes: with the incident's id alone, two notes a minute apart would be
    folded into one as duplicates. The same note seen through a webhook and
    through the log entries keeps one key (``Q1X2Y3Z4 note: rolled back``).
    """
    if incident_id is None or kind is not Kind.PAGE_NOTE:
        return incident_id
    return f"{incident_id} {words}"


def _summary(value: Any) -> str | None:
    return text(mapping(value).get("summary")) or text(mapping(value).get("name"))


class PagerDuty(Source):
    """PagerDuty incidents: what happened to each, when and by whom.

    Reads v3 webhook events (``{"event": {...}}``), legacy v2 webhooks
    (``messages[]``, read through their log entries when they carry any) and
    the REST ``GET /incidents/{id}/log_entries`` response. Every event's key
    is its incident's id, so one incident seen through several of these folds
    together.
    """

    name = "pagerduty"
    summary = "PagerDuty v3 webhook events, v2 webhooks and REST incident log entries"

    def events(self) -> Iterator[Event]:
        """Yield the events of every payload: one document, an array, or one per line."""
        for each in each_payload(self.spec, self.problems):
            payload, line, where = each.fields, each.line, each.where
            if isinstance(payload.get("event"), dict) or "event_type" in payload:
                yield from self._v3(mapping(payload.get("event")) or payload, line, where)
            elif isinstance(payload.get("messages"), list):
                yield from self._v2(payload["messages"], line, where)
            elif isinstance(payload.get("log_entries"), list):
                yield from self._log_entries(payload, line, where)
            else:
                each.refuse(_PAGERDUTY, self.spec.label, self.problems)

    def _v3(self, event: Mapping[str, Any], line: int | None, where: str) -> Iterator[Event]:
        path = f"{where}.event"
        event_type = text(event.get("event_type"))
        if event_type is None:
            self.problems.add(f"{path}.event_type is missing", line)
            return
        if not event_type.startswith("incident."):
            self.problems.note(f"events not about an incident are left out ({event_type})")
            return
        time = self._time(event, "occurred_at", path, line)
        if time is not None:
            actor = _summary(event.get("agent"))
            yield self._incident_event(event_type, time, actor, mapping(event.get("data")), line)

    def _v2(self, messages: list[Any], line: int | None, where: str) -> Iterator[Event]:
        for index, message in enumerate(messages):
            path = f"{where}.messages[{index}]"
            if not isinstance(message, dict):
                self.problems.add(f"{path} is not an object", line)
                continue
            incident = mapping(message.get("incident"))
            entries = message.get("log_entries")
            if isinstance(entries, list) and entries:
                for number, entry in enumerate(entries):
                    yield from self._entry(entry, f"{path}.log_entries[{number}]", line, incident)
                continue
            event = text(message.get("event"))
            if event is None:
                self.problems.add(f"{path}.event is missing", line)
                continue
            time = self._time(message, "created_on", path, line)
            if time is not None:
                event_type = _V2_EVENTS.get(event, event)
                changed = event_type in _STATUS_CHANGES
                actor = _summary(incident.get("last_status_change_by")) if changed else None
                yield self._incident_event(event_type, time, actor, incident, line)

    def _log_entries(
        self, payload: Mapping[str, Any], line: int | None, where: str
    ) -> Iterator[Event]:
        if payload.get("more") is True:
            self.problems.note(
                "the log_entries response says more=true: later pages are not in this file"
            )
        for index, entry in enumerate(payload["log_entries"]):
            yield from self._entry(entry, f"{where}.log_entries[{index}]", line, {})

    def _incident_event(
        self,
        event_type: str,
        time: datetime,
        actor: str | None,
        data: Mapping[str, Any],
        line: int | None,
    ) -> Event:
        """Return the event of a v3 event (or v2 message) about the incident ``data`` names."""
        words = event_type.removeprefix("incident.").replace("_", " ").replace(".", " ")
        kind, verb = _EVENTS.get(event_type, (Kind.PAGE_NOTE, words))
        # Some events' data is the incident; others' (notes, responders) holds a reference to it.
        incident = data if "incident" not in data else mapping(data.get("incident"))
        detail = _detail(event_type, kind, data)
        return Event(
            time=time,
            source=self.name,
            kind=kind,
            text=_said(incident_names(incident), verb, detail),
            actor=actor,
            component=_summary(incident.get("service")),
            link=text(incident.get("html_url")),
            key=event_key(text(incident.get("id")), kind, f"{verb}: {detail}" if detail else verb),
            origin=self.origin(line),
        )

    def _entry(
        self, entry: Any, path: str, line: int | None, context: Mapping[str, Any]
    ) -> Iterator[Event]:
        """Yield the event of one log entry (``context``: the incident a v2 message holds)."""
        if not isinstance(entry, dict):
            self.problems.add(f"{path} is not an object", line)
            return
        entry_type = text(entry.get("type"))
        if entry_type is None:
            self.problems.add(f"{path}.type is missing", line)
            return
        time = self._time(entry, "created_at", path, line)
        if time is None:
            return
        incident = mapping(entry.get("incident")) or context
        said, words = _entry_text(entry_type, entry, incident_names(incident))
        kind = _ENTRIES.get(entry_type, Kind.PAGE_NOTE)
        yield Event(
            time=time,
            source=self.name,
            kind=kind,
            text=said,
            actor=_summary(entry.get("agent")),
            component=_summary(entry.get("service")) or _summary(context.get("service")),
            link=text(incident.get("html_url")) or text(entry.get("html_url")),
            key=event_key(text(incident.get("id")) or text(context.get("id")), kind, words),
            origin=self.origin(line),
        )

    def _time(
        self, item: Mapping[str, Any], name: str, path: str, line: int | None
    ) -> datetime | None:
        """Return an item's time, or None after reporting it missing or unreadable."""
        try:
            time = parse_time(item.get(name), self.zone)
        except ValueError as exc:
            self.problems.add(f"{path}.{name}: {exc}", line)
            return None
        if time is None:
            self.problems.add(f"{path}.{name} is missing", line)
        return time


def _detail(event_type: str, kind: Kind, data: Mapping[str, Any]) -> str | None:
    """Return what an incident event adds to its verb: a note, a priority, who it is assigned to."""
    if event_type == "incident.annotated":
        return text(data.get("content"))
    if event_type == "incident.priority_updated":
        return _summary(data.get("priority")) or "none"
    people = assignees(data) if kind in (Kind.PAGE_TRIGGERED, Kind.PAGE_ESCALATED) else None
    return text(data.get("message")) or (f"assigned to {people}" if people else None)


def _entry_text(
    entry_type: str, entry: Mapping[str, Any], names: tuple[str, str | None]
) -> tuple[str, str]:
    """Return a log entry's text, and the words that tell it from the incident's other notes."""
    summary = text(entry.get("summary"))
    if entry_type == "annotate_log_entry":
        note = text(mapping(entry.get("channel")).get("summary")) or summary
        return _said(names, "note", note), f"note: {note}"
    words = summary or entry_type.removesuffix("_log_entry")
    if entry_type == "trigger_log_entry":
        return _said(names, "triggered", summary), words
    return f"{names[0]}: {words}", words


def _said(names: tuple[str, str | None], verb: str, detail: str | None) -> str:
    """Return ``Incident #9 triggered: Title (assigned to X)`` or ``Incident #9 note: text``."""
    label, title = names
    if verb == "triggered" and title:
        return f"{label} triggered: {title}" + (f" ({detail})" if detail else "")
    return f"{label} {verb}" + (f": {detail}" if detail else "")
