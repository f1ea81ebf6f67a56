"""How fast the commands that read a whole folder answer, cold and from the document cache.

Run: .venv/bin/python bench/store_speed.py [COUNT] [FOLDER]

Generates COUNT postmortems (default 10,000; bench/lint_speed.py's
generator, about 6 KB each, ten action items apiece) in FOLDER (default a
temporary folder; an existing FOLDER with files is used as it is). Then, in
the same run, each as a command of its own, wall time and peak memory:

1. ``python -c pass`` (the floor of any command);
2. ``aar report`` (JSON) with no cache, then again over the unchanged folder
   (the document cache answers);
3. the same for ``aar actions`` (CSV, every item);
4. ``aar lint`` from its own cache, for comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lint_speed import generate

AAR = [sys.executable, "-c", "from afteraction.cli import main; main()"]
CACHE = ".aar-cache"


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``command``; return its wall time in seconds and peak memory in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: findings or overdue items
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed, usage.ru_maxrss / 1024


def main(count: int, folder: Path) -> None:
    """Generate the corpus when needed, then time every command in turn."""
    if not any(folder.glob("*.md")):
        print(f"generating {count} postmortems in {folder} ...", flush=True)
        generate(folder, count)
    files = len(list(folder.glob("*.md")))
    # Files written a moment ago are not cached yet (the same timestamp tick may hold a change).
    time.sleep(2.5)
    commands = {
        "report": [*AAR, "report", ".", "--format", "json"],
        "actions": [*AAR, "actions", ".", "--format", "csv"],
    }
    print(f"{files} postmortems, one command at a time")
    floor, _ = run([sys.executable, "-c", "pass"], folder)
    print(f"  python -c pass            {floor:7.2f} s")
    for name, command in commands.items():
        shutil.rmtree(folder / CACHE, ignore_errors=True)
        cold, cold_memory = run(command, folder)
        warm, warm_memory = run(command, folder)
        print(f"  aar {name:8} cold         {cold:7.2f} s {cold_memory:7.0f} MiB")
        print(f"  aar {name:8} warm         {warm:7.2f} s {warm_memory:7.0f} MiB")
    run([*AAR, "lint", "."], folder)
    lint, lint_memory = run([*AAR, "lint", "."], folder)
    print(f"  aar lint     warm         {lint:7.2f} s {lint_memory:7.0f} MiB")


if __name__ == "__main__":
    COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    if len(sys.argv) > 2:
        main(COUNT, Path(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory() as temporary:
            main(COUNT, Path(temporary))
