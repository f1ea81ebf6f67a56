"""Key times out of order: a later moment written before an earlier one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from afteraction.model.record import KEY_TIMES, KeyTimes


@dataclass(frozen=True)
class OutOfOrder:
    """A key time that comes before one it should follow (``detected`` before ``started``)."""

    name: str
    time: datetime
    before: str
    before_time: datetime

    def __str__(self) -> str:
        def when(value: datetime) -> str:
            return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

        return (
            f"times.{self.name}: {self.name} ({when(self.time)}) is before"
            f" {self.before} ({when(self.before_time)}): key times out of order"
        )


def out_of_order(times: KeyTimes) -> list[OutOfOrder]:
    """Return each key time earlier than the latest key time that should come before it.

    The order is started, detected, acknowledged, mitigated, resolved, closed;
    a missing time is skipped.
    """
    found: list[OutOfOrder] = []
    latest: tuple[str, datetime] | None = None
    for name in KEY_TIMES:
        value: datetime | None = getattr(times, name)
        if value is None:
            continue
        if latest is not None and value < latest[1]:
            found.append(OutOfOrder(name, value, *latest))
        else:
            latest = (name, value)
    return found
