"""Write and read single values: dates, times in the document's zone, money, yes/no."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from afteraction.document.datewords import read_written
from afteraction.document.zones import ABBREVIATIONS, resolve_zone
from afteraction.model import Money

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?::?(?P<m>\d{2}))(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$"
)
# Every pattern here runs in linear time on any text: (?<!\s) tries a space run from its
# start only, and no two neighbouring quantifiers can take the same characters.
_ZONE_TAIL = re.compile(
    r"(?<!\s)\s*\(?\b(?P<zone>(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?|[A-Z]{2,5})\)?\s*$"
)
_MONEY = re.compile(
    r"^(?P<pre>[A-Z]{3}|[$€£¥])?\s*(?P<num>-?(?:\d[\d,]*(?:\.\d+)?|\.\d+))"
    r"(?:\s*(?P<mult>[kKmM](?:illion)?))?(?:\s*(?P<post>[A-Z]{3}))?$"
)
MAX_DIGITS = 18
"""The most digits a whole number (or an amount's whole part) in a document may have."""
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}


class ValueFormatError(ValueError):
    """A value does not read as the format its field declares."""


MIN_YEAR, MAX_YEAR = 1900, 2999
"""The years a date in a postmortem may have; others are typing slips (and 9999 overflows)."""
_SHOWN = 40
MAX_WHEN_CHARS = 80


def _shown(text: str) -> str:
    """Return a value short enough to quote in a one-line message."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _in_range(day: date, text: str) -> date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueFormatError(f"'{_shown(text)}' is not a date in years {MIN_YEAR} to {MAX_YEAR}")
    return day


def _dateutil(text: str, *, dayfirst: bool, default: datetime) -> datetime:
    """Parse with dateutil; a zone word it does not know means this is not a time.

    dateutil takes tens of microseconds a word, so text longer than any
    written date is refused before it is read.
    """
    if len(text) > MAX_WHEN_CHARS:
        raise ValueError(f"longer than the {MAX_WHEN_CHARS} characters of any written time")
    written = read_written(text, default)
    if written is not None:
        return written
    from dateutil import parser as dateparser  # only for what the written forms do not read

    with warnings.catch_warnings():
        warnings.simplefilter("error", dateparser.UnknownTimezoneWarning)
        try:
            return dateparser.parse(text, dayfirst=dayfirst, default=default)
        except dateparser.UnknownTimezoneWarning:
            raise ValueError(f"unknown zone in '{text}'") from None


def format_clock(value: datetime) -> str:
    """Return ``HH:MM``, or ``HH:MM:SS`` when the seconds are not zero."""
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def format_time(value: datetime, zone: tzinfo, ref: date | None) -> str:
    """Write a time in ``zone``: just the clock on the reference date, else date and clock."""
    local = value.astimezone(zone)
    if ref is not None and local.date() == ref:
        return format_clock(local)
    return f"{local.date().isoformat()} {format_clock(local)}"


def format_datetime(value: datetime, zone: tzinfo) -> str:
    """Write ``YYYY-MM-DD HH:MM`` in ``zone``."""
    local = value.astimezone(zone)
    return f"{local.date().isoformat()} {format_clock(local)}"


def parse_date(text: str, *, dayfirst: bool = False) -> date:
    """Read a date: ISO first, then the common written forms (``Jan 14, 2026``)."""
    text = text.strip().strip("*").strip()
    match = _ISO_DATE.match(text)
    if match:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise ValueFormatError(f"'{_shown(text)}' is not a real date ({exc})") from None
        return _in_range(day, text)
    try:
        parsed = _dateutil(text, dayfirst=dayfirst, default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):
        raise ValueFormatError(f"'{_shown(text)}' is not a date (expected YYYY-MM-DD)") from None
    return _in_range(parsed, text)


def split_zone(text: str) -> tuple[str, tzinfo | None]:
    """Strip a trailing zone word (``UTC``, ``CET``, ``+02:00``) and return it."""
    match = _ZONE_TAIL.search(text)
    if match and (match["zone"] in ABBREVIATIONS or match["zone"][:3] in ("UTC", "GMT")):
        return text[: match.start()].strip(), _zone(match["zone"], text)
    offset = re.search(r"(Z|[+-]\d{2}:?\d{2})$", text)
    if offset and re.search(r"\d[T ]?\d{1,2}:\d{2}", text):
        return text[: offset.start()].strip(), _zone(offset[1].replace("Z", "UTC"), text)
    return text, None


def _zone(name: str, text: str) -> tzinfo:
    """Return the zone a time names, or fail on the time when there is no such zone."""
    try:
        return resolve_zone(name)
    except ValueError as exc:
        raise ValueFormatError(f"'{text}': {exc}") from None


def parse_clock(text: str) -> time:
    """Read ``HH:MM``, ``HH:MM:SS``, ``HHMM`` or ``h:mm AM``."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueFormatError(f"'{_shown(text)}' is not a time of day (expected HH:MM)")
    hour, minute = int(match["h"]), int(match["m"])
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueFormatError(f"'{_shown(text)}' has an hour that is not on a 12-hour clock")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueFormatError(f"'{_shown(text)}' is not a real time of day")
    return time(hour, minute, int(match["s"] or 0))


