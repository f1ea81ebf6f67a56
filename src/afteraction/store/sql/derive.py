"""The columns lists and filters read, derived from a postmortem's record on every save.

Owners, component, tags and the private flag come from the document's own
words: its front matter (``owners:``, ``component:``, ``tags:``,
``private: true``) and its fields (``**Authors:**``, ``**Owner:**``,
``**Service:**``...). Nothing here is typed apart from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from afteraction.document.docdate import document_day
from afteraction.document.markdown import read_markdown
from afteraction.errors import AfteractionError
from afteraction.model import Incident

OWNER_KEYS = ("owners", "owner", "authors", "author", "incident_commander", "commander", "lead")
COMPONENT_KEYS = ("component", "service", "system", "affected_service", "affected_system")
TAG_KEYS = ("tags", "labels", "keywords")
PRIVATE_WORDS = frozenset({"private", "restricted", "confidential", "secret", "internal only"})
# The spaces around a separator are stripped from the names it splits, not matched:
# ``\s*`` on both sides would make a long run of spaces quadratic.
_SPLIT = re.compile(r",|;|\band\b|&|/|\n")
MAX_LABELS = 50
MAX_LABEL = 200


@dataclass
class Derived:
    """What a record gives the columns of its row."""

    occurred_at: datetime
    owners: list[str] = field(default_factory=list)
    component: str | None = None
    tags: list[str] = field(default_factory=list)
    private: bool = False


def derive(record: Incident, text: str, name: str, fallback: datetime) -> Derived:
    """Return the columns of ``record`` read from ``text`` (stored as ``name``).

    ``fallback`` dates a postmortem that states no time nor day anywhere.
    """
    front = _front(record.fields.get("front_matter"))
    owners = _names(front, record, OWNER_KEYS)
    components = _names(front, record, COMPONENT_KEYS)
    tags = _names(front, record, TAG_KEYS)
    return Derived(
        occurred_at=_occurred(record, text, name, fallback),
        owners=owners,
        component=components[0] if components else None,
        tags=[t.lower() for t in tags],
        private=_private(front, record),
    )


def _front(written: str | None) -> dict[str, object]:
    if not written:
        return {}
    try:
        return read_markdown(written).front_matter
    except AfteractionError:
        return {}


def _names(front: dict[str, object], record: Incident, keys: tuple[str, ...]) -> list[str]:
    """Return the names every key present gives (front matter before fields), each once."""
    found: list[str] = []
    for key in keys:
        value = front.get(key, record.fields.get(key))
        if isinstance(value, list):
            found += [str(v) for v in value if isinstance(v, str | int)]
        elif isinstance(value, str):
            found += _SPLIT.split(value)
    names = dict.fromkeys(n.strip()[:MAX_LABEL] for n in found if n and n.strip())
    return [n for n in names if not n.startswith(("{", "["))][:MAX_LABELS]


def _private(front: dict[str, object], record: Incident) -> bool:
    for key in ("private", "confidential"):
        value = front.get(key)
        if isinstance(value, bool):
            return value
    for key in ("visibility", "classification"):
        value = front.get(key, record.fields.get(key))
        if isinstance(value, str) and value.strip().lower() in PRIVATE_WORDS:
            return True
    return False


def _occurred(record: Incident, text: str, name: str, fallback: datetime) -> datetime:
    """Return when the incident happened: its first key time, else the day it states."""
    times = record.times
    for moment in (times.started, times.detected, times.acknowledged, times.resolved):
        if moment is not None:
            return moment
    try:
        day = document_day(read_markdown(text, name), record, name)
    except AfteractionError:
        day = None
    return datetime.combine(day, time(), tzinfo=UTC) if day is not None else fallback
