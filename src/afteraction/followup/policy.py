"""When action items are due when the document gives no date: a default per priority or horizon."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from afteraction.errors import UsageError
from afteraction.model import ActionItem
from afteraction.profiles import Profile

_SPAN = re.compile(r"^\s*(\d+)\s*(h|d|w)\s*$", re.IGNORECASE)
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_span(text: str, field_name: str = "due") -> timedelta:
    """Read a policy span: ``24h``, ``7d`` or ``2w``."""
    match = _SPAN.match(text)
    if match is None:
        raise UsageError(f"'{text}' is not a span such as 24h, 7d or 2w", field=field_name)
    return int(match[1]) * _UNIT[match[2].lower()]


@dataclass(frozen=True)
class DuePolicy:
    """Default due spans, counted from the incident's date, and how soon is "soon".

    ``by_priority`` and ``by_horizon`` come from the settings (``[actions.due]``,
    keyed by priority or horizon name); else the profile's ``priority_due``
    (P0 within 24 hours ...) and its horizons' ``within`` (immediate < 24
    hours, short-term < 1 week ...). A written due date always wins.
    """

    by_priority: Mapping[str, timedelta] = field(default_factory=dict)
    by_horizon: Mapping[str, timedelta] = field(default_factory=dict)
    soon: timedelta = timedelta(days=7)

    @classmethod
    def from_settings(cls, due: Mapping[str, str], soon: str = "7d") -> DuePolicy:
        """Build a policy from settings: spans keyed by priority or horizon name."""
        spans = {name: parse_span(text, f"actions.due.{name}") for name, text in due.items()}
        return cls(by_priority=spans, by_horizon=spans, soon=parse_span(soon, "actions.soon"))

    def due(self, item: ActionItem, profile: Profile, start: date | None) -> date | None:
        """Return when an item is due by policy (None without a start or a rule for it)."""
        if start is None:
            return None
        span = self.by_priority.get(item.priority or "") or self.by_horizon.get(item.horizon or "")
        written = profile.priority_due.get(item.priority or "")
        if span is None and written:
            span = parse_span(written, f"{profile.name}.priority_due.{item.priority}")
        if span is None and item.horizon:
            horizon = next((h for h in profile.horizons if h.name == item.horizon), None)
            if horizon is not None and horizon.within:
                span = parse_span(horizon.within, f"{profile.name}.horizons.{horizon.name}")
        if span is None:
            return None
        return start + timedelta(days=max(1, span.days))


class ActionsConfig(BaseModel):
    """The ``[actions]`` settings: default due spans and how soon counts as due soon."""

    model_config = ConfigDict(extra="forbid")

    due: dict[str, str] = Field(
        default_factory=dict,
        description="Default due span per priority or horizon name, e.g. P0 = '24h'.",
    )
    soon: str = Field(default="7d", description="How close a due date counts as due soon.")

    def policy(self) -> DuePolicy:
        """Return the due policy these settings describe."""
        return DuePolicy.from_settings(self.due, self.soon)
