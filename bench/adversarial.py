"""How long each reader takes over adversarial lines of 64 KB and 1 MB.

Run: .venv/bin/python bench/adversarial.py [UNIT ...]

Each input is one unit repeated to the size (spaces, ``(``, ``*``, ``[``,
``](``, ``<!--``, ``|``, digits, ``:``, backticks, and ``> `` and ``- ``,
which nest quotes and lists as deep as the line is long), put where a pattern
could backtrack: after a field label, after a heading, as a paragraph of
prose, in a table row, as a line of each line-based timeline source, and in
a page written as HTML (cmark-gfm, then nh3).
Linear readers take about sixteen times longer at 1 MB than at 64 KB; a
quadratic one takes 256 times longer, which is what to look for. Times are
CPU seconds of this process, so other work on the machine does not count.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nh3

from afteraction.demo import demo_record
from afteraction.document.html import markdown_to_html
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import read_document
from afteraction.document.recognize import choose_profile
from afteraction.document.render import render_markdown
from afteraction.profiles import ProfileRegistry
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec

UNITS = [" ", "(", "*", "[", "](", "<!--", "|", "9", ":", "`", "> ", "- "]
SIZES = {"64 KB": 1 << 16, "1 MB": 1 << 20}


def _document(registry: ProfileRegistry, name: str, where: str, payload: str) -> str:
    profile = registry.get(name)
    lines = render_markdown(demo_record(profile), profile).split("\n")
    for index, line in enumerate(lines):
        if where == "label" and line.startswith(("**", "- **")):
            lines[index] = f"{line} {payload}"
            break
        if where == "heading" and line.startswith("## "):
            lines[index] = f"{line} {payload}"
            break
        if where == "table" and line.startswith("| ") and "---" not in line:
            lines[index] = f"{line} {payload} |"
            break
    else:
        lines += ["", payload]
    return "\n".join(lines)


def _read_document(registry: ProfileRegistry, text: str) -> None:
    raw = read_markdown(text, "bench.md")
    profile, _ = choose_profile(raw, registry)
    read_document(text, profile, file="bench.md", strict=False, raw=raw)


def _lines(kind: str, payload: str) -> str:
    good = {
        "plain": "2026-11-03T14:00:00Z service up",
        "syslog": "<34>1 2026-11-03T14:00:00Z host app 1 ID1 - service up",
        "logfmt": "time=2026-11-03T14:00:00Z level=info msg=up",
        "jsonl": '{"time": "2026-11-03T14:00:00Z", "msg": "up"}',
        "deploys": "time,service,description\n2026-11-03T14:00:00Z,api,up",
    }[kind]
    if kind == "deploys":
        return f"{good}\n2026-11-03T14:05:00Z,api,{payload.replace(chr(34), '')}\n"
    return f"{good}\n{payload}\n{good} {payload}\n"


def _read_source(kind: str, folder: Path, text: str) -> None:
    path = folder / ("bench.csv" if kind == "deploys" else "bench.log")
    path.write_text(text, encoding="utf-8")
    problems = Problems(str(path))
    source = SourceRegistry.discover().get(kind)(SourceSpec(kind, path, {}), problems)
    for _ in source.events():
        pass


def _timed(reader: Callable[[str], None], payload: str) -> float:
    """Return the CPU seconds ``reader`` takes: on a shared machine, wall time measures the load."""
    started = time.process_time()
    reader(payload)
    return time.process_time() - started


def main(units: list[str]) -> None:
    """Print the CPU seconds each reader takes over each unit's run at each size."""
    registry = ProfileRegistry.discover()
    readers: list[tuple[str, Callable[[str], None]]] = []
    for name in registry.names():
        for where in ("label", "heading", "prose", "table"):

            def document(payload: str, name: str = name, where: str = where) -> None:
                _read_document(registry, _document(registry, name, where, payload))

            readers.append((f"import {name} ({where})", document))
    for where in ("prose", "table"):

        def page(payload: str, where: str = where) -> None:
            nh3.clean(markdown_to_html(_document(registry, "default", where, payload)))

        readers.append((f"HTML page ({where})", page))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for kind in ("plain", "syslog", "logfmt", "jsonl", "deploys"):

            def source(payload: str, kind: str = kind) -> None:
                _read_source(kind, folder, _lines(kind, payload))

            readers.append((f"timeline {kind}", source))
        print(f"{'reader':40} {'unit':6} " + " ".join(f"{s:>8}" for s in SIZES))
        slowest = 0.0
        for label, reader in readers:
            for unit in units:
                times = [_timed(reader, unit * (n // len(unit))) for n in SIZES.values()]
                slowest = max(slowest, times[-1])
                shown = " ".join(f"{t:8.3f}" for t in times)
                print(f"{label:40} {unit!r:6} {shown}", flush=True)
        print(f"slowest at 1 MB: {slowest:.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:] or UNITS)
