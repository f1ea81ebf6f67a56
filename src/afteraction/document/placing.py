"""Place the times a document wrote without a day: key times first, then the timeline.

A time read without a date takes its heading's day, else the incident's
date: the start, a stated date, the document's date, the first day in the
timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from afteraction.document.context import Context
from afteraction.document.timetext import Day, date_heading, place_day
from afteraction.document.values import combine
from afteraction.model import Incident


def _reference_day(
    record: Incident, ctx: Context, day_hint: Callable[[], date | None]
) -> date | None:
    """Return the day that times written without a date belong to."""
    started = ctx.partials.get("times.started")
    if started and started.day:
        return started.day
    written = date_heading(record.fields.get("date", ""))
    if isinstance(written, date):
        return written
    days = [p.day for p in ctx.partials.values() if p.day]
    if days:
        return days[0]
    hinted = day_hint()
    if hinted:
        return hinted
    timeline_days = [e.day for e in ctx.pending_events if isinstance(e.day, date)]
    return timeline_days[0] if timeline_days else None


def _place_key_times(record: Incident, ctx: Context, ref: date | None) -> None:
    started = ctx.partials.get("times.started")
    for path, part in ctx.partials.items():
        day = part.day or ref
        name = path.split(".")[1]
        if part.clock is None or day is None:
            if part.day is not None and name == "started":
                record.fields["date"] = part.day.isoformat()
            elif part.clock is not None:
                ctx.fail(
                    f"time {part.clock:%H:%M} has no date: write the incident date",
                    part.line,
                    path,
                    code="time",
                    value=f"{part.clock:%H:%M}",
                )
            continue
        if part.zone is None:
            ctx.zoneless.add(path)
        value = combine(day, part.clock, part.zone or ctx.zone)
        if (
            path != "times.started"
            and part.day is None
            and started
            and record.times.started
            and not ctx.strict
        ):
            while value < record.times.started - timedelta(hours=12):
                value += timedelta(days=1)
        setattr(record.times, name, value)


def _written_day(day: Day) -> str:
    return day.isoformat() if isinstance(day, date) else date(2000, *day).strftime("%b %d")


def _place_events(ctx: Context, ref: date | None) -> None:
    """Give each event its moment: its own day, else its heading's, else the document's.

    Entries without a day of their own go forward: past midnight into the
    next day (23:50, then 00:10 under the same day), and past noon when a
    timeline that writes AM and PM elsewhere leaves them off (12:08, then 1:17).
    An entry with a day and no time of day keeps just the day; one whose time
    could not be read takes the day of the entry above it (else the document's).
    """
    previous: datetime | None = None
    previous_day: Day | None = None
    for pending in ctx.pending_events:
        day = place_day(pending.day, ref) if pending.day is not None else ref
        dated = pending.day is not None or pending.follows
        if pending.clock is None and pending.day is None and pending.follows and previous:
            # A time not readable ("2X:XX") is on the day of the entry above it.
            day = previous.astimezone(pending.zone or ctx.zone).date()
        if pending.clock is None and day is not None and dated:
            pending.event.date = day
            continue
        if pending.clock is None or day is None:
            if pending.clock is not None or pending.day is not None:
                written = " ".join(
                    part
                    for part in (
                        _written_day(pending.day) if pending.day is not None else "",
                        f"{pending.clock:%H:%M}" if pending.clock is not None else "",
                    )
                    if part
                )
                pending.event.extra.setdefault("Time", written)
            continue
        if pending.zone is None:
            ctx.zoneless.add(pending.path)
        value = combine(day, pending.clock, pending.zone or ctx.zone)
        if previous is not None and not pending.stated:
            if pending.wraps and value < previous <= value + timedelta(hours=12):
                value += timedelta(hours=12)
            if (
                not ctx.strict
                and pending.day == previous_day
                and value < previous - timedelta(hours=12)
            ):
                value += timedelta(days=1)
        pending.event.time = value
        previous, previous_day = value, pending.day


def place_times(record: Incident, ctx: Context, day_hint: Callable[[], date | None]) -> date | None:
    """Give the key times and timeline entries read without a day the day they belong to.

    ``day_hint`` finds the date the document states outside its fields (it
    is asked only when the fields give none); the day the times were placed
    on is returned.
    """
    ref = _reference_day(record, ctx, day_hint)
    _place_key_times(record, ctx, ref)
    _place_events(ctx, ref)
    return ref
