"""The postmortem record: typed, framework-free, UTC inside."""

from afteraction.model.metrics import Metrics, compute_metrics
from afteraction.model.order import OutOfOrder, out_of_order
from afteraction.model.record import (
    CLOSED_STATES,
    ActionItem,
    ActionState,
    Evidence,
    Factor,
    HistoryEntry,
    Impact,
    Incident,
    KeyTimes,
    Money,
    Reading,
    RelatedIncident,
    Section,
    SignOff,
    TimelineEvent,
    Why,
    sha256_hex,
)

__all__ = [
    "CLOSED_STATES",
    "ActionItem",
    "ActionState",
    "Evidence",
    "Factor",
    "HistoryEntry",
    "Impact",
    "Incident",
    "KeyTimes",
    "Metrics",
    "Money",
    "OutOfOrder",
    "Reading",
    "RelatedIncident",
    "Section",
    "SignOff",
    "TimelineEvent",
    "Why",
    "compute_metrics",
    "out_of_order",
    "sha256_hex",
]
