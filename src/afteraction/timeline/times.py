"""Read the times sources write, into aware UTC times.

ISO 8601 and RFC 3339 (nanoseconds too), epoch numbers and the common log
layouts; naive times take the zone given for their source.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateutil_parser

from afteraction.document.values import MAX_WHEN_CHARS, MAX_YEAR, MIN_YEAR
from afteraction.document.zones import resolve_zone

# Digits after the seconds beyond microseconds (Go and Alertmanager write nanoseconds).
_FRACTION = re.compile(r"(\.\d{6})\d+")
_SLASHED = re.compile(r"^(\d{4})/(\d{2})/(\d{2})")
# An epoch number's magnitude says its unit: seconds, milliseconds, microseconds, nanoseconds.
_EPOCH_UNITS = ((1e11, 1), (1e14, 1e3), (1e17, 1e6), (float("inf"), 1e9))
_GO_ZERO = "0001-01-01T00:00:00Z"


def from_epoch(value: float) -> datetime:
    """Return the UTC time of an epoch number in seconds, ms, us or ns (told by its size)."""
    for limit, per_second in _EPOCH_UNITS:
        if abs(value) < limit:
            try:
                return datetime.fromtimestamp(value / per_second, UTC)
            except (OverflowError, OSError, ValueError):
                raise ValueError(f"not a time: {value!r} is out of range") from None
    raise ValueError(value)  # pragma: no cover - the last limit is infinite


def parse_time(value: object, zone: tzinfo | None = None) -> datetime | None:
    """Return an aware UTC time, or None for an empty or zero time (Go's ``0001-01-01``).

    Strings are read as ISO 8601 / RFC 3339 first, then by dateutil (which
    knows most log layouts); numbers, and strings of digits, as epoch times.
    A time with no zone takes ``zone`` (UTC when None). Raises ValueError
    for a value that is not a time.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        return from_epoch(float(value))
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    text = value.strip()
    if not text or text.startswith(_GO_ZERO[:10]):
        return None
    if text.replace(".", "", 1).isdigit():
        return from_epoch(float(text))
    parsed = aware(_iso(text) or _dateutil(text), zone)
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(f"not a time: year {parsed.year} is not {MIN_YEAR} to {MAX_YEAR}")
    return parsed


def _dateutil(text: str) -> datetime:
    """Parse a time in any common layout; zone words (PDT, CET) as documents read them.

    A zone word nobody knows makes it no time at all, never a time in UTC.
    """
    if len(text) > MAX_WHEN_CHARS:  # dateutil is slow on long text, and no time is this long
        raise ValueError(f"not a time: {len(text)} characters")
    with warnings.catch_warnings():
        warnings.simplefilter("error", dateutil_parser.UnknownTimezoneWarning)
        try:
            return dateutil_parser.parse(text, tzinfos=_zone_word)
        except (ValueError, OverflowError, dateutil_parser.UnknownTimezoneWarning):
            raise ValueError(f"not a time: {text!r}") from None


def _zone_word(name: str | None, offset: int | None) -> tzinfo | None:
    """Return the zone dateutil found for ``tzinfos``: a word (PDT, CET) or an offset.

    A word no zone table knows raises ValueError: the text is then no time.
    """
    if name is None:
        return timezone(timedelta(seconds=offset)) if offset is not None else None
    return resolve_zone(name)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    candidate = _SLASHED.sub(r"\1-\2-\3", _FRACTION.sub(r"\1", text))
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def aware(value: datetime, zone: tzinfo | None) -> datetime:
    """Attach ``zone`` (UTC when None) to a naive time, then convert to UTC.

    Raises ValueError for a time UTC cannot hold (year 9999 west of Greenwich).
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, OSError):
        raise ValueError(f"not a time: {value.isoformat()} is out of range") from None
