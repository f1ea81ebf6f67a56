"""Routes of postmortems: list, create, import, read, render, replace, revisions, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from afteraction.errors import InvalidValueError
from afteraction.server.auth import current_actor, team_of
from afteraction.server.routes.common import (
    MARKDOWN,
    MAX_NUMBER,
    ActorDep,
    Number,
    TeamDep,
    etag,
    if_match_version,
    json_response,
    read_body,
    today,
)
from afteraction.service.team import parts, postmortems

router = APIRouter()


@router.get("/postmortems", tags=["postmortems"], response_model=dict[str, Any])
def list_postmortems(
    actor: ActorDep,
    team: TeamDep,
    status: str | None = None,
    severity: str | None = None,
    profile: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    owner: str | None = None,
    component: str | None = None,
    tag: str | None = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    sort: str = "-occurred",
    limit: Annotated[int, Query(ge=1, le=postmortems.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_NUMBER)] = 0,
) -> Response:
    """List postmortems with filters, newest first, a page at a time."""
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidValueError("give a time with its zone (…Z or +02:00)", field=name)
    query = postmortems.PostmortemQuery(
        status, severity, profile, since, until, owner, component, tag, q, sort, limit, offset
    )
    return json_response(postmortems.list_postmortems(team, actor, query).to_dict())


class NewIn(BaseModel):
    """A postmortem to start from a profile's template."""

    profile: str = Field(default="default", max_length=100)
    title: str = Field(default="", max_length=500)
    severity: str | None = Field(default=None, max_length=100)
    started: datetime | None = None


def _shown(shown: postmortems.Shown, *, created: bool = False) -> Response:
    headers = {"ETag": etag(shown.version)}
    if created:
        headers["Location"] = f"/api/v1/postmortems/{shown.data['id']}"
    return json_response(shown.to_dict(), status_code=201 if created else 200, headers=headers)


@router.post("/postmortems", status_code=201, tags=["postmortems"], response_model=dict[str, Any])
def create(body: NewIn, actor: ActorDep, team: TeamDep) -> Response:
    """Start a postmortem from a profile's template, with the next free incident ID."""
    if body.started is not None and body.started.tzinfo is None:
        raise InvalidValueError("give a time with its zone (…Z or +02:00)", field="started")
    new = postmortems.NewPostmortem(body.profile, body.title, body.severity, body.started)
    return _shown(postmortems.create_postmortem(team, actor, new), created=True)


@router.post(
    "/postmortems/import", status_code=201, tags=["postmortems"], response_model=dict[str, Any]
)
async def import_(
    request: Request,
    profile: Annotated[str | None, Query(max_length=100)] = None,
    name: Annotated[str, Query(max_length=200)] = "upload.md",
    message: Annotated[str, Query(max_length=1000)] = "",
) -> Response:
    """Store an uploaded Markdown postmortem of any shape (the body), as `aar import` reads it."""
    data = await read_body(request)
    team = team_of(request)

    def work() -> postmortems.Shown:
        actor = current_actor(request)
        return postmortems.import_postmortem(
            team, actor, data, name=name, profile=profile, message=message
        )

    return _shown(await run_in_threadpool(work), created=True)


@router.get("/postmortems/{ref}", tags=["postmortems"], response_model=dict[str, Any])
def read(ref: str, actor: ActorDep, team: TeamDep) -> Response:
    """Return a postmortem: record, figures, list facts, version."""
    return _shown(postmortems.get_postmortem(team, actor, ref))


@router.get("/postmortems/{ref}/text", response_class=PlainTextResponse, tags=["postmortems"])
def text(ref: str, actor: ActorDep, team: TeamDep) -> Response:
    """Return the Markdown text exactly as stored."""
    found = postmortems.text_of(team, actor, ref)
    return Response(found.text, media_type=MARKDOWN, headers={"ETag": etag(found.version)})


RENDER_TYPES = {"md": MARKDOWN, "html": "text/html; charset=utf-8", "json": "application/json"}


@router.get("/postmortems/{ref}/render", tags=["postmortems"])
def render(
    ref: str,
    actor: ActorDep,
    team: TeamDep,
    format: Literal["md", "html", "json"] = "md",
    profile: str | None = None,
) -> Response:
    """Return the postmortem written in any profile, as Markdown, HTML or JSON."""
    found = postmortems.render_postmortem(team, actor, ref, format, profile)
    headers = {"ETag": etag(found.version), "X-Afteraction-Profile": found.profile}
    if format == "html":
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
        )
    return Response(found.text, media_type=RENDER_TYPES[format], headers=headers)


@router.put("/postmortems/{ref}/text", tags=["postmortems"], response_model=dict[str, Any])
async def replace(
    ref: str,
    request: Request,
    if_match: Annotated[str | None, Header()] = None,
    message: Annotated[str, Query(max_length=1000)] = "",
) -> Response:
    """Replace the text (the body) of the version named by If-Match."""
    version = if_match_version(if_match)
    data = await read_body(request)
    team = team_of(request)

    def work() -> postmortems.Shown:
        actor = current_actor(request)
        return postmortems.replace_text(team, actor, ref, data, version, message)

    return _shown(await run_in_threadpool(work))


@router.delete("/postmortems/{ref}", status_code=204, tags=["postmortems"])
def delete(ref: str, actor: ActorDep, team: TeamDep) -> None:
    """Delete a postmortem (admins); the log of changes keeps it."""
    postmortems.delete_postmortem(team, actor, ref)


@router.get("/postmortems/{ref}/revisions", tags=["postmortems"])
def revisions(ref: str, actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """List the revisions: number, author, time, message."""
    return postmortems.revisions(team, actor, ref)


@router.get("/postmortems/{ref}/revisions/{number}", tags=["postmortems"])
def revision(ref: str, number: Number, actor: ActorDep, team: TeamDep) -> Response:
    """Return one revision's text."""
    return Response(postmortems.revision_text(team, actor, ref, number), media_type=MARKDOWN)


@router.get("/postmortems/{ref}/diff", tags=["postmortems"])
def diff(
    ref: str,
    actor: ActorDep,
    team: TeamDep,
    old: Annotated[int, Query(alias="from", ge=1, le=MAX_NUMBER)],
    new: Annotated[int, Query(alias="to", ge=1, le=MAX_NUMBER)],
) -> Response:
    """Return the unified diff between two revisions."""
    return Response(postmortems.diff(team, actor, ref, old, new), media_type="text/x-diff")


@router.get("/postmortems/{ref}/times", tags=["postmortems"])
def times(ref: str, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Return the key times and TTD, TTA, TTM, TTR (seconds)."""
    return postmortems.key_times(team, actor, ref)


@router.get("/postmortems/{ref}/findings", tags=["postmortems"])
def findings(ref: str, actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """Return the lint findings of the current text."""
    return parts.findings(team, actor, ref, today())
