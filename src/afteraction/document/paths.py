"""Read and write record parts by the dotted paths profiles use (``times.started``)."""

from __future__ import annotations

from typing import Any

from afteraction.model import Incident, compute_metrics
from afteraction.model.metrics import format_duration
from afteraction.model.record import KEY_TIMES

SCALARS = ("id", "title", "severity", "status", "scope", "trigger", "drill")
IMPACT = ("users", "money", "data_loss", "systems", "description")


def default_format(path: str) -> str | None:
    """Return the format a path is written in when the template names none."""
    if path.startswith("times."):
        return "datetime"
    return {"impact.users": "int", "impact.money": "money", "drill": "bool"}.get(path)


def check_path(path: str) -> None:
    """Raise ``ValueError`` unless ``path`` names a record part."""
    head, _, tail = path.partition(".")
    ok = (
        (not tail and head in SCALARS)
        or (head == "times" and tail in KEY_TIMES)
        or (head == "impact" and tail in IMPACT)
        or (head == "fields" and bool(tail))
        or path == "derived.duration"
    )
    if not ok:
        raise ValueError(f"'{path}' is not a record path")


def get_path(record: Incident, path: str) -> Any:
    """Return the value at ``path`` (None when absent)."""
    head, _, tail = path.partition(".")
    if not tail:
        return getattr(record, head)
    if head == "times":
        return getattr(record.times, tail)
    if head == "impact":
        return getattr(record.impact, tail)
    if head == "fields":
        return record.fields.get(tail)
    if path == "derived.duration":
        stated = record.fields.get("duration")
        if stated:
            return stated
        duration = compute_metrics(record.times).duration
        return format_duration(duration) if duration is not None else None
    raise KeyError(path)


def set_path(record: Incident, path: str, value: Any) -> None:
    """Store ``value`` at ``path``."""
    head, _, tail = path.partition(".")
    if not tail:
        setattr(record, head, value)
    elif head == "times":
        setattr(record.times, tail, value)
    elif head == "impact":
        setattr(record.impact, tail, value)
    elif head == "fields":
        record.fields[tail] = value
    elif path == "derived.duration":
        record.fields["duration"] = value
    else:
        raise KeyError(path)
