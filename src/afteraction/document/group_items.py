"""Write action items back where a document in its own shape stated them.

A generic reading takes the items of ``### Immediate Actions (Completed)``
or ``## What we're doing about it`` into the record and keeps the section
where it was. Written in the document's own shape, the items go back there
as the list they were, each with the marks its words alone do not say
(``**DONE**``, ``(owner: bob)``), so that reading it again gives the same
items. A group whose items a list cannot say (a due date, a tracking link)
is written as a table there. Items stated in the text of other
sections ("Action point: ...", a list after "The following fixes were
implemented:") stay in that text; the table leaves out those the text
still states as they are.
"""

from __future__ import annotations

from functools import partial

from afteraction.document.blocks import Block, join_as_written, split_blocks
from afteraction.document.context import Context
from afteraction.document.kinds import KINDS
from afteraction.document.kinds.action_groups import heading_state, horizon_of, kept_with_stated
from afteraction.document.kinds.action_marks import read_marks
from afteraction.document.kinds.action_stated import home_section, stated_in_text
from afteraction.document.kinds.actions import heading_category
from afteraction.document.kinds.body import render_prose
from afteraction.document.kinds.common import norm
from afteraction.model import ActionItem, Incident, Section
from afteraction.profiles.schema import Profile

# The mark that says each state, as the reader reads it.
_STATE_MARKS = {"done": "DONE", "open": "TODO", "in_progress": "WIP", "cancelled": "CANCELLED"}
# What a list line can say of an item besides its title and the group's values.
_SAID = ("owner", "priority", "status")


def group_values(heading: str, profile: Profile) -> tuple[str | None, str | None, str | None]:
    """Return the category, horizon and ``Group`` label a generic reading gives items under it."""
    horizon = horizon_of(heading, profile)
    if horizon is not None:
        label = heading.strip()
        plain = norm(label) == norm(horizon.replace("_", " "))
        return None, horizon, None if plain else label
    found = heading_category(heading, profile)
    return (found if found is not None else heading.strip()), None, None


def _in_group(item: ActionItem, values: tuple[str | None, str | None, str | None]) -> bool:
    category, horizon, label = values
    return (item.category, item.horizon, item.extra.get("Group")) == (category, horizon, label)


def _line(item: ActionItem, heading: str, known: set[str]) -> str | None:
    """Write an item as a list line the reader gives back, or None when a line cannot say it."""
    extra = {k: v for k, v in item.extra.items() if k != "Group"}
    if item.id or item.due or item.link or item.blocking is not None or extra:
        return None
    said = read_marks(item.title, known, None)
    said.setdefault("status", heading_state(heading) or "")
    prefix, suffix = "", ""
    if (said.get("status") or None) != item.status:
        if item.status not in _STATE_MARKS:
            return None
        prefix = f"**{_STATE_MARKS[item.status]}** "
    if said.get("priority") != item.priority:
        if item.priority is None:
            return None
        prefix = f"[{item.priority}] {prefix}"
    if said.get("owner") != item.owner:
        if item.owner is None:
            return None
        suffix = f" (owner: {item.owner})"
    first, *rest = item.title.split("\n")
    return "\n".join([f"- {prefix}{first}{suffix}", *(f"  {line}" for line in rest)])


def place_group_items(
    record: Incident, profile: Profile
) -> dict[int, tuple[str, list[ActionItem]]]:
    """Return the list to write under each group section, and its items, by section index.

    Only groups whose list (or table) reads back as the same items, with the
    section's own text unchanged, are placed; the others' items stay for the
    action items section.
    """
    spec = home_section(profile)
    if spec is None or not record.action_items:
        return {}
    known = {i.owner for i in record.action_items if i.owner}
    placed: dict[int, tuple[str, list[ActionItem]]] = {}
    groups = {
        index: group_values(section.heading, profile)
        for index, section in enumerate(record.sections)
        if section.key is None and section.heading
    }
    for index, values in groups.items():
        section = record.sections[index]
        if any(later > index and other == values for later, other in groups.items()):
            continue  # a heading written twice: the items were read under the last one
        items = [i for i in record.action_items if _in_group(i, values)]
        if not items:
            continue
        lines = [_line(i, section.heading, known) for i in items]
        # A list as the document wrote it, else a table that says every value.
        written = ["\n".join(line for line in lines if line)] if None not in lines else []
        written.append(_table(items, record, profile))
        for listed in written:
            if _reads_back(listed, section, items, record, profile):
                placed[index] = (listed, items)
                break
    return placed


def _table(items: list[ActionItem], record: Incident, profile: Profile) -> str:
    """Write items as the profile's action-item table."""
    spec = home_section(profile)
    assert spec is not None
    ctx = Context.for_profile(profile, sparse=True)
    scratch = Incident(profile=profile.name, layout=record.layout, action_items=items)
    return KINDS["actions"].render(spec, scratch, ctx)


def _reads_back(
    listed: str, section: Section, items: list[ActionItem], record: Incident, profile: Profile
) -> bool:
    """Say whether the list and the section's text read back as its items and that text.

    Items the section's text states itself ("Action item: ...") come back too, in
    the order the record has them.
    """
    spec = home_section(profile)
    assert spec is not None
    ctx = Context.for_profile(profile, strict=False)
    said = _stated_in(section.body, record, profile, [])
    mine = [i for i in record.action_items if any(i is m for m in [*items, *(said or [])])]
    others = [i for i in record.action_items if all(i is not m for m in mine)]
    scratch = Incident(profile=profile.name, layout="document", action_items=others)
    heading = Block(kind="heading", source="", line=1, text=section.heading)
    blocks = split_blocks("\n\n".join(part for part in (listed, section.body) if part))
    leftover = KINDS["actions"].parse(spec, [heading, *blocks], scratch, ctx)
    # What the reader keeps of a group section (see parse._read_action_group).
    kept = kept_with_stated(blocks, leftover)
    return scratch.action_items[len(others) :] == mine and join_as_written(kept) == section.body


def stated_items(record: Incident, profile: Profile) -> list[ActionItem]:
    """Return the items the text of the sections states as they are (kept where stated).

    The text is the sections' own and the prose bound to the profile's
    sections (a summary that lists the fixes made).
    """
    if home_section(profile) is None or not record.action_items:
        return []
    ctx = Context.for_profile(profile, strict=False)
    bound = [render_prose(s, record, ctx) for s in profile.sections if s.kind == "prose"]
    found: list[ActionItem] = []
    for text in [*(s.body for s in record.sections), *bound]:
        if text:
            found += _stated_in(text, record, profile, found) or []
    return found


def _stated_in(
    body: str, record: Incident, profile: Profile, taken: list[ActionItem]
) -> list[ActionItem] | None:
    """Return the record's items ``body`` states, or None when it states one the record lacks."""
    ctx = Context.for_profile(profile, strict=False)
    scratch = Incident(
        profile=profile.name, layout="document", action_items=list(record.action_items)
    )
    stated_in_text(body, partial(split_blocks, body), scratch, ctx)
    new = scratch.action_items[len(record.action_items) :]
    mine: list[ActionItem] = []
    for item in new:
        same = next(
            (
                i
                for i in record.action_items
                if i == item and all(i is not t for t in [*taken, *mine])
            ),
            None,
        )
        if same is None:
            return None
        mine.append(same)
    return mine
