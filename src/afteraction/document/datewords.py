"""Read the dates postmortems write most, with the month in words, without dateutil.

``Jan 20 22:40``, ``Feb 04, 2021, 21:45``, ``Tuesday, March 5th 2024 at 9:05 PM``
and ``5 March 2024`` make up most of the written moments that are not ISO.
dateutil reads them too, at about a hundred times the cost; this reader gives
the same answer for the forms it knows and None for every other, which then
goes to dateutil.
"""

from __future__ import annotations

import re
from datetime import datetime

from afteraction.document.lazy import LazyPattern

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = frozenset(
    [
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
_WRITTEN = LazyPattern(  # compiled when first needed
    r"(?:(?P<weekday>[a-z]{3,9}),?\s)?"
    r"(?:(?P<month>[a-z]{3,9})\.?\s(?P<day>\d{1,2})|(?P<day2>\d{1,2})\s(?P<month2>[a-z]{3,9})\.?)"
    r"(?:st|nd|rd|th)?"
    r"(?:,?\s(?P<year>\d{4}))?"
    r"(?:,?\s(?:at\s)?(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"(?:\s?(?P<ampm>[ap])\.?m\.?)?)?",
    re.IGNORECASE,
)


def read_written(text: str, default: datetime) -> datetime | None:
    """Return the moment ``text`` writes with its month in words, or None for another form.

    Parts not written come from ``default``, as dateutil takes them; an
    impossible date (``Feb 30``) raises ValueError, as dateutil does.
    """
    match = _WRITTEN.fullmatch(" ".join(text.split()))
    if match is None:
        return None
    weekday = match["weekday"]
    if weekday is not None and weekday.lower() not in _WEEKDAYS:
        return None
    month = _MONTHS.get((match["month"] or match["month2"]).lower())
    if month is None:
        return None
    hour, ampm = match["hour"], match["ampm"]
    if hour is not None and match["minute"] is None and ampm is None:
        return None  # "Jan 20 14" is no time of day
    clock = default.hour, default.minute, default.second
    if hour is not None:
        number = int(hour)
        if ampm is not None:
            if not 1 <= number <= 12:
                return None
            number = number % 12 + (12 if ampm.lower() == "p" else 0)
        clock = number, int(match["minute"] or 0), int(match["second"] or 0)
    year = int(match["year"]) if match["year"] else default.year
    day = int(match["day"] or match["day2"])
    if day > 31:
        return None  # dateutil reads "Jan 45" as a year
    return default.replace(
        year=year,
        month=month,
        day=day,
        hour=clock[0],
        minute=clock[1],
        second=clock[2],
        microsecond=0,
    )
