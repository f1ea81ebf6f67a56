"""Sign-offs: a Role/Name/Date/Approved table or ``**Role**: name Date: date`` lines."""

from __future__ import annotations

from typing import Any

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.common import (
    fill_item,
    match_columns,
    match_item,
    read_bool,
    read_date,
    render_table,
    written_columns,
)
from afteraction.document.placeholders import is_placeholder
from afteraction.model import Incident, SignOff
from afteraction.profiles.schema import ColumnSpec, SectionSpec

GENERIC_COLUMNS = [
    ColumnSpec(header="Role", attr="role"),
    ColumnSpec(header="Name", attr="name", aliases=["Reviewer", "Approver", "Signed by"]),
    ColumnSpec(header="Signature", attr="signature"),
    ColumnSpec(header="Date", attr="date", aliases=["Date (UTC)", "Date Reviewed", "Signed"]),
    ColumnSpec(header="Approved", attr="approved", aliases=["Approved?", "Approval"]),
]


def _rows(record: Incident, ctx: Context) -> list[SignOff]:
    """Signed entries first, then a blank one for each required role nobody signed."""
    signed = {s.role for s in record.sign_offs}
    blanks = [SignOff(role=r) for r in ctx.profile.sign_off_roles if r not in signed]
    return [*record.sign_offs, *blanks]


def _cell(entry: SignOff, column: ColumnSpec) -> str:
    value: Any = getattr(entry, column.attr, None)
    if value is None:
        return ""
    if column.attr == "approved":
        if column.format == "checkbox":
            return "[x]" if value else "[ ]"
        return "Yes" if value else "No"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write one row or line per signer and per unsigned required role."""
    if ctx.hints and spec.hint and not record.sign_offs:
        return spec.hint
    rows = _rows(record, ctx)
    if spec.layout == "lines":
        template = spec.item or "**{role}**: {name} Date: {date}"
        by_attr = {c.attr: c for c in GENERIC_COLUMNS}
        return "\n".join(
            fill_item(template, {a: _cell(e, by_attr[a]) for a in by_attr}).rstrip() + "  "
            for e in rows
        ).rstrip()
    columns = written_columns(spec, GENERIC_COLUMNS, rows)
    return render_table([c.header for c in columns], [[_cell(e, c) for c in columns] for e in rows])


def _build(values: dict[str, str], line: int, ctx: Context) -> SignOff | None:
    data: dict[str, Any] = {}
    for attr, raw in values.items():
        raw = raw.strip()
        if attr == "approved":
            if (raw and raw not in ("Yes/No", "[ ]")) or raw == "[x]":
                data["approved"] = read_bool(raw, ctx, line, "approved")
        elif raw and not is_placeholder(raw):
            data[attr] = read_date(raw, ctx, line, "date") if attr == "date" else raw
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
                for index, row in enumerate(block.rows):
                    values = {a: c for a, c in zip(attrs, row, strict=False) if a}
                    values.setdefault("role", "")
                    built = _build(values, block.line + 2 + index, ctx)
                    if built is not None:
                        record.sign_offs.append(built)
                        ctx.locate_item("sign_offs", record.sign_offs, block.line + 2 + index)
                continue
        if block.kind == "paragraph" and spec.layout == "lines":
            template = spec.item or "**{role}**: {name} Date: {date}"
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
