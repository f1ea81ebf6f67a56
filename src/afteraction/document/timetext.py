"""Find the moment a line of a written timeline starts with.

Real timelines write times in many ways: ``14:02``, ``**14:02**``,
``2022-02-02 1430:``, ``Jan 14, 10:18 AM``, ``**Feb 04, 2021, 21:45 (UTC):**``,
``### 2018-02-20 14:02``. This module reads them all the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, tzinfo

from afteraction.document.lazy import LazyPattern
from afteraction.document.values import ValueFormatError, month_and_day, parse_date, parse_when
from afteraction.document.zones import ZONE_WORD

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?(?![A-Za-z])"
)
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
# A year is 19xx or 20xx: "Feb 7 1506 UTC" is a day and a clock, not the year 1506.
_YEAR = r"(?:19|20)\d{2}(?!\d)"
DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?!\d)|\d{4}/\d{1,2}/\d{1,2}(?!\d)|"
    + _MONTH
    + r"\s+"
    + _ORDINAL
    + r",?\s+"
    + _YEAR
    + r"|"
    + _ORDINAL
    + r"\s+"
    + _MONTH
    + r",?\s+"
    + _YEAR
    + r"|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}\.\d{1,2}\.\d{4}"
    r"|" + _MONTH + r"\s+" + _ORDINAL + r"|" + _ORDINAL + r"\s+" + _MONTH + ")"
)
_AMPM = r"\s?[AaPp]\.?[Mm]\.?(?![A-Za-z])"
CLOCK = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:" + _AMPM + r")?|\d{1,2}" + _AMPM + r")(?!\d)"
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
# A bare offset needs a space before it: ``17:00-18:00`` is a range, not a zone.
_ZONE = r"(?:\s*\(?(?![+-])" + ZONE_WORD + r"\)?|\s+\(?[+-](?:0\d|1[0-4]):?\d{2}\)?)?"
_ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_BOLD = r"(?:\*\*|__)?"
# A clock written ``HHMM`` after a date, before a separator or a zone ("Feb 7 1506 UTC").
_HHMM = r"\d{4}(?=\s?(?:[:\-\u2013\u2014]\s|\*\*\s|[A-Z]{2,5}\b|\(?[+-]\d{2}))"
_LEAD = re.compile(
    r"^(?P<open>\*\*|__|\*(?!\*)|_(?!_))?(?P<bracket>\[)?~?\s?(?P<when>"
    + _WEEKDAY
    + r"(?:"
    + _ISO
    + "|"
    + DATE
    + r"(?:(?:/(?=\d{1,2}:)|,?\s*(?:at\s+)?)"
    + _BOLD
    + "(?:"
    + CLOCK
    + "|"
    + _HHMM
    + ")"
    + _BOLD
    + r")?|"
    + CLOCK
    + r"|\d{4}(?=\s?(?:[:\-\u2013\u2014]|\*\*)\s))"
    + _ZONE
    + r")"
    r"(?(bracket)\]|)\s*:?(?P=open)?\s*(?:(?P<sep>[-\u2013\u2014:|]|to\b|until\b)\s*)?(?P<rest>.*)$",
    re.DOTALL,
)
# The end of a range, after the start's separator: "-10:29 AM: text", "to **13:00** text".
_RANGE_END = LazyPattern(
    r"^(?P<open>\*\*|__)?(?P<end>" + CLOCK + r")(?P=open)?(?P<zone>" + _ZONE + r")"
    r"(?![\d/.-])\s*:?\s*(?:[-\u2013\u2014:|]\s*)?(?P<rest>.*)$",
    re.DOTALL,
)
_DATE_ONLY = LazyPattern(
    r"^(?:\*\*|__)?\s*"
    + _WEEKDAY
    + "("
    + DATE
    + r")\s*(?:\*\*|__)?\s*:?\s*(?:\((?:all\s+)?times?\s+(?:in\s+)?[^)]*\))?$",
    re.IGNORECASE,
)
# A line of a document that is only a date (a heading's "#" marks and markup allowed).
# This and the other LazyPatterns compile when first used: most documents need none of them.
# Spaces are possessive (``*+``): a run of them is never shared out between two of them.
_DATE_LINE = LazyPattern(
    r"^[ \t]*+#*+[ \t]*+(?:\*\*|__)?[ \t]*+"
    + _WEEKDAY.replace(r"\s", r"[ \t]")
    + "("
    + DATE.replace(r"\s", r"[ \t]")
    + r")[ \t]*+(?:\*\*|__)?[ \t]*+:?[ \t]*+"
    r"(?:\((?:all[ \t]+)?times?[ \t]+(?:in[ \t]+)?[^)\n]*\))?[ \t]*+$",
    re.IGNORECASE | re.MULTILINE,
)
_YEAR_LAST = re.compile(
    r"(?:" + _MONTH + r"\s+" + _ORDINAL + r"|" + _ORDINAL + r"\s+" + _MONTH + r")\s+" + _YEAR + "$",
    re.IGNORECASE,
)
# A clock written as a placeholder for a time nobody knew ("--:--", "2X:XX", "??:??"),
# after an optional date, with an optional note ("2X:XX (not sure exact time)").
# A part is digits and placeholder letters, or dashes alone: "-1:30" is no clock.
_UNKNOWN_CLOCK = r"(?:[\dXx?]{1,2}|--?):(?:[\dXx?]{2}|--)(?::(?:[\dXx?]{2}|--))?(?![\w:?-])"
# What every placeholder clock has: a placeholder character next to its colon ("2X:XX").
_UNKNOWN_SIGN = re.compile(r"[Xx?-]\d?:|:\d?[Xx?-]")
_UNKNOWN = LazyPattern(
    r"^(?P<open>\*\*|__|\*(?!\*)|_(?!_))?(?:(?P<date>"
    + DATE
    + r")(?:,\s?|\s|/))?(?P<clock>"
    + _UNKNOWN_CLOCK
    + r"(?:\s\([^()\n]*\))?)(?P=open)?(?:\s?:)?\s*(?:[-\u2013\u2014|]\s*)?(?P<rest>.*)$",
    re.DOTALL,
)
# A clock with its zone opening an entry's text ("At 12:50:07 UTC, issue exploited").
_TEXT_CLOCK = re.compile(
    r"^(?:(?:[Aa]t|[Aa]round|[Aa]bout|~)\s?)?(?P<clock>"
    + CLOCK
    + r")\s?\(?(?P<zone>"
    + ZONE_WORD
    + r")(?![\w+:-])"
)
_HAS_MONTH = re.compile(r"\b" + _MONTH + r"|\b\d{1,2}/\d{1,2}\b(?!/)", re.IGNORECASE)
_MERIDIEM = re.compile(r"\d\s?([ap])\.?m\b", re.IGNORECASE)


# The same moment restated in another zone: "13:14 EDT (17:14 UTC): text".
_RESTATED = re.compile(r"^\(" + CLOCK + r"\s?" + ZONE_WORD + r"\)\s*:?\s*(?:[-\u2013\u2014:|]\s*)?")
_HHMM_CLOCK = re.compile(
    r"(?<![\d:./-])(\d{2})(\d{2})(?![\d:])(?=(?: [A-Z]{2,5}| [+-]\d{2}:?\d{2})?$)"
)


MonthDay = tuple[int, int]
#: A day as written: a full date, or a month and day whose year the document implies.
Day = date | MonthDay


@dataclass
class Moment:
    """A moment read from text: its date (if written), clock, zone and the rest of the line.

    ``span`` is a range as written (``10:07-10:29 AM``) when the line starts
    with one; the moment is then its start. ``meridiem`` says whether the
    clock was written with AM or PM. ``unknown`` is a clock written as a
    placeholder (``--:--``, ``2X:XX``): the time of day is not known.
    """

    day: date | None
    clock: time | None
    zone: tzinfo | None
    rest: str
    raw: str
    month_day: MonthDay | None = None
    span: str | None = None
    meridiem: bool = False
    unknown: str | None = None

    @property
    def when(self) -> Day | None:
        """Return the written day: the full date, else the month and day."""
        return self.day or self.month_day


def _fix_hhmm(text: str) -> str:
    """Turn ``2022-02-02 1430`` or ``Feb 7 1506 UTC`` into a clock with a colon.

    A year is left alone: ``Feb 05 2021`` is a date.
    """
    if _YEAR_LAST.search(text):
        return text
    return _HHMM_CLOCK.sub(r"\1:\2", text)


def leading_moment(text: str, *, dayfirst: bool = False) -> Moment | None:
    """Return the moment ``text`` starts with, or None when it starts with none.

    A date written without its year (``Jan 14, 10:18 AM``) comes back as
    ``month_day``; the reader places it in the incident's year. A range
    (``10:07-10:29 AM``, ``**12:22** to **13:00**``) gives its start, taking
    the end's AM or PM when the start has none.
    """
    match = _LEAD.match(text.strip())
    if not match:
        return None
    raw = match["when"].strip()
    cleaned = _fix_hhmm(re.sub(r"\*\*|__|\bat\b|/(?=\d{1,2}:)", " ", raw.replace(",", " ")))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    rest, span = _RESTATED.sub("", match["rest"].strip()), None
    end = (
        _RANGE_END.match(rest) if match["sep"] in ("-", "\u2013", "\u2014", "to", "until") else None
    )
    if end is not None and re.search(r"\d:\d{2}|\d\s?[ap]", cleaned, re.IGNORECASE):
        span = text.strip()[match.start("when") : match.start("rest")] + end["end"] + end["zone"]
        span = re.sub(r"\*\*|__", "", span).strip()
        marker = _MERIDIEM.search(end["end"])
        if marker and not _MERIDIEM.search(cleaned):
            cleaned = _with_meridiem(cleaned, end["end"], marker[1])
        if end["zone"].strip() and not re.search(r"[A-Z]{2}|[+-]\d", cleaned):
            cleaned = f"{cleaned} {end['zone'].strip(' ()')}"
        rest = end["rest"].strip()
    try:
        day, clock, zone = parse_when(cleaned, dayfirst=dayfirst)
    except ValueFormatError:
        return None
    has_clock = bool(
        re.search(r"\d:\d{2}|\d\s*[ap]\.?m", cleaned, re.IGNORECASE)
        or (re.search(r"\d{4}$", cleaned) and not _YEAR_LAST.search(cleaned))
    )
    month_day = None
    if day is None and _HAS_MONTH.search(cleaned):
        month_day = month_and_day(cleaned, dayfirst=dayfirst)
    return Moment(
        day,
        clock if has_clock else None,
        zone,
        rest,
        raw,
        month_day,
        span,
        bool(_MERIDIEM.search(cleaned)),
    )


def unknown_moment(text: str, *, dayfirst: bool = False) -> Moment | None:
    """Return the moment of a line that starts with a placeholder clock (``--:--``, ``2X:XX``).

    The day is read when one is written before it (``2019-12-03 --:--``); the
    clock stays unknown and ``unknown`` keeps it as written. A real clock
    (``10:15``) gives None: :func:`leading_moment` reads it.
    """
    if not _UNKNOWN_SIGN.search(text, 0, 120):
        return None  # no placeholder next to a colon: most entries end here
    match = _UNKNOWN.match(text.strip())
    if not match or not re.search(r"[Xx?-]", match["clock"].split(" ")[0]):
        return None
    day = _day_of(match["date"], dayfirst) if match["date"] else None
    if match["date"] and day is None:
        return None
    return Moment(
        day if isinstance(day, date) else None,
        None,
        None,
        match["rest"].strip(),
        text.strip()[: match.end("clock")],
        day if isinstance(day, tuple) else None,
        unknown=match["clock"],
    )


def opening_clock(text: str) -> tuple[time, tzinfo | None] | None:
    """Return the clock and zone an entry's text opens with (``At 12:50:07 UTC, ...``).

    The zone must be written: a bare number early in prose is no time of day.
    """
    match = _TEXT_CLOCK.match(text.strip())
    if not match:
        return None
    try:
        _, clock, zone = parse_when(f"{match['clock']} {match['zone']}")
    except ValueFormatError:
        return None
    return clock, zone


def _with_meridiem(start: str, end: str, marker: str) -> str:
    """Give a range's start the end's AM or PM, or the other one when that puts it after the end."""
    same = f"{start} {marker}m"
    try:
        first, last = parse_when(same)[1], parse_when(end)[1]
    except ValueFormatError:
        return start
    if first <= last:
        return same
    return f"{start} {'p' if marker.lower() == 'a' else 'a'}m"


def date_heading(text: str, *, dayfirst: bool = False) -> Day | None:
    """Return the day when ``text`` is only a date (a day heading in a timeline).

    A date without its year comes back as ``(month, day)``. A trailing zone
    statement such as ``(All times CEST)`` is allowed; read it with
    :func:`~afteraction.document.zones.stated_zone`.
    """
    match = _DATE_ONLY.match(text.strip())
    return _day_of(match[1], dayfirst) if match else None


def first_date_line(text: str, *, dayfirst: bool = False) -> date | None:
    """Return the first full date ``text`` writes on a line of its own (``2015-10-21``)."""
    for found in _DATE_LINE.finditer(text):
        day = _day_of(found[1], dayfirst)
        if isinstance(day, date):
            return day
    return None


def _day_of(written: str, dayfirst: bool) -> Day | None:
    """Return the day a date is written as: a full date, else its month and day."""
    try:
        day = parse_date(written, dayfirst=dayfirst)
    except ValueFormatError:
        return None
    if not re.search(r"\d{4}", written):
        return (day.month, day.day)
    return day


def place_day(day: Day, ref: date | None) -> date | None:
    """Return the full date of ``day``, taking a missing year from ``ref`` (nearest wins)."""
    if isinstance(day, date):
        return day
    if ref is None:
        return None
    month, number = day
    candidates = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidates.append(date(year, month, number))
        except ValueError:
            continue
    return min(candidates, key=lambda c: abs((c - ref).days), default=None)


# A numeric date with its year last ("29-09-2021"). The first digit is matched
# before the look back (no word character before it), so the engine skips
# ahead to digits instead of trying a ``\b`` at every position of a document.
_NUMERIC_DATE = re.compile(r"([0-9](?<!\w[0-9])[0-9]?)[-/.]([0-9]{1,2})[-/.][0-9]{4}\b")


def guess_dayfirst(text: str) -> bool:
    """Say whether the numeric dates of ``text`` are written day first (``29-09-2021``)."""
    for found in _NUMERIC_DATE.finditer(text):
        first, second = found.groups()
        if int(first) > 12 >= int(second):
            return True
        if int(second) > 12 >= int(first):
            return False
    return False
