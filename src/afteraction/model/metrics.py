"""Derived figures: durations and response times, computed and never typed twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from afteraction.model.record import KeyTimes


class Metrics(BaseModel):
    """Durations between key times; None where either end is unknown."""

    duration: timedelta | None = None
    time_to_detect: timedelta | None = None
    time_to_acknowledge: timedelta | None = None
    time_to_mitigate: timedelta | None = None
    time_to_resolve: timedelta | None = None


def compute_metrics(times: KeyTimes) -> Metrics:
    """Compute the response figures from the key times.

    Detection, acknowledgement, mitigation and resolution are all measured
    from the impact start, as in the usual TTD/TTA/TTM/TTR definitions; the
    duration runs from impact start to resolution (or mitigation if the
    incident is mitigated but not yet resolved).
    """
    start = times.started

    def since_start(end: datetime | None) -> timedelta | None:
        if start is None or end is None:
            return None
        return end - start

    return Metrics(
        duration=since_start(times.resolved or times.mitigated),
        time_to_detect=since_start(times.detected),
        time_to_acknowledge=since_start(times.acknowledged),
        time_to_mitigate=since_start(times.mitigated),
        time_to_resolve=since_start(times.resolved),
    )


def format_duration(value: timedelta) -> str:
    """Format a duration the way postmortems write it: ``1h 28m``, ``2d 3h``, ``45m``."""
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    if seconds or not parts:
        parts.append(f"{seconds}s")
    return sign + " ".join(parts)
