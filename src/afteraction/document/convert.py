"""Move a record from one profile to another without dropping anything.

The converted record holds exactly what the target profile can write, so
reading the converted document gives it back unchanged. Everything else goes
into an "Additional information" section: values as labelled lines, lists and
item details as tables, sections the target has no place for under their own
headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from afteraction.document.blocks import close_fence, join_sources, split_blocks
from afteraction.document.context import Context
from afteraction.document.kinds import KINDS
from afteraction.document.kinds.actions import owns
from afteraction.document.kinds.common import extra_headers, item_attrs, render_table
from afteraction.document.kinds.fields import parse_labelled
from afteraction.document.markdown import nest_headings
from afteraction.document.parse import _strip_fixed, match_spec, read_document
from afteraction.document.paths import get_path, set_path
from afteraction.document.readings import without_inferred
from afteraction.document.reference import written_formats
from afteraction.document.render import FRONT_MATTER, LEAD, PREAMBLE, render_markdown
from afteraction.document.scales import map_onto_scale
from afteraction.document.templates import slots
from afteraction.document.values import format_datetime, format_money
from afteraction.document.zones import resolve_zone, stated_zone
from afteraction.errors import AfteractionError
from afteraction.model import ActionItem, Incident, Money, Reading, Section
from afteraction.profiles.schema import Profile, SectionSpec

ADDITIONAL = "Additional information"
# Record parts a profile writes through a template, with the label they get when it does not.
_VALUES = [
    ("id", "Incident ID"),
    ("title", "Title"),
    ("scope", "Scope"),
    ("trigger", "Trigger"),
    ("drill", "Drill"),
    ("times.started", "Impact started"),
    ("times.detected", "Detected"),
    ("times.acknowledged", "Acknowledged"),
    ("times.mitigated", "Mitigated"),
    ("times.resolved", "Resolved"),
    ("times.closed", "Closed"),
    ("impact.users", "Users affected"),
    ("impact.money", "Financial impact"),
    ("impact.systems", "Systems affected"),
    ("impact.data_loss", "Data loss"),
]
_LISTS = [
    ("timeline", "Timeline"),
    ("whys", "Five whys"),
    ("contributing_factors", "Contributing factors"),
    ("action_items", "Action items"),
    ("sign_offs", "Sign-off"),
    ("related", "Related incidents"),
    ("evidence", "Evidence"),
    ("history", "Document history"),
]
_TEXTS = [("summary", "Summary"), ("root_cause", "Root cause"), ("impact.description", "Impact")]


@dataclass
class _Homeless:
    """What the target has no place for, in the order it is found."""

    lines: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def value(self, label: str, text: str) -> None:
        self.lines.append(f"- **{label}:** {text}")

    def section(self, heading: str, body: str) -> None:
        self.sections.append(f"### {heading}\n\n{nest_headings(body, 3)}".rstrip())

    def body(self) -> str:
        """Return the section's text: the values, then each homeless part under its heading."""
        return "\n\n".join(p for p in ["\n".join(self.lines), *self.sections] if p)


def _map_severity(value: str | None, source: Profile, target: Profile) -> str | None:
    if value is None:
        return None
    rank = next((s.rank for s in source.severity if s.name == value), None)
    if rank is None:
        return value
    by_rank = sorted(target.severity, key=lambda s: s.rank)
    return next((s.name for s in by_rank if s.rank == rank), by_rank[-1].name)


def _text(value: Any, ctx: Context) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Money):
        return format_money(value)
    if hasattr(value, "astimezone"):
        return f"{format_datetime(value, ctx.zone)} {ctx.profile.zone_label or ctx.profile.zone}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _table(items: list[Any], ctx: Context) -> str:
    """Write model instances as a table of the attributes any of them has; extras as columns."""
    names = [n for n in type(items[0]).model_fields if n != "extra"]
    shown = [n for n in names if any(getattr(i, n, None) not in (None, "") for i in items)]
    extras = extra_headers(getattr(i, "extra", {}) for i in items)
    rows = [
        [_text(getattr(i, n), ctx) if getattr(i, n) is not None else "" for n in shown]
        + [getattr(i, "extra", {}).get(key, "") for key in extras]
        for i in items
    ]
    return render_table([n.replace("_", " ").capitalize() for n in shown] + extras, rows)


