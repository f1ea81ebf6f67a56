"""AAR305: timeline tables write times as the profile does (HH:MM or YYYY-MM-DD HH:MM)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, tzinfo

from afteraction.document.blocks import Block
from afteraction.document.kinds.common import match_columns
from afteraction.document.kinds.timeline import GENERIC_COLUMNS
from afteraction.document.placeholders import is_placeholder
from afteraction.document.timetext import Moment, date_heading, guess_dayfirst, leading_moment
from afteraction.document.values import format_clock, format_time
from afteraction.document.zones import resolve_zone, stated_zone
from afteraction.lint.document import LintDocument, cell_spans
from afteraction.lint.finding import Edit, Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import timeline_spec

# Something that reads as a time of day: 14:05, 14.05, 1405h, 1405Z, 2 PM (not a year: 2024).
_CLOCKISH = re.compile(
    r"\d{1,2}\s*[:.h]\s*\d{2}|\d{3,4}\s*h\b|\d{4}\s*(?:Z|UTC|GMT)\b|\d\s*[AaPp]\.?[Mm]\b"
    r"|\d{4}-\d{2}-\d{2}[ T]+\d{4}\b"
)
# A clock written as unknown: --:--, ??:??, xx:xx.
_UNKNOWN_CLOCK = re.compile(r"[-?xX_]{1,2}:[-?xX_]{2}")
_MARKUP = re.compile(r"^(\*\*|__|`)(.*)\1$")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2} ")
_FORM = "HH:MM or YYYY-MM-DD HH:MM"


class TimeFormat(Rule):
    """A timeline table time not written in the profile's form."""

    id = "AAR305"
    name = "time-format"
    summary = "Timeline tables write times as HH:MM or YYYY-MM-DD HH:MM."
    rationale = (
        "One way of writing times lets a reader scan a timeline and compare entries at a"
        " glance, and lets tools read it back: '2:05 PM', '14.05', '1405h' and"
        " '14:05:00 +0000' in one table make the order and the gaps hard to see and easy to"
        " misread. Write a 24-hour HH:MM (with the date when it is not the incident's day),"
        " seconds only when they matter, and the zone once in the heading or column. The fix"
        " rewrites the cell in the profile's form, keeping the moment it names. Documents"
        " in no known format keep their own style and are not checked."
    )
    fixable = True

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each timeline table cell whose time is not in the profile's form."""
        del ctx
        spec = timeline_spec(doc)
        if spec is None or not doc.recognized:  # a document in no known format keeps its style
            return
        columns = [*spec.columns, *GENERIC_COLUMNS]
        labels = _labels(doc)
        dayfirst: bool | None = None
        read: dict[int, list[str | None]] = {}
        for index, event in enumerate(doc.record.timeline):
            line = doc.line_of(f"timeline[{index}]")
            block = doc.table_at(line) if line is not None else None
            if line is None or block is None:
                continue
            if id(block) not in read:
                read[id(block)] = match_columns(block.header, columns)
            attrs = read[id(block)]
            if "time" not in attrs:
                continue
            cells = cell_spans(doc.line_text(line))
            column = attrs.index("time")
            if column >= len(cells):
                continue
            start, end = cells[column]
            cell = doc.line_text(line)[start:end]
            # A row whose own date cell holds the day needs only the clock in the time cell.
            dated = any(
                attr == "date" and right > left
                for attr, (left, right) in zip(attrs, cells, strict=False)
            )
            if _in_form(cell, labels) or not _a_clock(cell):
                continue
            replacement = None
            if event.time is not None:
                dayfirst = guess_dayfirst(doc.text) if dayfirst is None else dayfirst
                moment = leading_moment(_plain(cell), dayfirst=dayfirst)
                replacement = _rewrite(doc, block, moment, event.time, labels, dated)
            if replacement:
                advice = f"write '{replacement}'"
            elif event.time is None:
                advice = "rewrite it in that form (it does not read as a time, so it is not fixed)"
            else:
                advice = "rewrite it in that form"
            edits = []
            if replacement is not None:
                edits = [Edit(doc.offset(line, start + 1), doc.offset(line, end + 1), replacement)]
            yield self.finding(
                doc,
                line,
                f"time '{cell}' is not in the form {_FORM}: {advice}",
                col=start + 1,
                edits=edits,
            )


def _labels(doc: LintDocument) -> list[str]:
    """Return the zone names a time may carry: the profile's zone and its label."""
    return [name for name in (doc.profile.zone, doc.profile.zone_label) if name]


def _plain(cell: str) -> str:
    """Return a cell's text without bold or code markup and with single spaces."""
    text = " ".join(cell.split())
    match = _MARKUP.match(text)
    return match.group(2).strip() if match else text


def _in_form(cell: str, labels: list[str]) -> bool:
    """Say whether a cell is HH:MM or YYYY-MM-DD HH:MM, maybe with seconds and the zone."""
    zone = "|".join(re.escape(label) for label in labels)
    form = rf"(?:\d{{4}}-\d{{2}}-\d{{2}} )?\d{{2}}:\d{{2}}(?::\d{{2}})?(?: \(?(?:{zone})\)?)?"
    return re.fullmatch(form, _plain(cell)) is not None


def _a_clock(cell: str) -> bool:
    """Say whether a cell writes a time of day (not a day, a month or an unknown time)."""
    text = _plain(cell)
    if not text or is_placeholder(text) or _UNKNOWN_CLOCK.search(text):
        return False
    if date_heading(text) is not None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    return _CLOCKISH.search(text) is not None


def _rewrite(
    doc: LintDocument,
    block: Block,
    moment: Moment | None,
    value: datetime,
    labels: list[str],
    dated: bool,
) -> str | None:
    """Return the cell's time in the profile's form, naming the same moment; None if unsure."""
    if moment is None or moment.clock is None:
        return None
    zone = _context_zone(doc, block)
    # A cell naming no zone was read in the zone its column, section or format states: keep it.
    if moment.zone is None and value.astimezone(zone).time().replace(tzinfo=None) != moment.clock:
        return None
    local = value.astimezone(zone)
    if dated:
        if value.astimezone(moment.zone or zone).date() != local.date():
            return None  # in the table's zone it is another day: the date cell would change too
        text = format_clock(local)
    else:
        text = format_time(value, zone, _incident_day(doc, zone))
        if moment.when is not None and not _DAY.match(text):
            text = f"{local.date().isoformat()} {text}"  # it was written with its date: keep one
    return text if _in_form(text, labels) else None


def _context_zone(doc: LintDocument, block: Block) -> tzinfo:
    """Return the zone the table's times are read in when a cell names none.

    A zone in the time column's header wins, then the last one stated between
    the timeline heading and the table (heading, "All times in CET", a day
    heading), then the profile's.
    """
    for header in block.header:
        zone = stated_zone(header)
        if zone:
            return resolve_zone(zone)
    spec = timeline_spec(doc)
    heading = doc.line_of(f"section.{spec.key}") if spec else None
    found = None
    for line in range(heading or block.line, block.line):
        zone = stated_zone(doc.line_text(line))
        found = zone or found
    return resolve_zone(found) if found else resolve_zone(doc.profile.zone)


def _incident_day(doc: LintDocument, zone: tzinfo) -> date | None:
    """Return the incident's day in ``zone``: times on it are written without a date."""
    first = doc.record.times.started or doc.record.times.detected
    return first.astimezone(zone).date() if first else None
