"""When action items are due when the document gives no date: a default per priority or horizon."""

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
    date always wins.
    """

    spans: Mapping[str, timedelta] = field(default_factory=dict)
    soon: timedelta = timedelta(days=7)

    @classmethod
    def from_settings(cls, due: Mapping[str, str], soon: str = "7d") -> DuePolicy:
        """Build a policy from settings: spans keyed by priority or horizon name."""
        spans = {name: policy_span(text, f"actions.due.{name}") for name, text in due.items()}
        return cls(spans=spans, soon=policy_span(soon, "actions.soon"))

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
