"""Action items: tables, checklists, and checklists grouped by category."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from afteraction.document.blocks import Block, ListItem
from afteraction.document.context import Context
from afteraction.document.kinds.action_build import (
    SYNONYMS,
    append_item,
    canonical_state,
    state_cell,
)
from afteraction.document.kinds.action_groups import (
    bold_label,
    heading_item,
    heading_state,
    horizon_of,
    is_legend,
    lead_in,
    lines_only,
)
from afteraction.document.kinds.action_marks import read_marks
from afteraction.document.kinds.action_stated import attach_note, take_stated
from afteraction.document.kinds.common import (
    extra_headers,
    fill_item,
    match_columns,
    match_item,
    norm,
    render_table,
    written_columns,
)
from afteraction.model import ActionItem, Incident
from afteraction.profiles.schema import ColumnSpec, Profile, SectionSpec

GENERIC_COLUMNS = [
    ColumnSpec(header="#", attr="id", aliases=["ID", "No", "Number"]),
    ColumnSpec(
        header="Action",
        attr="title",
        aliases=[
            "Action Item",
            "Action Items",
            "Item",
            "Task",
            "Description",
            "Follow-up",
            "What",
        ],
    ),
    ColumnSpec(header="Owner", attr="owner", aliases=["Owners", "Assignee", "Who", "Responsible"]),
    ColumnSpec(header="Due", attr="due", aliases=["Due Date", "Target date", "Deadline", "By"]),
    ColumnSpec(header="Priority", attr="priority"),
    ColumnSpec(header="Status", attr="status", aliases=["State", "Done"]),
    ColumnSpec(header="Type", attr="category", aliases=["Category", "Kind"]),
    ColumnSpec(header="Horizon", attr="horizon", aliases=["When", "Timeframe"]),
    ColumnSpec(header="Blocking?", attr="blocking", aliases=["Blocking"]),
    ColumnSpec(
        header="Tracking",
        attr="link",
        aliases=["Bug", "Ticket", "Issue", "Tracking bug", "Link", "PR"],
    ),
]


def owns(spec: SectionSpec, item: ActionItem, profile: Profile) -> bool:
    """Say whether ``item`` is written in section ``spec`` of ``profile``."""
    sections = [s for s in profile.sections if s.kind == "actions"]
    for candidate in sections:
        if candidate.filter and all(getattr(item, k) == v for k, v in candidate.filter.items()):
            return candidate.key == spec.key
        if candidate.style == "categorized" and item.category in {
            c.name for c in profile.categories
        }:
            return candidate.key == spec.key
    unfiltered = [s for s in sections if not s.filter and s.style != "categorized"]
    home = unfiltered[0] if unfiltered else sections[0]
    return home.key == spec.key


def _cell(item: ActionItem, attr: str, profile: Profile) -> str:
    value: Any = getattr(item, attr)
    if value is None:
        return ""
    if attr == "status":
        return str(profile.action_states.get(value, value))
    if attr == "blocking":
        return "YES" if value else "NO"
    if attr == "due":
        return str(value.isoformat())
    return str(value)


def _line(spec: SectionSpec, item: ActionItem, profile: Profile) -> str:
    box = "[x]" if item.status == "done" else "[ ]"
    attrs = ("id", "title", "owner", "due", "priority", "status", "category", "horizon", "link")
    values = {a: _cell(item, a, profile) for a in attrs}
    return f"- {box} " + fill_item(spec.item or "{title}", values)


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write this section's share of the action items."""
    profile = ctx.profile
    items = [i for i in record.action_items if owns(spec, i, profile)]
    if not items:
        return spec.hint if ctx.hints and spec.hint else ""
    if spec.style == "categorized":
        parts = []
        for category in profile.categories:
            mine = [i for i in items if i.category == category.name]
            if mine:
                head = f"**{category.label}**" + (
                    f" ({category.description})" if category.description else ""
                )
                parts.append(head + "\n" + "\n".join(_line(spec, i, profile) for i in mine))
        return "\n\n".join(parts)
    if spec.layout == "checklist":
        return "\n".join(_line(spec, i, profile) for i in items)
    columns = written_columns(spec, GENERIC_COLUMNS, items, implied=spec.filter)
    extras = extra_headers(i.extra for i in items)
    rows = [
        [_cell(i, c.attr, profile) for c in columns] + [i.extra.get(h, "") for h in extras]
        for i in items
    ]
    return render_table([c.header for c in columns] + extras, rows)


