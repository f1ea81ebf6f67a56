"""What a document's front matter says about the record (times, summary)."""

from __future__ import annotations

from datetime import UTC, datetime

from afteraction.model import Incident

FRONT_SUMMARY = ("summary", "description")
# Front-matter keys that name record parts, as static-site and catalogue tools write them.
FRONT_TIMES = {
    "start_time": "started",
    "started": "started",
    "start": "started",
    "detected": "detected",
    "end_time": "resolved",
    "resolved": "resolved",
    "end": "resolved",
}


def read_front_matter(front: dict[str, object], record: Incident) -> None:
    """Fill what the body left empty from front-matter keys (times, summary, status)."""
    for key, name in FRONT_TIMES.items():
        value = front.get(key)
        if isinstance(value, datetime) and getattr(record.times, name) is None:
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            setattr(record.times, name, aware.astimezone(UTC))
    status = front.get("status")
    if isinstance(status, str) and status.strip() and not record.status:
        record.status = status.strip()
    for key in FRONT_SUMMARY:
        value = front.get(key)
        if isinstance(value, str) and value.strip() and not record.summary:
            record.summary = value.strip()
            break
