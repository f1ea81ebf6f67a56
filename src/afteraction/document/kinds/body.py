"""Kinds kept as Markdown (group, list, checklist, code) and bound prose."""

from __future__ import annotations

from afteraction.document.blocks import Block, join_as_written
from afteraction.document.context import Context
from afteraction.model import Incident
from afteraction.profiles.schema import SectionSpec


def render_nothing(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Unbound kinds have no structured content; their text is the section body."""
    del spec, record, ctx
    return ""


def keep_all(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Keep every block as the section body."""
    del spec, record, ctx
    return blocks


def render_prose(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write the bound text (summary, root cause, impact description)."""
    del ctx
    if spec.bind is None:
        return ""
    value = (
        record.impact.description
        if spec.bind == "impact.description"
        else getattr(record, spec.bind)
    )
    return str(value or "")


def parse_prose(
    spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context
) -> list[Block]:
    """Read the whole section as the bound text."""
    del ctx
    if spec.bind is None:
        return blocks
    bind_prose(spec, record, join_as_written(blocks))
    return []


def bind_prose(spec: SectionSpec, record: Incident, text: str) -> None:
    """Set the text ``spec`` binds (nothing when ``text`` is empty)."""
    value = text or None
    if spec.bind == "impact.description":
        record.impact.description = value
    elif spec.bind is not None:
        setattr(record, spec.bind, value)
