"""AAR301: timeline entries are in time order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from itertools import pairwise

from afteraction.document.zones import resolve_zone
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Edit, Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.lint.rules.common import shown_time, written_time

_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A written time that names its day: an ISO or numeric date, or a month.
_DATED = re.compile(
    r"\d{4}-|\d/\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b", re.IGNORECASE
)


class TimelineOrder(Rule):
    """A timeline entry written after an entry that happened later."""

    id = "AAR301"
    name = "timeline-order"
    summary = "Timeline entries are written in the order they happened."
    rationale = (
        "A blameless review asks what the responders knew at each moment, and the"
        " timeline is where readers rebuild it. An entry out of place makes a later event"
        " look like a cause, or a quick response look slow. A time that goes backwards is"
        " usually a typo (22:40 for 22:04) or an entry after midnight written without its"
        " date, and either one also skews the response figures. The fix sorts a timeline"
        " written one entry per line in one table or list; check for a typo first."
    )
    fixable = True

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report each entry that is earlier than the entry written before it."""
        del ctx
        placed = [(i, key) for i, key in enumerate(_keys(doc)) if key is not None]
        backwards = [(prev, cur) for prev, cur in pairwise(placed) if _earlier(cur[1], prev[1])]
        if not backwards:
            return
        edits = tuple(_sorting_edits(doc))  # one fix, shared by every finding (not copied)
        for (before, _), (index, _) in backwards:
            written = written_time(doc, index)
            when = shown_time(written) if written else _clock(doc, index)
            previous = written_time(doc, before)
            advice = "put the entries in time order, or correct the time"
            if written and not _DATED.search(written):
                advice += " (write the date if it is the next day)"
            yield self.finding(
                doc,
                doc.line_of(f"timeline[{index}]"),
                f"timeline entry {when} ({_quote(doc, index)}) comes after the entry at"
                f" {shown_time(previous) if previous else _clock(doc, before)}"
                f" ({_quote(doc, before)}): {advice}",
                needle=written,
                edits=edits,
            )


# Where an entry falls: its day in the profile's zone, and its moment when it has a time.
_Key = tuple[date, datetime | None]


def _keys(doc: LintDocument) -> list[_Key | None]:
    """Return each entry's day and moment (None for an entry with neither)."""
    zone = resolve_zone(doc.profile.zone)
    keys: list[_Key | None] = []
    for event in doc.record.timeline:
        if event.time is not None:
            keys.append((event.time.astimezone(zone).date(), event.time))
        else:
            keys.append((event.date, None) if event.date is not None else None)
    return keys


def _earlier(current: _Key, previous: _Key) -> bool:
    """Say whether an entry happened before the one written above it.

    An entry with only a day is compared by day: it is out of place only
    when its day is before the other entry's.
    """
    if current[1] is not None and previous[1] is not None:
        return current[1] < previous[1]
    return current[0] < previous[0]


def _clock(doc: LintDocument, index: int) -> str:
    event = doc.record.timeline[index]
    if event.time is not None:
        return f"{event.time:%Y-%m-%d %H:%M} UTC"
    return event.date.isoformat() if event.date is not None else "?"


def _quote(doc: LintDocument, index: int, width: int = 40) -> str:
    text = " ".join(doc.record.timeline[index].text.split())
    if not text:
        return "no text"
    return f"'{text}'" if len(text) <= width else f"'{text[: width - 1].rstrip()}…'"


def _sorting_edits(doc: LintDocument) -> list[Edit]:
    """Return the edits that sort the timeline, or none when it is not one entry per line.

    Only a timeline written as consecutive lines of one table or one list is
    sorted (every entry one line, every day known); each line that moves is
    rewritten, a list line keeping its own marker (numbering stays in place).
    An entry with only a day goes before the timed entries of that day.
    """
    events = doc.record.timeline
    lines = [doc.line_of(f"timeline[{i}]") for i in range(len(events))]
    keys = [k for k in _keys(doc) if k is not None]
    if len(keys) != len(events) or None in lines:
        return []
    zone = resolve_zone(doc.profile.zone)
    times = [(day, moment.astimezone(zone).time() if moment else time.min) for day, moment in keys]
    at = [line for line in lines if line is not None]
    if any(b != a + 1 for a, b in pairwise(at)) or not _one_block(doc, at):
        return []
    order = sorted(range(len(at)), key=lambda k: times[k])
    texts = [doc.line_text(line) for line in at]
    edits = []
    for slot, source in enumerate(order):
        if slot == source:
            continue
        prefix = _prefix(texts[slot])
        start = doc.offset(at[slot], len(prefix) + 1)
        end = doc.offset(at[slot], len(texts[slot]) + 1)
        edits.append(Edit(start, end, texts[source][len(_prefix(texts[source])) :]))
    return edits


def _prefix(text: str) -> str:
    match = _LIST_MARKER.match(text)
    return match.group(0) if match else ""


def _one_block(doc: LintDocument, lines: list[int]) -> bool:
    """Say whether ``lines`` are rows of one table, or one-line items of one list."""
    table = doc.table_at(lines[0])
    if table is not None:
        return doc.table_at(lines[-1]) is table
    for block in doc.blocks:
        if block.kind != "list":
            continue
        items = {item.line: item for item in block.items}
        if all(line in items for line in lines):
            return all("\n" not in items[line].source.strip("\n") for line in lines)
    return False
