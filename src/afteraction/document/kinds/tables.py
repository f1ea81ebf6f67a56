"""Generic tables; bound ones hold related incidents, evidence or document history."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from afteraction.document.blocks import Block, ListItem
from afteraction.document.context import Context
from afteraction.document.kinds.common import (
    fill_item,
    item_attrs,
    match_columns,
    match_item,
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
    if spec.layout == "bullets" and spec.item:
        names = item_attrs(spec.item)
        return "\n".join(
            "- " + fill_item(spec.item, {n: _text(getattr(i, n, None)) for n in names})
            for i in items
        )
    columns = written_columns(spec, _generic(spec), items)
    rows = [[_text(getattr(item, c.attr, None)) for c in columns] for item in items]
    return render_table([c.header for c in columns], rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value.isoformat()) if hasattr(value, "isoformat") else str(value)


# Attributes whose header is not their name, capitalised.
_HEADERS = {"sha256": ColumnSpec(header="SHA-256", attr="sha256", aliases=["SHA256"])}
_SHA256 = re.compile(r"(?:sha-?256:)?([0-9a-f]{64})")


def _generic(spec: SectionSpec) -> list[ColumnSpec]:
    """Columns for every attribute of the bound rows, named after the attribute."""
    assert spec.bind is not None
    return [
        _HEADERS.get(name) or ColumnSpec(header=name.replace("_", " ").capitalize(), attr=name)
        for name in MODELS[spec.bind].model_fields
    ]


def _read_sha256(cell: str, ctx: Context, line: int, label: str) -> str | None:
    """Read a content hash: 64 hex digits in either case, ``sha256:`` before them or not."""
    found = _SHA256.fullmatch(cell.strip().strip("`").lower())
    if found is None:
        message = f"'{cell.strip()}' is not a SHA-256 (expected 64 hexadecimal digits)"
        ctx.fail(message, line, label, code="sha256", value=cell.strip())
        return None
    return found[1]


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read the first table with matching headers into the bound list."""
    if spec.bind is None:
        return blocks
    target: list[Any] = getattr(record, spec.bind)
    leftover: list[Block] = []
    for block in blocks:
        if block.kind == "list" and spec.layout == "bullets" and spec.item and not target:
            kept = [i for i in block.items if not _from_item(spec, i, target, ctx)]
            if kept:
                leftover.append(Block("list", "\n".join(i.source for i in kept), block.line))
            continue
        columns = [*spec.columns, *_generic(spec)]
        attrs = match_columns(block.header, columns) if block.kind == "table" else []
        if block.kind != "table" or target or not any(attrs):
            leftover.append(block)
            continue
        for index, row in enumerate(block.rows):
            cells = dict(zip(attrs, row, strict=False))
            _add(spec, cells, target, ctx, block.line + 2 + index)
    return leftover


def _add(
    spec: SectionSpec, cells: dict[str | None, str], target: list[Any], ctx: Context, line: int
) -> bool:
    """Append the row written as ``cells``; False when it lacks the model's first attribute."""
    assert spec.bind is not None
    model = MODELS[spec.bind]
    values: dict[str, Any] = {}
    for attr, cell in cells.items():
        if attr == "sha256" and cell and not is_placeholder(cell):
            if (digest := _read_sha256(cell, ctx, line, spec.heading)) is not None:
                values[attr] = digest
        elif attr and cell and not is_placeholder(cell):
            values[attr] = read_date(cell, ctx, line, spec.heading) if attr == "date" else cell
    if not values.get(next(iter(model.model_fields))):
        return False
    target.append(model.model_validate(values))
    ctx.locate_item(spec.bind, target, line)
    return True


def _from_item(spec: SectionSpec, item: ListItem, target: list[Any], ctx: Context) -> bool:
    """Read one bullet written with the section's item template."""
    assert spec.item is not None
    values = match_item(spec.item, item.all_text())
    if values is None:
        return False
    cells: dict[str | None, str] = {name: text for name, text in values.items()}
    return _add(spec, cells, target, ctx, item.line)
