"""The floor of bench/server_load.py: a FastAPI app that answers every route with a fixed page.

``uvicorn server_floor:app`` (from ``bench/``) serves the load's five routes
the way ``aar serve`` does, as synchronous routes in uvicorn's thread pool,
each reading the ``Authorization`` header and answering with the same 6 KB
JSON document. What it does a second is what the framework, uvicorn and the
load's own clients allow on this machine, with no postmortem read or written.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

DOCUMENT = {
    "id": "INC-FLOOR",
    "sections": [{"title": f"Section {n}", "text": "lorem ipsum " * 40} for n in range(12)],
}
app = FastAPI()


def who(request: Request) -> str:
    """Return the credentials sent, as the real server reads them first."""
    return request.headers.get("authorization", "")


Who = Annotated[str, Depends(who)]


@app.get("/api/v1/postmortems")
def listed(_who: Who) -> dict[str, Any]:
    """Answer a list."""
    return DOCUMENT


@app.get("/api/v1/postmortems/{ref}")
def record(ref: str, _who: Who) -> dict[str, Any]:
    """Answer a record."""
    return DOCUMENT


@app.get("/api/v1/postmortems/{ref}/render")
def page(ref: str, _who: Who) -> dict[str, Any]:
    """Answer a page."""
    return DOCUMENT


@app.post("/api/v1/postmortems/{ref}/timeline")
def timeline(ref: str, body: dict[str, Any], _who: Who) -> dict[str, Any]:
    """Answer a timeline event."""
    return DOCUMENT


@app.post("/api/v1/actions/{ref}/status")
def action(ref: str, body: dict[str, Any], _who: Who) -> dict[str, Any]:
    """Answer an action item's state."""
    return DOCUMENT
