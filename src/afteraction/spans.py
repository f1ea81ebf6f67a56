"""Spans of time as written in options and profiles: ``30m``, ``1h30m``, ``7d``, ``2w``."""

from __future__ import annotations

import re
from datetime import timedelta

_SPAN = re.compile(
    r"\s*(?:(?P<w>\d+)\s*w)?\s*(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?"
    r"\s*(?:(?P<m>\d+)\s*m)?\s*(?:(?P<s>\d+)\s*s)?\s*",
    re.IGNORECASE,
)


def parse_span(text: str) -> timedelta:
    """Read a span: weeks, days, hours, minutes and seconds, largest first (``1d12h``).

    Raises ValueError for text that is not one.
    """
    match = _SPAN.fullmatch(text)
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"'{text}' is not a span such as 30m, 2h, 1h30m, 7d or 2w")
    weeks, days, hours, minutes, seconds = (int(v or 0) for v in match.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
