"""The stretch of time a timeline covers: ``START..END`` or ``TIME±SPAN``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from afteraction.errors import UsageError
from afteraction.spans import parse_span
from afteraction.timeline.times import parse_time

# (?<!\s): the time ends on a non-space, so a run of spaces is tried once, not per space.
_AROUND = re.compile(r"^(?P<time>.+?)(?<!\s)\s*(?:±|\+-|\+/-)\s*(?P<span>\d[\dhms d]*)$")


@dataclass(frozen=True)
class Window:
    """A half-open interval of UTC times; either end may be open (None)."""

    start: datetime | None = None
    end: datetime | None = None

    def __contains__(self, moment: datetime) -> bool:
        if self.start is not None and moment < self.start:
            return False
        return self.end is None or moment < self.end

    @classmethod
    def parse(cls, text: str, zone: tzinfo, flag: str = "window") -> Window:
        """Read ``START..END`` (either end may be left out); times without a zone take ``zone``."""
        if ".." not in text:
            raise UsageError(f"'{text}' is not START..END", field=flag)
        first, last = (part.strip() for part in text.split("..", 1))
        start = _when(first, zone, flag) if first else None
        end = _when(last, zone, flag) if last else None
        if start and end and end <= start:
            raise UsageError(f"'{text}' ends before it starts", field=flag)
        return cls(start, end)

    @classmethod
    def around(cls, text: str, zone: tzinfo, flag: str = "around") -> Window:
        """Read ``TIME±SPAN`` (or ``TIME+-SPAN``): the span either side of a time."""
        match = _AROUND.match(text.strip())
        if match is None:
            raise UsageError(f"'{text}' is not TIME±SPAN, e.g. '2026-11-03 14:05±30m'", field=flag)
        moment = _when(match["time"], zone, flag)
        try:
            span = parse_span(match["span"])
        except ValueError as exc:
            raise UsageError(str(exc), field=flag) from None
        return cls(moment - span, moment + span)


def _when(text: str, zone: tzinfo, flag: str) -> datetime:
    try:
        moment = parse_time(text, zone)
    except ValueError:
        moment = None
    if moment is None:
        raise UsageError(f"'{text}' is not a date and time", field=flag)
    return moment
