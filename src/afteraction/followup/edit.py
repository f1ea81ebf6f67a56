"""Change an action item's status (and note) in its document, and not one byte more.

The item is found through the reader's source map. In a table, the status
cell (and a notes cell, for a note) is rewritten; in a checklist, the box
is ticked or cleared; elsewhere the written status word is replaced. The
result is read back: unless the item now has the new status and every other
item is as it was, nothing is written.
"""

from __future__ import annotations

import re

from afteraction.document.blocks import Block
from afteraction.document.kinds.action_build import canonical_state
from afteraction.document.kinds.common import escape_cell
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import Parsed, read_document
from afteraction.errors import InvalidValueError, UsageError
from afteraction.model import ActionItem, ActionState
from afteraction.profiles import Profile

_STATUS_HEADERS = {"status", "state", "done"}
_NOTE_HEADERS = {"notes", "note", "comment", "comments", "remarks", "update"}
_BOX = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[([ xX])\]")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(?!\[[ xX]\])")


def set_status(
    text: str, file: str, profile: Profile, index: int, status: str, note: str | None = None
) -> str:
    """Return ``text`` with action item ``index`` (0-based) set to ``status`` (and ``note``)."""
    return set_status_read(text, file, profile, index, status, note)[0]


def set_status_read(
    text: str,
    file: str,
    profile: Profile,
    index: int,
    status: str,
    note: str | None = None,
    *,
    strict: bool = False,
) -> tuple[str, Parsed]:
    """Return what :func:`set_status` returns, and the new text as its check read it.

    Both readings are strict with ``strict`` (as a document that follows its
    profile is read; bad values are collected as problems, not raised).
    """
    wanted = canonical_state(status, profile)
    if wanted is None or wanted not in set(ActionState):
        known = ", ".join(ActionState)
        raise InvalidValueError(f"unknown status '{status}' (statuses: {known})", field="status")
    raw = read_markdown(text, file)
    blocks = list(raw.blocks)
    parsed = read_document(text, profile, file=file, strict=strict, collect=True, raw=raw)
    before = parsed.record.action_items
    line = parsed.lines.get(f"action_items[{index}]")
    if line is None:
        raise UsageError("cannot tell where this action item is written", file=file)
    lines = text.split("\n")
    label = profile.action_states[wanted]
    block = next((b for b in reversed(blocks) if b.line <= line), None)
    if block is not None and block.kind == "table":
        lines[line - 1] = _table_row(block, lines[line - 1], label, note, file, line)
    else:
        if note:
            raise UsageError("a note needs a Notes column; this item is not in a table", file=file)
        lines[line - 1] = _written_status(lines[line - 1], before[index], label, wanted, profile)
    result = "\n".join(lines)
    if result == text:  # the item says so already: the same text reads the same
        return result, parsed
    return result, _check(result, file, profile, before, index, wanted, strict)


def _table_row(block: Block, row: str, label: str, note: str | None, file: str, line: int) -> str:
    header = [cell.strip().casefold() for cell in block.header]
    status_at = next((i for i, h in enumerate(header) if h in _STATUS_HEADERS), None)
    if status_at is None:
        raise UsageError("the action items table has no Status column", file=file, line=line)
    row = _replace_cell(row, status_at, label)
    if note:
        note_at = next((i for i, h in enumerate(header) if h in _NOTE_HEADERS), None)
        if note_at is None:
            raise UsageError("the action items table has no Notes column", file=file, line=line)
        row = _replace_cell(row, note_at, escape_cell(note))
    return row


def _replace_cell(row: str, index: int, value: str) -> str:
    """Return a table row with cell ``index`` holding ``value`` (padding kept as one space)."""
    bars = [m.start() for m in re.finditer(r"(?<!\\)\|", row)]
    written = row.strip()
    edges = bars if written.startswith("|") else [-1, *bars]
    if not written.endswith("|"):
        edges.append(len(row.rstrip()))
    if index + 1 >= len(edges):
        raise UsageError("the action item's row has fewer cells than its header")
    left, right = edges[index], edges[index + 1]
    head, tail = row[: left + 1], row[right:]
    return (f"{head} " if left >= 0 else head) + value + (f" {tail}" if tail else "")


def _written_status(text: str, item: ActionItem, label: str, wanted: str, profile: Profile) -> str:
    box = _BOX.match(text)
    plain_state = wanted in ("open", "done") and item.status in (None, "open", "done")
    if box is not None and plain_state:
        mark = "x" if wanted == "done" else " "
        return f"{box[1]}[{mark}]{text[box.end() :]}"
    bullet = _ITEM.match(text)
    if bullet is not None and plain_state and item.status in (None, "open"):
        # A plain list item says nothing of its state: a task box says it, as GitHub's do.
        mark = "x" if wanted == "done" else " "
        return f"{bullet[1]}[{mark}] {text[bullet.end() :]}"
    current = profile.action_states.get(item.status or "")
    if current:
        pattern = re.compile(rf"(?<!\w){re.escape(current)}(?!\w)", re.IGNORECASE)
        if len(pattern.findall(text)) == 1:
            return pattern.sub(label, text)
    raise UsageError(
        f"cannot find where this item's status is written to make it {label}; edit it by hand"
    )


def _check(
    text: str,
    file: str,
    profile: Profile,
    before: list[ActionItem],
    index: int,
    wanted: str,
    strict: bool,
) -> Parsed:
    read = read_document(text, profile, file=file, strict=strict, collect=True)
    after = read.record.action_items
    expected = [
        item.model_copy(update={"status": wanted}) if n == index else item
        for n, item in enumerate(before)
    ]
    same = len(after) == len(expected) and all(
        a.model_copy(update={"extra": {}}) == e.model_copy(update={"extra": {}})
        for a, e in zip(after, expected, strict=True)
    )
    if not same:
        raise UsageError("could not change only this item's status; edit it by hand", file=file)
    return read
