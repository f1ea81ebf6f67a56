"""The document's reference date: the day clock-only times belong to."""

from __future__ import annotations

from datetime import date

from afteraction.document.context import Context
from afteraction.document.paths import default_format
from afteraction.document.templates import slots
from afteraction.document.values import ValueFormatError, parse_date
from afteraction.model import Incident
from afteraction.profiles.schema import Profile


def written_paths(profile: Profile) -> set[str]:
    """Return every record path the profile's templates write."""
    return set(written_formats(profile))


def written_formats(profile: Profile) -> dict[str, set[str]]:
    """Return every record path the profile's templates write, with the formats used."""
    templates = [profile.title, *(f.value for f in profile.header)]
    for spec in profile.sections:
        templates += [f.value for f in spec.fields]
        templates += [spec.heading_value] if spec.heading_value else []
    formats: dict[str, set[str]] = {}
    for template in templates:
        for slot in slots(template):
            formats.setdefault(slot.path, set()).add(
                slot.fmt or default_format(slot.path) or "text"
            )
    return formats


def reference_date(record: Incident, profile: Profile, ctx: Context) -> date | None:
    """Return the date clock-only times are written against (None: write full dates)."""
    paths = written_paths(profile)
    if record.times.started is not None and "times.started" in paths:
        return ctx.local(record.times.started).date()
    stated = record.fields.get("date")
    if stated and ("fields.date" in paths or "times.started" in paths):
        try:
            return parse_date(stated)
        except ValueFormatError:
            return None
    return None
