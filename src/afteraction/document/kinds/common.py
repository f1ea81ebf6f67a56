"""Helpers the section kinds share: tables, item templates, attribute values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from pydantic import BaseModel

from afteraction.document.context import Context
from afteraction.document.placeholders import is_placeholder
from afteraction.document.templates import _pattern, compile_template, slots
from afteraction.document.values import ValueFormatError, parse_bool, parse_date
from afteraction.profiles.labels import norm as norm  # matching names, shared with profiles
from afteraction.profiles.schema import ColumnSpec, SectionSpec


def escape_cell(text: str) -> str:
    """Make text safe inside a table cell: ``|`` escaped, each line end (LF, CRLF, CR) a ``<br>``.

    Markdown ends a line at LF, CRLF or a lone CR alike, so any of them left
    in a cell would end its row there.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("|", "\\|").replace("\n", "<br>")


def render_table(headers: list[str], rows: Iterable[list[str]]) -> str:
    """Write a GitHub-style pipe table."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("-" * (len(h) + 2) for h in headers) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(escape_cell(c) for c in row) + " |")
    return "\n".join(lines)


def written_columns(
    spec: SectionSpec,
    generic: list[ColumnSpec],
    items: Sequence[BaseModel],
    implied: Iterable[str] = (),
) -> list[ColumnSpec]:
    """Return the columns a table writes: the profile's, then one per other attribute with a value.

    A record converted from another profile keeps what its items hold (an
    owner, a tracking link) in columns named as any reader recognises them.
    """
    shown = {c.attr for c in spec.columns} | set(implied) | {"extra"}
    added = [
        column
        for column in generic
        if column.attr not in shown
        and any(getattr(i, column.attr, None) not in (None, "") for i in items)
    ]
    return [*spec.columns, *added]


def extra_headers(items: Iterable[dict[str, str]]) -> list[str]:
    """Return the names of the extra columns some item has, in first-seen order."""
    seen: dict[str, None] = {}
    for extra in items:
        seen.update(dict.fromkeys(extra))
    return list(seen)


def match_columns(header: list[str], columns: list[ColumnSpec]) -> list[str | None]:
    """Map each table header cell to a column attribute (None when unknown)."""
    result: list[str | None] = []
    for cell in header:
        key = norm(cell)
        found = None
        for column in columns:
            if key in {norm(column.header), *(norm(a) for a in column.aliases)}:
                found = column.attr
                break
        result.append(found)
    return result


def fill_item(template: str, values: dict[str, str]) -> str:
    """Write an item template (``{title} - {owner}``) with attribute values."""
    out: list[str] = []

    def visit(segments: tuple[object, ...]) -> tuple[str, bool]:
        text: list[str] = []
        every = True
        for segment in segments:
            if isinstance(segment, str):
                text.append(segment)
            elif isinstance(segment, tuple):
                inner, inner_every = visit(segment)
                if inner_every:
                    text.append(inner)
            else:
                value = values.get(segment.path, "")  # type: ignore[attr-defined]
                every = every and bool(value)
                text.append(value)
        return "".join(text), every

    out.append(visit(compile_template(template))[0])
    return "".join(out)


def match_item(template: str, text: str) -> dict[str, str] | None:
    """Read an item written with ``template``; None when it does not fit."""
    pattern, names = _pattern(template)
    # Written items may end in a separator whose trailing space was trimmed ("title -  -").
    match = pattern.fullmatch(text.strip() + " ") or pattern.fullmatch(text.strip())
    if match is None:
        return None
    values: dict[str, str] = {}
    for index, slot in enumerate(names):
        raw = match.group(f"s{index}")
        if raw is not None and raw.strip() and not is_placeholder(raw):
            values[slot.path] = raw.strip()
    return values


def item_attrs(template: str) -> list[str]:
    """Return the attributes an item template names."""
    return [slot.path for slot in slots(template)]


def read_date(text: str, ctx: Context, line: int | None, label: str) -> date | None:
    """Read a date value, failing (or warning) with the line when it is not one."""
    if is_placeholder(text):
        return None
    try:
        return parse_date(text)
    except ValueFormatError as exc:
        ctx.fail(str(exc), line, label, code="date", value=text.strip().strip("*_`").strip())
        return None


def read_bool(text: str, ctx: Context, line: int | None, label: str) -> bool | None:
    """Read a yes/no value (YES/NO, [x]/[ ], ✅)."""
    if is_placeholder(text) and text.strip() not in ("[ ]", "[x]", "[X]"):
        return None
    try:
        return parse_bool(text.replace("[X]", "[x]"), ["Yes", "No"])
    except ValueFormatError as exc:
        ctx.fail(str(exc), line, label, code="bool", value=text.strip().strip("*_`").strip())
        return None


def section_zone_text(spec: SectionSpec) -> str:
    """Return the text that states a section's zone (its heading and fixed text)."""
    return f"{spec.heading} {spec.text or ''}"
