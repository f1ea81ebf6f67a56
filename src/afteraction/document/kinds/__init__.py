"""Section kinds: the closed vocabulary of what a section can hold.

Each kind renders a section body strictly to its spec and parses liberally,
handing back the blocks it did not understand so they are kept verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from afteraction.document.blocks import Block
from afteraction.document.context import Context
from afteraction.document.kinds import (
    actions,
    body,
    factors,
    fields,
    signoffs,
    tables,
    timeline,
    whys,
)
from afteraction.model import Incident
from afteraction.profiles.schema import SectionSpec

Renderer = Callable[[SectionSpec, Incident, Context], str]
Parser = Callable[[SectionSpec, list[Block], Incident, Context], list[Block]]


@dataclass(frozen=True)
class Kind:
    """How one kind of section is written and read."""

    render: Renderer
    parse: Parser
    consumes_subsections: bool = False


KINDS: dict[str, Kind] = {
    "group": Kind(body.render_nothing, body.keep_all),
    "prose": Kind(body.render_prose, body.parse_prose),
    "list": Kind(body.render_nothing, body.keep_all),
    "checklist": Kind(body.render_nothing, body.keep_all),
    "code": Kind(body.render_nothing, body.keep_all),
    "fields": Kind(fields.render, fields.parse),
    "timeline": Kind(timeline.render, timeline.parse, consumes_subsections=True),
    "whys": Kind(whys.render, whys.parse),
    "factors": Kind(factors.render, factors.parse),
    "actions": Kind(actions.render, actions.parse),
    "signoffs": Kind(signoffs.render, signoffs.parse),
    "table": Kind(tables.render, tables.parse),
}

__all__ = ["KINDS", "Kind"]
