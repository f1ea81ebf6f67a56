"""Routes of action items across postmortems, and their calendar feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from afteraction.server.auth import current_actor
from afteraction.server.routes.common import (
    ActorDep,
    TeamDep,
    json_response,
    today,
)
from afteraction.service import actions
from afteraction.service.team import parts, users

router = APIRouter()


def _filter(
    owner: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    category: str | None = None,
    horizon: str | None = None,
    overdue: bool = False,
    due_soon: bool = False,
    blocking: bool = False,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> actions.ItemFilter:
    return actions.ItemFilter(
        owner, status, priority, category, horizon, overdue, due_soon, blocking, open_only
    )


FilterDep = Annotated[actions.ItemFilter, Depends(_filter)]


@router.get("/actions", tags=["actions"], response_model=list[dict[str, Any]])
def list_actions(actor: ActorDep, team: TeamDep, keep: FilterDep) -> Response:
    """List action items across postmortems, with the keys and filters of `aar actions`."""
    return json_response(parts.list_action_items(team, actor, keep, today()).to_dict())


class StatusIn(BaseModel):
    """An action item's new status."""

    status: str = Field(max_length=50)
    note: str | None = Field(default=None, max_length=2000)


@router.post("/actions/{key}/status", tags=["actions"])
def set_action(key: str, body: StatusIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Set an action item's status (key INCIDENT-ID#NUMBER, with # as %23)."""
    done = parts.set_action_item(team, actor, key, body.status, body.note)
    return {"key": done.key, "state": done.state, "id": str(done.path)}


@router.get("/calendar.ics", tags=["actions"])
def calendar(
    request: Request, team: TeamDep, keep: FilterDep, token: str | None = None
) -> Response:
    """Due action items and follow-up reviews as iCalendar, for calendar apps to subscribe to.

    Calendar apps send no headers: a read token may come as ``?token=``.
    """
    actor = users.token_actor(team, token) if token else current_actor(request)
    listed = parts.list_action_items(team, actor, keep, today())
    return Response(listed.export("ics"), media_type="text/calendar; charset=utf-8")