def parse_when(text: str, *, dayfirst: bool = False) -> tuple[date | None, time, tzinfo | None]:
    """Read a moment written as a time, or a date and time, with an optional zone."""
    body, zone = split_zone(text.strip().strip("*").strip())
    body = body.rstrip(":").strip()
    try:
        return None, parse_clock(body), zone
    except ValueFormatError:
        pass
    if _ISO_DATE.match(body):
        return parse_date(body), time(0, 0), zone
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]+(.+)$", body)
    if iso:
        return parse_date(iso[1]), parse_clock(iso[2]), zone
    try:
        parsed = _dateutil(body, dayfirst=dayfirst, default=datetime(1, 1, 1))
    except (ValueError, OverflowError):
        raise ValueFormatError(
            f"'{_shown(text)}' is not a time (expected HH:MM or YYYY-MM-DD HH:MM)"
        ) from None
    if parsed.tzinfo is not None and zone is None:
        zone = parsed.tzinfo
    day = _in_range(parsed.date(), text) if parsed.year > 1 else None
    return day, parsed.time().replace(tzinfo=None, microsecond=0), zone


def month_and_day(text: str, *, dayfirst: bool = False) -> tuple[int, int] | None:
    """Return the month and day of a moment written without its year (``Jan 14, 10:18``)."""
    body, _ = split_zone(text.strip().strip("*").strip())
    try:
        parsed = _dateutil(body, dayfirst=dayfirst, default=datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    return (parsed.month, parsed.day) if parsed.year == 1 else None


def combine(day: date, clock: time, zone: tzinfo) -> datetime:
    """Return the aware datetime for a local date and clock in ``zone``."""
    return datetime.combine(day, clock, tzinfo=zone)


def next_day(value: datetime) -> datetime:
    """Return the same local clock one day later."""
    return value + timedelta(days=1)


def format_money(value: Money) -> str:
    """Write ``$1,234.50`` for dollars, else ``1,234.50 EUR``."""
    amount = f"{value.amount:,}"
    return f"${amount}" if value.currency == "USD" else f"{amount} {value.currency}"


def parse_money(text: str) -> Money:
    """Read ``$1,234``, ``1234.5 EUR``, ``EUR 12``, ``€3k``."""
    match = _MONEY.match(text.strip())
    if not match:
        raise ValueFormatError(
            f"'{_shown(text)}' is not an amount of money (expected e.g. $1,200 or 1200 EUR)"
        )
    whole = match["num"].lstrip("-").split(".")[0].replace(",", "").lstrip("0")
    if len(whole) > MAX_DIGITS:  # Decimal overflows its context past a million digits
        raise ValueFormatError(f"'{_shown(text)}' has more than {MAX_DIGITS} digits")
    pre = (match["pre"] or "").strip()
    currency = _SYMBOLS.get(pre, pre) or match["post"] or "USD"
    try:
        amount = Decimal(match["num"].replace(",", ""))
    except InvalidOperation:
        raise ValueFormatError(f"'{_shown(text)}' is not a number") from None
    mult = (match["mult"] or "").lower()[:1]
    amount *= {"k": 1000, "m": 1_000_000}.get(mult, 1)
    return Money(amount=amount, currency=currency)


def parse_int(text: str) -> int:
    """Read a whole number, allowing thousands separators."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueFormatError(f"'{_shown(text)}' is not a whole number")
    if len(cleaned.lstrip("-").lstrip("0")) > MAX_DIGITS:
        raise ValueFormatError(f"'{_shown(text)}' has more than {MAX_DIGITS} digits")
    return int(cleaned)


def parse_bool(text: str, choices: list[str] | None) -> bool:
    """Read yes/no using the field's two words (the first means True)."""
    yes, no = (choices or ["Yes", "No"])[:2]
    word = text.strip().strip("*").strip().lower()
    if word in (yes.lower(), "yes", "y", "true", "x", "[x]", "✅"):
        return True
    if word in (no.lower(), "no", "n", "false", "[ ]"):
        return False
    raise ValueFormatError(f"'{_shown(text)}' is neither {yes} nor {no}")


def format_bool(value: bool, choices: list[str] | None) -> str:
    """Write a yes/no with the field's words."""
    yes, no = (choices or ["Yes", "No"])[:2]
    return yes if value else no
