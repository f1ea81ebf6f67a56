"""What writing a postmortem as HTML costs, and what turning its Markdown into HTML costs.

Run: .venv/bin/python bench/render_html.py [--rounds N]

For the demo postmortem of every built-in profile, the Markdown the
profile writes is turned into HTML by markdown-it-py (CommonMark with GFM
tables, what the HTML page used before) and by cmark-gfm (what it uses
now), then the whole page is written (``render_html``: the profile's
Markdown, the HTML, nh3, the page template). Times are the median of
``--rounds`` rounds, in ms per document; both converters run in the same
process, one after the other, so the ratio holds on any machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from markdown_it import MarkdownIt

from afteraction.demo import demo_record
from afteraction.document.html import markdown_to_html, render_html
from afteraction.document.render import render_markdown
from afteraction.profiles import ProfileRegistry


def median_ms(work: Callable[[], object], rounds: int, count: int) -> float:
    """Return the median time of ``rounds`` runs of ``work``, in ms per document."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) / count * 1000)
    return statistics.median(times)


def main(rounds: int) -> None:
    """Time both converters and the whole page over every profile's demo postmortem."""
    registry = ProfileRegistry.discover()
    profiles = [registry.get(name) for name in registry.names()]
    records = [(demo_record(p), p) for p in profiles]
    texts = [render_markdown(r, p, front_matter=False) for r, p in records]
    size = sum(len(t.encode("utf-8")) for t in texts) / len(texts) / 1024
    markdown_it = MarkdownIt("commonmark").enable("table")
    count = len(texts)
    old = median_ms(lambda: [markdown_it.render(t) for t in texts], rounds, count)
    new = median_ms(lambda: [markdown_to_html(t) for t in texts], rounds, count)
    page = median_ms(lambda: [render_html(r, p) for r, p in records], rounds, count)
    print(f"{count} postmortems of {size:.1f} KB of Markdown on average, {rounds} rounds")
    print("| step | ms per postmortem |")
    print("|---|---:|")
    print(f"| Markdown -> HTML, markdown-it-py | {old:.2f} |")
    print(f"| Markdown -> HTML, cmark-gfm | {new:.3f} |")
    print(f"| the whole page (render_html) | {page:.2f} |")
    print(f"cmark-gfm is {old / new:.0f}x markdown-it-py")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="rounds to take the median of")
    main(parser.parse_args().rounds)