def _move_values(record: Incident, moved: Incident, target: Profile, home: _Homeless) -> None:
    formats = written_formats(target)
    ctx = Context.for_profile(target)
    statuses = {s.name.lower(): s.name for s in target.statuses}
    if record.status and ("status" not in formats or record.status.lower() not in statuses):
        home.value("Status", record.status)
        moved.status = None
    elif record.status:
        moved.status = statuses[record.status.lower()]
    front = record.fields.get(FRONT_MATTER)
    implied = read_document(front, target, strict=False).record if front else None
    for path, label in _VALUES:
        head, _, tail = path.partition(".")
        holder: Any = getattr(moved, head) if tail else moved
        value = getattr(holder, tail or head)
        if value is None or formats.get(path, set()) - {"date"}:
            continue
        if formats.get(path) == {"date"} and path == "times.started":
            moved.fields.setdefault("date", ctx.local(value).date().isoformat())
        if implied is not None and get_path(implied, path) == value:
            continue  # the front matter, written back verbatim, carries it
        home.value(label, _text(value, ctx))
        setattr(holder, tail or head, None)
    dated = "fields.date" in formats or "date" in formats.get("times.started", set())
    placed = {"date"} if dated else set()
    placed |= {"duration"} if "derived.duration" in formats else set()
    allowed = _allowed_values(target)
    for key, value in record.fields.items():
        path = f"fields.{key}"
        if key == FRONT_MATTER or (path not in formats and key in placed):
            continue
        spelled = _spelled(value, allowed.get(path))
        if path not in formats or spelled is None:
            home.value(key.replace("_", " ").capitalize(), value)
            del moved.fields[key]
        else:
            moved.fields[key] = spelled
    if moved.scope is not None:
        scope = _spelled(moved.scope, allowed.get("scope"))
        if scope is None:
            home.value("Scope", moved.scope)
        moved.scope = scope


def _allowed_values(profile: Profile) -> dict[str, list[str]]:
    """Return the values each choice field of ``profile`` allows."""
    fields = [*profile.header, *(f for spec in profile.sections for f in spec.fields)]
    allowed = {slot.path: f.choices for f in fields if f.choices for slot in slots(f.value)}
    return {**allowed, **({"scope": profile.scopes} if profile.scopes else {})}


def _spelled(value: str, allowed: list[str] | None) -> str | None:
    """Return ``value`` as the target spells it, or None when the target does not allow it."""
    if not allowed:
        return value
    return next((option for option in allowed if option.lower() == value.lower()), None)


def _action_attrs(spec: SectionSpec, profile: Profile) -> set[str] | None:
    """Return what a checklist section can write of an item (None: a table writes all)."""
    if spec.layout != "checklist" and spec.style != "categorized":
        return None
    attrs = {"title", "status", *item_attrs(spec.item or "{title}"), *spec.filter}
    return attrs | ({"category"} if spec.style == "categorized" and profile.categories else set())


def _writes(name: str, value: Any, writable: set[str] | None, target: Profile) -> bool:
    """Say whether the target can write an action item's attribute value."""
    if name == "priority" and target.priorities and value not in target.priorities:
        return False
    if writable is None:
        return True
    if name == "status":
        return value in ("open", "done")
    return name in writable


def _move_actions(moved: Incident, source: Profile, target: Profile, home: _Homeless) -> None:
    sections = [s for s in target.sections if s.kind == "actions"]
    placed: dict[str, int] = {}
    details: list[ActionItem] = []
    for item in moved.action_items:
        spec = next(s for s in sections if owns(s, item, target))
        for attr, value in spec.filter.items():
            if getattr(item, attr) != value:
                placed[f"{attr} {value}"] = placed.get(f"{attr} {value}", 0) + 1
                setattr(item, attr, value)
        writable = _action_attrs(spec, target)
        kept = ActionItem(title=item.title)
        for name in ActionItem.model_fields:
            value = getattr(item, name)
            if value not in (None, {}) and not _writes(name, value, writable, target):
                setattr(kept, name, value)
                setattr(item, name, {} if name == "extra" else None)
        if kept.model_dump(exclude_defaults=True).keys() - {"title"}:
            details.append(kept)
        if writable is not None:
            item.status = item.status or "open"  # a checklist item is ticked or not
    for what, count in placed.items():
        attr, value = what.split(" ", 1)
        home.value(
            attr.capitalize(),
            f"'{value}' given to {count} action item(s) that {source.name} left without one",
        )
    if details:
        home.section("Action item details", _table(details, Context.for_profile(target)))


