"""The app factory: ``create_app(settings)`` builds the ASGI app any ASGI server can run.

``aar serve`` runs it with uvicorn (``afteraction.server.app:app_from_environment``
as a factory). A database that is behind is refused at start, naming the
command that upgrades it; the default SQLite file upgrades itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from afteraction import __version__
from afteraction.server import problems
from afteraction.server.routes import actions, hooks, parts, people, postmortems, review
from afteraction.service.team.context import Team
from afteraction.settings import Settings

API = "/api/v1"


def create_app(settings: Settings | None = None, *, team: Team | None = None) -> FastAPI:
    """Build the server for ``settings`` (or an open ``team``), checking its database first."""
    team = team if team is not None else Team.open(settings)
    database = team.database
    if database.dialect == "sqlite" and team.workspace.settings.server.database_url is None:
        database.upgrade()
    database.require_current()
    threads = team.workspace.settings.server.threads

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Requests run in a pool of threads, one at a time in Python: a few threads take
        # turns less often than anyio's 40, and the others wait in order, not in a scramble.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="afteraction",
        version=__version__,
        summary="Incident postmortems: timelines, review, sign-off, action items.",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    app.state.team = team
    problems.install(app)
    for module in (people, postmortems, parts, review, actions, hooks):
        app.include_router(module.router, prefix=API)
    return app


def app_from_environment() -> FastAPI:
    """Build the server from the settings found from the current folder (for uvicorn)."""
    return create_app()
