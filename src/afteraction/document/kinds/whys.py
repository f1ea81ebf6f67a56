"""Five-whys chains: ``1. Why? cause``, ``1. **Why?** cause``, or question then ``- Because``."""

from __future__ import annotations

import re

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.placeholders import is_placeholder
from afteraction.model import Incident, Why
from afteraction.profiles.schema import SectionSpec

_LEAD = re.compile(r"^(?:\*\*)?(?P<q>Why\b[^*]*?\?)(?:\*\*)?\s*(?P<a>.*)$", re.DOTALL)
_BECAUSE = re.compile(r"^Because\s+", re.IGNORECASE)


def render(spec: SectionSpec, record: Incident, ctx: Context) -> str:
    """Write the chain in the profile's style."""
    if not record.whys:
        return spec.hint if ctx.hints and spec.hint else ""
    lines: list[str] = []
    for number, why in enumerate(record.whys, start=1):
        question = why.question or "Why?"
        if spec.style == "question":
            lines.append(f"{number}. **{question}**\n   - Because {why.answer}\n")
        elif spec.style == "bold":
            lines.append(f"{number}. **{question}** {why.answer}")
        else:
            lines.append(f"{number}. {question} {why.answer}")
    return "\n".join(lines).rstrip()


def parse(spec: SectionSpec, blocks: list[Block], record: Incident, ctx: Context) -> list[Block]:
    """Read the first numbered list as the chain; keep other text.

    A later list numbered on from the chain ("3." after two whys and a note)
    goes on with it.
    """
    del spec
    leftover: list[Block] = []
    for block in blocks:
        goes_on = bool(block.items) and block.items[0].number == len(record.whys) + 1
        if block.kind != "list" or not block.ordered or (record.whys and not goes_on):
            leftover.append(block)
            continue
        for item in block.items:
            text = item.text
            answer_parts = [c.text for c in item.children]
            match = _LEAD.match(text)
            question: str | None = None
            if match:
                question = match["q"].strip()
                answer = match["a"].strip()
            else:
                answer = text
            if answer_parts and not answer:
                answer = _BECAUSE.sub("", answer_parts[0])
            if question == "Why?":
                question = None
            if answer and not is_placeholder(answer) and answer != "(Root Cause)":
                record.whys.append(Why(question=question, answer=answer))
                ctx.locate_item("whys", record.whys, item.line)
    return leftover
