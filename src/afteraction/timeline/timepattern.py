"""Read log times by a strptime-style pattern (``%Y-%m-%d %H:%M:%S,%f``), fast.

The pattern is compiled once into a regular expression with a group per
field, so reading a time costs one match and a few ``int()`` calls (about
a quarter of ``datetime.strptime``), and the match says where the time
ends in a line.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from afteraction.document.zones import resolve_zone
from afteraction.errors import AfteractionError, UsageError
from afteraction.timeline.loglines import Years
from afteraction.timeline.times import aware

_DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d\d)",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "e": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d\d)",
    "S": r"(?P<S>\d\d)",
    "f": r"(?P<f>\d{1,9})",
    "p": r"(?P<p>[AaPp]\.?[Mm]\.?)",
    "b": r"(?P<b>[A-Za-z]{3})",
    "h": r"(?P<b>[A-Za-z]{3})",
    "B": r"(?P<b>[A-Za-z]{3,9})",
    "a": r"[A-Za-z]{3}",
    "A": r"[A-Za-z]{6,9}",
    "z": r"(?P<z>Z|[+-]\d\d(?::?\d\d)?)",
    "Z": r"(?P<Z>[A-Za-z][A-Za-z0-9/_+-]*)",
    "s": r"(?P<s>\d+(?:\.\d+)?)",
    "%": "%",
}
_SHORTHANDS = {"%T": "%H:%M:%S", "%F": "%Y-%m-%d", "%D": "%m/%d/%y", "%R": "%H:%M"}
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_OFFSETS: dict[str, tzinfo] = {"Z": UTC}
# Zone names as logs write them: abbreviations and offsets in any case ("cet", "Utc+1").
_NAMED_KEPT = 256


def offset_zone(text: str) -> tzinfo:
    """Return the zone of an offset as logs write it: ``Z``, ``+01:00``, ``-0500`` or ``+01``."""
    zone = _OFFSETS.get(text)
    if zone is None:
        digits = text[1:].replace(":", "").ljust(4, "0")
        minutes = int(digits[:2]) * 60 + int(digits[2:4])
        zone = timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))
        _OFFSETS[text] = zone
    return zone


@lru_cache(maxsize=_NAMED_KEPT)
def named_zone(name: str) -> tzinfo:
    """Return the zone of a name or abbreviation (``UTC``, ``CET``, ``Europe/Paris``)."""
    try:
        return resolve_zone(name)
    except AfteractionError:
        raise ValueError(f"unknown time zone '{name}'") from None


def _regex(pattern: str, field: str) -> str:
    for shorthand, spelled in _SHORTHANDS.items():
        pattern = pattern.replace(shorthand, spelled)
    parts = []
    for index, piece in enumerate(re.split(r"(%.?)", pattern)):
        if index % 2 == 0:
            parts.append(re.sub(r"(\\ )+", r"\\s+", re.escape(piece)))
            continue
        directive = _DIRECTIVES.get(piece[1:])
        if directive is None:
            known = " ".join(f"%{d}" for d in [*_DIRECTIVES, "T", "F", "D", "R"])
            raise UsageError(f"'{piece}' in '{pattern}' is not one of {known}", field=field)
        parts.append(directive)
    return "".join(parts)


class TimePattern:
    """A strptime-style time pattern, compiled for reading many times fast.

    Knows ``%Y %y %m %d %e %H %I %M %S %f %p %b %h %B %a %A %z %Z %s %%``
    and the shorthands ``%T %F %D %R``. A space matches any run of spaces.
    Without ``%Y``/``%y`` the year comes from :class:`Years`.
    """

    def __init__(self, pattern: str, field: str) -> None:
        try:
            self.regex = re.compile(_regex(pattern, field))
        except re.error as exc:
            raise UsageError(f"pattern '{pattern}' repeats a field ({exc})", field=field) from None
        names = self.regex.groupindex
        dated = "s" in names or ("d" in names and ("m" in names or "b" in names))
        if not dated:
            raise UsageError(
                f"pattern '{pattern}' has no date (a day with a month: %d with %m or %b) nor %s",
                field=field,
            )
        self.pattern = pattern
        self.zoned = "z" in names or "Z" in names or "s" in names

    def match(self, text: str) -> re.Match[str] | None:
        """Return the match of the pattern at the start of ``text``, or None."""
        return self.regex.match(text)

    def time(self, match: re.Match[str], zone: tzinfo | None, years: Years | None) -> datetime:
        """Return the UTC time a match holds; naive times take ``zone`` (UTC when None).

        Raises ValueError for a time that does not exist (month 13, Feb 30).
        """
        found = match.groupdict()
        if found.get("s"):
            return datetime.fromtimestamp(float(found["s"]), UTC)
        month = int(found["m"]) if found.get("m") else _month(found["b"])
        day = int(found["d"])
        moment = datetime(
            _year(found, month, day, years),
            month,
            day,
            _hour(found),
            int(found.get("M") or 0),
            int(found.get("S") or 0),
            int(found["f"][:6].ljust(6, "0")) if found.get("f") else 0,
        )
        if found.get("z"):
            return aware(moment, offset_zone(found["z"]))
        if found.get("Z"):
            return aware(moment, named_zone(found["Z"]))
        return aware(moment, zone)


def _month(name: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None:
        raise ValueError(f"'{name}' is not a month")
    return month


def _year(found: dict[str, str], month: int, day: int, years: Years | None) -> int:
    if found.get("Y"):
        return int(found["Y"])
    if found.get("y"):
        short = int(found["y"])
        return short + (2000 if short < 69 else 1900)  # POSIX: 69-99 are the 1900s
    if years is None:
        raise ValueError("the pattern has no year")
    return years.of(month, day)


def _hour(found: dict[str, str]) -> int:
    if found.get("H"):
        return int(found["H"])
    if not found.get("I"):
        return 0
    hour = int(found["I"]) % 12
    return hour + 12 if found.get("p", "a")[:1].lower() == "p" else hour
