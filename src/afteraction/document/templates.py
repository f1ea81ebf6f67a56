"""Value templates: ``{path:format}`` placeholders with ``[optional]`` parts.

One template both writes a value line and reads it back: it compiles to a
regular expression whose groups are the placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from afteraction.document.context import Context, Partial
from afteraction.document.paths import default_format, get_path, set_path
from afteraction.document.placeholders import is_placeholder
from afteraction.document.scales import map_onto_scale
from afteraction.document.values import (
    ValueFormatError,
    format_bool,
    format_datetime,
    format_money,
    format_time,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    parse_when,
)
from afteraction.model import Incident, Money, Reading


@dataclass(frozen=True)
class Slot:
    """A placeholder: a record path and the format it is written in."""

    path: str
    fmt: str | None


Segment = str | Slot | tuple["Segment", ...]
_TOKEN = re.compile(r"\{([a-z_.]+)(?::([a-z]+))?\}|\[|\]")
# Templates come from profiles, which a server may load without end.
_TEMPLATES_KEPT = 1024


@lru_cache(maxsize=_TEMPLATES_KEPT)
def compile_template(template: str) -> tuple[Segment, ...]:
    """Split a template into literal text, slots and optional groups."""
    stack: list[list[Segment]] = [[]]
    pos = 0
    for match in _TOKEN.finditer(template):
        if match.start() > pos:
            stack[-1].append(template[pos : match.start()])
        token = match.group(0)
        if token == "[":
            stack.append([])
        elif token == "]":
            if len(stack) == 1:
                raise ValueError(f"unbalanced ']' in template '{template}'")
            group = tuple(stack.pop())
            stack[-1].append(group)
        else:
            path = match.group(1)
            stack[-1].append(Slot(path, match.group(2) or default_format(path)))
        pos = match.end()
    if len(stack) != 1:
        raise ValueError(f"unbalanced '[' in template '{template}'")
    if pos < len(template):
        stack[0].append(template[pos:])
    return tuple(stack[0])


def slots(template: str) -> list[Slot]:
    """Return every slot of a template, in order."""
    found: list[Slot] = []

    def visit(segments: tuple[Segment, ...]) -> None:
        for segment in segments:
            if isinstance(segment, Slot):
                found.append(segment)
            elif isinstance(segment, tuple):
                visit(segment)

    visit(compile_template(template))
    return found


def _regex(segments: tuple[Segment, ...], names: list[Slot]) -> str:
    parts: list[str] = []
    for segment in segments:
        if isinstance(segment, str):
            parts.append(re.escape(segment).replace(r"\ ", r"\s+"))
        elif isinstance(segment, Slot):
            names.append(segment)
            # An incident ID is one word; a title or text takes what the short parts leave.
            text = {"id": r"\S*?", "title": ".*", "text": ".*"}.get(segment.path, ".*?")
            parts.append(f"(?P<s{len(names) - 1}>{text})")
        else:
            parts.append(f"(?:{_regex(segment, names)})?")
    return "".join(parts)


@lru_cache(maxsize=_TEMPLATES_KEPT)
def _pattern(template: str) -> tuple[re.Pattern[str], tuple[Slot, ...]]:
    names: list[Slot] = []
    body = _regex(compile_template(template), names)
    return re.compile(body, re.DOTALL), tuple(names)


# Rendering --------------------------------------------------------------


def render_value(value: Any, fmt: str | None, ctx: Context, choices: list[str] | None) -> str:
    """Write one value in ``fmt``; None becomes the empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if fmt == "date":
            return ctx.local(value).date().isoformat()
        if fmt == "time":
            return format_time(value, ctx.zone, ctx.ref_date)
        return format_datetime(value, ctx.zone)
    if isinstance(value, bool):
        return format_bool(value, choices)
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _slot_value(record: Incident, slot: Slot) -> Any:
    value = get_path(record, slot.path)
    if value is None and slot.fmt == "date" and slot.path.startswith("times."):
        return record.fields.get("date")
    return value


def _render(
    segments: tuple[Segment, ...], record: Incident, ctx: Context, choices: list[str] | None
) -> tuple[str, bool, bool]:
    """Return the text, whether every slot was filled and whether any was."""
    out: list[str] = []
    every, some = True, False
    for segment in segments:
        if isinstance(segment, str):
            out.append(segment)
        elif isinstance(segment, Slot):
            text = render_value(_slot_value(record, segment), segment.fmt, ctx, choices)
            every, some = every and bool(text), some or bool(text)
            out.append(text)
        else:
            inner, inner_every, inner_some = _render(segment, record, ctx, choices)
            if inner_every:
                out.append(inner)
            some = some or inner_some
    return "".join(out), every, some


def render_template(
    template: str, record: Incident, ctx: Context, choices: list[str] | None = None
) -> str:
    """Write ``record``'s values into ``template``; empty when nothing is filled in."""
    text, _, some = _render(compile_template(template), record, ctx, choices)
    return text if some else ""


# Parsing ----------------------------------------------------------------


