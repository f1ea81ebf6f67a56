"""Alert webhooks on the server: a delivery opens or joins an incident and fills its timeline.

Deliveries are the real payloads of the shared fixtures, read in place.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from fastapi.testclient import TestClient

from afteraction.service.team import hooks
from afteraction.service.team.context import SYSTEM, Team
from tests.conftest import shared_folder
from tests.server_support import People

API = "/api/v1"
SECRET = "s3cret-of-the-receiver-0123"


def payload(name: str) -> bytes:
    return (shared_folder("fixtures") / "payloads" / name).read_bytes()


def _hook(team: Team, name: str, kind: str) -> None:
    hooks.add_hook(team, SYSTEM, name, kind, secret=SECRET)


def _deliver(client: TestClient, name: str, body: bytes, **headers: str):
    return client.post(f"{API}/hooks/{name}", content=body, headers=headers)


def _bearer() -> dict[str, str]:
    return {"authorization": f"Bearer {SECRET}"}


def _count(client: TestClient, people: People) -> int:
    return int(client.get(f"{API}/postmortems", headers=people.headers("admin")).json()["total"])


def test_an_alert_opens_a_draft_with_its_events_and_a_repeat_adds_nothing(
    client: TestClient, people: People, team: Team
):
    _hook(team, "prom", "alertmanager")
    body = payload("alertmanager__inCaller__prometheus_bot__testdata__production_example.json")
    first = _deliver(client, "prom", body, **_bearer())
    assert first.status_code == 200, first.text
    got = first.json()
    assert got["opened"] and got["state"] == "firing" and got["added"] > 0
    shown = client.get(f"{API}/postmortems/{got['id']}", headers=people.headers("viewer")).json()
    assert shown["profile"] == "default" and shown["status"] == "Draft"
    assert len(shown["record"]["timeline"]) >= got["added"]
    assert shown["times"]["detected"] is not None or shown["times"]["started"] is not None
    version = shown["version"]
    again = _deliver(client, "prom", body, **_bearer())
    assert again.json()["repeat"] and again.json()["id"] == got["id"]
    after = client.get(f"{API}/postmortems/{got['id']}", headers=people.headers("viewer")).json()
    assert after["version"] == version
    assert _count(client, people) == 1


def test_a_later_delivery_of_the_group_joins_its_incident(
    client: TestClient, people: People, team: Team
):
    _hook(team, "prom", "alertmanager")
    firing = {
        "version": "4",
        "groupKey": '{}:{alertname="HighLatency"}',
        "status": "firing",
        "receiver": "afteraction",
        "commonLabels": {"alertname": "HighLatency", "service": "checkout"},
        "commonAnnotations": {"summary": "Checkout latency over 2 s"},
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "HighLatency", "service": "checkout"},
                "annotations": {"summary": "Checkout latency over 2 s"},
                "startsAt": "2026-11-30T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": "abc123",
            }
        ],
    }
    resolved = json.loads(json.dumps(firing))
    resolved["status"] = resolved["alerts"][0]["status"] = "resolved"
    resolved["alerts"][0]["endsAt"] = "2026-11-30T10:42:00Z"
    opened = _deliver(client, "prom", json.dumps(firing).encode(), **_bearer()).json()
    joined = _deliver(client, "prom", json.dumps(resolved).encode(), **_bearer()).json()
    assert opened["opened"] and not joined["opened"]
    assert joined["id"] == opened["id"] and joined["state"] == "resolved"
    shown = client.get(f"{API}/postmortems/{opened['id']}", headers=people.headers("viewer")).json()
    assert shown["title"] == "Checkout latency over 2 s"
    assert shown["times"]["resolved"] == "2026-11-30T10:42:00+00:00"
    texts = [e["text"] for e in shown["record"]["timeline"]]
    assert len(texts) == 2, texts
    assert _count(client, people) == 1


def test_a_bad_secret_or_payload_changes_nothing(client: TestClient, people: People, team: Team):
    _hook(team, "prom", "alertmanager")
    body = payload("alertmanager__inCaller__prometheus_bot__testdata__production_example.json")
    assert _deliver(client, "prom", body).status_code == 401
    assert _deliver(client, "prom", body, authorization="Bearer wrong").status_code == 401
    basic = "Basic " + __import__("base64").b64encode(f"alertmanager:{SECRET}".encode()).decode()
    bad = _deliver(client, "prom", b'{"status": "firing"}', authorization=basic)
    assert bad.status_code == 400
    assert "alerts" in bad.json()["detail"] and bad.json()["field"] == "body"
    assert (
        _deliver(client, "prom", b"\x00" * 10, **{"x-afteraction-token": SECRET}).status_code == 400
    )
    assert _deliver(client, "nope", body, **_bearer()).status_code == 404
    assert _count(client, people) == 0


def test_pagerduty_deliveries_are_checked_by_their_signature(
    client: TestClient, people: People, team: Team
):
    _hook(team, "pd", "pagerduty")
    body = payload(
        "pagerduty__zulip__zulip__zerver__webhooks__pagerduty__fixtures__triggered_v3.json"
    )
    signature = "v1=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert _deliver(client, "pd", body, **_bearer()).status_code == 401
    wrong = "v1=" + hmac.new(b"other", body, hashlib.sha256).hexdigest()
    assert _deliver(client, "pd", body, **{"x-pagerduty-signature": wrong}).status_code == 401
    done = _deliver(client, "pd", body, **{"x-pagerduty-signature": f"{wrong},{signature}"})
    assert done.status_code == 200, done.text
    assert done.json()["opened"] and done.json()["state"] == "firing"


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("grafana", "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__alert.json"),
        ("opsgenie", "opsgenie__zulip__zulip__zerver__webhooks__opsgenie__fixtures__create.json"),
    ],
)
def test_grafana_and_opsgenie_open_incidents(
    client: TestClient, people: People, team: Team, kind: str, name: str
):
    _hook(team, kind, kind)
    done = _deliver(client, kind, payload(name), **_bearer())
    assert done.status_code == 200, done.text
    assert done.json()["opened"] and done.json()["added"] >= 1


def test_receivers_are_managed_by_admins(client: TestClient, people: People):
    made = client.post(
        f"{API}/hooks",
        json={"name": "prom", "kind": "alertmanager"},
        headers=people.headers("admin"),
    )
    assert made.status_code == 201 and len(made.json()["secret"]) >= 32
    assert (
        client.post(
            f"{API}/hooks",
            json={"name": "x", "kind": "alertmanager"},
            headers=people.headers("reviewer"),
        ).status_code
        == 403
    )
    listed = client.get(f"{API}/hooks", headers=people.headers("admin")).json()
    assert listed == [{"name": "prom", "kind": "alertmanager", "profile": None}]
    assert client.delete(f"{API}/hooks/prom", headers=people.headers("admin")).status_code == 204
    assert (
        client.post(
            f"{API}/hooks/prom", content=b"{}", headers={"authorization": "Bearer x"}
        ).status_code
        == 404
    )
