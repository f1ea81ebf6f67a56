"""Time-zone names as postmortems write them: IANA names, offsets and abbreviations."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from afteraction.document.lazy import LazyPattern

# Abbreviations are ambiguous in general; these are the readings postmortems mean.
ABBREVIATIONS: dict[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "CET": 1,
    "CEST": 2,
    "WET": 0,
    "WEST": 1,
    "EET": 2,
    "EEST": 3,
    "BST": 1,
    "IST": 5.5,
    "JST": 9,
    "KST": 9,
    "SGT": 8,
    "AEST": 10,
    "AEDT": 11,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "COT": -5,
    "BRT": -3,
    "ART": -3,
}
# Names that mean a region's civil time, summer time included.
REGIONS: dict[str, str] = {
    "PST/PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "PACIFIC": "America/Los_Angeles",
    "MST/MDT": "America/Denver",
    "CST/CDT": "America/Chicago",
    "EST/EDT": "America/New_York",
    "ET": "America/New_York",
    "EASTERN": "America/New_York",
    "CET/CEST": "Europe/Paris",
    "GMT/BST": "Europe/London",
}
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s?([+-])(\d{1,2})(?::?(\d{2}))?$")


def resolve_zone(name: str) -> tzinfo:
    """Return the zone for an IANA name, ``UTC+2``/``-05:00`` offset or abbreviation."""
    text = name.strip()
    upper = text.upper()
    if upper in REGIONS:
        return ZoneInfo(REGIONS[upper])
    if upper in ABBREVIATIONS:
        hours = ABBREVIATIONS[upper]
        return timezone(timedelta(hours=hours), upper) if hours else UTC
    match = _OFFSET.match(upper)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        if delta > timedelta(hours=14) or int(match.group(3) or 0) > 59:
            raise ValueError(f"unknown time zone '{name}' (offsets run from -12:00 to +14:00)")
        return timezone(sign * delta)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}'") from None


# Offsets first: "UTC+14" is an offset, not "UTC" followed by a number.
ZONE_WORD = (
    r"(?:(?:UTC|GMT)\s?[+-](?:1[0-4]|0?\d)(?::?[0-5]\d)?(?!\d)|[+-]\d{2}:?\d{2}"
    r"|UTC|GMT|Z|[A-Z]{2,4}T|IST)"
)
# An IANA name ("US/Pacific", "America/New_York"), checked against the zone database.
_IANA = r"[A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?"
_REGION_WORD = r"(?:[A-Z]{2,4}T/[A-Z]{2,4}T|PT|ET|Pacific|Eastern)"
# A zone word ends where letters, digits and offsets end ("_All times in EEST_", "UTC+14.").
_END = r"(?![A-Za-z0-9+:/])"
_WORD = "(" + _IANA + "|" + ZONE_WORD + "|" + _REGION_WORD + ")" + _END
# These patterns scan whole documents. Each starts with a plain character
# that is not a word's middle ("[Tt](?<!\w.)" is a "t" no letter comes
# before) and leaves case-insensitive matching to the words after it: a
# leading ``\b`` or a case-insensitive first letter makes the engine try
# every position, three to four times slower.
_STATED = re.compile(
    r"[Tt](?<!\w.)(?i:imes?)\s+(?i:(?:are\s+)?(?:(?:in|are)\s+)?(?:the\s+)?" + _WORD + ")"
)
_PAREN = re.compile(
    r"\((?:all times\s+(?:in\s+)?)?"
    + _WORD
    + r"\)|i(?<!\w.)n\s+\[?"
    + _WORD.replace("(", "(?P<w>", 1)
)
_ALL_TIMES = LazyPattern(  # compiled when first needed
    r"[Aa](?<!\w.)(?i:ll)\s+(?i:times\s+(?:are\s+)?(?:(?:in|are)\s+)?(?:the\s+)?" + _WORD + ")"
)


def document_zone(text: str) -> str | None:
    """Find the first "All times ..." statement of a whole document ("All times are in PST")."""
    for stated in _ALL_TIMES.finditer(text):
        if _known(stated.group(1)):
            return _spelled(stated.group(1))
    return None


# "All" before a "times ..." statement makes it the whole document's.
_ALL_BEFORE = re.compile(r"(?<![\w])[Aa][Ll][Ll]\s+$")


def document_zones(text: str) -> tuple[str | None, str | None]:
    """Return a whole document's "All times ..." zone, else the first zone it states.

    One pass for both: (:func:`document_zone`, None) when the document has an
    "All times" statement, else (None, :func:`stated_zone`).
    """
    first = None
    for stated in _STATED.finditer(text):
        word = stated.group(1)
        if not _known(word):
            continue
        first = first or _spelled(word)
        start = stated.start()
        if stated.group(0)[4:5] in "sS" and _ALL_BEFORE.search(text, max(0, start - 40), start):
            return _spelled(word), None
    return None, first or _paren_zone(text)


def stated_zone(text: str) -> str | None:
    """Find a stated zone such as "All times in UTC", "Timeline (CET)" or "All times US/Pacific"."""
    for stated in _STATED.finditer(text):
        if _known(stated.group(1)):
            return _spelled(stated.group(1))
    return _paren_zone(text)


def _paren_zone(text: str) -> str | None:
    """Find a zone stated in parentheses ("Timeline (CET)") or after "in" ("in UTC")."""
    for match in _PAREN.finditer(text):
        word = match.group(1) or match.group("w")
        if word and _known(word):
            return _spelled(word)
    return None


def _spelled(word: str) -> str:
    """Return a stated zone as :func:`resolve_zone` reads it (IANA names keep their case)."""
    return word if "/" in word and word.upper() not in REGIONS else word.upper()


def _known(word: str) -> bool:
    """Say whether a stated word names a zone: an abbreviation, region, offset or IANA name."""
    upper = word.upper()
    if upper in ABBREVIATIONS or upper in REGIONS:
        return True
    if word[0] in "+-" or _OFFSET.match(upper) or "/" in word:
        try:
            resolve_zone(word)
        except ValueError:
            return False
        return True
    return False
