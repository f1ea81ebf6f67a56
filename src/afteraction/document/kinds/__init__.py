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
Claims = Callable[[str, Context], bool]


def _claims_none(heading: str, ctx: Context) -> bool:
    del heading, ctx
    return False


@dataclass(frozen=True)
class Kind:
    """How one kind of section is written and read.

    A section reads its leading subsections as part of its own text while they
    are not profile sections themselves, or while ``claims`` says a heading
    belongs to this kind (a timeline's day headings, an action list's
    category headings).
    """

    render: Renderer
    parse: Parser
    claims: Claims = _claims_none


KINDS: dict[str, Kind] = {
    "group": Kind(body.render_nothing, body.keep_all),
    "prose": Kind(body.render_prose, body.parse_prose),
    "list": Kind(body.render_nothing, body.keep_all),
    "checklist": Kind(body.render_nothing, body.keep_all),
    "code": Kind(body.render_nothing, body.keep_all),
    "fields": Kind(fields.render, fields.parse),
    "timeline": Kind(timeline.render, timeline.parse, timeline.claims),
    "whys": Kind(whys.render, whys.parse),
    "factors": Kind(factors.render, factors.parse),
    "actions": Kind(actions.render, actions.parse, actions.claims),
    "signoffs": Kind(signoffs.render, signoffs.parse),
    "table": Kind(tables.render, tables.parse),
}

__all__ = ["KINDS", "Kind"]
