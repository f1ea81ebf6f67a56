"""Generic tables; bound ones hold related incidents, evidence or document history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.common import match_columns, read_date, render_table
from afteraction.document.placeholders import is_placeholder
from afteraction.model import Evidence, HistoryEntry, Incident, RelatedIncident
from afteraction.profiles.schema import SectionSpec

MODELS: dict[str, type[BaseModel]] = {
    "related": RelatedIncident,
    "evidence": Evidence,
    "history": HistoryEntry,
}


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write bound rows as the profile's table (unbound tables are kept as Markdown)."""
    if spec.bind is None:
        return ""
    items: list[BaseModel] = getattr(record, spec.bind)
    if not items:
        return spec.hint if ctx.hints and spec.hint else ""
    rows = []
    for item in items:
        row = []
        for column in spec.columns:
            value = getattr(item, column.attr, None)
            row.append(
                str(value.isoformat())
                if value is not None and hasattr(value, "isoformat")
                else str(value or "")
            )
        rows.append(row)
    return render_table([c.header for c in spec.columns], rows)


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read the first table with matching headers into the bound list."""
    if spec.bind is None:
        return blocks
    model = MODELS[spec.bind]
    target: list[Any] = getattr(record, spec.bind)
    leftover: list[Block] = []
    for block in blocks:
        attrs = match_columns(block.header, spec.columns) if block.kind == "table" else []
        if block.kind != "table" or target or not any(attrs):
            leftover.append(block)
            continue
        required = next(iter(model.model_fields))
        for index, row in enumerate(block.rows):
            values: dict[str, Any] = {}
            for attr, cell in zip(attrs, row, strict=False):
                if attr and cell and not is_placeholder(cell):
                    if attr == "date":
                        values[attr] = read_date(cell, ctx, block.line + 2 + index, spec.heading)
                    else:
                        values[attr] = cell
            if values.get(required):
                target.append(model.model_validate(values))
    return leftover