def _move_item_details(
    moved: Incident, target: Profile, home: _Homeless, bind: str, label: str
) -> None:
    """Keep in each entry what the target's one-line-per-entry section writes; list the rest.

    Sign-offs written as lines and related incidents written as bullets have
    an item template; what it has no slot for goes under "``label`` details".
    """
    spec = next(s for s in target.sections if s.bind == bind)
    if spec.layout not in ("lines", "bullets") or not spec.item:
        return
    entries: list[BaseModel] = getattr(moved, bind)
    key = next(iter(type(entries[0]).model_fields))
    writable = {key, *item_attrs(spec.item)}
    if bind == "sign_offs" and "date" in writable:
        writable.add("signed_at")  # a sign-off line writes its moment where its date goes
    details: list[BaseModel] = []
    for entry in entries:
        kept = type(entry).model_validate({key: getattr(entry, key)})
        for name in type(entry).model_fields:
            if getattr(entry, name) is not None and name not in writable:
                setattr(kept, name, getattr(entry, name))
                setattr(entry, name, None)
        if kept.model_dump(exclude_defaults=True).keys() - {key}:
            details.append(kept)
    if bind == "sign_offs":  # a sign-off line with only its role is the blank template's
        entries[:] = [e for e in entries if e.model_dump(exclude_none=True).keys() - {key}]
    if details:
        home.section(f"{label} details", _table(details, Context.for_profile(target)))


def _move_lists(
    record: Incident, moved: Incident, source: Profile, target: Profile, home: _Homeless
) -> None:
    binds = {s.bind for s in target.sections}
    ctx = Context.for_profile(target)
    for name, label in _TEXTS:
        head, _, tail = name.partition(".")
        holder: Any = moved.impact if tail else moved
        value = getattr(holder, tail or head)
        spec = next((s for s in target.sections if s.bind == name), None)
        if value and spec is None:
            home.section(label, value)
            setattr(holder, tail or head, None)
        elif value and spec is not None:
            setattr(holder, tail or head, nest_headings(value, spec.level))
    for name, label in _LISTS:
        items: list[BaseModel] = getattr(record, name)
        if items and name not in binds:
            home.section(label, _table(items, ctx))
            setattr(moved, name, [])
    if moved.action_items:
        _move_actions(moved, source, target, home)
    if moved.sign_offs:
        _move_item_details(moved, target, home, "sign_offs", "Sign-off")
    if moved.related:
        _move_item_details(moved, target, home, "related", "Related incident")


def _fits(spec: SectionSpec | None, body: str, target: Profile) -> bool:
    """Say whether ``body`` reads back in section ``spec`` (None: the header) as just that text.

    A note that the target would read as a field, an item or a stated time
    zone does not fit there: it goes to Additional information instead.
    """
    scratch = Incident(profile=target.name)
    ctx = Context.for_profile(target)
    try:
        if spec is None:
            leftover = parse_labelled(target.header, split_blocks(body), scratch, ctx)
        else:
            blocks = _strip_fixed(spec, split_blocks(body))
            leftover = KINDS[spec.kind].parse(spec, blocks, scratch, ctx)
    except AfteractionError:
        return False
    headings = [b.text for b in split_blocks(body) if b.kind == "heading"]
    if any(match_spec(h, target, set()) for h in headings):
        return False
    zone = stated_zone(body) if spec is not None and spec.kind == "timeline" else None
    if zone and resolve_zone(zone) != ctx.zone:
        return False
    return join_sources(leftover) == body and scratch == Incident(profile=target.name)


