"""Sign-offs: a Role/Name/Date/Approved table or ``**Role**: name Date: date`` lines.

A date written with a time of day (``2026-11-06 14:30``) is read as the day
signed and the moment, ``signed_at``; a sign-off with a moment writes it
where the date goes, in the zone its column or section states, else the
document's, unless the table has a column of its own for it.
"""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from typing import Any

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.common import (
    fill_item,
    item_attrs,
    match_columns,
    match_item,
    read_bool,
    read_date,
    render_table,
    section_zone_text,
    written_columns,
)
from afteraction.document.placeholders import is_placeholder
from afteraction.document.values import ValueFormatError, combine, format_datetime, parse_when
from afteraction.document.zones import resolve_zone, stated_zone
from afteraction.model import Incident, SignOff
from afteraction.profiles.schema import ColumnSpec, SectionSpec

GENERIC_COLUMNS = [
    ColumnSpec(header="Role", attr="role"),
    ColumnSpec(header="Name", attr="name", aliases=["Reviewer", "Approver", "Signed by"]),
    ColumnSpec(header="Signature", attr="signature"),
    ColumnSpec(header="Date", attr="date", aliases=["Date (UTC)", "Date Reviewed", "Signed"]),
    ColumnSpec(header="Approved", attr="approved", aliases=["Approved?", "Approval"]),
    ColumnSpec(header="Signer", attr="signer", aliases=["Signer identity", "Signer ID"]),
    ColumnSpec(header="Signed at", attr="signed_at", aliases=["Time signed"]),
]
LINE_ITEM = "**{role}**: {name} Date: {date}"
"""How a sign-off line is written when the section names no ``item``."""

# A time of day in a date cell (12:05, 9:30): the cell holds a moment, not only a day.
_CLOCK_IN = re.compile(r"\d{1,2}:\d{2}")


def _rows(record: Incident, ctx: Context) -> list[SignOff]:
    """Signed entries first, then a blank one for each required role nobody signed."""
    signed = {s.role for s in record.sign_offs}
    blanks = [SignOff(role=r) for r in ctx.profile.sign_off_roles if r not in signed]
    return [*record.sign_offs, *blanks]


def _zone(header: str, fallback: tzinfo) -> tzinfo:
    """Return the zone a header (``Date (UTC)``) or text states, else ``fallback``."""
    stated = stated_zone(header)
    return resolve_zone(stated) if stated else fallback


def _written_zone(header: str, spec: SectionSpec, fallback: tzinfo) -> tzinfo:
    """Return the zone times are written in: the header's or section's, else ``fallback``."""
    return _zone(header, _zone(section_zone_text(spec), fallback))


