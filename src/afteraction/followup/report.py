"""Incident trends over a set of postmortems: counts, response times, follow-through, recurrence.

Library functions over records, so a server can run the same code on its
database. Times are medians and 90th percentiles (linear interpolation
between the closest ranks), never means alone; a figure with no data is None.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from afteraction.document.loaded import Document
from afteraction.errors import UsageError
from afteraction.followup.choices import GROUPINGS, TIMES
from afteraction.followup.factors import factor_category
from afteraction.followup.items import ItemRow, action_rows
from afteraction.model import CLOSED_STATES, Metrics, compute_metrics
from afteraction.profiles.due import DuePolicy

UNKNOWN = "unknown"
TOP_FACTORS = 5


@dataclass(frozen=True)
class Spread:
    """A response time over incidents, in seconds: how many had it, the median and p90."""

    n: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """Return the spread of some durations (seconds)."""
        if not values:
            return cls(0, None, None)
        ordered = sorted(values)
        p90 = (
            ordered[0]
            if len(ordered) == 1
            else statistics.quantiles(ordered, n=10, method="inclusive")[8]
        )
        return cls(len(ordered), statistics.median(ordered), p90)


@dataclass(frozen=True)
class Figures:
    """The figures of one group of incidents (or of all of them)."""

    group: str
    incidents: int
    times: dict[str, Spread]
    actions: int
    actions_done: int
    actions_cancelled: int
    actions_open: int
    actions_overdue: int
    open_age_days: Spread
    recurring: int
    factors: list[tuple[str, int]] = field(default_factory=list)

    @property
    def completion_rate(self) -> float | None:
        """Return done / (all - cancelled), or None when there is no item to do."""
        doable = self.actions - self.actions_cancelled
        return self.actions_done / doable if doable else None

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data with stable names (times in seconds)."""
        return {
            "group": self.group,
            "incidents": self.incidents,
            **{
                name: {"n": s.n, "median": s.median, "p90": s.p90} for name, s in self.times.items()
            },
            "actions": {
                "total": self.actions,
                "done": self.actions_done,
                "cancelled": self.actions_cancelled,
                "open": self.actions_open,
                "overdue": self.actions_overdue,
                "completion_rate": self.completion_rate,
                "open_age_days": {
                    "n": self.open_age_days.n,
                    "median": self.open_age_days.median,
                    "p90": self.open_age_days.p90,
                },
            },
            "recurring": self.recurring,
            "top_factor_categories": [{"category": c, "count": n} for c, n in self.factors],
        }


@dataclass(frozen=True)
class Report:
    """Every figure, overall and per group, as of ``today``."""

    today: date
    since: date | None
    by: str | None
    overall: Figures
    groups: list[Figures]
    monthly: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data with stable names."""
        return {
            "today": self.today.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "by": self.by,
            "overall": self.overall.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "incidents_by_month": [{"month": m, "incidents": n} for m, n in self.monthly],
        }


def incident_day(postmortem: Document) -> date | None:
    """Return the day an incident started (or was detected), when the record says."""
    return postmortem.brief.incident_date()


def group_of(by: str) -> Callable[[Document], str]:
    """Return the function naming the group a postmortem falls in, for a ``--by``."""
    if by not in GROUPINGS:
        raise UsageError(f"cannot group by '{by}' (known: {', '.join(GROUPINGS)})", field="by")

    def grouped(postmortem: Document) -> str:
        record = postmortem.brief
        if by == "severity":
            return record.severity or UNKNOWN
        if by == "month":
            day = incident_day(postmortem)
            return f"{day:%Y-%m}" if day else UNKNOWN
        if by == "profile":
            return postmortem.profile.name
        if by == "component":
            return component_of(postmortem)
        return root_cause_category(postmortem) or UNKNOWN

    return grouped


def component_of(postmortem: Document) -> str:
    """Return the component an incident is about: a component or service field, else systems."""
    record = postmortem.brief
    for name in ("component", "service", "system"):
        value = (record.fields.get(name) or "").strip()
        if value:
            return value
    systems = (record.impact.systems or "").split(",")[0].strip()
    return systems or UNKNOWN


def root_cause_category(postmortem: Document) -> str | None:
    """Return the incident's root-cause category (an Incident Classification field), if any."""
    for name in ("category", "root_cause_category", "classification"):
        value = (postmortem.brief.fields.get(name) or "").strip()
        if value:
            return value
    return None


