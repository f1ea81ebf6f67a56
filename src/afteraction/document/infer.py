"""Key times a document does not state in its fields, inferred from what it does say.

Two places say them: labelled lines kept as written (``Start time:``,
``**First detected:** 2025-07-23 15:35``, ``**Duration:** 12:00am to
9:00am`` beside ``**Date:** 2025-04-27``) and the words of the timeline
("alert fired", "rolled back", "all clear"). Each inferred time is recorded
as a reading with the line it came from; a time stated in its field always
wins, and the text it came from stays where it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from afteraction.document.blocks import Block
from afteraction.document.kinds.common import norm
from afteraction.document.kinds.fields import split_labelled
from afteraction.document.moments import EntryWords
from afteraction.document.paths import set_path
from afteraction.document.values import (
    ValueFormatError,
    combine,
    parse_date,
    parse_int,
    parse_when,
)
from afteraction.model import Incident, Reading
from afteraction.model.record import KEY_TIMES

# Labels that name a key time, normalised (see ``norm``).
_LABELS: dict[str, str] = {
    **dict.fromkeys(
        (
            "start",
            "started",
            "start time",
            "started at",
            "impact start",
            "impact started",
            "impact start time",
            "incident start",
            "incident start time",
            "outage start",
            "outage started",
            "first impact",
            "start of impact",
            "began",
        ),
        "started",
    ),
    **dict.fromkeys(
        (
            "detected",
            "first detected",
            "detected at",
            "detection time",
            "time detected",
            "time of detection",
            "discovered",
            "first reported",
        ),
        "detected",
    ),
    **dict.fromkeys(("acknowledged", "acknowledged at", "responded"), "acknowledged"),
    **dict.fromkeys(
        ("mitigated", "mitigated at", "mitigation time", "time mitigated", "repaired"),
        "mitigated",
    ),
    **dict.fromkeys(
        (
            "resolved",
            "resolved at",
            "resolution time",
            "time resolved",
            "end",
            "ended",
            "end time",
            "impact end",
            "impact ended",
            "end of impact",
            "fixed",
            "recovered",
        ),
        "resolved",
    ),
    **dict.fromkeys(("closed", "closed at"), "closed"),
}
_DATE_LABELS = frozenset(("date", "incident date", "date of incident", "day"))
_RANGE_LABELS = frozenset(("duration", "time window", "window", "outage window", "period"))
_CLOCK_IN = re.compile(r"\d{1,2}:\d\d|\d{1,2}\s?[ap]\.?m\b", re.IGNORECASE)
_RANGE = re.compile(r"\s(?:to|until|till|through|-|\u2013|\u2014)\s", re.IGNORECASE)
_MARKUP = re.compile(r"[*_`\[\]]")


@dataclass(frozen=True)
class Found:
    """A key time found in the text: when, the words as written, and the line."""

    time: datetime
    written: str
    line: int | None


# A moment is written in a few words; a longer value is a sentence, not a time.
_LONGEST = 80


def _moment(text: str, day: date | None, zone: tzinfo, dayfirst: bool) -> datetime | None:
    """Read a written moment; a clock needs a day, written or the document's."""
    text = _MARKUP.sub("", text).strip().rstrip(".")
    if len(text) > _LONGEST or not _CLOCK_IN.search(text):
        return None
    try:
        written_day, clock, stated = parse_when(text, dayfirst=dayfirst)
    except (ValueFormatError, ValueError):
        return None
    day = written_day or day
    return combine(day, clock, stated or zone) if day is not None else None


def _day(text: str, dayfirst: bool) -> date | None:
    """Read the day a ``Date:`` line states (its clock, if any, is read as a start)."""
    if len(text) > _LONGEST:
        return None
    head = _CLOCK_IN.split(_MARKUP.sub("", text), maxsplit=1)[0].strip(" ,")
    try:
        day = parse_date(head, dayfirst=dayfirst)
    except ValueFormatError:
        return None
    # A range ("January 14-19, 2026") can read as another year: the year must be written.
    return day if str(day.year) in head else None


#: Labelled lines as (normalised label, value, line as written, line number).
Labelled = list[tuple[str, str, str, int]]


def labelled_pairs(lines: list[tuple[str, int]]) -> Labelled:
    """Return the labelled lines among ``lines`` (text, number) as label-value pairs.

    Runs of spaces are read as one (a long run would cost the label pattern dear).
    """
    return [
        (norm(pair[0]), pair[1], text, line)
        for text, line in lines
        if (":" in text or "**" in text or "__" in text)
        and (pair := split_labelled(" ".join(text.split()), plain=True))
    ]


def _stated_day(pairs: Labelled, dayfirst: bool) -> date | None:
    for label, value, _, _ in pairs:
        if label in _DATE_LABELS and (day := _day(value, dayfirst)) is not None:
            return day
    return None


def stated_day(lines: list[str], *, dayfirst: bool = False) -> date | None:
    """Return the day a ``Date:`` line among ``lines`` states, if one does."""
    return _stated_day(labelled_pairs([(text, 0) for text in lines]), dayfirst)


def labelled_times(
    lines: list[tuple[str, int]], ref: date | None, zone: tzinfo, *, dayfirst: bool = False
) -> dict[str, Found]:
    """Return the key times labelled lines state; a ``Date:`` line gives their day."""
    return times_in_pairs(labelled_pairs(lines), ref, zone, dayfirst=dayfirst)


