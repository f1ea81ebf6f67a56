"""Contributing factors: bullets, ``1. title - detail``, or bold titles with detail bullets."""

from __future__ import annotations

import re

from afteraction.document.blocks import Block, ListItem
from afteraction.document.context import Context
from afteraction.document.placeholders import is_placeholder
from afteraction.model import Factor, Incident
from afteraction.profiles.schema import SectionSpec

_DETAIL = re.compile(r"^(Description|Contribution):\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _details(factor: Factor, indent: str, with_description: bool) -> list[str]:
    lines = []
    if with_description and factor.description:
        lines.append(f"{indent}- Description: {factor.description}")
    if factor.contribution:
        lines.append(f"{indent}- Contribution: {factor.contribution}")
    return lines


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write the factors in the profile's layout."""
    if not record.contributing_factors:
        return spec.hint if ctx.hints and spec.hint else ""
    lines: list[str] = []
    for number, factor in enumerate(record.contributing_factors, start=1):
        if spec.style == "detail":
            lines += [f"{number}. **{factor.title}**", *_details(factor, "   ", True), ""]
        elif spec.layout == "numbered":
            tail = f" - {factor.description}" if factor.description else ""
            lines += [f"{number}. {factor.title}{tail}", *_details(factor, "   ", False)]
        else:
            lines += [f"- {factor.title}", *_details(factor, "  ", True)]
    return "\n".join(lines).rstrip()


def _factor(spec: SectionSpec, item: ListItem) -> Factor:
    title, description = item.text.strip(), None
    if spec.layout == "numbered" and spec.style != "detail" and " - " in title:
        title, _, description = title.partition(" - ")
    if title.startswith("**") and title.endswith("**") and title.count("**") == 2:
        title = title[2:-2]
    found: dict[str, str | None] = {"description": description, "contribution": None}
    rest: list[str] = []
    for child in item.children:
        match = _DETAIL.match(child.all_text())
        if match and not is_placeholder(match[2]):
            found[match[1].lower()] = match[2]
        elif not match:
            rest.append(child.all_text())
    if item.extra:
        rest.append(item.extra)
    if rest:
        found["description"] = "\n".join([*(d for d in [found["description"]] if d), *rest])
    return Factor(
        title=title.strip(), description=found["description"], contribution=found["contribution"]
    )


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read the first list as the factors; keep other text.

    A later numbered list that numbers on from the factors goes on with them.
    """
    leftover: list[Block] = []
    for block in blocks:
        count = len(record.contributing_factors)
        goes_on = block.ordered and bool(block.items) and block.items[0].number == count + 1
        if block.kind != "list" or (count and not goes_on):
            leftover.append(block)
            continue
        for item in block.items:
            if not is_placeholder(item.text):
                record.contributing_factors.append(_factor(spec, item))
                ctx.locate_item("contributing_factors", record.contributing_factors, item.line)
    return leftover
