"""Timelines: tables, bullet lists, ``### HH:MM`` headings, bold-time paragraphs."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, tzinfo
from typing import Any

from afteraction.document.blocks import Block, ListItem, split_blocks
from afteraction.document.context import Context, PendingTime
from afteraction.document.kinds.common import (
    extra_headers,
    fill_item,
    match_columns,
    match_item,
    render_table,
    written_columns,
)
from afteraction.document.kinds.timeline_shapes import (
    belongs_to_event,
    entry_moment,
    header_day,
    heads_entries,
    line_text,
    untimed_prose,
)
from afteraction.document.placeholders import is_placeholder
from afteraction.document.timetext import Day, Moment, date_heading, leading_moment, opening_clock
from afteraction.document.values import format_time
from afteraction.document.zones import resolve_zone, stated_zone
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
            "Timeline",
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


def _when_texts(events: list[TimelineEvent], ctx: Context) -> list[str]:
    """Write each entry's time as the reader reads it back.

    A clock alone is read on the last day written above it (else the
    incident's date), so an entry on another day writes its date; with no
    incident date every entry writes its date. An entry with only a day
    writes just the day.
    """
    texts: list[str] = []
    carried = ctx.ref_date
    for event in events:
        if event.time is not None:
            texts.append(format_time(event.time, ctx.zone, carried))
            carried = event.time.astimezone(ctx.zone).date() if carried else None
        elif event.date is not None:
            texts.append(event.date.isoformat())
            carried = event.date if carried else None
        else:
            texts.append("")
    return texts


def _attr_text(event: TimelineEvent, attr: str, when: str) -> str:
    if attr == "time":
        return when
    if attr.startswith("extra."):
        return event.extra.get(attr[6:], "")
    value = getattr(event, attr)
    return str(value or "")


def _column_ctx(spec: SectionSpec, record: Incident, ctx: Context) -> Context:
    """Return ``ctx`` in the zone the time column's header states, when it states one."""
    columns = written_columns(spec, GENERIC_COLUMNS, record.timeline, implied=["date"])
    zones = [stated_zone(c.header) for c in columns if c.attr == "time"]
    zone = next((z for z in zones if z), None)
    return replace(ctx, zone=resolve_zone(zone)) if zone else ctx


def _row_cells(
    event: TimelineEvent,
    when: str,
    columns: list[ColumnSpec],
    merged: set[str],
    extras: list[str],
) -> list[str]:
    """Return an event's table cells; an extra under a column's own header fills that column.

    An entry whose time could not be placed keeps it as written in ``extra["Time"]``:
    it goes in the Time column, not in a second column of the same name.
    """
    cells = []
    for column in columns:
        value = _attr_text(event, column.attr, when)
        if column.header in merged:
            # An unknown clock ("--:--") follows its day, as it was written.
            value = " ".join(v for v in (value, event.extra.get(column.header, "")) if v)
        cells.append(value)
    return cells + [event.extra.get(h, "") for h in extras]


def _bullet(event: TimelineEvent, when: str, spec: SectionSpec) -> str:
    values = {
        a: _attr_text(event, a, when) for a in ("time", "text", "actor", "source", "component")
    }
    extra = "".join(f" ({key}: {value})" for key, value in event.extra.items())
    return "- " + fill_item(spec.item or "**{time}** - {text}", values) + extra


def _as_heading(
    event: TimelineEvent, spec: SectionSpec, ctx: Context, *, every: bool = False
) -> str | None:
    """Write an entry holding blocks (code, a list, paragraphs) as a time heading and its blocks.

    None when the entry is one line of text (unless ``every`` entry is written so),
    has other attributes a heading cannot hold, or would not read back as itself.
    """
    if (not every and "\n" not in event.text) or event.actor or event.source or event.component:
        return None
    if event.extra or event.time is None:
        return None
    blocks = split_blocks(event.text)
    first = blocks[0] if blocks else None
    lead = (
        first.source
        if first is not None and first.kind == "paragraph" and "\n" not in first.source
        else ""
    )
    rest = blocks[1:] if lead else blocks
    level = "#" * min(spec.level + 1, 6)
    written = f"{level} {format_time(event.time, ctx.zone, ctx.ref_date)} {lead}".rstrip()
    text = "\n\n".join([written, *(b.source for b in rest)])
    scratch = Incident()
    probe = Context.for_profile(ctx.profile, strict=False)
    probe.zone = ctx.zone
    probe.section_zone = ctx.zone
    leftover = parse(spec, split_blocks(text), scratch, probe)
    if leftover or len(scratch.timeline) != 1 or scratch.timeline[0].text != event.text:
        return None
    return text


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write the timeline as the profile's table or bullet list.

    An entry holding blocks is written as a time heading followed by its
    blocks, between the table's or list's other entries.
    """
    if not record.timeline:
        return spec.hint if ctx.hints and spec.hint else ""
    # A zone in the time column's header is read before any other: its times are written in it.
    whens = _when_texts(record.timeline, _column_ctx(spec, record, ctx))
    columns = written_columns(spec, GENERIC_COLUMNS, record.timeline, implied=["date"])
    merged = {
        c.header
        for c in columns
        if c.attr == "time" and all(e.time is None for e in record.timeline if c.header in e.extra)
    }
    shown = {c.attr[6:] for c in columns if c.attr.startswith("extra.")} | merged
    extras = [h for h in extra_headers(e.extra for e in record.timeline) if h not in shown]
    headers = [c.header for c in columns] + extras
    parts: list[str] = []
    run: list[tuple[TimelineEvent, str]] = []

    def close_run() -> None:
        if not run:
            return
        if spec.layout == "bullets":
            parts.append("\n".join(_bullet(e, when, spec) for e, when in run))
        else:
            rows = [_row_cells(e, when, columns, merged, extras) for e, when in run]
            parts.append(render_table(headers, rows))
        run.clear()

    alone_forms = [_as_heading(e, spec, ctx) for e in record.timeline]
    if any(alone_forms):  # one entry needs a heading: every entry that can is written so
        alone_forms = [_as_heading(e, spec, ctx, every=True) for e in record.timeline]
    for event, when, alone in zip(record.timeline, whens, alone_forms, strict=True):
        if alone is None:
            run.append((event, when))
            continue
        close_run()
        parts.append(alone)
    close_run()
    return "\n\n".join(parts)


class _Reading:
    """Where a timeline reading is: the day and zone its headings set, the last event."""

    def __init__(self, record: Incident, ctx: Context) -> None:
        self.record = record
        self.ctx = ctx
        self.day: Day | None = None
        self.zone: tzinfo | None = None
        self.day_block: Block | None = None
        self.day_used = False
        self.headed = False
        self.meridiem = False
        self.last: TimelineEvent | None = None
        self.group: str | None = None

    def add(
        self, text: str, line: int, moment: Moment | None, *, inherit: bool = True, **attrs: Any
    ) -> TimelineEvent:
        """Record an event at ``moment``, its day and zone falling back to the headings'.

        Without ``inherit`` (a time written but not readable) an entry takes no day.
        """
        if moment is not None and moment.when is not None and moment.clock is None:
            # A dated entry whose text opens with its time ("2021-08-27: At 12:50 UTC, ...").
            opening = None if moment.unknown else opening_clock(text)
            if opening is not None:
                moment.clock, moment.zone = opening
        event = TimelineEvent(text=text, **attrs)
        if moment is not None and moment.span:
            event.extra = {"Range": moment.span, **event.extra}
        if moment is not None and moment.unknown:
            # The day is kept as the entry's date; the unknown clock as written.
            event.extra = {"Time": moment.unknown, **event.extra}
        if self.group is not None:
            # The title of the entries that follow, kept on the first of them.
            event.extra = {"Group": self.group, **event.extra}
            self.group = None
        self.record.timeline.append(event)
        stated = moment is not None and moment.when is not None
        if moment is not None and moment.when is not None:
            self.day, self.headed = moment.when, False
        # An entry without a moment takes the day only from a day heading above it.
        follows = inherit and (moment is not None or self.headed)
        inherited = self.day if follows else None
        day = (moment.when if moment else None) or inherited
        zone = (moment.zone if moment else None) or self.zone or self.ctx.section_zone
        clock = moment.clock if moment else None
        self.meridiem = self.meridiem or bool(moment and moment.meridiem)
        wraps = (
            clock is not None
            and moment is not None
            and not moment.meridiem
            and self.meridiem
            and 1 <= clock.hour <= 12
        )
        path = f"timeline[{len(self.record.timeline) - 1}]"
        self.ctx.locate(path, line)
        self.ctx.pending_events.append(
            PendingTime(
                event, day, clock, zone, line, path, stated=stated, follows=follows, wraps=wraps
            )
        )
        self.day_used = True
        self.last = event
        return event

    def set_day(self, block: Block, day: Day, *, keep: bool = False) -> list[Block]:
        """Start a new day (a date heading or a date-only line); ``keep`` keeps its text.

        Return the previous day's heading when no entry used it (it is kept as text).
        """
        unused = self.flush_day()
        self.day, self.day_block, self.day_used, self.headed = day, block, keep, True
        zone = stated_zone(block.text)
        if zone:
            self.zone = resolve_zone(zone)
        return unused

    def add_under_kept_day(self, block: Block, kept: Block | None) -> bool:
        """Read ``block`` as an entry of the day ``kept`` heads when kept text would join them.

        Kept text is written above the entries; a paragraph kept right after a
        day heading that had no entries of its own would open that day there
        and be read as its entry. It is read so here already, so that the
        reading does not change when written. The day and zone stay as they were.
        """
        day = date_heading(kept.text, dayfirst=self.ctx.dayfirst) if kept is not None else None
        if day is None or kept is None or block.kind != "paragraph":
            return False
        if not untimed_prose([block], 0, self.ctx):
            return False
        state = (self.day, self.zone, self.headed, self.last)
        self.day, self.headed = day, True
        zone = stated_zone(kept.text)
        if zone:
            self.zone = resolve_zone(zone)
        self.add(block.source.strip(), block.line, None)
        self.day, self.zone, self.headed, self.last = state
        return True

    def flush_day(self) -> list[Block]:
        """Return the day heading if no event used it (it is then kept as text)."""
        kept = [self.day_block] if self.day_block is not None and not self.day_used else []
        self.day_block = None
        return kept


def _from_table(spec: SectionSpec, block: Block, reading: _Reading) -> bool:
    columns = [*spec.columns, *GENERIC_COLUMNS]
    attrs = match_columns(block.header, columns)
    column_day = header_day(block.header, attrs, columns, reading.ctx.dayfirst)
    if "time" not in attrs and "date" not in attrs:
        return False
    when_headers = [h for h, a in zip(block.header, attrs, strict=False) if a in ("date", "time")]
    years = [re.search(r"\b((?:19|20)\d{2})\b", h) for h in when_headers]
    year = next((int(m[1]) for m in years if m), None)
    # A zone in the column header ("Time (UTC)") is the most specific statement.
    zones = [stated_zone(h) for h in when_headers]
    column_zone = next((resolve_zone(z) for z in zones if z), None)
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
        moment = entry_moment(when, dayfirst=reading.ctx.dayfirst) if when else None
        if when and (moment is None or moment.rest):
            extra["Time"] = when
            moment = None
        if moment is not None and column_zone and moment.zone is None:
            moment.zone = column_zone
        if moment is not None and moment.month_day and year:
            moment.day, moment.month_day = date(year, *moment.month_day), None
        if moment is not None and moment.when is None and column_day:
            moment.day = column_day
        reading.add(
            values.pop("text", ""),
            block.line + 2 + index,
            moment,
            inherit="Time" not in extra,
            extra=extra,
            **values,
        )
    return True


def _from_item(item: ListItem, spec: SectionSpec, reading: _Reading) -> bool:
    text = item.all_text()
    moment = entry_moment(text, dayfirst=reading.ctx.dayfirst)
    if moment is None or (moment.clock is None and moment.when is None and not moment.unknown):
        if not reading.headed or not text.strip():
            return False
        # An entry under a day heading or line, written without a time: that day.
        moment = None
    values = match_item(spec.item, text) if spec.item else None
    rest = _unbold(moment.rest) if moment else text.strip()
    attrs: dict[str, Any] = {}
    if values is not None:
        rest = values.pop("text", rest)
        attrs = {k: v for k, v in values.items() if k in ("actor", "source", "component")}
    reading.add(rest, item.line, moment, **attrs)
    return True


def _unbold(text: str) -> str:
    """Drop the closing ``**`` left when a whole entry was bold (``**21:17 UTC: text**``)."""
    if text.endswith("**") and text.count("**") % 2 == 1:
        return text[:-2].rstrip()
    return text


def _from_lines(block: Block, reading: _Reading) -> bool:
    """Read a paragraph of entries, one per line (``**15:11** text<br>``)."""
    lines = [ln.strip() for ln in block.source.split("\n") if ln.strip()]
    dayfirst = reading.ctx.dayfirst
    first = leading_moment(lines[0], dayfirst=dayfirst) if lines else None
    if first is None or (first.clock is None and (reading.last is None or not first.rest)):
        return False
    for offset, line in enumerate(lines):
        text = line_text(line)
        if not text:
            continue
        moment = entry_moment(text, dayfirst=dayfirst)
        if moment is not None and (moment.clock is not None or moment.unknown or offset == 0):
            reading.add(_unbold(moment.rest), block.line + offset, moment)
        elif reading.last is not None:
            reading.last.text = f"{reading.last.text}\n{text}".strip()
    return True


def _kept_items(block: Block, kept: list[ListItem]) -> Block:
    """Return a list of the items that are not entries, spaced as the list was written."""
    if len(kept) == len(block.items):
        return block
    loose = any(
        b.line > a.line + a.source.count("\n") + 1
        for a, b in zip(block.items, block.items[1:], strict=False)
    )
    joiner = "\n\n" if loose else "\n"
    return Block("list", joiner.join(i.source for i in kept), block.line)


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read timeline entries from tables, lists, headings and time-led paragraphs."""
    leftover: list[Block] = []
    reading = _Reading(record, ctx)
    after_heading = False
    # Paragraphs with no time opening a day: each is that day's entry, with no time.
    day_prose = 0
    for index, block in enumerate(blocks):
        if block.kind in ("heading", "paragraph"):
            day = date_heading(block.text, dayfirst=ctx.dayfirst)
            if day is not None:
                leftover.extend(reading.set_day(block, day))
                day_prose = untimed_prose(blocks, index + 1, ctx)
                after_heading = False
                continue
        if block.kind == "paragraph" and day_prose:
            reading.add(block.source.strip(), block.line, None)
            day_prose -= 1
            continue
        day_prose = 0
        if block.kind == "table" and _from_table(spec, block, reading):
            after_heading = False
            continue
        if after_heading and reading.last is not None and belongs_to_event(block, ctx):
            reading.last.text = f"{reading.last.text}\n\n{block.source}".strip()
            continue
        if block.kind == "list":
            kept = [i for i in block.items if not _from_item(i, spec, reading)]
            if kept:
                leftover.extend(reading.flush_day())
                leftover.append(_kept_items(block, kept))
            after_heading = False
            continue
        if block.kind == "heading":
            moment = entry_moment(block.text, dayfirst=ctx.dayfirst)
            timed = moment is not None and moment.clock is not None
            if moment is not None and timed and heads_entries(blocks, index, ctx):
                # A time heading over timed entries of its own titles them ("### 10:07-10:29 AM").
                reading.meridiem = reading.meridiem or moment.meridiem
                if moment.when is not None:
                    leftover.extend(reading.set_day(block, moment.when))
                reading.group = block.text
                after_heading = False
                continue
            if moment is not None and (moment.clock is not None or moment.unknown):
                reading.add(moment.rest, block.line, moment)
                after_heading = True
                continue
            if moment is not None and moment.when is not None:
                # A day heading with a title ("### March 5, 2025: Testnet issue").
                leftover.extend(reading.set_day(block, moment.when, keep=True))
                leftover.append(block)
                after_heading = False
                continue
        if block.kind == "paragraph" and _from_lines(block, reading):
            after_heading = False
            continue
        leftover.extend(reading.flush_day())
        after_heading = False
        if not reading.add_under_kept_day(block, leftover[-1] if leftover else None):
            leftover.append(block)
    leftover.extend(reading.flush_day())
    return leftover


def claims(heading: str, ctx: Context) -> bool:
    """Say whether a subsection heading is part of a timeline (a day or a moment)."""
    if date_heading(heading, dayfirst=ctx.dayfirst) is not None:
        return True
    moment = entry_moment(heading, dayfirst=ctx.dayfirst)
    return moment is not None and (
        moment.clock is not None or moment.when is not None or bool(moment.unknown)
    )
