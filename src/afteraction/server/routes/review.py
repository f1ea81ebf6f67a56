"""Routes of review and sign-off: verdicts, signatures, status moves, the history of changes."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from afteraction.server.routes.common import ActorDep, TeamDep, today
from afteraction.service.team import review

router = APIRouter()


class MoveIn(BaseModel):
    """The status to move to."""

    status: str = Field(max_length=100)


@router.post("/postmortems/{ref}/status", tags=["review"])
def move(ref: str, body: MoveIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Move the postmortem to a status; a refusal (409) lists every reason."""
    return review.move_status(team, actor, ref, body.status, today()).to_dict()


class SignIn(BaseModel):
    """The sign-off role to sign for."""

    role: str = Field(max_length=200)
    approved: bool = True


@router.post("/postmortems/{ref}/sign-offs", tags=["review"])
def sign(ref: str, body: SignIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Sign for a role the user holds: the document's sign-off is filled with who and when."""
    return review.sign_off(team, actor, ref, body.role, approved=body.approved)


class ReviewIn(BaseModel):
    """A reviewer's verdict."""

    verdict: Literal["approved", "changes_requested"]
    note: str = Field(default="", max_length=10_000)


@router.post("/postmortems/{ref}/reviews", status_code=201, tags=["review"])
def add_review(ref: str, body: ReviewIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Approve the current revision, or request changes."""
    return review.review(team, actor, ref, body.verdict, body.note)


@router.get("/postmortems/{ref}/reviews", tags=["review"])
def reviews(ref: str, actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """List the review verdicts."""
    return review.reviews(team, actor, ref)


@router.get("/postmortems/{ref}/history", tags=["review"])
def history(ref: str, actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """Return the log of changes: who did what, when, at which revision."""
    return review.history(team, actor, ref)