def _convert(slot: Slot, text: str, choices: list[str] | None) -> Any:
    if slot.fmt == "int":
        return parse_int(text)
    if slot.fmt == "money":
        return parse_money(text)
    if slot.fmt == "bool":
        return parse_bool(text, choices)
    if slot.fmt == "date" and not slot.path.startswith("times."):
        return parse_date(text)
    return text.strip()


def _first_literal(segments: tuple[Segment, ...]) -> str:
    """Return the first fixed text of a template, trimmed ("to" in "{start} to {end}")."""
    for segment in segments:
        if isinstance(segment, str) and segment.strip():
            return segment.strip()
        if isinstance(segment, tuple):
            return _first_literal(segment)
    return ""


def parse_template(
    template: str,
    text: str,
    record: Incident,
    ctx: Context,
    *,
    line: int | None,
    label: str,
    choices: list[str] | None = None,
    hint: str | None = None,
) -> bool:
    """Read ``text`` written in ``template`` into ``record``; return False if it does not fit.

    Times are collected in ``ctx.partials`` and completed once the whole
    document is read, because their date may be written elsewhere.
    """
    text = text.strip()
    pattern, names = _pattern(template)
    for slot in names:
        ctx.locate(slot.path, line)
    if not text or (hint is not None and text == hint.strip()):
        return True
    if is_placeholder(text) and not _bracketed_level(names, text, ctx):
        # A generic reading keeps a template's prompt (``Status: {draft|final}``) as written.
        return ctx.strict
    # A value written with its first or last slot empty lost the space beside it when
    # trimmed: "{start} - {end}" written " - 15:30" is read with the first slot empty.
    first = _first_literal(compile_template(template))
    if first and text.startswith(first) and not template.startswith(first):
        text = " " + text
    match = pattern.fullmatch(text) or pattern.fullmatch(text + " ")
    if match is None:
        ctx.fail(f"'{text}' is not in the form '{template}'", line, label, code="form", value=text)
        return False
    for index, slot in enumerate(names):
        raw = match.group(f"s{index}")
        if raw is None or (is_placeholder(raw) and not _bracketed_level((slot,), raw, ctx)):
            continue
        raw = raw.strip()
        try:
            if slot.path == "derived.duration":
                ctx.stated_duration = raw
            elif slot.path.startswith("times."):
                part = ctx.partials.setdefault(slot.path, Partial(line=line))
                if slot.fmt == "date":
                    part.day = parse_date(raw)
                else:
                    day, clock, zone = parse_when(raw)
                    part.day = day or part.day
                    part.clock, part.zone = clock, zone
            else:
                value = _convert(slot, raw, choices)
                if isinstance(value, str):
                    value = canonical_choice(slot.path, value, ctx, choices, line, label)
                set_path(record, slot.path, value)
        except ValueFormatError as exc:
            # A generic reading keeps words where a number was expected ("Users affected:
            # All") as written, unwarned: the document never promised a number.
            if ctx.strict or slot.fmt != "int" or re.search(r"\d", raw):
                ctx.fail(str(exc), line, label, code=slot.fmt or "value", value=raw)
            return False
    return True


def _bracketed_level(names: tuple[Slot, ...], text: str, ctx: Context) -> bool:
    """Say whether a bracketed value is a level the author filled in (``[High]``), not a prompt."""
    return (
        len(names) == 1
        and names[0].path in _SCALES
        and text.strip().startswith("[")
        and map_onto_scale(names[0].path, text, ctx.profile) is not None
    )


_SCALES = ("severity", "status")


def _same_family(value: str, allowed: list[str]) -> bool:
    """Say whether a value is spelled like the scale's own names (``SEV9`` beside ``SEV1``)."""

    def letters(text: str) -> str:
        return re.sub(r"[\W\d_]+", "", text).lower()

    return letters(value) in {letters(option) for option in allowed}


def canonical_choice(
    path: str, value: str, ctx: Context, choices: list[str] | None, line: int | None, label: str
) -> str:
    """Check a value against the profile's allowed values; return its canonical spelling."""
    profile = ctx.profile
    allowed: list[str] | None = {
        "severity": profile.severity_names(),
        "status": [s.name for s in profile.statuses],
        "scope": profile.scopes or None,
    }.get(path, choices)
    if not allowed:
        return value
    for option in allowed:
        if option.lower() == value.lower():
            return option
    mapped = map_onto_scale(path, value, profile) if path in _SCALES else None
    if mapped is not None:
        # A field written twice holds the last value: its reading replaces the first.
        ctx.readings[:] = [r for r in ctx.readings if r.field != path]
        ctx.readings.append(
            Reading(field=path, value=mapped, written=value, line=line, how="mapped")
        )
        if not (ctx.strict and ctx.collect):
            return mapped
        # Checking a document in a known profile: its own scale's words are expected.
    elif path in _SCALES and not ctx.strict and not _same_family(value, allowed):
        return value  # a generic reading keeps the document's own word, unwarned
    ctx.fail(
        f"'{value}' is not allowed (allowed: {', '.join(allowed)})",
        line,
        label,
        code="choice",
        value=value,
        allowed=tuple(allowed),
    )
    return mapped or value
