"""Routes of sessions, users, sign-off roles and API tokens."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from afteraction.server.auth import SESSION_COOKIE
from afteraction.server.routes.common import ActorDep, Number, TeamDep
from afteraction.service.team import users

router = APIRouter()


class LoginIn(BaseModel):
    """A name and password."""

    name: str = Field(max_length=100)
    password: str = Field(max_length=1024)


@router.post("/session", tags=["session"])
def log_in(body: LoginIn, team: TeamDep, request: Request, response: Response) -> dict[str, Any]:
    """Log in: a session cookie (HttpOnly, SameSite=Lax) and the CSRF token to send back."""
    login = users.log_in(team, body.name, body.password)
    response.set_cookie(
        SESSION_COOKIE,
        login.secret,
        expires=login.expires_at,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return {"user": login.actor.name, "role": login.actor.role, "csrf": login.csrf}


@router.delete("/session", status_code=204, tags=["session"])
def log_out(team: TeamDep, request: Request, response: Response) -> None:
    """Log out: the session ends on the server, the cookie is cleared."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        users.log_out(team, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", tags=["people"])
def me(actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Return who is asking."""
    return {**users.get_user(team, actor, actor.name).to_dict(), "scope": actor.scope}


class UserIn(BaseModel):
    """A new user."""

    name: str = Field(max_length=100)
    role: Literal["viewer", "author", "reviewer", "admin"] = "author"
    password: str | None = Field(default=None, max_length=1024)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320)


class UserChange(BaseModel):
    """Changes to a user."""

    role: Literal["viewer", "author", "reviewer", "admin"] | None = None
    password: str | None = Field(default=None, max_length=1024)
    active: bool | None = None


class GrantIn(BaseModel):
    """A sign-off role to grant."""

    sign_role: str = Field(max_length=200)


class TokenIn(BaseModel):
    """A token to make."""

    name: str = Field(default="token", max_length=200)
    scope: Literal["read", "write"] = "write"


@router.get("/users", tags=["people"])
def list_users(actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """List the team's users."""
    return [u.to_dict() for u in users.list_users(team, actor)]


@router.post("/users", status_code=201, tags=["people"])
def add_user(body: UserIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Add a user (admins)."""
    return users.add_user(
        team,
        actor,
        body.name,
        role=body.role,
        password=body.password,
        display_name=body.display_name,
        email=body.email,
    ).to_dict()


@router.patch("/users/{name}", tags=["people"])
def change_user(name: str, body: UserChange, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Change a user's role, password or activity (admins; anyone their own password)."""
    return users.update_user(
        team, actor, name, role=body.role, password=body.password, active=body.active
    ).to_dict()


@router.post("/users/{name}/grants", tags=["people"])
def grant(name: str, body: GrantIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Let a user sign for a sign-off role (admins)."""
    return users.grant(team, actor, name, body.sign_role).to_dict()


@router.delete("/users/{name}/grants/{sign_role}", tags=["people"])
def revoke(name: str, sign_role: str, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Take a sign-off role from a user (admins)."""
    return users.revoke(team, actor, name, sign_role).to_dict()


@router.post("/users/{name}/tokens", status_code=201, tags=["people"])
def make_token(name: str, body: TokenIn, actor: ActorDep, team: TeamDep) -> dict[str, Any]:
    """Make an API token; its secret is in this answer only."""
    return users.make_token(team, actor, name, body.name, body.scope).to_dict()


@router.get("/users/{name}/tokens", tags=["people"])
def list_tokens(name: str, actor: ActorDep, team: TeamDep) -> list[dict[str, Any]]:
    """List a user's tokens (never their secrets)."""
    return users.list_tokens(team, actor, name)


@router.delete("/tokens/{token_id}", status_code=204, tags=["people"])
def revoke_token(token_id: Number, actor: ActorDep, team: TeamDep) -> None:
    """Revoke a token."""
    users.revoke_token(team, actor, token_id)
