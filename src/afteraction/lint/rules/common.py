"""What several rules ask of a document: which section an item is in, what it can state."""

from __future__ import annotations

from afteraction.document.kinds.common import item_attrs
from afteraction.lint.document import LintDocument
from afteraction.model import ActionItem
from afteraction.profiles import SectionSpec

CLOSED = ("done", "cancelled")


def section_at(doc: LintDocument, line: int | None) -> SectionSpec | None:
    """Return the profile section the document's line ``line`` is in."""
    if line is None:
        return None
    starts = sorted(
        (at, key[len("section.") :])
        for key, at in doc.parsed.lines.items()
        if key.startswith("section.") and at <= line
    )
    if not starts:
        return None
    return doc.profile.section(starts[-1][1])


def action_section(doc: LintDocument, index: int) -> SectionSpec | None:
    """Return the action-item section the record's item ``index`` was written in."""
    spec = section_at(doc, doc.parsed.lines.get(f"action_items[{index}]"))
    if spec is None or spec.kind != "actions":
        return next((s for s in doc.profile.sections if s.kind == "actions"), None)
    return spec


def holds(spec: SectionSpec | None, attr: str) -> bool:
    """Say whether items written in ``spec`` can state ``attr`` (an Owner column, ``{owner}``)."""
    if spec is None:
        return False
    if spec.layout == "table" and any(c.attr == attr for c in spec.columns):
        return True
    return bool(spec.item and attr in item_attrs(spec.item)) or attr in spec.filter


def is_closed(item: ActionItem) -> bool:
    """Say whether an action item is done or cancelled."""
    return item.status in CLOSED
