"""Who is asking: an API token (``Authorization: Bearer``) or a browser session cookie.

A session's unsafe requests (anything but GET, HEAD, OPTIONS) must send its
CSRF token in ``X-CSRF-Token``; a token needs none (a browser never sends one
on its own).
"""

from __future__ import annotations

import hmac

from fastapi import Request

from afteraction.errors import ForbiddenError
from afteraction.service.team.context import Actor, Team, anonymous
from afteraction.service.team.users import session_actor, token_actor

SESSION_COOKIE = "aar_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def team_of(request: Request) -> Team:
    """Return the team the app serves."""
    team: Team = request.app.state.team
    return team


def current_actor(request: Request) -> Actor:
    """Return who makes the request; no credentials or bad ones are refused (401)."""
    team = team_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return token_actor(team, secret.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        actor, csrf = session_actor(team, cookie)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                raise ForbiddenError("the CSRF token is missing or wrong (X-CSRF-Token)")
        return actor
    return anonymous()
