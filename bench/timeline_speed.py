"""How fast `aar timeline` reads large logs, beside jq, a plain Python loop, grep, sort -m and lnav.

Run: .venv/bin/python -m bench.timeline_speed FOLDER [SIZE_MB]

Writes the logs of bench/log_data.py in FOLDER when missing (1 GiB by
default), then, in one run, on a warm page cache:

(a) a 30-minute window (14:00 to 14:30) out of the time-sorted 1 GiB log;
(b) the same window out of the unsorted one (a full scan);
(c) the three 300 MB time-sorted logs merged chronologically.

For (a) and (b): afteraction's raw window (the lines, as jq prints them) and
its full timeline build (every line in the window parsed into an event),
jq doing the same filter, a plain Python ``json.loads`` loop, and
``grep -c`` on the window's bytes (the floor nothing can beat). For (c):
afteraction's raw merge, ``sort -m``, lnav (Debian's package, installed when
missing and possible, with a format for these lines) and a Python
``heapq.merge`` loop. Outputs go to /dev/null. Prints each time and the
ratios the README quotes.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from bench.log_data import main as write_logs

from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.raw import raw_lines
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window

START, END = "2026-11-03T14:00:00", "2026-11-03T14:30:00"
WINDOW = Window(datetime(2026, 11, 3, 14, tzinfo=UTC), datetime(2026, 11, 3, 14, 30, tzinfo=UTC))
LNAV_FORMAT = {
    "aar_bench_json": {
        "title": "afteraction benchmark JSON lines",
        "description": "The JSON-lines logs bench/log_data.py writes.",
        "json": True,
        "file-pattern": r".*\.jsonl$",
        "timestamp-field": "time",
        "level-field": "level",
        "body-field": "msg",
        "value": {
            "service": {"kind": "string", "identifier": True},
            "msg": {"kind": "string"},
            **{
                name: {"kind": kind, "hidden": True}
                for name, kind in [
                    ("request_id", "string"),
                    ("tenant", "string"),
                    ("duration_ms", "integer"),
                    ("path", "string"),
                ]
            },
        },
        "line-format": [
            {"field": "__timestamp__"},
            " ",
            {"field": "service"},
            " ",
            {"field": "msg"},
        ],
    }
}


def timed(run: Callable[[], object]) -> float:
    """Return the seconds ``run`` takes."""
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def shell(
    command: list[str], env: dict[str, str] | None = None, *, piped: bool = False
) -> Callable[[], object]:
    """Return a runner of a command whose output goes to /dev/null (or a pipe, read).

    GNU grep stops at the first match when its output is /dev/null, so grep
    writes to a pipe.
    """

    def run() -> object:
        out = subprocess.PIPE if piped else subprocess.DEVNULL
        return subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, check=True, env=env)

    return run


def write_raw(batches: object) -> None:
    """Write merged or windowed lines to /dev/null."""
    with open(os.devnull, "wb") as out:
        for batch in batches:  # type: ignore[attr-defined]
            out.writelines(batch)


def python_window(path: Path) -> int:
    """A plain Python loop: json.loads every line, keep the window's."""
    kept = 0
    with path.open("rb") as lines:
        for line in lines:
            if START <= json.loads(line)["time"] < END:
                kept += 1
    return kept


def python_merge(paths: list[Path]) -> None:
    """A plain Python merge: json.loads every line for its time, heapq.merge, write."""

    def keyed(path: Path) -> Iterator[tuple[str, bytes]]:
        with path.open("rb") as lines:
            for line in lines:
                yield json.loads(line)["time"], line

    with open(os.devnull, "wb") as out:
        for _, line in heapq.merge(*(keyed(p) for p in paths)):
            out.write(line)


def lnav_runner(paths: list[Path]) -> Callable[[], object] | None:
    """Return lnav merging the logs headless (with a format for them), or None without lnav."""
    if shutil.which("lnav") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "lnav"], capture_output=True, check=False)
    if shutil.which("lnav") is None:
        return None
    home = Path(tempfile.mkdtemp(prefix="aar-lnav-"))
    fmt = home / "aar_bench_json.json"
    fmt.write_text(json.dumps(LNAV_FORMAT))
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    subprocess.run(["lnav", "-i", str(fmt)], capture_output=True, check=True, env=env)
    return shell(["lnav", "-n", *map(str, paths)], env)


def window_runs(path: Path, registry: SourceRegistry) -> dict[str, Callable[[], object]]:
    """Return every way of taking the window out of one log, by name."""
    spec = SourceSpec("jsonl", path)
    options = BuildOptions(window=WINDOW)
    grep = '"time":"2026-11-03T14:[0-2]'
    return {
        "aar raw window": lambda: write_raw(raw_lines([spec], registry, WINDOW)),
        "aar timeline build": lambda: build_timeline([spec], registry, options),
        "jq": shell(["jq", "-c", f'select(.time >= "{START}" and .time < "{END}")', str(path)]),
        "python json.loads loop": lambda: python_window(path),
        "grep -c (floor)": shell(["grep", "-c", grep, str(path)], piped=True),
    }


def report(title: str, times: dict[str, float], ours: str, size: float) -> None:
    """Print one benchmark's times, throughput and ratios to ours."""
    print(f"\n{title}")
    for name, seconds in times.items():
        ratio = seconds / times[ours]
        print(f"  {name:28} {seconds:7.2f} s {size / seconds:8.0f} MB/s  {ratio:6.1f}x ours")


def main(folder: Path, size_mb: float) -> None:
    """Write the logs when missing, then time (a), (b) and (c)."""
    write_logs(folder, size_mb)
    registry = SourceRegistry.discover()
    for path in folder.glob("*.jsonl"):  # warm the page cache for every tool alike
        shell(["cat", str(path)])()
    for name, file in (("(a) sorted", "sorted.jsonl"), ("(b) unsorted", "unsorted.jsonl")):
        path = folder / file
        times = {label: timed(run) for label, run in window_runs(path, registry).items()}
        report(
            f"{name}: 30-minute window of {path.name}",
            times,
            "aar raw window",
            path.stat().st_size / 1e6,
        )
    paths = [folder / f"merge-{n}.jsonl" for n in "abc"]
    specs = [SourceSpec("jsonl", p) for p in paths]
    runs: dict[str, Callable[[], object]] = {
        "aar raw merge": lambda: write_raw(raw_lines(specs, registry)),
        "sort -m": shell(["sort", "-m", *map(str, paths)]),
        "python heapq.merge loop": lambda: python_merge(paths),
    }
    lnav = lnav_runner(paths)
    if lnav is not None:
        runs["lnav -n"] = lnav
    else:
        print("lnav is not installed (apt-get install lnav): left out")
    size = sum(p.stat().st_size for p in paths) / 1e6
    report(
        f"(c) merge of three logs, {size:,.0f} MB",
        {k: timed(v) for k, v in runs.items()},
        "aar raw merge",
        size,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1024)