def _move_sections(
    record: Incident, source: Profile, target: Profile, home: _Homeless
) -> list[Section]:
    kept: list[Section] = []
    used: set[str] = set()
    for section in record.sections:
        if section.key == PREAMBLE and not _fits(None, section.body, target):
            home.section("Opening text", section.body)
            continue
        if section.key is None:
            # Written after the target's sections, each at the second level with what it holds.
            body = nest_headings(section.body, 2)
            kept.append(section.model_copy(update={"level": 2, "body": body}))
            continue
        if section.key in (PREAMBLE, LEAD):
            kept.append(section)
            continue
        heading = section.heading
        if not heading and section.key in {s.key for s in source.sections}:
            heading = source.section(section.key).heading
        spec = match_spec(heading, target, used)
        body = nest_headings(section.body, spec.level) if spec else section.body
        if spec is None or not _fits(spec, body, target):
            home.section(heading, section.body)
            continue
        used.add(spec.key)
        # A timeline heading that states its zone keeps it: its times are written in that zone.
        zoned = (
            spec.kind == "timeline" and heading != spec.heading and stated_zone(heading) is not None
        )
        if body or zoned:
            written = heading if zoned else spec.heading
            kept.append(Section(key=spec.key, heading=written, level=spec.level, body=body))
    return kept


def _infer_again(moved: Incident, target: Profile) -> Incident:
    """Add the values the converted document lets a reader infer, as that reader would."""
    try:
        again = read_document(render_markdown(moved, target), target).record
    except AfteractionError:
        return moved
    for reading in again.readings:
        if reading.how == "inferred" and get_path(moved, reading.field) is None:
            set_path(moved, reading.field, get_path(again, reading.field))
            moved.readings.append(reading)
    moved.readings.sort(key=lambda r: r.field)  # in the order a reader gives them
    return moved


def convert(record: Incident, source: Profile, target: Profile) -> Incident:
    """Return ``record`` in ``target``; what has no place goes to Additional information.

    Values the source inferred are not carried as statements: the converted
    document gives them again from the text they came from. Words mapped onto
    the source's scale are converted by their mapped level.
    """
    record, mapped = _scale_words(without_inferred(record), target)
    moved = record.model_copy(deep=True)
    moved.profile = target.name
    moved.layout = "profile"  # a converted document is written in the target's layout
    moved.severity = _map_severity(record.severity, source, target)
    home = _Homeless()
    if moved.severity is not None and moved.severity not in target.severity_names():
        home.value("Severity", moved.severity)
        moved.severity = None
    _move_values(record, moved, target, home)
    kept = _move_sections(record, source, target, home)
    _move_lists(record, moved, source, target, home)
    if home.lines or home.sections:
        kept.append(Section(key=None, heading=ADDITIONAL, level=2, body=home.body()))
    order = {
        key: index for index, key in enumerate([LEAD, PREAMBLE, *(s.key for s in target.sections)])
    }
    moved.sections = sorted(kept, key=lambda s: order.get(s.key or "", len(order)))
    _close_fences(moved)
    for reading in mapped:
        set_path(moved, reading.field, reading.value)
    moved.readings = mapped
    return _infer_again(moved, target)


def _close_fences(moved: Incident) -> None:
    """Close the code fence a text leaves open: it took in the rest of its document.

    Written in another order, an open fence would take in what the target
    writes after it.
    """
    moved.sections = [s.model_copy(update={"body": close_fence(s.body)}) for s in moved.sections]
    for name, value in list(moved):
        if isinstance(value, str):
            setattr(moved, name, close_fence(value))
    if moved.impact.description:
        moved.impact.description = close_fence(moved.impact.description)
    for event in moved.timeline:
        event.text = close_fence(event.text)


def _scale_words(record: Incident, target: Profile) -> tuple[Incident, list[Reading]]:
    """Map the words a record's scales were written in onto the target's scales.

    A word the target's scale also takes (``Critical``) keeps being written,
    mapped onto the target's level; any other is converted as written.
    """
    stated = record.model_copy(deep=True, update={"readings": []})
    mapped: list[Reading] = []
    formats = written_formats(target)
    for reading in record.readings:
        again = map_onto_scale(reading.field, reading.written, target)
        if again is None or reading.field not in formats:
            set_path(stated, reading.field, reading.written)
        elif again.lower() == reading.written.strip().lower():
            set_path(stated, reading.field, again)  # the target's own word: stated there
        else:
            set_path(stated, reading.field, None)
            mapped.append(reading.model_copy(update={"value": again}))
    return stated, mapped
