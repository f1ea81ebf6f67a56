"""Routes of alert webhooks: the receivers (admins) and their deliveries (by secret)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from afteraction.server.auth import team_of
from afteraction.server.routes.common import ActorDep, TeamDep, read_body
from afteraction.service.team import hooks

router = APIRouter()


class HookIn(BaseModel):
    """A receiver to add."""

    name: str = Field(max_length=100)
    kind: Literal["alertmanager", "grafana", "pagerduty", "opsgenie"]
    profile: str | None = Field(default=None, max_length=100)
    secret: str | None = Field(default=None, max_length=200)


@router.get("/hooks", tags=["alerts"])
def list_hooks(actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """List the alert webhook receivers (admins)."""
    return [h.to_dict() for h in hooks.list_hooks(team, actor)]


@router.post("/hooks", status_code=201, tags=["alerts"])
def add_hook(body: HookIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Add a receiver (admins); its secret is in this answer (PagerDuty: give PagerDuty's)."""
    added = hooks.add_hook(
        team, actor, body.name, body.kind, profile=body.profile, secret=body.secret
    )
    return added.to_dict()


@router.delete("/hooks/{name}", status_code=204, tags=["alerts"])
def remove_hook(name: str, actor: ActorDep, team: TeamDep) -> None:
    """Remove a receiver (admins)."""
    hooks.remove_hook(team, actor, name)


@router.post("/hooks/{name}", tags=["alerts"])
async def deliver(name: str, request: Request) -> dict[str, Any]:
    """Take an alert delivery: opens or joins the incident's postmortem, appends its events.

    Authenticated by the receiver's secret (PagerDuty: its signature), not a user.
    """
    body = await read_body(request)
    team = team_of(request)
    headers = {k.lower(): v for k, v in request.headers.items()}
    received = await run_in_threadpool(hooks.receive, team, name, body, headers)
    return received.to_dict()