def _cell(entry: SignOff, column: ColumnSpec, zone: tzinfo, moment_in_date: bool) -> str:
    """Write one attribute; ``moment_in_date`` writes ``signed_at`` in the date's place."""
    if column.attr == "date" and moment_in_date and entry.signed_at is not None:
        return format_datetime(entry.signed_at, zone)
    value: Any = getattr(entry, column.attr, None)
    if value is None:
        return ""
    if column.attr == "approved":
        if column.format == "checkbox":
            return "[x]" if value else "[ ]"
        return "Yes" if value else "No"
    if column.attr == "signed_at":
        return format_datetime(value, zone)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write one row or line per signer and per unsigned required role."""
    if ctx.hints and spec.hint and not record.sign_offs:
        return spec.hint
    rows = _rows(record, ctx)
    if spec.layout == "lines":
        template = spec.item or LINE_ITEM
        zone = _written_zone("", spec, ctx.zone)
        moment_in_date = "signed_at" not in item_attrs(template)
        by_attr = {c.attr: c for c in GENERIC_COLUMNS}
        return "\n".join(
            fill_item(
                template, {a: _cell(e, c, zone, moment_in_date) for a, c in by_attr.items()}
            ).rstrip()
            + "  "
            for e in rows
        ).rstrip()
    dated = any(c.attr == "date" for c in spec.columns)
    columns = written_columns(spec, GENERIC_COLUMNS, rows, implied=["signed_at"] if dated else [])
    moment_in_date = all(c.attr != "signed_at" for c in columns)
    zones = [_written_zone(c.header, spec, ctx.zone) for c in columns]
    return render_table(
        [c.header for c in columns],
        [
            [_cell(e, c, z, moment_in_date) for c, z in zip(columns, zones, strict=True)]
            for e in rows
        ],
    )


def _read_when(raw: str, attr: str, ctx: Context, line: int, zone: tzinfo) -> dict[str, Any]:
    """Read a date cell: the day, and the moment (``signed_at``) when it has a time of day.

    A "Signed at" cell gives the moment only (or the day, written without a time).
    """
    if _CLOCK_IN.search(raw):
        try:
            day, clock, stated = parse_when(raw, dayfirst=ctx.dayfirst)
        except ValueFormatError:
            day = None  # read as a date, as before: a date or an error naming it
        if day is not None:
            moment = combine(day, clock, stated or zone).astimezone(UTC)
            return {"date": day, "signed_at": moment} if attr == "date" else {"signed_at": moment}
    day = read_date(raw, ctx, line, "date")
    return {"date": day} if day is not None else {}


def _build(
    values: dict[str, str], line: int, ctx: Context, zones: dict[str, tzinfo] | None = None
) -> SignOff | None:
    """Build one entry from its cells; ``zones`` gives a column's own zone (``Date (UTC)``)."""
    data: dict[str, Any] = {}
    fallback = ctx.section_zone or ctx.zone
    for attr, raw in values.items():
        raw = raw.strip()
        if attr == "approved":
            if (raw and raw not in ("Yes/No", "[ ]")) or raw == "[x]":
                data["approved"] = read_bool(raw, ctx, line, "approved")
        elif raw and not is_placeholder(raw) and attr in ("date", "signed_at"):
            zone = (zones or {}).get(attr, fallback)
            for key, value in _read_when(raw, attr, ctx, line, zone).items():
                if key == attr or key not in data:  # a Date column's day beside "Signed at"
                    data[key] = value
        elif raw and not is_placeholder(raw):
            data[attr] = raw
    role = data.get("role")
    if not role:
        return None
    if values.get("approved", "").strip() == "[ ]" and data.keys() - {"role"}:
        data["approved"] = False  # an unticked box beside a signature: not approved
    if len([v for v in data.values() if v is not None]) == 1 and role in ctx.profile.sign_off_roles:
        return None  # a required role nobody has signed yet
    return SignOff.model_validate(data)


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read sign-offs from a table or labelled lines; keep other text."""
    leftover: list[Block] = []
    for block in blocks:
        if block.kind == "table":
            attrs = match_columns(block.header, [*spec.columns, *GENERIC_COLUMNS])
            if "role" in attrs or "name" in attrs:
                fallback = ctx.section_zone or ctx.zone
                zones = {
                    a: _zone(h, fallback)
                    for a, h in zip(attrs, block.header, strict=False)
                    if a in ("date", "signed_at")
                }
                for index, row in enumerate(block.rows):
                    values = {a: c for a, c in zip(attrs, row, strict=False) if a}
                    values.setdefault("role", "")
                    built = _build(values, block.line + 2 + index, ctx, zones)
                    if built is not None:
                        record.sign_offs.append(built)
                        ctx.locate_item("sign_offs", record.sign_offs, block.line + 2 + index)
                continue
        if block.kind == "paragraph" and spec.layout == "lines":
            template = spec.item or LINE_ITEM
            kept = []
            for offset, line in enumerate(block.source.split("\n")):
                found = match_item(template, line.strip())
                if found is None:
                    kept.append(line)
                    continue
                built = _build(found, block.line + offset, ctx)
                if built is not None:
                    record.sign_offs.append(built)
                    ctx.locate_item("sign_offs", record.sign_offs, block.line + offset)
            if kept:
                leftover.append(Block("paragraph", "\n".join(kept), block.line))
            continue
        leftover.append(block)
    return leftover
