"""How long the CLI takes to start, against the interpreter's own start-up.

Run: .venv/bin/python bench/startup_speed.py [N]

Times, in the same run and interleaved so that other work on the machine
weighs on each alike, N fresh processes (default 15) of each of:
``python -c pass`` (the floor), ``aar --help``, ``aar --version`` and
``aar import ONE.md`` on the demo postmortem of the default profile. It
prints the best wall time of each, the best CPU time (user + system, which
other work on the machine disturbs less) and their ratios to the floor; the
goal is ``aar --help`` and ``aar import`` within 10x of the floor. Run it a
few times anyway on a shared machine.

Two more rows show what the libraries cost before any of ours runs: the
``--help`` of a one-command Typer app (Typer's Rich help formatter loads
rich.markdown, markdown-it, pygments and rich.traceback), and importing what
``aar import`` cannot do without (Typer, Rich's console and tables,
markdown-it, and pydantic's models and TypeAdapter, which Typer itself
checks option values with).

The package's bytecode is compiled first, as ``make setup`` does: with
``PYTHONDONTWRITEBYTECODE`` set, an edited module would otherwise be
compiled again in every run and counted.
"""

from __future__ import annotations

import compileall
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import afteraction

GOAL = 10.0
FLOOR = "python -c pass"
# What the libraries cost on their own (see above): not held to the goal.
ONE_COMMAND_APP = "import typer; app = typer.Typer(); app.command()(lambda: None); app()"
LIBRARIES = "import typer, rich.console, rich.table, markdown_it; from pydantic import TypeAdapter"
REFERENCES = ("typer app --help (ref)", "libraries alone (ref)")


def _aar(*args: str) -> list[str]:
    """Run the CLI the way its console script does, with this interpreter."""
    return [sys.executable, "-c", "from afteraction.cli import main; main()", *args]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _once(command: list[str]) -> tuple[float, float]:
    """Run ``command`` once; return its wall time and its CPU time, in seconds."""
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started, _cpu() - cpu


def main(count: int) -> None:
    """Write the demo postmortems, then time each command ``count`` times in turn."""
    compileall.compile_dir(Path(afteraction.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo"
        subprocess.run(_aar("demo", str(demo)), check=True, stdout=subprocess.DEVNULL)
        one = demo / "default.md"
        commands = {
            FLOOR: [sys.executable, "-c", "pass"],
            "aar --help": _aar("--help"),
            "aar --version": _aar("--version"),
            "aar import ONE.md": _aar("import", str(one)),
            REFERENCES[0]: [sys.executable, "-c", ONE_COMMAND_APP, "--help"],
            REFERENCES[1]: [sys.executable, "-c", LIBRARIES],
        }
        for command in commands.values():  # warm the file cache and the bytecode
            _once(command)
        wall = dict.fromkeys(commands, float("inf"))
        cpu = dict.fromkeys(commands, float("inf"))
        for _ in range(count):
            for name, command in commands.items():
                seconds, used = _once(command)
                wall[name], cpu[name] = min(wall[name], seconds), min(cpu[name], used)
    floor, cpu_floor = wall[FLOOR], cpu[FLOOR]
    print(f"best of {count} runs each, fresh processes        wall time        CPU time")
    for name in commands:
        ratio = wall[name] / floor
        mark = "" if name in (FLOOR, *REFERENCES) else ("  ok" if ratio <= GOAL else "  over 10x")
        print(
            f"  {name:<24} {wall[name] * 1000:7.1f} ms {ratio:5.1f}x"
            f"  {cpu[name] * 1000:7.1f} ms {cpu[name] / cpu_floor:5.1f}x{mark}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
