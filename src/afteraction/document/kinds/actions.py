"""Action items: tables, checklists, and checklists grouped by category."""

from __future__ import annotations

import re
from typing import Any

from afteraction.document.blocks import Block, ListItem
from afteraction.document.context import Context
from afteraction.document.kinds.common import (
    extra_headers,
    fill_item,
    match_columns,
    match_item,
    norm,
    read_bool,
    read_date,
    render_table,
    written_columns,
)
from afteraction.document.placeholders import is_placeholder
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
SYNONYMS = {
    "open": "open",
    "todo": "open",
    "to do": "open",
    "not started": "open",
    "planned": "open",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "wip": "in_progress",
    "started": "in_progress",
    "done": "done",
    "complete": "done",
    "completed": "done",
    "fixed": "done",
    "closed": "done",
    "✅": "done",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "won't do": "cancelled",
    "wontfix": "cancelled",
}
_DONE_MARK = re.compile(r"^\s*(?:✅|✔️?|☑️?)\s*")
_OWNER_TAIL = re.compile(r"\s*[.,;(]?\s*\(?Owner:\s*(?P<owner>[^)\n]+?)\)?\s*$", re.IGNORECASE)


def canonical_state(word: str, profile: Profile) -> str | None:
    """Return the canonical state (open, in_progress, done, cancelled) a written status means."""
    text = word.strip()
    if is_placeholder(text) and not text.startswith("["):
        return None
    bare = re.sub(r"^\[[ xX]\]\s*", "", text).strip().lower()
    for state, written in profile.action_states.items():
        if text.lower() == written.lower() or bare == re.sub(r"^\[[ xX]\]\s*", "", written).lower():
            return state
    return SYNONYMS.get(bare, text)


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


def _build(
    values: dict[str, str],
    spec: SectionSpec,
    line: int,
    ctx: Context,
    extra: dict[str, str] | None = None,
) -> ActionItem | None:
    profile = ctx.profile
    title = values.get("title", "").strip()
    if not title or is_placeholder(title):
        return None
    data: dict[str, Any] = {"title": title, "extra": extra or {}}
    for attr, raw in values.items():
        raw = raw.strip()
        if (
            attr == "title"
            or not raw
            or (is_placeholder(raw) and attr not in ("status", "blocking"))
        ):
            continue
        if attr == "due":
            data["due"] = read_date(raw, ctx, line, "due")
        elif attr == "blocking":
            data["blocking"] = read_bool(raw, ctx, line, "blocking")
        elif attr == "status":
            data["status"] = canonical_state(raw, profile)
        elif attr == "priority" and profile.priorities and raw not in profile.priorities:
            ctx.fail(
                f"priority '{raw}' is not in the scale ({', '.join(profile.priorities)})",
                line,
                "priority",
                code="priority",
                value=raw,
                allowed=tuple(profile.priorities),
            )
            data["priority"] = raw
        elif attr in ActionItem.model_fields:
            data[attr] = raw
    data.update(spec.filter)
    return ActionItem.model_validate(data)


def _item_values(item: ListItem, spec: SectionSpec) -> dict[str, str]:
    """Read one list item: the section's item template, else a title with an owner tail."""
    text = item.all_text()
    values = match_item(spec.item, text) if spec.item else None
    if values is None:
        values = {"title": text}
        owner = _OWNER_TAIL.search(text)
        if owner:
            values = {"title": text[: owner.start()], "owner": owner["owner"]}
    done = _DONE_MARK.match(values.get("title", ""))
    if done:
        values["title"] = values["title"][done.end() :]
        values.setdefault("status", "done")
    if item.checked is not None and "status" not in values:
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
    """Say whether a subsection heading groups action items (a category of the profile)."""
    return heading_category(heading, ctx.profile) is not None


def _group(block: Block, ctx: Context) -> str | None:
    """Return the category a heading inside the action items starts."""
    found = heading_category(block.text, ctx.profile)
    if found is None and not ctx.strict:
        return block.text.strip()
    return found


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read action items from tables and (check)lists, grouped by category labels or headings."""
    leftover: list[Block] = []
    category: str | None = None
    group: Block | None = None
    at = grouped = 0

    def close_group() -> None:
        """Keep a group heading no item came under, where it was written."""
        if group is not None and not grouped:
            leftover.insert(at, group)

    def add(values: dict[str, str], line: int, extra: dict[str, str] | None = None) -> None:
        nonlocal grouped
        if category and not values.get("category"):
            values["category"] = category
            grouped += 1
        built = _build(values, spec, line, ctx, extra)
        if built is not None:
            record.action_items.append(built)
            ctx.locate_item("action_items", record.action_items, line)

    for block in blocks:
        if block.kind == "heading":
            close_group()
            category, group = _group(block, ctx), block
            at, grouped = len(leftover), 0
            if category is None:
                leftover.append(block)
                group = None
            continue
        if block.kind == "table":
            attrs = match_columns(block.header, [*spec.columns, *GENERIC_COLUMNS])
            if "title" in attrs:
                for index, row in enumerate(block.rows):
                    values = {a: c for a, c in zip(attrs, row, strict=False) if a}
                    extra = {
                        h: c
                        for h, a, c in zip(block.header, attrs, row, strict=False)
                        if not a and c
                    }
                    add(values, block.line + 2 + index, extra)
                continue
        if block.kind == "paragraph" and spec.style == "categorized":
            found = _category_of(block.text, ctx)
            if found is not None:
                category = found
                continue
        if block.kind == "list":
            for item in block.items:
                add(_item_values(item, spec), item.line)
            continue
        leftover.append(block)
    close_group()
    return leftover
