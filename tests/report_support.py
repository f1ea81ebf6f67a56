"""A generated set of incidents whose true figures are known, for the report tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from afteraction.document.loaded import Document as Postmortem
from afteraction.model import ActionItem, Factor, Incident, KeyTimes, RelatedIncident
from afteraction.profiles import Profile

TODAY = date(2026, 11, 20)
# (day, severity, minutes to detect, acknowledge, mitigate, resolve, category, related)
SPEC = [
    (date(2026, 8, 3), "SEV1", 2, 5, 30, 90, "Configuration", None),
    (date(2026, 8, 17), "SEV2", 4, 10, 40, 120, "Capacity", None),
    (date(2026, 9, 2), "SEV1", 6, 9, 20, 60, "Configuration", None),  # recurs: category
    (date(2026, 10, 5), "SEV3", 8, 20, 60, 240, None, "INC-20260817-001"),  # recurs: related
    (date(2026, 11, 2), "SEV2", 10, 15, 45, 150, "Dependencies", None),
]
FACTORS = [
    "Deploy pipeline pushed an unreviewed change",  # Change management
    "No alert on the rejection rate",  # Monitoring and alerting
    "[Capacity] The pool ran out of connections",  # stated
]
# (incident index, state, due offset from TODAY in days)
ITEMS = [
    (0, "done", -60),
    (0, "done", -50),
    (1, "open", -10),  # overdue
    (1, "cancelled", -5),
    (2, "in_progress", 3),
    (3, "open", 30),
    (4, "done", 10),
    (4, "open", -1),  # overdue
]


def incident_id(day: date) -> str:
    return f"INC-{day:%Y%m%d}-001"


def incidents(profile: Profile) -> list[Postmortem]:
    """Return the generated postmortems (in memory) with the default profile."""
    made = []
    for index, (day, severity, ttd, tta, ttm, ttr, category, related) in enumerate(SPEC):
        start = datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)
        record = Incident(
            id=incident_id(day),
            title=f"Incident {index}",
            profile=profile.name,
            severity=severity,
            times=KeyTimes(
                started=start,
                detected=start + timedelta(minutes=ttd),
                acknowledged=start + timedelta(minutes=tta),
                mitigated=start + timedelta(minutes=ttm),
                resolved=start + timedelta(minutes=ttr),
            ),
            fields={"category": category} if category else {},
            related=[RelatedIncident(id=related)] if related else [],
            contributing_factors=[Factor(title=FACTORS[index % len(FACTORS)])],
            action_items=[
                ActionItem(
                    id=str(number),
                    title=f"Item {number} of incident {index}",
                    owner="sam",
                    status=state,
                    due=TODAY + timedelta(days=offset),
                )
                for number, (_, state, offset) in enumerate((i for i in ITEMS if i[0] == index), 1)
            ],
        )
        made.append(Postmortem(Path(f"{record.id}.md"), record, profile))
    return made


def quantile(values: list[float], q: float) -> float:
    """The linear-interpolation quantile, written out independently of the code under test."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