def times_in_pairs(
    pairs: Labelled, ref: date | None, zone: tzinfo, *, dayfirst: bool = False
) -> dict[str, Found]:
    """Return the key times labelled lines (as :func:`labelled_pairs` gives them) state."""
    ref = _stated_day(pairs, dayfirst) or ref
    found: dict[str, Found] = {}
    for label, value, text, line in pairs:
        written = text.strip()
        if label in _LABELS:
            moment = _moment(value, ref, zone, dayfirst)
            if moment is not None:
                found.setdefault(_LABELS[label], Found(moment, written, line))
        elif label in _DATE_LABELS:
            moment = _moment(value, ref, zone, dayfirst)
            if moment is not None:
                found.setdefault("started", Found(moment, written, line))
        elif label in _RANGE_LABELS and len(value) <= 2 * _LONGEST:
            parts = _RANGE.split(_MARKUP.sub("", value), maxsplit=1)
            if len(parts) != 2:
                continue
            start, end = (_moment(p, ref, zone, dayfirst) for p in parts)
            if start is None or end is None:
                continue
            if end < start:
                end += timedelta(days=1)
            found.setdefault("started", Found(start, written, line))
            found.setdefault("resolved", Found(end, written, line))
    return found


def timeline_times(record: Incident, lines: dict[str, int]) -> dict[str, Found]:
    """Return the key times the record does not state that the timeline's words mark.

    Detection is the first alert, report or declaration; the impact start the
    first sign of impact no later than it; resolution and closing the first
    entry saying so from the incident's start on; acknowledgement (from
    detection on) and mitigation the first entry saying so before the
    resolution. A bound the record states (its detection, start or
    resolution) is used as stated. Entries are read in time order, each only
    as far as the first that says what is looked for.
    """
    stated = {name: getattr(record.times, name) for name in KEY_TIMES}
    if all(value is not None for value in stated.values()):
        return {}
    # Times as numbers: comparing aware times asks each for its offset, every time.
    entries = sorted(
        (
            (event.time.timestamp(), index, event.time, event.text, EntryWords(event.text))
            for index, event in enumerate(record.timeline)
            if event.time is not None
        ),
        key=lambda entry: (entry[0], entry[1]),
    )
    found: dict[str, Found] = {}

    def first(name: str, since: datetime | None, until: datetime | None) -> datetime | None:
        """Find the first entry marking ``name`` in the window, unless the record states it."""
        value: datetime | None = stated[name]
        if value is not None:
            return value
        low = since.timestamp() if since is not None else None
        high = until.timestamp() if until is not None else None
        for stamp, index, when, text, words in entries:
            if high is not None and stamp > high:
                break
            if (low is None or stamp >= low) and words.says(name):
                found[name] = Found(when, text, lines.get(f"timeline[{index}]"))
                return when
        return None

    detected = first("detected", None, None)
    started = first("started", None, detected)
    begin = min((t for t in (detected, started) if t is not None), default=None)
    end = first("resolved", begin, None)
    first("closed", begin, None)
    first("acknowledged", detected if detected is not None else begin, end)
    first("mitigated", begin, end)
    return found


def apply_inferred(record: Incident, found: dict[str, Found]) -> None:
    """Set each key time the record does not state, recording it as an inferred reading."""
    for name in KEY_TIMES:
        item = found.get(name)
        if item is not None and getattr(record.times, name) is None:
            record_inferred(record, f"times.{name}", item.time, item.written, item.line)


def infer_key_times(
    record: Incident,
    labelled: Labelled,
    lines: dict[str, int],
    ref: date | None,
    zone: tzinfo,
    *,
    dayfirst: bool = False,
) -> None:
    """Fill the key times a record does not state, from labelled lines, then the timeline."""
    if _all_stated(record):
        return
    apply_inferred(record, times_in_pairs(labelled, ref, zone, dayfirst=dayfirst))
    if not _all_stated(record):
        apply_inferred(record, timeline_times(record, lines))


def _all_stated(record: Incident) -> bool:
    return all(getattr(record.times, name) is not None for name in KEY_TIMES)


_IMPACT_LABELS = frozenset(
    (
        "impact",
        "customer impact",
        "user impact",
        "users impact",
        "impact summary",
        "what was impacted",
    )
)
_USERS_LABELS = frozenset(
    ("users affected", "affected users", "customers affected", "affected customers")
)


def record_inferred(
    record: Incident, path: str, value: object, written: str, line: int | None
) -> None:
    """Set ``path`` to ``value``, recording it as inferred from ``written`` on ``line``."""
    set_path(record, path, value)
    shown = value.astimezone(UTC).isoformat() if isinstance(value, datetime) else str(value)
    record.readings.append(
        Reading(field=path, value=shown, written=written, line=line, how="inferred")
    )


def infer_impact(
    record: Incident, labelled: Labelled, section: list[Block], section_line: int | None
) -> None:
    """Fill the impact a record does not state from an ``Impact:`` line or the Impact section.

    A labelled line kept as written (``**Impact:** API down for all users``)
    gives the description, and a whole number of affected users when one is
    stated; else the paragraphs the Impact section kept as written
    (``section``) are the description.
    """
    impact = record.impact
    if impact.description is not None and impact.users is not None:
        return
    for label, value, text, line in labelled:
        if label in _IMPACT_LABELS and impact.description is None and value:
            record_inferred(record, "impact.description", value, text.strip(), line)
        elif label in _USERS_LABELS and impact.users is None:
            try:
                users = parse_int(_MARKUP.sub("", value))
            except ValueFormatError:
                continue
            record_inferred(record, "impact.users", users, text.strip(), line)
    if impact.description is not None:
        return
    prose = "\n\n".join(
        b.source.strip()
        for b in section
        if b.kind == "paragraph"
        and not all(split_labelled(x) for x in b.source.split("\n") if x.strip())
    )
    if prose:
        record_inferred(record, "impact.description", prose, prose, section_line)