def _item_values(
    item: ListItem, spec: SectionSpec, known: Collection[str], ctx: Context
) -> dict[str, str]:
    """Read one list item: the section's item template, else its marks and title.

    A document in a known format (a strict reading) says owner and state in
    marks and columns; only others are read from the item's wording too.
    """
    scale = None if not ctx.strict else ctx.profile.priorities
    text = item.all_text()
    values = match_item(spec.item, text) if spec.item else None
    if values is None:
        values = read_marks(text, known, scale, sentences=not ctx.strict)
    if item.checked is not None:
        values["status"] = "done" if item.checked else "open"
    return values


def _category_of(text: str, ctx: Context) -> str | None:
    label = re.match(r"^\*\*(.+?)\*\*", text.strip())
    if not label:
        return None
    for category in ctx.profile.categories:
        if label[1].strip().lower() in (category.label.lower(), category.name.lower()):
            return category.name
    return None


def _stem(word: str) -> str:
    return norm(word)[:5]


def heading_category(heading: str, profile: Profile) -> str | None:
    """Return the category a group heading names: the profile's name, else as written.

    ``None`` when the heading names no category of the profile, not even by
    its stem (``Prevention`` for ``prevent``).
    """
    key = norm(heading)
    for category in profile.categories:
        if key in (norm(category.name), norm(category.label)):
            return category.name
    for category in profile.categories:
        if len(key) >= 5 and _stem(key) in (_stem(category.name), _stem(category.label)):
            return heading.strip()
    return None


def claims(heading: str, ctx: Context) -> bool:
    """Say whether a subsection heading groups action items (a category or a horizon)."""
    profile = ctx.profile
    return (
        heading_category(heading, profile) is not None or horizon_of(heading, profile) is not None
    )


def _group(text: str, ctx: Context) -> tuple[str | None, str | None]:
    """Return the (category, horizon) a group heading or label inside the action items starts."""
    horizon = horizon_of(text, ctx.profile)
    if horizon is not None:
        return None, horizon
    found = heading_category(text, ctx.profile)
    if found is None and not ctx.strict:
        return text.strip(), None
    return found, None


@dataclass
class _Group:
    """The group the items being read belong to, and the heading that opened it."""

    category: str | None = None
    horizon: str | None = None
    state: str | None = None
    label: str | None = None
    heading: Block | None = None
    at: int = 0
    count: int = 0

    @property
    def plain(self) -> bool:
        """Say whether the group's label says nothing but its horizon (``Long-term``)."""
        return bool(self.horizon) and norm(self.label or "") == norm(
            (self.horizon or "").replace("_", " ")
        )

    def fill(self, values: dict[str, str]) -> None:
        """Give an item the group's category, horizon and state where it states none."""
        given = False
        for attr, value in (
            ("category", self.category),
            ("horizon", self.horizon),
            ("status", self.state),
        ):
            if value and not values.get(attr):
                values[attr] = value
                given = True
        self.count += given