def build_report(
    postmortems: Iterable[Document],
    today: date,
    *,
    since: date | None = None,
    by: str | None = None,
    policy: DuePolicy | None = None,
) -> Report:
    """Compute every figure over the postmortems (those from ``since`` on), overall and by group."""
    chosen = [
        p
        for p in postmortems
        if since is None or ((day := incident_day(p)) is not None and day >= since)
    ]
    recurring = recurrences(chosen)
    policy = policy or DuePolicy()
    facts = [_Incident.of(p, id(p) in recurring, today, policy) for p in chosen]
    overall = _figures("all", facts)
    groups: list[Figures] = []
    if by is not None:
        name_of = group_of(by)
        members: dict[str, list[_Incident]] = {}
        for postmortem, fact in zip(chosen, facts, strict=True):
            members.setdefault(name_of(postmortem), []).append(fact)
        groups = [_figures(name, members[name]) for name in sorted(members)]
    months = Counter(group_of("month")(p) for p in chosen)
    return Report(today, since, by, overall, groups, sorted(months.items()))


def recurrences(postmortems: Sequence[Document]) -> set[int]:
    """Return the incidents that recur (as ``id()`` of their postmortems).

    An incident recurs when it names an earlier incident of the set as
    related, or shares its root-cause category with an earlier one.
    """
    order = sorted(postmortems, key=lambda p: (incident_day(p) or date.max, p.brief.id or ""))
    seen_ids: set[str] = set()
    seen_categories: set[str] = set()
    recurring: set[int] = set()
    for postmortem in order:
        record = postmortem.brief
        category = (root_cause_category(postmortem) or "").casefold()
        linked = any(r.id in seen_ids for r in record.related)
        if linked or (category and category in seen_categories):
            recurring.add(id(postmortem))
        if record.id:
            seen_ids.add(record.id)
        if category:
            seen_categories.add(category)
    return recurring


@dataclass(frozen=True)
class _Incident:
    """What one incident adds to the figures, worked out once for every group it is in."""

    metrics: Metrics
    rows: list[ItemRow]
    factors: list[str]
    recurring: bool

    @classmethod
    def of(cls, postmortem: Document, recurring: bool, today: date, policy: DuePolicy) -> _Incident:
        record = postmortem.brief
        return cls(
            compute_metrics(record.times),
            list(action_rows([postmortem], policy, today)),
            [factor_category(f) for f in record.contributing_factors],
            recurring,
        )


def _figures(name: str, incidents: list[_Incident]) -> Figures:
    times = {
        label: Spread.of(_seconds(getattr(i.metrics, label) for i in incidents)) for label in TIMES
    }
    rows = [row for i in incidents for row in i.rows]
    open_rows = [r for r in rows if r.state not in CLOSED_STATES]
    factors = Counter(category for i in incidents for category in i.factors)
    return Figures(
        group=name,
        incidents=len(incidents),
        times=times,
        actions=len(rows),
        actions_done=sum(r.state == "done" for r in rows),
        actions_cancelled=sum(r.state == "cancelled" for r in rows),
        actions_open=len(open_rows),
        actions_overdue=sum(r.overdue for r in rows),
        open_age_days=Spread.of([float(r.age_days) for r in open_rows if r.age_days is not None]),
        recurring=sum(i.recurring for i in incidents),
        factors=factors.most_common(TOP_FACTORS),
    )


def _seconds(durations: Iterable[timedelta | None]) -> list[float]:
    """Return the known, non-negative durations in seconds (a negative one is a typo)."""
    return [d.total_seconds() for d in durations if d is not None and d >= timedelta(0)]
