"""Errors an API can answer with: each kind its status, and RFC 9457 problem details."""

from __future__ import annotations

import pytest

from afteraction.errors import (
    PROBLEM_TYPE,
    AfteractionError,
    ConflictError,
    FieldValueError,
    InvalidValueError,
    NotFoundError,
    ParseError,
    PluginError,
    ProfileError,
    UsageError,
)


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (NotFoundError, 404, "not-found"),
        (ConflictError, 409, "conflict"),
        (InvalidValueError, 422, "invalid-value"),
        (ParseError, 422, "unreadable-document"),
        (FieldValueError, 422, "invalid-field"),
        (ProfileError, 500, "profile"),
        (PluginError, 500, "plugin"),
        (UsageError, 400, "bad-request"),
    ],
)
def test_each_kind_of_error_answers_with_its_status(error, status, kind):
    problem = error("no such thing", file="pm.md", line=3, field="severity").problem()
    assert problem == {
        "type": PROBLEM_TYPE + kind,
        "title": error.title,
        "status": status,
        "detail": "no such thing",
        "file": "pm.md",
        "line": 3,
        "field": "severity",
    }


def test_what_is_not_known_is_left_out_and_the_cli_line_is_unchanged():
    error = ConflictError("changed since it was read", file="pm.md")
    assert error.problem() == {
        "type": "urn:afteraction:problem:conflict",
        "title": "Conflicting change",
        "status": 409,
        "detail": "changed since it was read",
        "file": "pm.md",
    }
    assert str(error) == "pm.md: changed since it was read"
    # Every new kind is still a usage error to the CLI (one line, exit 2).
    assert isinstance(error, UsageError) and isinstance(error, AfteractionError)