def _known_owners(blocks: list[Block], spec: SectionSpec, record: Incident) -> set[str]:
    """Return the owners the document names in Owner columns and items read so far."""
    known = {i.owner for i in record.action_items if i.owner}
    for block in blocks:
        if block.kind == "table":
            attrs = match_columns(block.header, [*spec.columns, *GENERIC_COLUMNS])
            for row in block.rows:
                known.update(c.strip() for a, c in zip(attrs, row, strict=False) if a == "owner")
    return {k for k in known if k}


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read action items from tables, (check)lists, item headings and ``Action item:`` lines.

    Headings and bold labels group the items by category or horizon; a legend
    list (``P0 - Critical``) and other text are handed back.
    """
    leftover: list[Block] = []
    before = len(record.action_items)
    group = _Group()
    known = _known_owners(blocks, spec, record)
    scale = None if not ctx.strict else ctx.profile.priorities

    def close_group() -> None:
        """Keep a group heading no item came under, where it was written."""
        if group.heading is not None and not group.count:
            leftover.insert(group.at, group.heading)

    def open_group(text: str, heading: Block | None) -> None:
        nonlocal group
        category, horizon = _group(text, ctx)
        group = _Group(category, horizon, heading_state(text), text.strip(), heading, len(leftover))

    def add(values: dict[str, str], line: int, extra: dict[str, str] | None = None) -> None:
        group.fill(values)
        if group.horizon and group.label and not group.plain:
            extra = {"Group": group.label, **(extra or {})}
        append_item(values, spec, line, record, ctx, extra)

    def add_text(text: str, line: int, checked: bool | None = None) -> None:
        values = read_marks(text, known, scale, sentences=not ctx.strict)
        if checked is not None:
            values["status"] = "done" if checked else "open"
        add(values, line)

    previous: Block | None = None
    for block in blocks:
        prior, previous = previous, block
        if block.kind == "heading":
            close_group()
            stated = heading_item(block.text) if not ctx.strict else None
            group = _Group()
            if stated is not None:
                number, state, rest = stated
                values = read_marks(rest, known, scale)
                values.update({k: v for k, v in (("id", number), ("status", state)) if v})
                add(values, block.line)
                continue
            open_group(block.text, block)
            if group.category is None and group.horizon is None:
                leftover.append(block)
                group = _Group()
            continue
        if block.kind == "table":
            attrs = match_columns(block.header, [*spec.columns, *GENERIC_COLUMNS])
            if "title" in attrs:
                for row_index, row in enumerate(block.rows):
                    values = {a: c for a, c in zip(attrs, row, strict=False) if a}
                    marks = read_marks(
                        values.get("title", ""), known, scale, sentences=not ctx.strict
                    )
                    if not (marks.get("link") and values.get("link")):  # else keep both links
                        values.update({a: v for a, v in marks.items() if not values.get(a)})
                        values["title"] = marks["title"]
                    extra_state = state_cell(attrs, row) if not ctx.strict else None
                    if extra_state and not values.get("status"):
                        values["status"] = extra_state
                    extra = {
                        h: c
                        for h, a, c in zip(block.header, attrs, row, strict=False)
                        if not a and c
                    }
                    add(values, block.line + 2 + row_index, extra)
                continue
        found = _category_of(block.text, ctx) if block.kind == "paragraph" else None
        if found is not None and spec.style == "categorized":
            close_group()
            group = _Group(category=found)
            continue
        label = bold_label(block)
        if label is not None and (
            horizon_of(label, ctx.profile) or heading_category(label, ctx.profile)
        ):
            close_group()
            open_group(label, None)
            continue
        if block.kind == "list" and not ctx.strict and _details(prior, block, record):
            attach_note(record, block)
            continue
        if block.kind == "list" and not is_legend(block):
            # "The following fixes were implemented:" makes the items under it done.
            introduced = lead_in(prior) if prior is not None and not ctx.strict else None
            for item in block.items:
                if not ctx.strict and _is_group(item):
                    close_group()
                    open_group(item.text, None)
                    for child in item.children:
                        add_text(child.all_text(), child.line, child.checked)
                    group = _Group()
                    continue
                values = _item_values(item, spec, known, ctx)
                if introduced:
                    values.setdefault("status", introduced)
                add(values, item.line)
            continue
        leftover.append(block)
    close_group()
    if ctx.strict:
        return leftover
    if len(record.action_items) == before and lines_only(leftover):
        for block in leftover:
            if block.kind == "paragraph":  # under a group heading, in that group
                add(read_marks(block.text, known), block.line)
        return [b for b in leftover if b.kind != "paragraph"]
    return take_stated(leftover, spec, record, ctx, known)


def _details(prior: Block | None, block: Block, record: Incident) -> bool:
    """Say whether a bullet list details the numbered item just above it.

    ``1. **Title**`` with a paragraph, then bullets at the margin: Markdown
    ends the numbered list there, but the bullets are that item's detail.
    """
    if prior is None or prior.kind != "list" or not prior.ordered or block.ordered:
        return False
    last = prior.items[-1] if prior.items else None
    return (
        last is not None
        and last.text.startswith(("**", "__"))
        and bool(record.action_items)
        and record.action_items[-1].title.startswith(last.text[:40])
    )


def _is_group(item: ListItem) -> bool:
    """Say whether a list item only labels the checklist nested under it."""
    return (
        item.checked is None
        and bool(item.children)
        and all(c.checked is not None for c in item.children)
    )


# The state words and their reading moved to ``action_build``; other packages import them here.
__all__ = [
    "GENERIC_COLUMNS",
    "SYNONYMS",
    "canonical_state",
    "claims",
    "heading_category",
    "owns",
    "parse",
    "render",
]
