"""Review and sign-off on the server: moves the profile allows, every reason a move is refused.

Seed 003's profile (lending-governance) names five sign-off roles for FINAL;
each must be signed on the server by a user who holds the role.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.service.team import users
from afteraction.service.team.context import SYSTEM, Team
from afteraction.store.sql.config import ServerConfig
from tests.server_support import People

API = "/api/v1"
ROLES = [
    "Post-Mortem Author",
    "Incident Commander",
    "Technical Lead",
    "Risk / Compliance",
    "Engineering Manager",
]


def _demo(client: TestClient, people: People, profile: str = "lending-governance") -> str:
    registry = client.app.state.team.workspace.profiles  # type: ignore[attr-defined]
    chosen = registry.get(profile)
    text = render_markdown(demo_record(chosen, 1), chosen)
    made = client.post(
        f"{API}/postmortems/import", content=text.encode(), headers=people.headers("author")
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _move(client: TestClient, people: People, ref: str, status: str, role: str = "reviewer"):
    return client.post(
        f"{API}/postmortems/{ref}/status", json={"status": status}, headers=people.headers(role)
    )


def _sign(client: TestClient, people: People, ref: str, role: str, who: str = "reviewer"):
    return client.post(
        f"{API}/postmortems/{ref}/sign-offs", json={"role": role}, headers=people.headers(who)
    )


def test_a_refused_move_gives_every_reason(client: TestClient, people: People):
    ref = _demo(client, people)
    refused = _move(client, people, ref, "FINAL")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:afteraction:problem:refused"
    kinds = [(r["kind"], r.get("role")) for r in problem["reasons"]]
    assert ("transition", None) in kinds
    assert {role for kind, role in kinds if kind == "sign-off"} == set(ROLES)
    assert (
        client.get(f"{API}/postmortems/{ref}", headers=people.headers("viewer")).json()["status"]
        == "DRAFT"
    )


def test_a_move_changes_only_the_status_line_and_is_logged(client: TestClient, people: People):
    ref = _demo(client, people)
    before = client.get(f"{API}/postmortems/{ref}/text", headers=people.headers("viewer")).text
    moved = _move(client, people, ref, "under review", role="author")
    assert moved.status_code == 200, moved.text
    assert moved.json()["from"] == "DRAFT" and moved.json()["to"] == "UNDER REVIEW"
    after = client.get(f"{API}/postmortems/{ref}/text", headers=people.headers("viewer")).text
    changed = [(a, b) for a, b in zip(before.split("\n"), after.split("\n"), strict=True) if a != b]
    assert len(changed) == 1 and "UNDER REVIEW" in changed[0][1]
    history = client.get(
        f"{API}/postmortems/{ref}/history", headers=people.headers("viewer")
    ).json()
    assert [(h["action"], h["actor"]) for h in history] == [("import", "al"), ("status", "al")]
    unknown = _move(client, people, ref, "SHIPPED")
    assert unknown.status_code == 422 and "UNDER REVIEW" in unknown.json()["detail"]


def test_only_a_holder_of_a_role_signs_for_it(client: TestClient, people: People, team: Team):
    ref = _demo(client, people)
    refused = _sign(client, people, ref, "Risk / Compliance")
    assert refused.status_code == 403 and refused.json()["field"] == "role"
    users.grant(team, SYSTEM, "rita", "risk/compliance")
    signed = _sign(client, people, ref, "Risk / Compliance")
    assert signed.status_code == 200, signed.text
    record = client.get(f"{API}/postmortems/{ref}", headers=people.headers("viewer")).json()[
        "record"
    ]
    [entry] = [s for s in record["sign_offs"] if s["role"] == "Risk / Compliance"]
    assert entry["name"] == "rita" and entry["date"] is not None
    other = _sign(client, people, ref, "Chief Astronaut")
    assert other.status_code == 403
    users.grant(team, SYSTEM, "rita", "Chief Astronaut")
    unknown = _sign(client, people, ref, "Chief Astronaut")
    assert unknown.status_code == 422 and unknown.json()["field"] == "role"
    read_only = client.post(
        f"{API}/postmortems/{ref}/sign-offs",
        json={"role": "Risk / Compliance"},
        headers=people.headers("read"),
    )
    assert read_only.status_code == 403


def test_a_sign_off_typed_by_hand_does_not_count(client: TestClient, people: People, team: Team):
    ref = _demo(client, people)
    for role in ROLES:
        users.grant(team, SYSTEM, "rita", role)
    assert _move(client, people, ref, "UNDER REVIEW").status_code == 200
    for role in ROLES:
        assert _sign(client, people, ref, role).status_code == 200
    url = f"{API}/postmortems/{ref}/text"
    answer = client.get(url, headers=people.headers("author"))
    forged = answer.text.replace("| Risk / Compliance | rita |", "| Risk / Compliance | mallory |")
    assert forged != answer.text
    put = client.put(
        url,
        content=forged,
        headers={**people.headers("author"), "If-Match": answer.headers["etag"]},
    )
    assert put.status_code == 200
    refused = _move(client, people, ref, "FINAL")
    assert refused.status_code == 409
    assert [r["role"] for r in refused.json()["reasons"]] == ["Risk / Compliance"]
    users.revoke(team, SYSTEM, "rita", "Technical Lead")
    assert _sign(client, people, ref, "Risk / Compliance").status_code == 200
    still = _move(client, people, ref, "FINAL").json()["reasons"]
    assert [r["role"] for r in still] == ["Technical Lead"]


@pytest.fixture
def mailbox() -> Iterator[tuple[int, list[email.message.EmailMessage]]]:
    received: list[email.message.EmailMessage] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def test_the_final_move_is_mailed_to_the_distribution_list(
    client: TestClient, people: People, team: Team, mailbox
):
    port, received = mailbox
    settings = team.workspace.settings
    settings.server = ServerConfig(
        database_url=settings.server.database_url, distribution=["leads@example.com"]
    )
    settings.digest.smtp_host, settings.digest.smtp_port = "127.0.0.1", port
    ref = _demo(client, people)
    for role in ROLES:
        users.grant(team, SYSTEM, "rita", role)
    assert _move(client, people, ref, "UNDER REVIEW").status_code == 200
    for role in ROLES:
        assert _sign(client, people, ref, role).status_code == 200
    author = _move(client, people, ref, "FINAL", role="author")
    assert author.status_code == 403
    final = _move(client, people, ref, "FINAL")
    assert final.status_code == 200, final.text
    assert final.json()["mailed"] == ["leads@example.com"]
    [message] = received
    assert message["To"] == "leads@example.com"
    assert ref in message["Subject"] and "FINAL" in message["Subject"]
    assert "Risk / Compliance" in message.get_body(("plain",)).get_content()


def test_a_final_move_is_refused_while_blocking_findings_remain(
    client: TestClient, people: People, team: Team
):
    made = client.post(
        f"{API}/postmortems",
        json={"profile": "sre", "title": "Blank"},
        headers=people.headers("author"),
    )
    ref = made.json()["id"]
    for role in ("Author", "Reviewer", "Engineering Lead"):
        users.grant(team, SYSTEM, "rita", role)
        assert _sign(client, people, ref, role).status_code == 200
    refused = _move(client, people, ref, "FINAL")
    assert refused.status_code == 409
    rules = {r.get("rule") for r in refused.json()["reasons"] if r["kind"] == "finding"}
    assert "AAR101" in rules


def test_reviews_are_recorded_per_revision(client: TestClient, people: People):
    ref = _demo(client, people)
    url = f"{API}/postmortems/{ref}/reviews"
    asked = client.post(
        url,
        json={"verdict": "changes_requested", "note": "Name the deploy."},
        headers=people.headers("reviewer"),
    )
    assert asked.status_code == 201
    author = client.post(url, json={"verdict": "approved"}, headers=people.headers("author"))
    assert author.status_code == 403
    listed = client.get(url, headers=people.headers("viewer")).json()
    assert [(r["reviewer"], r["verdict"], r["revision"]) for r in listed] == [
        ("rita", "changes_requested", 1)
    ]


def test_addresses_are_found_in_words_in_linear_time():
    import time

    from afteraction.service.team.review import _addresses

    assert _addresses("To: <ops@example.com>, (lead@corp.io); not-an-address") == [
        "ops@example.com",
        "lead@corp.io",
    ]
    started = time.perf_counter()
    assert _addresses("a" * 1_000_000 + " b.c" * 100_000) == []
    assert time.perf_counter() - started < 10  # a hang guard, not a speed target
