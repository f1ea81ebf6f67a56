"""A realistic filled-in incident, written into any profile for ``make run``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from afteraction.document.convert import convert
from afteraction.model import (
    ActionItem,
    Factor,
    Impact,
    Incident,
    KeyTimes,
    Money,
    RelatedIncident,
    SignOff,
    TimelineEvent,
    Why,
)
from afteraction.profiles import Profile
from afteraction.profiles.ids import format_id


def _at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 3, hour, minute, tzinfo=UTC)


# Follow-up reviews a profile schedules, days after the incident.
_REVIEWS = {"review_week": 7, "review_month": 30}


def demo_record(profile: Profile, number: int = 1) -> Incident:
    """Return the demo incident re-homed in ``profile``, as that day's incident ``number``."""
    severity = sorted(profile.severity, key=lambda s: s.rank)[
        min(1, len(profile.severity) - 1)
    ].name
    horizons: list[str | None] = [h.name for h in profile.horizons] or [None]
    categories: list[str | None] = [c.name for c in profile.categories] or [None]
    items = [
        ("Validate risk-limit config before deploy", "maria.lopez", date(2026, 11, 10), "done"),
        (
            "Alert on order-rejection rate per venue",
            "sam.okafor",
            date(2026, 11, 17),
            "in_progress",
        ),
        ("Add the stale-limit case to the drill runbook", "li.wei", date(2026, 12, 3), "open"),
    ]
    record = Incident(
        id=format_id(profile.id_pattern, date(2026, 11, 3), number),
        title="Order gateway rejected orders after a risk-limit push",
        profile=profile.name,
        severity=severity,
        status=profile.statuses[0].name if profile.statuses else None,
        scope=profile.scopes[0] if profile.scopes else None,
        times=KeyTimes(
            started=_at(14, 2),
            detected=_at(14, 9),
            acknowledged=_at(14, 12),
            mitigated=_at(14, 41),
            resolved=_at(15, 30),
        ),
        impact=Impact(users=1200, money=Money(amount=Decimal("18250.00"), currency="USD")),
        summary="A risk-limit configuration push set every venue's notional cap to zero, so the "
        "order gateway rejected new orders for 88 minutes until the previous limits were restored.",
        root_cause="The limits file was generated with an empty venue map and the deploy "
        "pipeline accepted it because it only checked the file's syntax.",
        whys=[
            Why(answer="The gateway read a notional cap of zero for every venue."),
            Why(answer="The generated limits file had an empty venue map."),
            Why(answer="The generator fell back to defaults when the venue service timed out."),
            Why(answer="The fallback was added for local testing and never removed."),
            Why(answer="No check compares a new limits file with the one it replaces."),
        ],
        contributing_factors=[
            Factor(title="Syntax-only validation of the limits file"),
            Factor(title="Rejection-rate alert threshold set above normal peaks"),
        ],
        timeline=[
            TimelineEvent(
                time=_at(13, 58), text="Risk-limit config v412 deployed", actor="deploy-bot"
            ),
            TimelineEvent(
                time=_at(14, 2), text="Order rejections begin on all venues", actor="system"
            ),
            TimelineEvent(time=_at(14, 9), text="Rejection-rate alert fires", actor="monitoring"),
            TimelineEvent(
                time=_at(14, 12), text="On-call acknowledges the page", actor="sam.okafor"
            ),
            TimelineEvent(
                time=_at(14, 41), text="Config v411 restored; rejections stop", actor="maria.lopez"
            ),
            TimelineEvent(
                time=_at(15, 30), text="Reconciliation confirms no stuck orders", actor="li.wei"
            ),
        ],
        action_items=[
            ActionItem(
                id=str(n),
                title=title,
                owner=owner,
                due=due,
                status=status,
                priority=profile.priorities[min(n - 1, len(profile.priorities) - 1)]
                if profile.priorities
                else None,
                horizon=horizons[min(n - 1, len(horizons) - 1)],
                category=categories[min(n - 1, len(categories) - 1)],
            )
            for n, (title, owner, due, status) in enumerate(items, start=1)
        ],
        sign_offs=[
            SignOff(role=role, name="J. Rivera", date=date(2026, 11, 6), approved=True)
            for role in profile.sign_off_roles[:1]
        ],
        related=[
            RelatedIncident(
                id=format_id(profile.id_pattern, date(2026, 9, 14), 2),
                date=date(2026, 9, 14),
                note="Same generator fallback",
            )
        ],
    )
    for spec in profile.sections:
        for name, days in _REVIEWS.items():
            if spec.heading_value and f"fields.{name}" in spec.heading_value:
                record.fields[name] = (date(2026, 11, 3) + timedelta(days=days)).isoformat()
    return convert(record, profile, profile)
