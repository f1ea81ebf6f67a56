"""The team server under concurrent writers, as real `aar serve` processes, on both databases.

Many clients write to one postmortem at the same moment: no write that was
acknowledged is lost, none is applied twice, the revisions are numbered
without gaps, and a stale replacement is refused (412). Postmortems made at
once each get an ID of their own; several workers share one PostgreSQL
database and keep nothing of their own; a server killed mid-write loses
nothing it acknowledged.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.server_processes import API, Server, prepare, server_database, start_server
from tests.server_support import BACKENDS, People

REF = "INC-2026-03-01-001"
WRITERS = 50
ITEMS = 25
STATES = ("in_progress", "done", "cancelled")
START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
SECONDS = 60


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Return a function that starts `aar serve` on a database and waits until it answers."""
    started: list[Server] = []

    def start(url: str, workers: int = 1) -> Server:
        server = start_server(tmp_path, url, workers, f"server-{len(started) + 1}")
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


def _postmortem(items: int = 0) -> bytes:
    """Return a postmortem with ``items`` open action items and no timeline yet."""
    text = f"# Queue outage\n\n**Incident ID:** {REF}\n**Status:** Draft\n\n"
    text += "## Summary\n\nThe queue stalled.\n"
    if items:
        text += (
            "\n## Action Items\n\n| # | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"
        )
        text += "".join(
            f"| {n} | Fix thing {n} | al | 2026-04-{n:02d} | Open |\n" for n in range(1, items + 1)
        )
    return text.encode()


@dataclass(frozen=True)
class Outcome:
    """What one request came back with: its answer, or why there was none."""

    label: str
    answer: httpx.Response | None
    error: str = ""

    @property
    def status(self) -> int | None:
        return self.answer.status_code if self.answer is not None else None

    def __repr__(self) -> str:
        said = self.answer.text[:300] if self.answer is not None else self.error
        return f"<{self.label}: {self.status} {said}>"


def _client(server: Server) -> httpx.Client:
    limits = httpx.Limits(max_connections=WRITERS * 2, max_keepalive_connections=WRITERS * 2)
    return httpx.Client(base_url=f"{server.base}{API}", timeout=SECONDS, limits=limits)


def _ask(label: str, send: Callable[[], httpx.Response]) -> Outcome:
    try:
        return Outcome(label, send())
    except httpx.TransportError as exc:
        return Outcome(label, None, repr(exc))


def _append(client: httpx.Client, people: People, ref: str, text: str, when: datetime) -> Outcome:
    event = {"time": when.isoformat(), "text": text}
    url = f"/postmortems/{ref}/timeline"
    return _ask(
        text, lambda: client.post(url, json={"events": [event]}, headers=people.headers("author"))
    )


def _set_status(client: httpx.Client, people: People, key: str, state: str) -> Outcome:
    url = f"/actions/{key.replace('#', '%23')}/status"
    return _ask(
        key, lambda: client.post(url, json={"status": state}, headers=people.headers("author"))
    )


