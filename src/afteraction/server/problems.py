"""Every error the server answers with is RFC 9457 problem details, in one shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from afteraction.errors import PROBLEM_TYPE, AfteractionError

PROBLEM_JSON = "application/problem+json"


def problem_response(
    details: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """Return problem details as the response."""
    return JSONResponse(
        details, status_code=details["status"], media_type=PROBLEM_JSON, headers=headers
    )


def install(app: FastAPI) -> None:
    """Answer our errors, validation errors and HTTP errors as problem details."""

    @app.exception_handler(AfteractionError)
    async def _ours(request: Request, exc: AfteractionError) -> JSONResponse:
        details = exc.problem()
        details["instance"] = request.url.path
        return problem_response(details)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = [
            str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")
        ]
        return problem_response(
            {
                "type": PROBLEM_TYPE + "invalid-value",
                "title": "A value is not valid",
                "status": 422,
                "detail": str(first.get("msg", "invalid request")),
                "field": ".".join(where) or None,
                "instance": request.url.path,
                "errors": [
                    {"field": ".".join(str(p) for p in e.get("loc", ())), "detail": e.get("msg")}
                    for e in errors[:20]
                ],
            }
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The server logs the traceback; the answer says only that it failed.
        return problem_response(
            {
                "type": PROBLEM_TYPE + "internal",
                "title": "The server failed",
                "status": 500,
                "detail": "an unexpected error; the server's log has the details",
                "instance": request.url.path,
            }
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return problem_response(
            {
                "type": "about:blank",
                "title": str(exc.detail),
                "status": exc.status_code,
                "detail": str(exc.detail),
                "instance": request.url.path,
            },
            headers=dict(exc.headers or {}),
        )
