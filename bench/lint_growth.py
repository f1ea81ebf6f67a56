"""How `aar lint` time and cache entry size grow with the length of a timeline.

Run: .venv/bin/python bench/lint_growth.py [--disorder K] [N ...]

For each N (default 1,000, 5,000, 20,000 and 200,000) writes the demo
postmortem with a timeline table of N rows, one in K (default 100; 0: none)
out of order (a typo'd time, so the timeline-order rule reports it and offers
its sorting fix), then runs `aar lint FILE` in a fresh folder and prints the wall time,
the document's size and the size of the cache it wrote under `.aar-cache`.
Linear growth keeps the cache a small multiple of the document and the time
per row flat as N grows; quadratic growth multiplies both by N.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.profiles import ProfileRegistry

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lint_speed import STEPS

SIZES = [1_000, 5_000, 20_000, 200_000]
ACTORS = ["sam.okafor", "maria.lopez", "li.wei", "monitoring", "deploy-bot"]
# The demo's timeline runs from 14:02 to 15:30; generated entries fill that window.
FIRST_MINUTE, MINUTES = 14 * 60 + 2, 88


def timeline_rows(rows: int, disorder: int = 100) -> list[str]:
    """Return ``rows`` timeline table rows in time order but every ``disorder``-th.

    The out-of-order row is written an hour late (a typo), so it and the next
    row each break the order once.
    """
    lines = []
    for n in range(rows):
        minute = FIRST_MINUTE + n * MINUTES // rows
        if disorder and n % disorder == disorder // 2:
            minute += 60
        clock = f"{minute // 60:02d}:{minute % 60:02d}"
        lines.append(f"| {clock} | {STEPS[n % 5]} ({n}) | {ACTORS[n % 5]} |  |")
    return lines


def postmortem(rows: int, disorder: int = 100) -> str:
    """Return the demo postmortem (default profile) with a timeline table of ``rows`` rows."""
    profile = ProfileRegistry.discover().get("default")
    lines = render_markdown(demo_record(profile), profile).split("\n")
    header = lines.index("| Time | Event | Actor | Source |")
    end = header + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    lines[header + 2 : end] = timeline_rows(rows, disorder)
    return "\n".join(lines)


def cache_size(folder: Path) -> int:
    """Return the bytes of every cache file under ``folder/.aar-cache``."""
    return sum(p.stat().st_size for p in (folder / ".aar-cache").glob("*.json"))


def measure(rows: int, disorder: int = 100) -> tuple[int, float, int]:
    """Lint a fresh postmortem of ``rows`` timeline rows; return its size, seconds, cache bytes."""
    aar = Path(sys.executable).with_name("aar")
    with tempfile.TemporaryDirectory(prefix="aar-growth-") as temporary:
        folder = Path(temporary)
        path = folder / "pm.md"
        path.write_text(postmortem(rows, disorder), encoding="utf-8")
        began = time.perf_counter()
        done = subprocess.run(
            [str(aar), "lint", path.name, "--today", "2026-11-10"],
            cwd=folder,
            capture_output=True,
            check=False,
        )
        took = time.perf_counter() - began
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr.decode())
        return path.stat().st_size, took, cache_size(folder)


def main(sizes: list[int], disorder: int = 100) -> None:
    """Print the time and cache size for each timeline length."""
    print(f"timeline rows out of order: {f'1 in {disorder}' if disorder else 'none'}")
    print(
        f"{'rows':>8} {'document':>10} {'lint s':>8} {'us/row':>8} {'cache':>10} {'cache/doc':>9}"
    )
    for rows in sizes:
        size, took, cached = measure(rows, disorder)
        print(
            f"{rows:8d} {size / 1024:8.0f}KB {took:8.2f} {took / rows * 1e6:8.0f}"
            f" {cached / 1024:8.1f}KB {cached / size:9.2f}",
            flush=True,
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    every = 100
    if args[:1] == ["--disorder"]:
        every, args = int(args[1]), args[2:]
    main([int(a) for a in args] or SIZES, every)
