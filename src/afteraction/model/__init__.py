"""The postmortem record: typed, framework-free, UTC inside."""

from afteraction.model.metrics import Metrics, compute_metrics
from afteraction.model.record import (
    ActionItem,
    Evidence,
    Factor,
    HistoryEntry,
    Impact,
    Incident,
    KeyTimes,
    Money,
    RelatedIncident,
    Section,
    SignOff,
    TimelineEvent,
    Why,
)

__all__ = [
    "ActionItem",
    "Evidence",
    "Factor",
    "HistoryEntry",
    "Impact",
    "Incident",
    "KeyTimes",
    "Metrics",
    "Money",
    "RelatedIncident",
    "Section",
    "SignOff",
    "TimelineEvent",
    "Why",
    "compute_metrics",
]
