"""Use cases on one postmortem: read, show, render, convert, create."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from afteraction.demo import demo_record
from afteraction.document.convert import convert
from afteraction.document.loaded import Document
from afteraction.document.render import render_markdown
from afteraction.document.values import ValueFormatError, parse_when
from afteraction.document.zones import resolve_zone
from afteraction.errors import InvalidValueError
from afteraction.model import Incident, KeyTimes, compute_metrics
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.service.workspace import Workspace
from afteraction.store import DocumentStore, FolderStore

FORMATS = ("md", "html", "json")
__all__ = [  # Profile and resolve_zone are here for front ends, which import only service
    "FORMATS",
    "NewIncident",
    "Profile",
    "in_profile",
    "load",
    "new_record",
    "profile_list",
    "render",
    "render_draft",
    "resolve_zone",
    "schema",
    "shown",
    "shown_parts",
    "started_at",
    "write_demo",
]


def load(path: Path, registry: ProfileRegistry, profile_name: str | None = None) -> Document:
    """Read a Markdown postmortem file outside a workspace, as its folder's store reads it."""
    return FolderStore(path.parent, registry).get(path, profile_name)


def in_profile(document: Document, target: Profile | None) -> tuple[Incident, Profile]:
    """Return the document's record re-homed in ``target`` (default: its own profile)."""
    if target is None or target is document.profile:
        return document.record, document.profile
    return convert(document.record, document.profile, target), target


def render(record: Incident, profile: Profile, fmt: str, *, remote_images: bool = False) -> str:
    """Write ``record`` as Markdown (in ``profile``), HTML or JSON.

    HTML shows remote images only with ``remote_images``; otherwise each is a link.
    """
    if fmt == "md":
        return render_markdown(record, profile)
    if fmt == "html":
        # Jinja2 is imported only to write HTML: it is a tenth of every command's start-up.
        from afteraction.document.html import render_html

        return render_html(record, profile, remote_images=remote_images)
    if fmt == "json":
        return record.model_dump_json(indent=2) + "\n"
    raise InvalidValueError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})", field="format")


def render_draft(record: Incident, profile: Profile) -> str:
    """Write a new draft: the record in the profile's Markdown, with the template's prompts."""
    return render_markdown(record, profile, hints=True)


def started_at(value: str, profile: Profile) -> datetime:
    """Read when impact started, ``YYYY-MM-DD HH:MM`` (in the profile's zone unless given)."""
    try:
        day, clock, zone = parse_when(value)
    except ValueFormatError as exc:
        raise InvalidValueError(str(exc), field="started") from None
    if day is None:
        raise InvalidValueError(f"'{value}' needs a date: use YYYY-MM-DD HH:MM", field="started")
    return datetime.combine(day, clock, tzinfo=zone or resolve_zone(profile.zone))


@dataclass(frozen=True)
class NewIncident:
    """What a new postmortem starts with; the rest is the template's prompts."""

    title: str = ""
    severity: str | None = None
    started: datetime | None = None


def new_record(profile: Profile, store: DocumentStore, given: NewIncident, today: date) -> Incident:
    """Create a draft record with an incident ID in the profile's pattern, free in ``store``."""
    if given.severity is not None and given.severity not in profile.severity_names():
        allowed = ", ".join(profile.severity_names())
        raise InvalidValueError(
            f"unknown severity '{given.severity}' for {profile.name} (allowed: {allowed})",
            field="severity",
        )
    day = given.started.date() if given.started else today
    status = profile.statuses[0].name if profile.statuses else None
    record = Incident(
        profile=profile.name, title=given.title, severity=given.severity, status=status
    )
    record.id = store.next_id(profile, day)
    record.times.started = given.started
    if given.started is None:
        record.fields["date"] = day.isoformat()
    return record


def shown(document: Document) -> dict[str, Any]:
    """Return a postmortem as ``aar show --json`` and the API give it: record and figures."""
    record = document.record
    return shown_parts(
        record.model_dump(mode="json"), document.profile.name, record.times, document.disorder
    )


def shown_parts(
    record: dict[str, Any], profile: str, times: KeyTimes, disorder: Iterable[str]
) -> dict[str, Any]:
    """Return what :func:`shown` gives, from a record already in its JSON form."""
    metrics = compute_metrics(times)
    return {
        "record": record,
        "profile": profile,
        "metrics": {k: (v.total_seconds() if v is not None else None) for k, v in metrics},
        "inferred": [r["field"] for r in record.get("readings", ()) if r.get("how") == "inferred"],
        "warnings": list(disorder),
    }


def profile_list(registry: ProfileRegistry) -> list[dict[str, Any]]:
    """Return every known profile's name, description, seed template and where it was read."""
    return [
        {
            "name": p.name,
            "description": p.description,
            "seed": p.seed,
            "source": str(registry.sources[p.name]),
        }
        for p in (registry.get(n) for n in registry.names())
    ]


def schema() -> str:
    """Return the JSON Schema of the record."""
    return json.dumps(Incident.model_json_schema(), indent=2) + "\n"


def write_demo(workspace: Workspace, folder: Path) -> list[Path]:
    """Write a filled-in demo postmortem in every profile into ``folder``; return the files.

    Each document gets its own incident ID; a file already there is replaced.
    """
    written = []
    registry = workspace.profiles
    for number, name in enumerate(registry.names(), 1):
        profile = registry.get(name)
        path = folder / f"{name}.md"
        workspace.store.create(
            path, render_markdown(demo_record(profile, number), profile), force=True
        )
        written.append(path)
    return written
