"""Key times read as the events stream past: the same answer as from the whole timeline."""

from __future__ import annotations

import json
import random
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import InvalidValueError
from afteraction.model import KeyTimes
from afteraction.timeline import keyfold
from afteraction.timeline.build import BuildOptions, Timeline, build_timeline
from afteraction.timeline.event import Event, Kind, Level
from afteraction.timeline.far import Span, Times, bulk_span
from afteraction.timeline.keyfold import key_timeline
from afteraction.timeline.keytimes import KeyTimesReport, infer_key_times
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window
from tests.test_timeline_inputs import HOOKS

T0 = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
REGISTRY = SourceRegistry.discover()
MESSAGES = [
    ("info", "request handled"),
    ("debug", "pool stats"),
    ("warn", "slow upstream response"),
    ("error", "payment gateway timeout"),
    ("error", "order 1234 failed"),
    ("critical", "out of memory"),
]


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def log_line(moment: datetime, level: str, message: str) -> str:
    return json.dumps({"time": iso(moment), "level": level, "service": "checkout", "msg": message})


def incident(tmp_path: Path, seed: int) -> list[SourceSpec]:
    """Write what an outage left behind, at random: logs out of order, strays, alerts, chat."""
    rng = random.Random(seed)
    minute = timedelta(minutes=1)
    lines = [
        log_line(T0 + rng.uniform(-90, 120) * minute, *rng.choice(MESSAGES))
        for _ in range(rng.randint(0, 400))
    ]
    for _ in range(rng.randint(0, 6)):  # a host whose clock was years off, before and after
        offset = timedelta(days=rng.choice([-1500, -30, -9, 9, 40]))
        lines.insert(rng.randrange(len(lines) + 1), log_line(T0 + offset, *rng.choice(MESSAGES)))
    rng.shuffle(lines[: len(lines) // 3])
    log = tmp_path / f"app-{seed}.log"
    log.write_text("".join(f"{line}\n" for line in lines))
    hooks = []
    for n in range(rng.randint(0, 4)):
        start = T0 + rng.uniform(-20, 60) * minute
        alert = {
            "labels": {"alertname": f"Alert{n}", "service": "checkout"},
            "annotations": {"summary": "errors high"},
            "startsAt": iso(start),
            "endsAt": iso(start + rng.uniform(1, 90) * minute),
            "fingerprint": f"f{n}",
        }
        for _ in range(rng.randint(1, 3)):  # sent again every repeat_interval
            hooks.append(
                {"version": "4", "status": "firing", "alerts": [alert | {"status": "firing"}]}
            )
        if rng.random() < 0.7:
            hooks.append(
                {"version": "4", "status": "resolved", "alerts": [alert | {"status": "resolved"}]}
            )
    alerts = tmp_path / f"hooks-{seed}.jsonl"
    alerts.write_text("".join(json.dumps(hook) + "\n" for hook in hooks))
    said = ["looking", "rolling back v42", "failover done", "all clear, resolved", "ok"]
    chat = tmp_path / f"chat-{seed}.json"
    chat.write_text(
        json.dumps(
            [
                {
                    "type": "message",
                    "user": "U1",
                    "text": rng.choice(said),
                    "ts": f"{(T0 + rng.uniform(-30, 120) * minute).timestamp():.6f}",
                }
                for _ in range(rng.randint(0, 6))
            ]
        )
    )
    deploys = tmp_path / f"deploys-{seed}.csv"
    rows = [
        f"{iso(T0 + rng.uniform(-60, 100) * minute)},checkout,v{n},dana,{rng.choice(said)}"
        for n in range(rng.randint(0, 3))
    ]
    if rng.random() < 0.3:
        rows.append(f"{iso(T0 - timedelta(days=800))},checkout,v1,dana,Rolled back long ago")
    deploys.write_text("time,service,version,actor,description\n" + "".join(f"{r}\n" for r in rows))
    specs = [SourceSpec("jsonl", log), SourceSpec("slack", chat)]
    if hooks:
        specs.append(SourceSpec("alertmanager", alerts))
    if rows:
        specs.append(SourceSpec("deploys", deploys))
    return specs


def answer(report: KeyTimesReport) -> dict[str, Any]:
    return {
        name: (kt.time, kt.how, kt.event.to_dict() if kt.event else None)
        for name, kt in report.times.items()
    }


def account(timeline: Timeline) -> dict[str, Any]:
    """Return what a timeline says it read and left out; far events by their count alone.

    The far events named are the first ones when they are before the incident;
    after it, those held (the last few log events, and every other event).
    """
    notes = [
        n.split(" days from the incident")[0] if " days from " in n else n for n in timeline.notes()
    ]
    return {
        "left_out": dict(timeline.left_out),
        "notes": notes,
        "sources": [(r.spec.label, r.read, r.kept, r.problems.count) for r in timeline.sources],
        "span": timeline.span if timeline.far else None,
    }


def far_named(timeline: Timeline) -> bool:
    """Say whether every far event a timeline names lies outside its span and margin."""
    span, margin = timeline.span, timedelta(days=timeline.far_days)
    assert span is not None or not timeline.far
    return all(not span.start - margin <= e.time <= span.end + margin for e in timeline.far)


STATED = KeyTimes(started=T0, resolved=T0 + timedelta(hours=1))
OPTIONS = {
    "far from the bulk": BuildOptions(),
    "far kept": BuildOptions(far_days=0),
    "far from the key times": BuildOptions(incident=Span(T0, T0 + timedelta(hours=1), "key times")),
    "a window": BuildOptions(window=Window(T0 - timedelta(minutes=30), T0 + timedelta(hours=1))),
    "a level": BuildOptions(min_level=Level.WARN, far_days=2),
    "no folding": BuildOptions(collapse=None, dedupe=timedelta(0)),
}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_key_times_folded_as_they_come_are_those_of_the_whole_timeline(tmp_path, seed, name):
    specs = incident(tmp_path, seed)
    options = OPTIONS[name]
    whole = build_timeline(specs, REGISTRY, replace(options, limit=None))
    folded = key_timeline(specs, REGISTRY, replace(options, limit=5))  # the limit plays no part
    stated = STATED if options.incident is not None else None
    assert answer(infer_key_times(folded.events, stated)) == answer(
        infer_key_times(whole.events, stated)
    )
    assert account(folded) == account(whole)
    assert far_named(folded) and len(folded.far) == len(whole.far)
    before = [e for e in whole.far if whole.span and e.time < whole.span.start]
    assert folded.far[: len(before)] == before  # strays before the incident: the first named
    assert len(folded.events) <= len(whole.events)


def test_the_folded_timeline_holds_one_log_event_the_first_error_near():
    lines = [log_line(T0 - timedelta(days=900), "error", "clock reset")]
    lines += [log_line(T0 + timedelta(seconds=n), "error", f"failure {n}") for n in range(50)]
    spec = SourceSpec.given("jsonl:app.log", "".join(f"{line}\n" for line in lines).encode())
    folded = key_timeline([spec], REGISTRY, BuildOptions(collapse=None))
    assert [e.text for e in folded.events] == ["failure 0"]
    assert folded.left_out["far"] == 1
    assert folded.notes() == [
        "1 more than 7 days from the incident (2026-11-03 14:00 to 2026-11-03 14:00 UTC, from"
        " its events): app.log:1 at 2024-05-17 14:00 (--far-days 0 keeps them)"
    ]


def test_too_many_errors_before_the_bulk_is_an_error_not_a_guess(monkeypatch):
    monkeypatch.setattr(keyfold, "HELD_ERRORS", 5)
    lines = [
        log_line(T0 - timedelta(days=900, seconds=n), "error", "clock reset") for n in range(9)
    ]
    lines += [log_line(T0 + timedelta(seconds=n), "info", f"request {n}") for n in range(50)]
    lines.append(log_line(T0 + timedelta(minutes=5), "error", "payment gateway timeout"))
    spec = SourceSpec.given("jsonl:app.log", "".join(f"{line}\n" for line in lines).encode())
    with pytest.raises(
        InvalidValueError, match=r"^field 'far_days': over 5 error-level log"
    ) as err:
        key_timeline([spec], REGISTRY, BuildOptions(collapse=None))
    assert err.value.field == "far_days"
    span = Span(T0, T0 + timedelta(hours=1), "key times")
    given = key_timeline([spec], REGISTRY, BuildOptions(collapse=None, incident=span))
    assert [e.text for e in given.events] == ["payment gateway timeout"]


def test_the_bulk_of_many_times_is_found_without_the_events():
    rng = random.Random(7)
    moments = [T0 + timedelta(seconds=rng.randint(-(10**7), 10**7)) for _ in range(100_000)]
    times = Times()
    for moment in moments:
        times.add(moment)
    events = [Event(time=m, source="x", kind=Kind.LOG, text="") for m in moments]
    assert times.bulk_span() == bulk_span(events)


# Memory ---------------------------------------------------------------------------------


def write_log(path: Path, megabytes: int) -> int:
    """Write about ``megabytes`` of a day's JSON log lines, a few errors among them."""
    rng = random.Random(megabytes)
    count = 0
    with path.open("w") as out:
        while out.tell() < megabytes << 20:
            chunk = []
            for _ in range(1000):
                moment = T0 + timedelta(seconds=count * 0.5)
                level, message = rng.choices(MESSAGES, [60, 20, 10, 5, 4, 1])[0]
                chunk.append(
                    f'{{"time":"{iso(moment)}","level":"{level}","service":"checkout",'
                    f'"msg":"{message}","request_id":"{rng.getrandbits(64):016x}",'
                    f'"path":"/api/v1/orders/{count % 100_000}"}}\n'
                )
                count += 1
            out.write("".join(chunk))
    return count


def peak(specs: list[SourceSpec], options: BuildOptions) -> int:
    """Return the most memory key_timeline allocated at once while reading, in bytes."""
    tracemalloc.start()
    try:
        key_timeline(specs, REGISTRY, options)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("logs")
    found = {}
    for megabytes in (5, 20):
        path = folder / f"app-{megabytes}.log"
        found[megabytes] = (path, write_log(path, megabytes))
    return found


# No repeat folds into another (collapse=None): a whole timeline would hold every line,
# 133,000 events and about 53 MB for the 20 MB log.
UNFOLDED = BuildOptions(collapse=None)


def test_key_times_hold_no_log_event_whatever_the_log_size(logs):
    options = replace(UNFOLDED, far_days=0)
    small, large = (peak([SourceSpec("jsonl", logs[n][0])], options) for n in (5, 20))
    assert large < 1 << 20, f"{large:,} bytes at most for a 20 MB log"
    assert large - small < 64 << 10, f"{small:,} bytes for 5 MB, {large:,} for 20 MB"


def test_measured_from_the_bulk_each_log_event_costs_its_time_alone(logs):
    path, count = logs[20]
    most = peak([SourceSpec("jsonl", path)], UNFOLDED)
    assert most < (1 << 20) + 12 * count, f"{most:,} bytes at most for {count:,} events"


def test_a_build_with_no_limit_holds_so_many_log_events_then_asks_for_a_limit():
    body = "".join(
        f"{log_line(T0 + timedelta(seconds=n), 'info', f'step {n}')}\n" for n in range(30)
    )
    spec = SourceSpec.given("jsonl:app.log", body.encode())
    hooks = SourceSpec.given("alertmanager:hooks.json", HOOKS)
    held = BuildOptions(limit=None, collapse=None, max_held=30)
    assert len(build_timeline([spec, hooks], REGISTRY, held).events) == 32  # alerts aside
    with pytest.raises(InvalidValueError) as caught:
        build_timeline([spec], REGISTRY, replace(held, max_held=29))
    assert str(caught.value) == (
        "field 'limit': none given, and the sources hold over 29 log events, more than a"
        " timeline holds without one: give a limit or a window (--limit N, --window or --around)"
    )
    assert caught.value.problem()["status"] == 422
    capped = build_timeline([spec], REGISTRY, replace(held, limit=10, max_held=1))
    assert len(capped.events) == 10 and capped.left_out["limit"] == 20
