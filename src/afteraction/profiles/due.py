"""When an action item is due, and when it is overdue: one definition for every command.

A written due date wins; without one, a default per priority or horizon
(the settings', else the profile's). An open item is overdue once more than
the grace days have passed since it was due. ``aar lint`` (AAR205), ``aar
actions``, ``aar digest`` and ``aar report`` all ask :meth:`DuePolicy.overdue`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from afteraction.errors import UsageError
from afteraction.model import ActionItem
from afteraction.profiles import Profile
from afteraction.spans import parse_span


def policy_span(text: str, setting: str) -> timedelta:
    """Read a span given in the settings, failing with the setting's name."""
    try:
        return parse_span(text)
    except ValueError as exc:
        raise UsageError(str(exc), field=setting) from None


@dataclass(frozen=True)
class DuePolicy:
    """Default due spans, counted from the incident's date, and how soon is "soon".

    ``spans`` come from the settings (``[actions.due]``, keyed by priority or
    horizon name); else the profile's ``priority_due`` (P0 within 24 hours
    ...) and its horizons' ``within`` (immediate < 24 hours, short-term < 1
    week ...), which the profile checked when it was loaded. A written due
    date always wins. ``grace_days`` is the slack before an item counts as
    overdue (``[actions] grace_days``).
    """

    spans: Mapping[str, timedelta] = field(default_factory=dict)
    soon: timedelta = timedelta(days=7)
    grace_days: int = 0

    @classmethod
    def from_settings(
        cls, due: Mapping[str, str], soon: str = "7d", grace_days: int = 0
    ) -> DuePolicy:
        """Build a policy from settings: spans keyed by priority or horizon name."""
        spans = {name: policy_span(text, f"actions.due.{name}") for name, text in due.items()}
        return cls(spans=spans, soon=policy_span(soon, "actions.soon"), grace_days=grace_days)

    def due_date(self, item: ActionItem, profile: Profile, start: date | None) -> date | None:
        """Return when ``item`` is due: as written, else by policy from ``start``."""
        return item.due or self.due(item, profile, start)

    def days_late(self, due: date | None, today: date) -> int:
        """Return how many days past ``due`` (and the grace) ``today`` is; 0 when not late."""
        if due is None:
            return 0
        late = (today - due).days
        return late if late > self.grace_days else 0

    def overdue(self, item: ActionItem, due: date | None, today: date) -> bool:
        """Say whether ``item``, due on ``due``, is open and late beyond the grace days."""
        return not item.closed and self.days_late(due, today) > 0

    def due(self, item: ActionItem, profile: Profile, start: date | None) -> date | None:
        """Return when an item is due by policy (None without a start or a rule for it)."""
        if start is None:
            return None
        span = self._span(item, profile)
        return None if span is None else start + timedelta(days=max(1, span.days))

    def _span(self, item: ActionItem, profile: Profile) -> timedelta | None:
        for name in (item.priority, item.horizon):
            if name is not None and name in self.spans:
                return self.spans[name]
        written = profile.priority_due.get(item.priority or "")
        if written is not None:
            return parse_span(written)
        horizon = next((h for h in profile.horizons if h.name == item.horizon), None)
        if horizon is not None and horizon.within:
            return parse_span(horizon.within)
        return None