def _at_once(jobs: list[Callable[[], Outcome]]) -> list[Outcome]:
    """Run every job in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], Outcome]) -> Outcome:
        barrier.wait()
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _read(client: httpx.Client, people: People, ref: str) -> dict[str, object]:
    answer = client.get(f"/postmortems/{ref}", headers=people.headers("viewer"))
    assert answer.status_code == 200, answer.text
    record: dict[str, object] = answer.json()["record"]
    return record


def _timeline(record: dict[str, object]) -> list[str]:
    events = record["timeline"]
    assert isinstance(events, list)
    return [event["text"] for event in events]


def _revisions(client: httpx.Client, people: People, ref: str) -> list[int]:
    answer = client.get(f"/postmortems/{ref}/revisions", headers=people.headers("viewer"))
    assert answer.status_code == 200, answer.text
    return [revision["number"] for revision in answer.json()]


def _assert_acknowledged_appends_kept(
    client: httpx.Client, people: People, ref: str, outcomes: list[Outcome]
) -> None:
    """Every append answered 200 is in the record once, and is one revision of its own."""
    done = [o for o in outcomes if o.status == 200]
    assert all(o.answer is not None and o.answer.json()["added"] == 1 for o in done), done
    versions = [o.answer.json()["version"] for o in done if o.answer is not None]
    assert len(set(versions)) == len(versions), (
        f"two appends answered the same version: {sorted(versions)}"
    )
    texts = _timeline(_read(client, people, ref))
    lost = [o.label for o in done if o.label not in texts]
    assert lost == [], f"{len(lost)} acknowledged appends are not in the record: {lost}"
    twice = [text for text, count in Counter(texts).items() if count > 1]
    assert twice == [], f"events stored twice: {twice}"
    appended = {o.label for o in outcomes}
    assert set(texts) & appended == {o.label for o in done}, "a refused append was stored"
    revisions = _revisions(client, people, ref)
    assert revisions == list(range(1, len(revisions) + 1)), f"revisions have gaps: {revisions}"
    assert len(revisions) == 1 + len(done), (len(revisions), len(done))


def _assert_all_succeeded(outcomes: list[Outcome], status: int = 200) -> None:
    failed = [o for o in outcomes if o.status != status]
    assert failed == [], f"{len(failed)} of {len(outcomes)} writes failed: {failed}"


def _fifty_appends(server: Server, people: People, ref: str) -> None:
    """Fifty clients append a distinct event each at once: all land, each as one revision."""
    with _client(server) as client:
        jobs: list[Callable[[], Outcome]] = [
            partial(
                _append,
                client,
                people,
                ref,
                f"Writer {n} checked the queue",
                START + timedelta(minutes=n),
            )
            for n in range(WRITERS)
        ]
        outcomes = _at_once(jobs)
        _assert_acknowledged_appends_kept(client, people, ref, outcomes)
        _assert_all_succeeded(outcomes)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fifty_appends_at_once_all_land(backend: str, tmp_path: Path, serve: Callable[..., Server]):
    url = server_database(backend, tmp_path)
    people, (ref,) = prepare(tmp_path, url, _postmortem())
    _fifty_appends(serve(url), people, ref)


@pytest.mark.parametrize("backend", BACKENDS)
def test_status_changes_and_appends_at_once_all_land(
    backend: str, tmp_path: Path, serve: Callable[..., Server]
):
    url = server_database(backend, tmp_path)
    people, (ref,) = prepare(tmp_path, url, _postmortem(ITEMS))
    server = serve(url)
    wanted = {f"{ref}#{n}": STATES[n % len(STATES)] for n in range(1, ITEMS + 1)}
    jobs: list[Callable[[], Outcome]] = []
    with _client(server) as client:
        for n, (key, state) in enumerate(wanted.items(), 1):
            jobs.append(partial(_set_status, client, people, key, state))
            jobs.append(
                partial(
                    _append,
                    client,
                    people,
                    ref,
                    f"Writer {n} took item {n}",
                    START + timedelta(minutes=n),
                )
            )
        outcomes = _at_once(jobs)
        record = _read(client, people, ref)
        items = record["action_items"]
        assert isinstance(items, list)
        assert [(i["id"], i["title"]) for i in items] == [
            (str(n), f"Fix thing {n}") for n in range(1, ITEMS + 1)
        ]
        states = {f"{ref}#{i['id']}": i["status"] for i in items}
        set_ = [o for o in outcomes if o.label in wanted]
        assert all(
            o.answer is not None and o.answer.json()["state"] == wanted[o.label]
            for o in set_
            if o.status == 200
        )
        lost = {
            o.label: states[o.label]
            for o in set_
            if o.status == 200 and states[o.label] != wanted[o.label]
        }
        assert lost == {}, f"acknowledged status changes lost (item: status found): {lost}"
        appends = [o for o in outcomes if o.label not in wanted]
        texts = _timeline(record)
        assert [o.label for o in appends if o.status == 200 and o.label not in texts] == []
        revisions = _revisions(client, people, ref)
        assert revisions == list(range(1, len(revisions) + 1)), f"revisions have gaps: {revisions}"
        assert len(revisions) == 1 + sum(o.status == 200 for o in outcomes)
    _assert_all_succeeded(outcomes)


def _put(client: httpx.Client, people: People, ref: str, text: str, tag: str) -> Outcome:
    headers = {**people.headers("author"), "If-Match": tag}
    return _ask(
        text, lambda: client.put(f"/postmortems/{ref}/text", content=text.encode(), headers=headers)
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_of_two_stale_replacements_at_once_one_wins(
    backend: str, tmp_path: Path, serve: Callable[..., Server]
):
    url = server_database(backend, tmp_path)
    people, (ref,) = prepare(tmp_path, url, _postmortem())
    with _client(serve(url)) as client:
        for round_ in range(3):  # a few rounds, so the two really meet at least once
            read = client.get(f"/postmortems/{ref}/text", headers=people.headers("author"))
            text, tag = read.text, read.headers["etag"]
            version = int(tag.strip('"'))
            edits = [
                text.replace("The queue stalled", f"The queue stalled ({round_}.{editor})")
                for editor in (1, 2)
            ]
            outcomes = _at_once([partial(_put, client, people, ref, edit, tag) for edit in edits])
            assert sorted(o.status or 0 for o in outcomes) == [200, 412], outcomes
            won, lost = sorted(outcomes, key=lambda o: o.status or 0)
            assert won.answer is not None and lost.answer is not None
            assert won.answer.headers["etag"] == f'"{version + 1}"'
            assert lost.answer.headers["content-type"] == "application/problem+json"
            assert lost.answer.json()["current_version"] == version + 1
            stored = client.get(f"/postmortems/{ref}/text", headers=people.headers("viewer"))
            assert (stored.text, stored.headers["etag"]) == (won.label, f'"{version + 1}"')
        assert _revisions(client, people, ref) == [1, 2, 3, 4]


def _create(client: httpx.Client, people: People, title: str) -> Outcome:
    body = {"profile": "sre", "title": title}
    return _ask(
        title, lambda: client.post("/postmortems", json=body, headers=people.headers("author"))
    )


def _upload(client: httpx.Client, people: People, title: str) -> Outcome:
    body = f"# {title}\n\n## Summary\n\nThe queue stalled.\n".encode()
    url = "/postmortems/import"
    return _ask(title, lambda: client.post(url, content=body, headers=people.headers("author")))


@pytest.mark.parametrize("backend", BACKENDS)
def test_postmortems_made_at_once_each_get_an_id_of_their_own(
    backend: str, tmp_path: Path, serve: Callable[..., Server]
):
    url = server_database(backend, tmp_path)
    people, _ = prepare(tmp_path, url)
    with _client(serve(url)) as client:
        jobs: list[Callable[[], Outcome]] = []
        for n in range(10):  # created from a template, and uploaded without an ID
            jobs.append(partial(_create, client, people, f"Created outage {n}"))
            jobs.append(partial(_upload, client, people, f"Uploaded outage {n}"))
        outcomes = _at_once(jobs)
        made = {o.label: o.answer.json()["id"] for o in outcomes if o.status == 201 and o.answer}
        assert len(set(made.values())) == len(made), f"two postmortems got one ID: {made}"
        listed = client.get("/postmortems", params={"limit": 200}, headers=people.headers("viewer"))
        stored = {p["title"]: p["id"] for p in listed.json()["items"]}
        assert {title: stored.get(title) for title in made} == made
    _assert_all_succeeded(outcomes, 201)


def _connections(server: Server) -> dict[int, int]:
    """Return how many open connections to the server each of its workers holds."""
    port = int(server.base.rpartition(":")[2])
    served = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "01":  # 01: established
            served.add(f"socket:[{fields[9]}]")
    held = {}
    for pid in server.workers():
        links = [fd.readlink() for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()]
        held[pid] = sum(str(link) in served for link in links)
    return held


@pytest.mark.postgres
def test_two_workers_share_one_postgresql_database(tmp_path: Path, serve: Callable[..., Server]):
    url = server_database("postgresql", tmp_path)
    people, (ref,) = prepare(tmp_path, url, _postmortem())
    server = serve(url, workers=2)
    assert len(server.workers()) == 2
    _fifty_appends(server, people, ref)
    with httpx.Client(base_url=f"{server.base}{API}", timeout=SECONDS) as browser:
        login = browser.post("/session", json={"name": "ann", "password": "ann-password"})
        assert login.status_code == 200, login.text
    cookie, csrf = login.cookies["aar_session"], login.json()["csrf"]
    answers: list[httpx.Response] = []
    reached: set[int] = set()
    tabs: list[httpx.Client] = []
    try:  # each tab its own connection, kept open, until both workers have served some
        while len(tabs) < 20 or (len(reached) < 2 and len(tabs) < 200):
            tab = httpx.Client(
                base_url=f"{server.base}{API}", timeout=SECONDS, cookies={"aar_session": cookie}
            )
            tabs.append(tab)
            answers.append(tab.get("/me"))
            body = {"body": f"Comment {len(tabs)}"}
            answers.append(
                tab.post(f"/postmortems/{ref}/comments", json=body, headers={"X-CSRF-Token": csrf})
            )
            reached |= {pid for pid, count in _connections(server).items() if count}
    finally:
        for tab in tabs:
            tab.close()
    refused = [(a.status_code, a.text) for a in answers if a.status_code >= 300]
    assert refused == [], f"the session was not honoured on {len(refused)} requests: {refused}"
    me, comments = answers[0::2], answers[1::2]
    assert {a.json()["name"] for a in me} | {a.json()["author"] for a in comments} == {"ann"}
    assert reached == set(server.workers()), f"{len(tabs)} connections all went to {reached}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_acknowledged_appends_survive_a_crash(
    backend: str, tmp_path: Path, serve: Callable[..., Server]
):
    url = server_database(backend, tmp_path)
    people, (ref,) = prepare(tmp_path, url, _postmortem())
    server = serve(url)
    acknowledged: list[str] = []
    refused: list[Outcome] = []
    crashed = threading.Event()

    def write(client: httpx.Client, writer: int) -> None:
        for number in range(10_000):
            when = START + timedelta(minutes=writer * 10_000 + number)
            outcome = _append(client, people, ref, f"Writer {writer} note {number}", when)
            if outcome.status == 200:
                acknowledged.append(outcome.label)
            elif not crashed.is_set():
                refused.append(outcome)
            if crashed.is_set() or outcome.answer is None:
                return

    with _client(server) as client:
        threads = [threading.Thread(target=write, args=(client, w)) for w in range(20)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        crashed.set()
        server.kill()
        for thread in threads:
            thread.join(SECONDS)
    assert len(acknowledged) >= 20, f"too few appends before the crash to tell anything: {refused}"
    if backend == "sqlite":
        with closing(sqlite3.connect(tmp_path / "team.db")) as database:
            assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with _client(serve(url)) as client:
        texts = _timeline(_read(client, people, ref))
        lost = [text for text in acknowledged if text not in texts]
        assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged appends were lost"
        revisions = _revisions(client, people, ref)
        assert revisions == list(range(1, len(revisions) + 1)), f"revisions have gaps: {revisions}"
        assert len(revisions) == 1 + len(texts), "a revision without its event, or the reverse"
        last = client.get(
            f"/postmortems/{ref}/revisions/{revisions[-1]}", headers=people.headers("viewer")
        )
        now = client.get(f"/postmortems/{ref}/text", headers=people.headers("viewer"))
        assert (last.text, now.headers["etag"]) == (now.text, f'"{revisions[-1]}"')
    assert refused == [], f"{len(refused)} appends failed before the crash: {refused[:5]}"
