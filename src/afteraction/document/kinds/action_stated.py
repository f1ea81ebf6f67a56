"""Action items stated in any section: ``Action point:`` lines, ``**Actions planned:**`` lists."""

from __future__ import annotations

from collections.abc import Callable, Collection

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds.action_build import append_item
from afteraction.document.kinds.action_groups import (
    action_heading,
    action_label,
    attached,
    lead_in,
    stated_item,
)
from afteraction.document.kinds.action_marks import read_marks
from afteraction.model import Incident
from afteraction.profiles.schema import Profile, SectionSpec


def take_stated(
    blocks: list[Block],
    spec: SectionSpec,
    record: Incident,
    ctx: Context,
    known: Collection[str] = (),
) -> list[Block]:
    """Read ``Action point: ...`` paragraphs of any section as items; hand back the rest.

    A list written right under such a line (no blank line between) is the
    item's note (``- This has been done.``) and goes with it. The list after
    a label such as ``**Actions planned:**`` or ``**Actions taken:**`` holds
    items (done, for actions taken), each keeping the label in its ``Group``;
    so does the list after a sentence such as ``The following fixes were
    implemented:``, which stays in the text.
    """
    kept: list[Block] = []
    stated: Block | None = None
    label: tuple[str, str] | None = None
    for block in blocks:
        if stated is not None and block.kind == "list" and attached(stated, block):
            attach_note(record, block)
            stated = None
            continue
        if label is not None and (block.kind == "list" or (label[0] and block.kind == "paragraph")):
            if label[0]:
                kept.pop()  # the label goes with its items
            group = {"Group": label[0]} if label[0] else None
            texts = [(i.all_text(), i.line) for i in block.items] or [(block.text, block.line)]
            for text, line in texts:
                append_item(_values(text, label[1], known), spec, line, record, ctx, group)
            stated = block if block.kind == "paragraph" and block.text.endswith(":") else None
            label = None
            continue
        label = action_label(block)
        if label is None:
            state = lead_in(block)
            label = None if state is None else ("", state)
        said = stated_item(block)
        added = said is not None and append_item(
            _values(said[0], said[1], known),
            spec,
            block.line,
            record,
            ctx,
            {"Group": said[2]} if said[2] else None,
        )
        stated = block if added else None
        if not added:
            kept.append(block)
    return kept


def _values(text: str, state: str, known: Collection[str]) -> dict[str, str]:
    values = read_marks(text, known, None)
    if state:
        values.setdefault("status", state)
    return values


def attach_note(record: Incident, block: Block) -> None:
    """Add a list written right under an ``Action point:`` line to that item, as its note."""
    item = record.action_items[-1]
    lines = [i.all_text() for i in block.items]
    item.title = "\n".join([item.title, *lines])
    if item.status is None:
        marks = read_marks(item.title)
        if marks.get("status"):
            item.status = marks["status"]


def home_section(profile: Profile) -> SectionSpec | None:
    """Return the section items found elsewhere are written in (None: the format has none)."""
    return next((s for s in profile.sections if s.kind == "actions" and not s.filter), None)


def action_group(heading: str, ctx: Context) -> SectionSpec | None:
    """Return where a list of remediations headed as such outside the action items goes.

    ``### Short-term improvements`` or ``### Planned actions`` under
    "Remediation" lists action items: in a lenient reading they join the
    action items (with the heading's horizon, if it names one).
    """
    if ctx.strict or not action_heading(heading, ctx.profile):
        return None
    return home_section(ctx.profile)


def take_stated_here(blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """In a lenient reading, take the items stated among a section's blocks; the rest back."""
    home = home_section(ctx.profile)
    if ctx.strict or home is None:
        return blocks
    return take_stated(blocks, home, record, ctx)


def stated_in_text(
    source: str, blocks: Callable[[], list[Block]], record: Incident, ctx: Context
) -> None:
    """Read the items stated in the Markdown of a section the profile does not know.

    ``blocks`` gives the blocks of ``source`` (asked for only when the text
    may state an item). The text stays as written: the document's own shape
    writes it back, and the items with it.
    """
    if ctx.strict or home_section(ctx.profile) is None:
        return
    if "ction" not in source and "following" not in source.casefold():
        return
    take_stated_here(blocks(), record, ctx)
