"""Timelines: tables, bullet lists, ``### HH:MM`` headings, bold-time paragraphs."""

from __future__ import annotations

from datetime import date, time, tzinfo
from typing import Any

from afteraction.document.blocks import Block, ListItem
from afteraction.document.context import Context, PendingTime
from afteraction.document.kinds.common import fill_item, match_columns, match_item, render_table
from afteraction.document.placeholders import is_placeholder
from afteraction.document.timetext import date_heading, leading_moment
from afteraction.document.values import format_time
from afteraction.model import Incident, TimelineEvent
from afteraction.profiles.schema import ColumnSpec, SectionSpec

# Headers other teams use, read in every profile.
GENERIC_COLUMNS = [
    ColumnSpec(
        header="Time",
        attr="time",
        aliases=[
            "Time (UTC)",
            "Timestamp",
            "When",
            "Date and Time",
            "Date/Time",
            "Time (CET)",
            "Time(UTC)",
            "Datetime",
            "Date and Time in CET",
            "Time (PST)",
            "Time (IST)",
        ],
    ),
    ColumnSpec(header="Date", attr="date", aliases=["Day of incident"]),
    ColumnSpec(
        header="Event",
        attr="text",
        aliases=[
            "Description",
            "What happened",
            "Action",
            "Event description",
            "Details",
            "Activity",
        ],
    ),
    ColumnSpec(header="Actor", attr="actor", aliases=["Who", "Person", "Owner", "By"]),
    ColumnSpec(header="Source", attr="source", aliases=["Via", "Channel"]),
    ColumnSpec(header="Component", attr="component", aliases=["System", "Service"]),
]


def _attr_text(event: TimelineEvent, attr: str, ctx: Context) -> str:
    if attr == "time":
        return format_time(event.time, ctx.zone, ctx.ref_date) if event.time else ""
    if attr.startswith("extra."):
        return event.extra.get(attr[6:], "")
    value = getattr(event, attr)
    return str(value or "")


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write the timeline as the profile's table or bullet list."""
    if not record.timeline:
        return spec.hint if ctx.hints and spec.hint else ""
    if spec.layout == "bullets":
        template = spec.item or "**{time}** - {text}"
        return "\n".join(
            "- "
            + fill_item(
                template,
                {
                    a: _attr_text(e, a, ctx)
                    for a in ("time", "text", "actor", "source", "component")
                },
            )
            for e in record.timeline
        )
    headers = [c.header for c in spec.columns]
    rows = [[_attr_text(e, c.attr, ctx) for c in spec.columns] for e in record.timeline]
    return render_table(headers, rows)


def _add(
    record: Incident,
    ctx: Context,
    text: str,
    line: int,
    moment_day: date | None,
    clock: time | None,
    zone: tzinfo | None,
    **attrs: Any,
) -> None:
    event = TimelineEvent(text=text, **attrs)
    record.timeline.append(event)
    ctx.pending_events.append(PendingTime(event, moment_day, clock, zone or ctx.section_zone, line))


def _from_table(spec: SectionSpec, block: Block, record: Incident, ctx: Context) -> bool:
    attrs = match_columns(block.header, [*spec.columns, *GENERIC_COLUMNS])
    if "time" not in attrs and "date" not in attrs:
        return False
    for index, row in enumerate(block.rows):
        cells = row + [""] * (len(block.header) - len(row))
        if all(is_placeholder(c) for c in cells):
            continue
        values: dict[str, str] = {}
        extra: dict[str, str] = {}
        for header, attr, cell in zip(block.header, attrs, cells, strict=False):
            if attr is None or attr.startswith("extra."):
                if cell:
                    extra[attr[6:] if attr else header] = cell
            elif cell and not is_placeholder(cell):
                values[attr] = values[attr] + " " + cell if attr in values else cell
        when = " ".join(v for v in (values.pop("date", ""), values.pop("time", "")) if v)
        moment = leading_moment(when) if when else None
        line = block.line + 2 + index
        if when and (moment is None or moment.rest):
            extra["Time"] = when
            moment = None
        _add(
            record,
            ctx,
            values.pop("text", ""),
            line,
            moment.day if moment else None,
            moment.clock if moment else None,
            moment.zone if moment else None,
            extra=extra,
            **values,
        )
    return True


def _from_item(
    item: ListItem, day_text: str | None, record: Incident, ctx: Context, spec: SectionSpec
) -> bool:
    text = item.all_text()
    moment = leading_moment(text)
    if moment is None or (moment.clock is None and moment.day is None):
        return False
    values = match_item(spec.item, text) if spec.item else None
    rest = moment.rest
    attrs: dict[str, object] = {}
    if values is not None:
        rest = values.pop("text", rest)
        attrs = {k: v for k, v in values.items() if k in ("actor", "source", "component")}
    del day_text
    _add(record, ctx, rest, item.line, moment.day, moment.clock, moment.zone, **attrs)
    return True


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read timeline entries from tables, lists, headings and bold-time paragraphs."""
    leftover: list[Block] = []
    current_day = None
    pending_heading: tuple[Block, object] | None = None
    for block in blocks:
        if block.kind == "table" and _from_table(spec, block, record, ctx):
            continue
        if block.kind == "list":
            kept = [i for i in block.items if not _from_item(i, None, record, ctx, spec)]
            if kept:
                leftover.append(Block("list", "\n".join(i.source for i in kept), block.line))
            continue
        if block.kind == "heading":
            day = date_heading(block.text)
            moment = leading_moment(block.text)
            if day is not None:
                current_day = day
                ctx.day_hint = day  # type: ignore[attr-defined]
                leftover.append(block)
                continue
            if moment is not None and moment.clock is not None:
                pending_heading = (block, moment)
                _add(
                    record,
                    ctx,
                    moment.rest,
                    block.line,
                    moment.day or current_day,
                    moment.clock,
                    moment.zone,
                )
                continue
        if block.kind == "paragraph":
            moment = leading_moment(block.text)
            if moment is not None and moment.clock is not None:
                _add(
                    record,
                    ctx,
                    moment.rest,
                    block.line,
                    moment.day or current_day,
                    moment.clock,
                    moment.zone,
                )
                continue
            if pending_heading is not None and record.timeline:
                event = record.timeline[-1]
                event.text = f"{event.text}\n\n{block.source}".strip()
                continue
        leftover.append(block)
    return leftover
