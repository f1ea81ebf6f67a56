"""Labelled values: header lines, ``- **Label:** value`` bullets, Field/Value tables."""

from __future__ import annotations

import re

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.common import norm, render_table
from afteraction.document.placeholders import is_placeholder
from afteraction.document.templates import parse_template, render_template
from afteraction.model import Incident
from afteraction.profiles.schema import FieldSpec, SectionSpec

_LABELLED = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<m>\*\*|__)(?P<label>[^*_]+?)(?P=m)\s*:?\s*(?P<value>.*)$"
)


def format_line(label: str, value: str, style: str) -> str:
    """Write ``**Label:** value`` (inside) or ``**Label**: value`` (outside)."""
    if label.endswith("?"):
        line = f"**{label}** {value}"
    elif style == "bold-colon-outside":
        line = f"**{label}**: {value}"
    else:
        line = f"**{label}:** {value}"
    return line.rstrip()


# (?<!\s): a space run is tried from its start only, so a long run costs one pass.
_BREAK = re.compile(r"(?<!\s)\s*<br\s*/?>\s*$", re.IGNORECASE)
_PLAIN = re.compile(r"^\s*(?:[-*+]\s+)?(?P<label>[A-Za-z][\w /()'-]{0,40}?)\s*:\s+(?P<value>\S.*)$")


def split_labelled(line: str, *, plain: bool = False) -> tuple[str, str] | None:
    """Split a ``**Label:** value`` line into label and value.

    With ``plain``, ``Label: value`` without bold is read too; callers then
    check the label against the fields they know.
    """
    if "**" not in line and "__" not in line and (not plain or ":" not in line):
        return None  # neither form can match: most lines of prose end here
    if "<" in line:
        line = _BREAK.sub("", line)
    match = _LABELLED.match(line)
    if not match:
        plain_match = _PLAIN.match(line) if plain else None
        if plain_match is None:
            return None
        return plain_match["label"].strip(), plain_match["value"].strip()
    label = match["label"].strip().rstrip(":").strip()
    return label, match["value"].strip()


def find_field(label: str, specs: list[FieldSpec]) -> FieldSpec | None:
    """Return the field spec a written label stands for."""
    key = norm(label)
    for spec in specs:
        if key in {norm(spec.label), *(norm(a) for a in spec.aliases)}:
            return spec
    return None


def field_value(spec: FieldSpec, record: Incident, ctx: Context) -> str:
    """Write one field's value (its hint in a blank draft)."""
    value = render_template(spec.value, record, ctx, spec.choices)
    if not value and ctx.hints and spec.hint:
        return spec.hint
    return value


def render_lines(
    specs: list[FieldSpec], style: str, bullets: bool, record: Incident, ctx: Context
) -> str:
    """Write labelled lines (or bullets) for ``specs``; ``ctx.sparse`` skips those with no value."""
    prefix = "- " if bullets else ""
    values = [(s, field_value(s, record, ctx)) for s in specs]
    return "\n".join(
        prefix + format_line(s.label, value, style)
        for s, value in values
        if value or not ctx.sparse
    )


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write a fields section in its layout (its hint in a draft with none of its values)."""
    if (
        ctx.hints
        and spec.hint
        and not any(field_value(f, record, ctx.without_hints()) for f in spec.fields)
    ):
        return spec.hint
    if spec.layout == "table":
        headers = [c.header for c in spec.columns[:2]] or ["Field", "Value"]
        rows = [[f.label, field_value(f, record, ctx)] for f in spec.fields]
        rows = [row for row in rows if row[1] or not ctx.sparse]
        return render_table(headers, rows) if rows or not ctx.sparse else ""
    return render_lines(spec.fields, ctx.profile.header_style, spec.layout != "lines", record, ctx)


def read_field(spec: FieldSpec, value: str, line: int, record: Incident, ctx: Context) -> bool:
    """Read one labelled value into the record; False leaves the line as written.

    A generic reading keeps a bracketed value ("[High]") as text: in a document
    of no known template it is the author's value, not a prompt to drop.
    """
    written = value.strip()
    prompt = (spec.hint or "").strip()
    if not ctx.strict and written and written != prompt and is_placeholder(written):
        return False
    return parse_template(
        spec.value,
        value,
        record,
        ctx,
        line=line,
        label=spec.label,
        choices=spec.choices,
        hint=spec.hint,
    )


def parse_labelled(
    specs: list[FieldSpec], blocks: list[Block], record: Incident, ctx: Context
) -> list[Block]:
    """Read labelled values from paragraphs, bullets and two-column tables; keep the rest."""
    leftover: list[Block] = []
    for block in blocks:
        if block.kind == "paragraph":
            kept: list[str] = []
            for offset, line in enumerate(block.source.split("\n")):
                pair = split_labelled(line, plain=True)
                found = find_field(pair[0], specs) if pair else None
                if (
                    pair is None
                    or found is None
                    or not read_field(found, pair[1], block.line + offset, record, ctx)
                ):
                    kept.append(line)
            if kept:
                leftover.append(Block("paragraph", "\n".join(kept), block.line))
        elif block.kind == "list":
            kept_items: list[str] = []
            for item in block.items:
                lone = not item.children and not item.extra
                pair = split_labelled(item.text, plain=True) if lone else None
                found = find_field(pair[0], specs) if pair else None
                if (
                    pair is None
                    or found is None
                    or not read_field(found, pair[1], item.line, record, ctx)
                ):
                    kept_items.append(item.source)
            if kept_items:
                leftover.append(Block("list", "\n".join(kept_items), block.line))
        elif block.kind == "table" and len(block.header) >= 2:
            kept_rows: list[list[str]] = []
            for index, row in enumerate(block.rows):
                found = find_field(row[0], specs) if row else None
                value = row[1] if len(row) > 1 else ""
                extra_cells = [c for c in row[2:] if c]
                if (
                    found is None
                    or extra_cells
                    or not read_field(found, value, block.line + 2 + index, record, ctx)
                ):
                    kept_rows.append(row)
            if kept_rows:
                leftover.append(Block("table", render_table(block.header, kept_rows), block.line))
        else:
            leftover.append(block)
    return leftover


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read a fields section."""
    return parse_labelled(spec.fields, blocks, record, ctx)
