"""One action item from the values read for it: typed, checked against the profile, added.

Shared by every way an item is written (table row, list item, heading,
``Action point:`` line), so each is read into the record the same way.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.common.utils import normalizeReference

from afteraction.document.context import Context
from afteraction.document.kinds.action_marks import state_word
from afteraction.document.kinds.common import read_bool, read_date
from afteraction.document.placeholders import is_placeholder
from afteraction.model import ActionItem, Incident
from afteraction.profiles.schema import Profile, SectionSpec

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
_BOX = re.compile(r"\[[ xX]\]")
# A link written by reference only: ``[#2226]``, or ``#2226`` as read off a title.
_REFERENCE = re.compile(r"\[(?P<label>[^\[\]\n]{1,100})\]|(?P<bare>[^\s\[\]()]{1,100})")
# A cell that is only a link: <https://...>, https://..., [text](https://...).
_LINK = re.compile(r"<https?://[^\s<>]+>|https?://\S+|\[[^\]\n]*\]\(https?://[^\s()]+\)")


def canonical_state(word: str, profile: Profile) -> str | None:
    """Return the canonical state (open, in_progress, done, cancelled) a written status means."""
    text = word.strip().strip("*_`").strip()
    if _BOX.fullmatch(text):
        return "open" if text == "[ ]" else "done"
    if is_placeholder(text) and not text.startswith("["):
        return None
    bare = re.sub(r"^\[[ xX]\]\s*", "", text).strip().lower()
    for state, written in profile.action_states.items():
        if text.lower() == written.lower() or bare == re.sub(r"^\[[ xX]\]\s*", "", written).lower():
            return state
    return SYNONYMS.get(bare, text)


def state_cell(attrs: list[str | None], row: list[str]) -> str | None:
    """Return the state a cell of an unmatched column says and nothing else (Notes: ``Done``)."""
    for attr, cell in zip(attrs, row, strict=False):
        if not attr and state_word(cell):
            return cell.strip()
    return None


def resolve_reference(link: str, references: dict[str, str]) -> str:
    """Write a link by reference (``[#2226]``, ``#2226``) with the URL the document defines for it.

    ``[#2226](https://...)``; a link the document defines nothing for stays as written.
    """
    label = _REFERENCE.fullmatch(link.strip())
    if label is None:
        return link
    name = label["label"] or label["bare"]
    url = references.get(normalizeReference(name))
    return f"[{name}]({url})" if url else link


def build_item(
    values: dict[str, str],
    spec: SectionSpec,
    line: int,
    ctx: Context,
    extra: dict[str, str] | None = None,
) -> ActionItem | None:
    """Return the item ``values`` describe, or None for a blank or placeholder title."""
    profile = ctx.profile
    title = values.get("title", "").strip()
    if not title or is_placeholder(title):
        return None
    data: dict[str, Any] = {"title": title, "extra": extra or {}}
    for attr, raw in values.items():
        raw = raw.strip()
        if attr == "link" and ctx.references:
            raw = resolve_reference(raw, ctx.references)
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
        elif attr == "status" and _LINK.fullmatch(raw) and not values.get("link"):
            data["link"] = raw  # a tracking link written where the status goes
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


def append_item(
    values: dict[str, str],
    spec: SectionSpec,
    line: int,
    record: Incident,
    ctx: Context,
    extra: dict[str, str] | None = None,
) -> bool:
    """Build an item and add it to the record; say whether there was one (not a placeholder)."""
    built = build_item(values, spec, line, ctx, extra)
    if built is None:
        return False
    record.action_items.append(built)
    ctx.locate_item("action_items", record.action_items, line)
    return True
