"""The REST API end to end, on SQLite and on PostgreSQL: postmortems, parts, versions, errors."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from afteraction.server.app import create_app
from afteraction.service.team.context import Team
from afteraction.store.sql.config import POOL_SIZE, ServerConfig
from tests.conftest import shared_folder
from tests.server_support import People, team_settings

API = "/api/v1"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _new(client: TestClient, people: People, **given: object) -> dict[str, object]:
    answer = client.post(
        f"{API}/postmortems",
        json={"profile": "sre", "title": "Checkout down", **given},
        headers=people.headers("author"),
    )
    assert answer.status_code == 201, answer.text
    data: dict[str, object] = answer.json()
    return data


def test_a_postmortem_is_created_listed_read_and_rendered(client: TestClient, people: People):
    made = _new(client, people, severity="P1")
    ref = made["id"]
    assert ref == f"INC-{str(made['updated_at'])[:10]}-001"
    listed = client.get(f"{API}/postmortems", headers=people.headers("viewer")).json()
    assert [p["id"] for p in listed["items"]] == [ref]
    assert listed["total"] == 1
    read = client.get(f"{API}/postmortems/{ref}", headers=people.headers("viewer"))
    assert read.headers["etag"] == '"1"'
    assert read.json()["record"]["title"] == "Checkout down"
    assert read.json()["record"]["severity"] == "P1"
    text = client.get(f"{API}/postmortems/{ref}/text", headers=people.headers("viewer")).text
    assert text.startswith("# Incident Postmortem: Checkout down")
    html = client.get(
        f"{API}/postmortems/{ref}/render",
        params={"format": "html"},
        headers=people.headers("viewer"),
    )
    assert html.headers["content-type"].startswith("text/html")
    assert "script-src" not in html.headers["content-security-policy"]
    other = client.get(
        f"{API}/postmortems/{ref}/render",
        params={"profile": "trading-cot"},
        headers=people.headers("viewer"),
    )
    assert other.headers["x-afteraction-profile"] == "trading-cot"
    assert "Checkout down" in other.text


def test_the_next_postmortem_of_the_day_gets_the_next_id(client: TestClient, people: People):
    first, second = _new(client, people), _new(client, people)
    assert str(second["id"]).endswith("-002") and str(first["id"]).endswith("-001")


def test_replacing_the_text_needs_the_current_version(client: TestClient, people: People):
    ref = _new(client, people)["id"]
    url = f"{API}/postmortems/{ref}/text"
    text = client.get(url, headers=people.headers("author")).text
    changed = text.replace("Checkout down", "Checkout down for 40 minutes")
    missing = client.put(url, content=changed, headers=people.headers("author"))
    assert missing.status_code == 428
    assert missing.json()["field"] == "If-Match"
    done = client.put(url, content=changed, headers={**people.headers("author"), "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    assert done.headers["etag"] == '"2"'
    stale = client.put(url, content=text, headers={**people.headers("author"), "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert client.get(url, headers=people.headers("author")).text == changed


def test_every_save_is_a_revision_with_a_diff(client: TestClient, people: People):
    ref = _new(client, people)["id"]
    url = f"{API}/postmortems/{ref}"
    text = client.get(f"{url}/text", headers=people.headers("author")).text
    client.put(
        f"{url}/text",
        params={"message": "name the outage"},
        content=text.replace("Checkout down", "Checkout outage"),
        headers={**people.headers("author"), "If-Match": '"1"'},
    )
    revisions = client.get(f"{url}/revisions", headers=people.headers("viewer")).json()
    assert [(r["number"], r["author"], r["message"]) for r in revisions] == [
        (1, "al", ""),
        (2, "al", "name the outage"),
    ]
    diff = client.get(f"{url}/diff", params={"from": 1, "to": 2}, headers=people.headers("viewer"))
    assert "-# Incident Postmortem: Checkout down" in diff.text
    assert "+# Incident Postmortem: Checkout outage" in diff.text
    first = client.get(f"{url}/revisions/1", headers=people.headers("viewer")).text
    assert first == text
    gone = client.get(f"{url}/revisions/9", headers=people.headers("viewer"))
    assert gone.status_code == 404 and gone.json()["field"] == "revision"


def test_an_uploaded_text_keeps_its_own_bytes(client: TestClient, people: People):
    body = "\ufeff# Outage of the queue\r\n\r\n**Status:** Draft\r\n\r\n"
    body += "## Summary\r\n\r\nIt broke.\r\n"
    made = client.post(
        f"{API}/postmortems/import", content=body.encode(), headers=people.headers("author")
    )
    assert made.status_code == 201, made.text
    ref = made.json()["id"]
    stored = client.get(f"{API}/postmortems/{ref}/text", headers=people.headers("author"))
    assert stored.content == body.encode("utf-8")


def test_real_postmortems_import_as_aar_import_reads_them(client: TestClient, people: People):
    folder = shared_folder("fixtures") / "postmortems"
    files = sorted(folder.glob("*.md"))[:6]
    refs = []
    for path in files:
        answer = client.post(
            f"{API}/postmortems/import",
            params={"name": path.name},
            content=path.read_bytes(),
            headers=people.headers("author"),
        )
        assert answer.status_code == 201, (path.name, answer.text)
        refs.append(answer.json()["id"])
        stored = client.get(f"{API}/postmortems/{refs[-1]}/text", headers=people.headers("viewer"))
        assert stored.content == path.read_bytes()
    listed = client.get(
        f"{API}/postmortems", params={"limit": 200}, headers=people.headers("viewer")
    )
    assert sorted(p["id"] for p in listed.json()["items"]) == sorted(refs)


def test_an_import_can_be_rewritten_in_a_profile(client: TestClient, people: People):
    body = b"# DNS outage\n\n## Summary\n\nResolvers failed.\n\n## Root cause\n\nA bad zone push.\n"
    made = client.post(
        f"{API}/postmortems/import",
        params={"profile": "sre"},
        content=body,
        headers=people.headers("author"),
    ).json()
    assert made["profile"] == "sre"
    assert made["record"]["root_cause"] == "A bad zone push."


def test_lists_filter_sort_and_page(client: TestClient, people: People):
    for number, (severity, tags) in enumerate(
        [("SEV1", "db, network"), ("SEV2", "db"), ("SEV3", "frontend")], 1
    ):
        body = (
            f"---\ntags: [{tags}]\ncomponent: svc-{number}\nowners: [al]\n---\n"
            f"# Outage {number}\n\n**Incident ID:** INC-2026-01-0{number}-001\n"
            f"**Severity:** {severity}\n**Date:** 2026-01-0{number}\n\n"
            f"## Summary\n\nText {number}.\n"
        )
        answer = client.post(
            f"{API}/postmortems/import", content=body.encode(), headers=people.headers("author")
        )
        assert answer.status_code == 201, answer.text

    def ids(**params: object) -> list[str]:
        found = client.get(f"{API}/postmortems", params=params, headers=people.headers("viewer"))
        assert found.status_code == 200, found.text
        return [p["id"] for p in found.json()["items"]]

    assert ids() == ["INC-2026-01-03-001", "INC-2026-01-02-001", "INC-2026-01-01-001"]
    assert ids(sort="occurred") == [
        "INC-2026-01-01-001",
        "INC-2026-01-02-001",
        "INC-2026-01-03-001",
    ]
    assert ids(tag="db") == ["INC-2026-01-02-001", "INC-2026-01-01-001"]
    assert ids(tag="DB", severity="sev1") == ["INC-2026-01-01-001"]
    assert ids(component="svc-3") == ["INC-2026-01-03-001"]
    assert ids(owner="al", limit=1, offset=1) == ["INC-2026-01-02-001"]
    assert ids(since="2026-01-02T00:00:00Z", until="2026-01-03T00:00:00Z") == ["INC-2026-01-02-001"]
    assert ids(q="text 3") == ["INC-2026-01-03-001"]
    assert ids(q="100%_") == []
    bad = client.get(
        f"{API}/postmortems", params={"sort": "nope"}, headers=people.headers("viewer")
    )
    assert bad.status_code == 422 and bad.json()["field"] == "sort"


def test_timeline_events_are_appended_once(client: TestClient, people: People):
    ref = _new(client, people)["id"]
    event = {"time": "2026-12-01T10:00:00Z", "text": "Error rate alert fired", "source": "pager"}
    url = f"{API}/postmortems/{ref}/timeline"
    first = client.post(url, json={"events": [event]}, headers=people.headers("author")).json()
    again = client.post(url, json={"events": [event]}, headers=people.headers("author")).json()
    assert (first["added"], again["added"], again["already"]) == (1, 0, 1)
    record = client.get(f"{API}/postmortems/{ref}", headers=people.headers("viewer")).json()
    assert [e["text"] for e in record["record"]["timeline"]].count("Error rate alert fired") == 1
    naive = client.post(
        url,
        json={"events": [{"time": "2026-12-01T10:00:00", "text": "x"}]},
        headers=people.headers("author"),
    )
    assert naive.status_code == 422 and naive.json()["field"] == "events[0].time"


def test_action_items_are_listed_and_set(client: TestClient, people: People):
    body = (
        "# Cache stampede\n\n**Incident ID:** INC-2026-02-01-001\n\n## Action Items\n\n"
        "| # | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"
        "| 1 | Add jitter | al | 2026-03-01 | Open |\n"
        "| 2 | Page on misses | rita | 2026-03-02 | Open |\n"
    )
    client.post(
        f"{API}/postmortems/import", content=body.encode(), headers=people.headers("author")
    )
    listed = client.get(f"{API}/actions", params={"owner": "al"}, headers=people.headers("viewer"))
    assert [(i["key"], i["status"]) for i in listed.json()] == [("INC-2026-02-01-001#1", "open")]
    done = client.post(
        f"{API}/actions/INC-2026-02-01-001%231/status",
        json={"status": "done"},
        headers=people.headers("author"),
    )
    assert done.status_code == 200, done.text
    after = client.get(
        f"{API}/actions", params={"status": "done"}, headers=people.headers("viewer")
    )
    assert [i["key"] for i in after.json()] == ["INC-2026-02-01-001#1"]
    text = client.get(
        f"{API}/postmortems/INC-2026-02-01-001/text", headers=people.headers("viewer")
    ).text
    assert text == body.replace(
        "| 1 | Add jitter | al | 2026-03-01 | Open |", "| 1 | Add jitter | al | 2026-03-01 | Done |"
    )
    unknown = client.post(
        f"{API}/actions/INC-2026-02-01-001%239/status",
        json={"status": "done"},
        headers=people.headers("author"),
    )
    assert unknown.status_code == 404 and unknown.json()["field"] == "key"
    calendar = client.get(f"{API}/calendar.ics", params={"token": people.tokens["read"]})
    assert calendar.status_code == 200 and "BEGIN:VCALENDAR" in calendar.text
    assert "Page on misses" in calendar.text


def test_comments_findings_and_key_times(client: TestClient, people: People):
    ref = _new(client, people)["id"]
    url = f"{API}/postmortems/{ref}"
    made = client.post(
        f"{url}/comments",
        json={"body": "Which deploy?", "section": "Executive Summary"},
        headers=people.headers("reviewer"),
    )
    assert made.status_code == 201, made.text
    nowhere = client.post(
        f"{url}/comments", json={"body": "?", "section": "Nope"}, headers=people.headers("reviewer")
    )
    assert nowhere.status_code == 404 and nowhere.json()["field"] == "section"
    listed = client.get(f"{url}/comments", headers=people.headers("viewer")).json()
    assert [(c["author"], c["body"], c["revision"]) for c in listed] == [
        ("rita", "Which deploy?", 1)
    ]
    found = client.get(f"{url}/findings", headers=people.headers("viewer")).json()
    assert any(f["rule"] == "AAR101" and f["blocks_final"] for f in found)
    times = client.get(f"{url}/times", headers=people.headers("viewer")).json()
    assert set(times["metrics"]) >= {"time_to_detect", "time_to_resolve"}


def test_errors_are_problem_details_naming_the_field(client: TestClient, people: People):
    missing = client.get(f"{API}/postmortems/NOPE", headers=people.headers("viewer"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert set(missing.json()) >= PROBLEM_KEYS
    assert missing.json()["type"] == "urn:afteraction:problem:not-found"
    bad = client.post(
        f"{API}/postmortems", json={"profile": "nope"}, headers=people.headers("author")
    )
    assert bad.status_code >= 400 and set(bad.json()) >= PROBLEM_KEYS
    severity = client.post(
        f"{API}/postmortems",
        json={"profile": "sre", "severity": "huge"},
        headers=people.headers("author"),
    )
    assert severity.status_code == 422 and severity.json()["field"] == "severity"
    broken = client.post(
        f"{API}/postmortems/import", content=b"\xff\xfe bad bytes", headers=people.headers("author")
    )
    assert broken.status_code in (400, 422) and "line" in broken.json()
    shape = client.post(f"{API}/postmortems", json={"title": 5}, headers=people.headers("author"))
    assert shape.status_code == 422 and shape.json()["field"] == "title"


def test_a_text_that_does_not_read_is_refused_naming_the_line(client: TestClient, people: People):
    ref = _new(client, people)["id"]
    url = f"{API}/postmortems/{ref}/text"
    text = client.get(url, headers=people.headers("author")).text
    bad = text.replace("**Status:** DRAFT", "**Status:** DRAFT\n**Date:** 2026-02-30", 1)
    answer = client.put(url, content=bad, headers={**people.headers("author"), "If-Match": '"1"'})
    assert answer.status_code == 422, answer.text
    assert answer.json()["line"] >= 1
    assert client.get(url, headers=people.headers("author")).text == text


def test_deleting_is_for_admins_and_is_logged(client: TestClient, people: People, team: Team):
    ref = _new(client, people)["id"]
    refused = client.delete(f"{API}/postmortems/{ref}", headers=people.headers("reviewer"))
    assert refused.status_code == 403
    assert (
        client.delete(f"{API}/postmortems/{ref}", headers=people.headers("admin")).status_code
        == 204
    )
    assert (
        client.get(f"{API}/postmortems/{ref}", headers=people.headers("admin")).status_code == 404
    )
    from sqlalchemy import select

    from afteraction.store.sql.tables import ChangeRow

    with team.database.reading() as session:
        entry = session.scalars(select(ChangeRow).where(ChangeRow.action == "delete")).one()
    assert (entry.ref, entry.actor) == (ref, "ann")
    assert entry.detail["text"].startswith("# Incident Postmortem")


def test_the_openapi_schema_is_served(client: TestClient):
    schema = client.get(f"{API}/openapi.json").json()
    assert "/api/v1/postmortems/{ref}/text" in schema["paths"]
    assert schema["info"]["title"] == "afteraction"


def test_a_huge_body_is_refused_whole(client: TestClient, people: People):
    answer = client.post(
        f"{API}/postmortems/import",
        content=b"# x\n" + b"a" * (6 * 1024 * 1024),
        headers=people.headers("author"),
    )
    assert answer.status_code == 413


def test_the_document_history_table_is_filled_from_the_revisions(
    client: TestClient, people: People
):
    made = client.post(
        f"{API}/postmortems",
        json={"profile": "trading-cot", "title": "Feed gap"},
        headers=people.headers("author"),
    ).json()
    ref = made["id"]
    client.post(
        f"{API}/postmortems/{ref}/timeline",
        json={"events": [{"time": "2026-12-01T10:00:00Z", "text": "Feed gap alert"}]},
        headers=people.headers("reviewer"),
    )
    page = client.get(f"{API}/postmortems/{ref}/render", headers=people.headers("viewer")).text
    history = page[page.index("Document History") :]
    assert "| 1 |" in history and "| al | create |" in history
    assert "| 2 |" in history and "| rita | timeline.append |" in history


def test_an_unexpected_failure_is_problem_details_without_its_insides(
    team: Team, people: People, monkeypatch: pytest.MonkeyPatch
):
    from afteraction.server.app import create_app
    from afteraction.service.team import postmortems

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(postmortems, "list_postmortems", broken)
    with TestClient(create_app(team=team), raise_server_exceptions=False) as other:
        answer = other.get(f"{API}/postmortems", headers=people.headers("viewer"))
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:afteraction:problem:internal"
    assert "secret internals" not in answer.text


def test_items_of_a_text_without_an_id_take_the_id_it_is_stored_as(
    client: TestClient, people: People
):
    body = (
        "# Cache stampede\n\n## Action Items\n\n| # | Action | Owner | Due | Status |\n"
        "|---|---|---|---|---|\n| 1 | Add jitter | al | 2026-03-01 | Open |\n"
    )
    made = client.post(
        f"{API}/postmortems/import", content=body.encode(), headers=people.headers("author")
    ).json()
    ref = made["id"]
    assert made["record"]["id"] == ref
    listed = client.get(f"{API}/actions", headers=people.headers("viewer")).json()
    assert [item["key"] for item in listed] == [f"{ref}#1"]
    done = client.post(
        f"{API}/actions/{ref}%231/status", json={"status": "done"}, headers=people.headers("author")
    )
    assert done.status_code == 200, done.text
    text = client.get(f"{API}/postmortems/{ref}/text", headers=people.headers("viewer")).text
    assert text == body.replace("| Open |", "| Done |")


def test_numbers_beyond_what_is_stored_are_refused_not_failed(client: TestClient, people: People):
    ref = _new(client, people)["id"]
    huge = "9" * 20
    for method, path in [
        ("get", f"{API}/postmortems/{ref}/diff?from=1&to={huge}"),
        ("get", f"{API}/postmortems/{ref}/revisions/{huge}"),
        ("delete", f"{API}/tokens/{huge}"),
        ("get", f"{API}/postmortems?offset={huge}"),
    ]:
        answer = client.request(method, path, headers=people.headers("admin"))
        assert answer.status_code == 422, (path, answer.text)


async def _threads() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


def test_a_worker_runs_as_many_requests_at_once_as_its_settings_say(tmp_path: Path):
    settings = team_settings(tmp_path, f"sqlite:///{tmp_path / 'team.db'}")
    settings.server.threads = 3
    team = Team.open(settings)
    team.database.upgrade()
    with TestClient(create_app(team=team)) as client:
        assert client.portal is not None
        assert client.portal.call(_threads) == 3
    team.database.dispose()
    with pytest.raises(ValidationError, match="threads"):
        ServerConfig(threads=POOL_SIZE + 1)
