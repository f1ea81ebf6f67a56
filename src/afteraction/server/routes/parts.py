"""Routes of a postmortem's parts: timeline events and comments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from afteraction.server.routes.common import (
    ActorDep,
    TeamDep,
)
from afteraction.service.team import parts

router = APIRouter()


class EventIn(BaseModel):
    """A timeline event."""

    time: datetime
    text: str = Field(max_length=parts.MAX_TEXT)
    actor: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=100)
    component: str | None = Field(default=None, max_length=200)


class EventsIn(BaseModel):
    """Timeline events to add."""

    events: list[EventIn] = Field(max_length=parts.MAX_EVENTS)


@router.post("/postmortems/{ref}/timeline", tags=["parts"])
def append_events(ref: str, body: EventsIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Add events to the timeline (a repeat is not added twice; nothing else moves)."""
    events = [parts.NewEvent(e.time, e.text, e.actor, e.source, e.component) for e in body.events]
    return parts.append_events(team, actor, ref, events).to_dict()


class CommentIn(BaseModel):
    """A comment on a postmortem or one of its sections."""

    body: str = Field(max_length=parts.MAX_TEXT)
    section: str | None = Field(default=None, max_length=300)


@router.get("/postmortems/{ref}/comments", tags=["parts"])
def comments(ref: str, actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """List the comments."""
    return parts.comments(team, actor, ref)


@router.post("/postmortems/{ref}/comments", status_code=201, tags=["parts"])
def comment(ref: str, body: CommentIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Comment on the postmortem (or a section of it)."""
    return parts.add_comment(team, actor, ref, body.body, body.section)
