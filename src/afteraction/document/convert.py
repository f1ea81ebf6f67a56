"""Move a record from one profile to another without dropping anything."""

from __future__ import annotations

from afteraction.document.kinds.actions import owns
from afteraction.document.kinds.common import render_table
from afteraction.document.parse import match_spec
from afteraction.document.reference import written_paths
from afteraction.document.render import FRONT_MATTER, PREAMBLE
from afteraction.model import Incident, Section
from afteraction.profiles.schema import Profile

ADDITIONAL = "Additional information"


def _map_severity(value: str | None, source: Profile, target: Profile) -> str | None:
    if value is None:
        return None
    rank = next((s.rank for s in source.severity if s.name == value), None)
    if rank is None:
        return value
    by_rank = sorted(target.severity, key=lambda s: s.rank)
    return next((s.name for s in by_rank if s.rank == rank), by_rank[-1].name)


def convert(record: Incident, source: Profile, target: Profile) -> Incident:
    """Return ``record`` in ``target``; what has no place goes to Additional information."""
    moved = record.model_copy(deep=True)
    moved.profile = target.name
    moved.severity = _map_severity(record.severity, source, target)
    statuses = {s.name.lower(): s.name for s in target.statuses}
    extra_lines: list[str] = []
    if record.status and record.status.lower() not in statuses:
        extra_lines.append(f"- **Status ({source.name}):** {record.status}")
        moved.status = None
    elif record.status:
        moved.status = statuses[record.status.lower()]
    paths = written_paths(target)
    for name in ("scope", "trigger"):
        value = getattr(record, name)
        if value and name not in paths:
            extra_lines.append(f"- **{name.title()}:** {value}")
            setattr(moved, name, None)
    if record.drill is not None and "drill" not in paths:
        extra_lines.append(f"- **Drill:** {'Yes' if record.drill else 'No'}")
        moved.drill = None
    for key, value in record.fields.items():
        if f"fields.{key}" not in paths and key not in ("date", FRONT_MATTER):
            extra_lines.append(f"- **{key.replace('_', ' ').capitalize()}:** {value}")
            del moved.fields[key]
    kept: list[Section] = []
    homeless: list[Section] = []
    used: set[str] = set()
    for section in record.sections:
        if section.key in (None, PREAMBLE):
            kept.append(section)
            continue
        heading = section.heading
        if not heading and section.key in {s.key for s in source.sections}:
            heading = source.section(section.key).heading
        spec = match_spec(heading, target, used)
        if spec is None:
            homeless.append(Section(key=None, heading=heading, level=3, body=section.body))
        else:
            used.add(spec.key)
            kept.append(
                Section(key=spec.key, heading=spec.heading, level=spec.level, body=section.body)
            )
    binds = {s.bind for s in target.sections}
    for name, label in (
        ("timeline", "Timeline"),
        ("whys", "Five whys"),
        ("contributing_factors", "Contributing factors"),
        ("sign_offs", "Sign-off"),
        ("related", "Related incidents"),
        ("evidence", "Evidence"),
        ("history", "Document history"),
        ("summary", "Summary"),
        ("root_cause", "Root cause"),
    ):
        value = getattr(record, name)
        if value and name not in binds:
            if isinstance(value, str):
                body = value
            else:
                columns = list(type(value[0]).model_fields)
                rows = [[str(getattr(v, c) or "") for c in columns] for v in value]
                body = render_table([c.replace("_", " ").capitalize() for c in columns], rows)
            homeless.append(Section(key=None, heading=label, level=3, body=body))
            setattr(moved, name, [] if not isinstance(value, str) else None)
    if record.action_items and "action_items" not in binds:
        homeless.append(
            Section(
                key=None,
                heading="Action items",
                level=3,
                body="\n".join(f"- {a.title}" for a in record.action_items),
            )
        )
        moved.action_items = []
    elif record.action_items:
        sections = [s for s in target.sections if s.kind == "actions"]
        for item in moved.action_items:
            home = next(s for s in sections if owns(s, item, target))
            for attr, value in home.filter.items():
                if getattr(item, attr) != value:
                    setattr(item, attr, value)
    if extra_lines or homeless:
        kept.append(Section(key=None, heading=ADDITIONAL, level=2, body="\n".join(extra_lines)))
        kept.extend(homeless)
    moved.sections = kept
    return moved
