"""Who may do what: every role (and no one, a bad token, a read token) against every route.

The expected answer of each route for each caller is written as a table:
columns anonymous, bad token, read token, viewer, author, reviewer, admin.
A private postmortem is invisible (404) to all but its participants and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from afteraction.service.team import hooks, postmortems, users
from afteraction.service.team.context import SYSTEM, Team
from tests.server_support import People

CALLERS = ("anonymous", "bad", "read", "viewer", "author", "reviewer", "admin")
PUBLIC = "INC-2026-01-05-001"
PRIVATE = "INC-2026-01-06-001"
BODY = (
    "# Queue stalled\n\n**Incident ID:** {ref}\n**Status:** Draft\n\n## Summary\n\nStalled.\n\n"
    "## Action Items\n\n| # | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"
    "| 1 | Add alert | al | 2026-02-01 | Open |\n"
)


@dataclass(frozen=True)
class Case:
    """One route called one way, and the status each caller gets."""

    method: str
    path: str
    codes: tuple[int, ...]
    body: Callable[[int], Any] | None = None
    raw: bytes | None = None


def _json(value: Any) -> Callable[[int], Any]:
    return lambda _: value


def _numbered(make: Callable[[int], Any]) -> Callable[[int], Any]:
    return make


#                                                       anon  bad  read view auth rev  admin
CASES = [
    Case("GET", "/me", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", "/users", (401, 401, 200, 200, 200, 200, 200)),
    Case(
        "POST",
        "/users",
        (401, 401, 403, 403, 403, 403, 201),
        _numbered(lambda n: {"name": f"new{n}", "role": "viewer"}),
    ),
    Case("PATCH", "/users/val", (401, 401, 403, 403, 403, 403, 200), _json({"role": "viewer"})),
    Case(
        "POST",
        "/users/val/grants",
        (401, 401, 403, 403, 403, 403, 200),
        _json({"sign_role": "Risk"}),
    ),
    Case("POST", "/users/al/tokens", (401, 401, 403, 403, 201, 403, 201), _json({"name": "t"})),
    Case("GET", "/users/al/tokens", (401, 401, 403, 403, 200, 403, 200)),
    Case("GET", "/postmortems", (401, 401, 200, 200, 200, 200, 200)),
    Case("POST", "/postmortems", (401, 401, 403, 403, 201, 201, 201), _json({"profile": "sre"})),
    Case(
        "POST",
        "/postmortems/import",
        (401, 401, 403, 403, 201, 201, 201),
        raw=b"# Imported\n\n## Summary\n\nText.\n",
    ),
    Case("GET", f"/postmortems/{PUBLIC}", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/text", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/render", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/revisions", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/revisions/1", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/diff?from=1&to=1", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/times", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/findings", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/history", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/comments", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", f"/postmortems/{PUBLIC}/reviews", (401, 401, 200, 200, 200, 200, 200)),
    Case(
        "POST",
        f"/postmortems/{PUBLIC}/timeline",
        (401, 401, 403, 403, 200, 200, 200),
        _numbered(
            lambda n: {
                "events": [
                    {"time": f"2026-01-05T{n // 60:02d}:{n % 60:02d}:00Z", "text": f"Step {n}"}
                ]
            }
        ),
    ),
    Case(
        "POST",
        f"/postmortems/{PUBLIC}/comments",
        (401, 401, 403, 403, 201, 201, 201),
        _json({"body": "Hm."}),
    ),
    Case(
        "POST",
        f"/postmortems/{PUBLIC}/reviews",
        (401, 401, 403, 403, 403, 201, 201),
        _json({"verdict": "approved"}),
    ),
    Case(
        "POST",
        f"/postmortems/{PUBLIC}/status",
        (401, 401, 403, 403, 200, 200, 200),
        _json({"status": "In review"}),
    ),
    Case(
        "POST",
        f"/postmortems/{PUBLIC}/sign-offs",
        (401, 401, 403, 403, 403, 403, 403),
        _json({"role": "Incident Commander"}),
    ),
    Case(
        "POST",
        f"/actions/{PUBLIC}%231/status",
        (401, 401, 403, 403, 200, 200, 200),
        _json({"status": "in progress"}),
    ),
    Case("GET", "/actions", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", "/calendar.ics", (401, 401, 200, 200, 200, 200, 200)),
    Case("GET", "/hooks", (401, 401, 403, 403, 403, 403, 200)),
    Case(
        "POST",
        "/hooks",
        (401, 401, 403, 403, 403, 403, 201),
        _numbered(lambda n: {"name": f"hook{n}", "kind": "grafana"}),
    ),
    Case("DELETE", "/hooks/spare{n}", (401, 401, 403, 403, 403, 403, 204)),
    Case("DELETE", "/postmortems/SPARE-{n}", (401, 401, 403, 403, 403, 403, 204)),
    # A private postmortem does not exist for anyone but its participants and admins.
    Case("GET", f"/postmortems/{PRIVATE}", (401, 401, 200, 404, 404, 404, 200)),
    Case(
        "POST",
        f"/postmortems/{PRIVATE}/comments",
        (401, 401, 403, 403, 404, 404, 201),
        _json({"body": "x"}),
    ),
    Case("DELETE", "/tokens/{token}", (401, 401, 403, 403, 204, 403, 204)),
]


def _prepare(team: Team, people: People) -> None:
    al = users.password_actor(team, "al", "al-password")
    postmortems.import_postmortem(team, al, BODY.format(ref=PUBLIC).encode())
    private = BODY.format(ref=PRIVATE).replace("# Queue", "---\nprivate: true\n---\n# Queue")
    postmortems.import_postmortem(team, SYSTEM, private.encode())


def _headers(people: People, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller == "bad":
        return {"Authorization": "Bearer aar_not-a-token"}
    return people.headers(caller)


def test_every_caller_gets_the_answer_the_table_gives(
    client: TestClient, people: People, team: Team
):
    _prepare(team, people)
    wrong = []
    number = 0
    for case in CASES:
        for caller, expected in zip(CALLERS, case.codes, strict=True):
            number += 1
            path = case.path
            if "{n}" in path:
                hooks.add_hook(team, SYSTEM, f"spare{number}", "grafana")
                postmortems.import_postmortem(
                    team, SYSTEM, BODY.format(ref=f"SPARE-{number}").encode()
                )
                path = path.replace("{n}", str(number))
            if "{token}" in path:
                path = path.replace("{token}", str(users.make_token(team, SYSTEM, "al", "x").id))
            kwargs: dict[str, Any] = {"headers": _headers(people, caller)}
            if case.body is not None:
                kwargs["json"] = case.body(number)
            if case.raw is not None:
                kwargs["content"] = case.raw
            answer = client.request(case.method, f"/api/v1{path}", **kwargs)
            if answer.status_code != expected:
                wrong.append(
                    f"{case.method} {path} as {caller}: {answer.status_code}, not {expected}"
                )
            if answer.status_code >= 400:
                assert answer.headers["content-type"] == "application/problem+json", path
    assert wrong == [], "\n".join(wrong)


def test_a_viewer_with_a_password_may_change_only_their_own(client: TestClient, people: People):
    mine = client.patch(
        "/api/v1/users/val", json={"password": "val-new-password"}, headers=people.headers("viewer")
    )
    assert mine.status_code == 200
    theirs = client.patch(
        "/api/v1/users/al", json={"password": "al-new-password"}, headers=people.headers("viewer")
    )
    assert theirs.status_code == 403


def test_a_revoked_token_and_an_inactive_user_are_refused(
    client: TestClient, people: People, team: Team
):
    made = users.make_token(team, SYSTEM, "al", "temporary")
    headers = {"Authorization": f"Bearer {made.secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    users.revoke_token(team, SYSTEM, made.id)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    users.update_user(team, SYSTEM, "rita", active=False)
    assert client.get("/api/v1/me", headers=people.headers("reviewer")).status_code == 401


def test_sessions_need_their_csrf_token_to_write(client: TestClient, people: People):
    wrong = client.post("/api/v1/session", json={"name": "al", "password": "nope-nope"})
    assert wrong.status_code == 401
    login = client.post("/api/v1/session", json={"name": "al", "password": "al-password"})
    assert login.status_code == 200
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    csrf = login.json()["csrf"]
    assert client.get("/api/v1/me").json()["name"] == "al"
    new = {"profile": "sre", "title": "From a browser"}
    assert client.post("/api/v1/postmortems", json=new).status_code == 403
    made = client.post("/api/v1/postmortems", json=new, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    assert client.delete("/api/v1/session").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
