"""Generic tables; bound ones hold related incidents, evidence or document history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.common import (
    match_columns,
    read_date,
    render_table,
    written_columns,
)
from afteraction.document.placeholders import is_placeholder
from afteraction.model import Evidence, HistoryEntry, Incident, RelatedIncident
from afteraction.profiles.schema import ColumnSpec, SectionSpec

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
    columns = written_columns(spec, _generic(spec), items)
    rows = [[_text(getattr(item, c.attr, None)) for c in columns] for item in items]
    return render_table([c.header for c in columns], rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value.isoformat()) if hasattr(value, "isoformat") else str(value)


def _generic(spec: SectionSpec) -> list[ColumnSpec]:
    """Columns for every attribute of the bound rows, named after the attribute."""
    assert spec.bind is not None
    return [
        ColumnSpec(header=name.replace("_", " ").capitalize(), attr=name)
        for name in MODELS[spec.bind].model_fields
    ]


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read the first table with matching headers into the bound list."""
    if spec.bind is None:
        return blocks
    model = MODELS[spec.bind]
    target: list[Any] = getattr(record, spec.bind)
    leftover: list[Block] = []
    for block in blocks:
        columns = [*spec.columns, *_generic(spec)]
        attrs = match_columns(block.header, columns) if block.kind == "table" else []
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
