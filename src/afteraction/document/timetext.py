"""Find the moment a line of a written timeline starts with.

Real timelines write times in many ways: ``14:02``, ``**14:02**``,
``2022-02-02 1430:``, ``Jan 14, 10:18 AM``, ``**Feb 04, 2021, 21:45 (UTC):**``,
``### 2018-02-20 14:02``. This module reads them all the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, tzinfo

from afteraction.document.values import ValueFormatError, parse_date, parse_when
from afteraction.document.zones import ZONE_WORD

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+"
    + _MONTH
    + r",?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}"
    r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?)"
)
CLOCK = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?|\d{1,2}\s*[AaPp]\.?[Mm]\.?)"
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
_ZONE = r"(?:\s*\(?" + ZONE_WORD + r"\)?)?"
_LEAD = re.compile(
    r"^(?P<open>\*\*|__)?\s*(?P<when>"
    + _WEEKDAY
    + r"(?:"
    + DATE
    + r"(?:,?\s*(?:at\s+)?(?:"
    + CLOCK
    + r"|\d{4}(?=\s*[:\-\u2013\u2014]\s)))?|"
    + CLOCK
    + r"|\d{4}(?=\s*(?:[:\-\u2013\u2014]|\*\*)\s))"
    + _ZONE
    + r")"
    r"\s*:?\s*(?P=open)?\s*(?:[-\u2013\u2014:|]\s*)?(?P<rest>.*)$",
    re.DOTALL,
)
_DATE_ONLY = re.compile(r"^(?:\*\*|__)?\s*" + _WEEKDAY + "(" + DATE + r")\s*(?:\*\*|__)?\s*:?$")


@dataclass
class Moment:
    """A moment read from text: its date (if written), clock, zone and the rest of the line."""

    day: date | None
    clock: time | None
    zone: tzinfo | None
    rest: str
    raw: str


def _fix_hhmm(text: str) -> str:
    """Turn ``2022-02-02 1430`` or ``1430`` into a clock with a colon."""
    return re.sub(r"(?<![\d:])(\d{2})(\d{2})(?![\d:])\s*$", r"\1:\2", text)


def leading_moment(text: str) -> Moment | None:
    """Return the moment ``text`` starts with, or None when it starts with none."""
    match = _LEAD.match(text.strip())
    if not match:
        return None
    raw = match["when"].strip()
    cleaned = _fix_hhmm(re.sub(r"\b(at)\b", " ", raw.replace(",", " ")).strip())
    try:
        day, clock, zone = parse_when(cleaned)
    except ValueFormatError:
        return None
    has_clock = bool(re.search(r"\d:\d{2}|\d\s*[ap]\.?m|\d{4}$", cleaned, re.IGNORECASE))
    if day is not None and day.year == 1:
        day = None
    return Moment(day, clock if has_clock else None, zone, match["rest"].strip(), raw)


def date_heading(text: str) -> date | None:
    """Return the date when ``text`` is only a date (a day heading in a timeline)."""
    match = _DATE_ONLY.match(text.strip())
    if not match:
        return None
    try:
        return parse_date(match[1])
    except ValueFormatError:
        return None
