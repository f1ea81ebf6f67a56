"""Large logs: layouts learnt from a sample, windows by bisection or block scan, the raw merge."""

from __future__ import annotations

import json
import random
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from afteraction.errors import UsageError
from afteraction.timeline import build as build_module
from afteraction.timeline import scan
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.merge import merge_lines
from afteraction.timeline.raw import raw_lines
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.scan import (
    Layout,
    learn_layout,
    looks_sorted,
    scanned_window,
    sorted_window,
)
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window

T0 = datetime(2026, 11, 3, tzinfo=UTC)
WINDOW = Window(T0 + timedelta(hours=14), T0 + timedelta(hours=14, minutes=30))
JSON = Layout(b'"time":"', "T")


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def json_line(moment: datetime, message: str, service: str = "checkout") -> str:
    record = {"time": stamp(moment), "level": "info", "service": service, "msg": message}
    return json.dumps(record, separators=(",", ":"))


def day_log(path: Path, count: int, *, service: str = "checkout", shuffle: bool = False) -> Path:
    """Write ``count`` JSON lines spread evenly over the day (shuffled when asked)."""
    step = 86_400 / count
    lines = [
        json_line(T0 + timedelta(seconds=n * step), f"line {n}", service) for n in range(count)
    ]
    if shuffle:
        random.Random(7).shuffle(lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def in_window(lines: list[str]) -> list[str]:
    low, high = stamp(WINDOW.start), stamp(WINDOW.end)  # type: ignore[arg-type]
    return [line for line in lines if low <= json.loads(line)["time"] < high]


def test_the_layout_is_learnt_from_lines_and_their_times():
    moment = T0 + timedelta(hours=3)
    assert learn_layout([(json_line(moment, "a").encode(), moment)]) == JSON
    spaced = json.dumps({"level": "info", "time": stamp(moment)}).encode()
    assert learn_layout([(spaced, moment)]) == Layout(b'"time": "', "T")
    plain = f"{moment:%Y-%m-%d %H:%M:%S},123 ERROR boom".encode()
    assert learn_layout([(plain, moment)]) == Layout(b"", " ")
    logfmt = f'level=info time="{moment:%Y-%m-%dT%H:%M:%S}Z" msg=x'.encode()
    assert learn_layout([(logfmt, moment)]) == Layout(b'time="', "T")
    # A time written in another zone is not a layout the raw bytes can be compared in.
    local = f"{moment + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}+01:00 x".encode()
    assert learn_layout([(local, moment)]) is None


def test_a_sorted_log_is_entered_by_bisection(tmp_path):
    path = day_log(tmp_path / "app.jsonl", 20_000)
    assert looks_sorted(path, JSON)
    found = [line.decode() for _, line in sorted_window(path, JSON, WINDOW)]
    expected = in_window(path.read_text().splitlines())
    assert expected and set(expected) <= set(found)
    assert len(found) < len(expected) + 2 * 30  # a minute of slack either side, no more
    offset, line = next(iter(sorted_window(path, JSON, WINDOW)))
    assert path.read_bytes()[offset : offset + len(line)] == line


def test_an_unsorted_log_is_scanned_for_the_window_bytes(tmp_path):
    path = day_log(tmp_path / "app.jsonl", 20_000, shuffle=True)
    assert not looks_sorted(path, JSON)
    found = [line.decode() for _, line in scanned_window(path, JSON, WINDOW)]
    assert sorted(found) == sorted(in_window(path.read_text().splitlines()))


def test_a_block_with_lines_the_layout_misses_is_handed_over_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(scan, "BLOCK", 4096)
    path = day_log(tmp_path / "app.jsonl", 2_000, shuffle=True)
    odd = json.dumps({"ts": stamp(T0 + timedelta(hours=14, minutes=5)), "msg": "other key"})
    path.write_text(path.read_text() + odd + "\n")
    found = [line.decode() for _, line in scanned_window(path, JSON, WINDOW)]
    assert odd in found


def test_the_builder_narrows_a_large_log_and_reads_the_same_events(tmp_path, monkeypatch):
    path = day_log(tmp_path / "app.jsonl", 20_000, shuffle=True)
    registry = SourceRegistry.discover()
    options = BuildOptions(window=WINDOW, limit=None, collapse=None)
    whole = build_timeline([SourceSpec("jsonl", path)], registry, options)
    monkeypatch.setattr(build_module, "NARROW_FROM", 0)
    narrowed = build_timeline([SourceSpec("jsonl", path)], registry, options)
    assert [e.text for e in narrowed.events] == [e.text for e in whole.events]
    assert narrowed.sources[0].read < whole.sources[0].read / 10
    assert narrowed.events[0].origin.startswith(f"{path}@")


def test_logs_merge_in_time_order_with_their_own_lines(tmp_path):
    paths = [day_log(tmp_path / f"{s}.jsonl", 3_000 + n, service=s) for n, s in enumerate("abc")]
    lead = b'{"time":"'
    merged = b"".join(b"".join(batch) for batch in merge_lines([(p, JSON, lead) for p in paths]))
    lines = merged.decode().splitlines()
    assert sorted(lines) == sorted(line for p in paths for line in p.read_text().splitlines())
    times = [json.loads(line)["time"] for line in lines]
    assert times == sorted(times)


def test_a_line_without_a_time_stays_with_the_line_above(tmp_path):
    first = tmp_path / "a.log"
    second = tmp_path / "b.log"
    first.write_text(
        "2026-11-03 14:00:01 ERROR boom\n  at pay()\n  at main()\n2026-11-03 14:00:05 INFO ok\n"
    )
    second.write_text("2026-11-03 14:00:02 INFO b1\n2026-11-03 14:00:04 INFO b2\n")
    layout = Layout(b"", " ")
    lines = b"".join(
        b"".join(b) for b in merge_lines([(first, layout, b""), (second, layout, b"")])
    )
    assert lines.decode().splitlines() == [
        "2026-11-03 14:00:01 ERROR boom",
        "  at pay()",
        "  at main()",
        "2026-11-03 14:00:02 INFO b1",
        "2026-11-03 14:00:04 INFO b2",
        "2026-11-03 14:00:05 INFO ok",
    ]


def test_the_raw_view_takes_the_window_and_refuses_what_it_cannot_place(tmp_path):
    registry = SourceRegistry.discover()
    sorted_log = day_log(tmp_path / "a.jsonl", 20_000)
    shuffled = day_log(tmp_path / "b.jsonl", 20_000, shuffle=True)
    batches = raw_lines([SourceSpec("jsonl", sorted_log)], registry, WINDOW)
    got = b"".join(b"".join(b) for b in batches).decode().splitlines()
    assert got == in_window(sorted_log.read_text().splitlines())
    alone = raw_lines([SourceSpec("jsonl", shuffled)], registry, WINDOW)
    assert sorted(b"".join(b"".join(b) for b in alone).decode().splitlines()) == sorted(
        in_window(shuffled.read_text().splitlines())
    )
    with pytest.raises(UsageError, match="in time order, and this one is not"):
        raw_lines([SourceSpec("jsonl", sorted_log), SourceSpec("jsonl", shuffled)], registry)
    with pytest.raises(UsageError, match="merges logs"):
        raw_lines([SourceSpec("alertmanager", sorted_log)], registry)


def test_a_large_file_is_scanned_in_pieces_by_several_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(scan, "PIECE", 64 << 10)
    monkeypatch.setattr(scan, "PARALLEL_FROM", 0)
    monkeypatch.setattr(scan.os, "cpu_count", lambda: 2)
    path = day_log(tmp_path / "app.jsonl", 20_000, shuffle=True)
    assert path.stat().st_size > 10 * scan.PIECE
    found = list(scanned_window(path, JSON, WINDOW))
    assert [o for o, _ in found] == sorted(o for o, _ in found)  # in file order
    assert sorted(line.decode() for _, line in found) == sorted(
        in_window(path.read_text().splitlines())
    )
    data = path.read_bytes()
    assert all(data[o : o + len(line)] == line for o, line in found)


def test_the_parallel_scan_spawns_its_workers_and_runs_from_a_thread_beside_others(
    tmp_path, monkeypatch
):
    path = day_log(tmp_path / "app.jsonl", 20_000, shuffle=True)
    sequential = list(scanned_window(path, JSON, WINDOW))  # small: read in this process
    monkeypatch.setattr(scan, "PIECE", 256 << 10)
    monkeypatch.setattr(scan, "PARALLEL_FROM", 0)
    monkeypatch.setattr(scan.os, "cpu_count", lambda: 2)
    pools: list[tuple[str, bool, bool]] = []
    bystander_done = threading.Event()
    bystander = threading.Thread(target=bystander_done.wait, daemon=True)

    class Noted(ProcessPoolExecutor):
        def __init__(self, workers, mp_context):
            on_main = threading.current_thread() is threading.main_thread()
            pools.append((mp_context.get_start_method(), on_main, bystander.is_alive()))
            super().__init__(workers, mp_context=mp_context)

    monkeypatch.setattr(scan, "ProcessPoolExecutor", Noted)
    found: list[list[tuple[int, bytes]]] = []
    scanner = threading.Thread(
        target=lambda: found.append(list(scanned_window(path, JSON, WINDOW)))
    )
    bystander.start()
    try:
        scanner.start()
        scanner.join(timeout=120)
    finally:
        bystander_done.set()
        bystander.join()
    assert not scanner.is_alive()
    assert pools == [("spawn", False, True)]  # spawned, from a thread, another one running
    assert found == [sequential]
