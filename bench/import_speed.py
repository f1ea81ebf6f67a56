"""How fast postmortems are read: recognise the profile and parse, against markdown-it alone.

Run: .venv/bin/python bench/import_speed.py [N]

Two corpora, each read N times in turn on one core: the demo postmortem of
every built-in profile (3-5 KB each), and the real postmortems of
../shared/fixtures/postmortems (when that folder is there). The figure to
watch is the ratio to markdown-it's own parse of the same text, the floor a
Markdown reader built on it can reach; to compare two versions, run this
script from each checkout in the same minute.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from markdown_it import MarkdownIt

from afteraction.demo import demo_record
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import read_document
from afteraction.document.recognize import recognize
from afteraction.document.render import render_markdown
from afteraction.profiles import ProfileRegistry

# The floor: markdown-it-py's own full parse (CommonMark with GFM tables).
FLOOR = MarkdownIt("commonmark").enable("table")

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "postmortems"


def measure(name: str, corpus: list[str], registry: ProfileRegistry, count: int) -> None:
    """Time markdown-it alone, then recognition plus reading, over ``count`` documents."""
    profiles = [registry.get(n) for n in registry.names()]
    started = time.perf_counter()
    for index in range(count):
        FLOOR.parse(corpus[index % len(corpus)])
    floor = time.perf_counter() - started
    started = time.perf_counter()
    for index in range(count):
        text = corpus[index % len(corpus)]
        raw = read_markdown(text)
        found = recognize(raw, profiles)
        # As `aar import` reads: strictly in a recognised profile, else a generic reading.
        profile = found.profile if found else registry.get("default")
        read_document(text, profile, strict=found is not None, raw=raw)
    reading = time.perf_counter() - started
    size = sum(len(t) for t in corpus) / len(corpus)
    print(f"{name}: {count} documents of {size / 1024:.1f} KB on average")
    print(f"  markdown-it parse alone: {count / floor:7.0f} documents/s")
    print(f"  recognise and read:      {count / reading:7.0f} documents/s ({reading / floor:.1f}x)")


def main(count: int) -> None:
    """Measure the demo corpus and, where present, the real postmortems."""
    registry = ProfileRegistry.discover()
    profiles = [registry.get(n) for n in registry.names()]
    demos = [render_markdown(demo_record(p), p) for p in profiles]
    measure("demo postmortems", demos, registry, count)
    real = [p.read_text(encoding="utf-8") for p in sorted(REAL.glob("*.md"))]
    if real:
        measure("real postmortems", real, registry, count)
    else:
        print(f"real postmortems: {REAL} is absent, not measured")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
