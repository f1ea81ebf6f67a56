"""How fast `aar lint` checks a large repository of postmortems, cold and from its cache.

Run: .venv/bin/python bench/lint_speed.py [COUNT] [FOLDER]

Generates COUNT postmortems (default 10,000) of about 6 KB in FOLDER (default
a temporary folder): the demo incident in every built-in profile, each with
its own ID, a longer timeline and more action items. Then, on one core, in
the same run:

1. markdown-it parsing every file alone (the floor for any Markdown linter
   built on it);
2. `aar lint` on every file with every rule and an empty cache;
3. `aar lint` again on the unchanged files (the cache answers).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from markdown_it import MarkdownIt

from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.lint.config import LintConfig
from afteraction.lint.engine import Linter
from afteraction.lint.registry import RuleRegistry
from afteraction.model import ActionItem, Incident, TimelineEvent
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.profiles.ids import format_id

# The floor: markdown-it-py's own full parse (CommonMark with GFM tables).
FLOOR = MarkdownIt("commonmark").enable("table")

STEPS = [
    "Canary error rate rises above the alert threshold",
    "Engineer on call opens the incident channel",
    "Traffic shifted away from the affected region",
    "Dashboards show latency back within the target",
    "Customer support posts a status page update",
]


def grow(record: Incident, profile: Profile, start: datetime, due: date, items: int) -> None:
    """Add 24 timeline events from ``start`` and ``items`` open action items due on ``due``."""
    record.timeline += [
        TimelineEvent(time=start + timedelta(minutes=30 + n), text=f"{STEPS[n % 5]} ({n})")
        for n in range(24)
    ]
    record.timeline.sort(key=lambda e: e.time or start)
    record.action_items += [
        ActionItem(
            id=str(len(record.action_items) + n + 1),
            title=f"{STEPS[n % 5]}: add a check ({n})",
            owner="sam.okafor",
            due=due,
            status="open",
            priority=profile.priorities[-1] if profile.priorities else None,
            horizon=profile.horizons[-1].name if profile.horizons else None,
            category=profile.categories[-1].name if profile.categories else None,
        )
        for n in range(items)
    ]


def generate(folder: Path, count: int) -> list[Path]:
    """Write ``count`` postmortems of about 6 KB, each with its own incident ID."""
    registry = ProfileRegistry.discover()
    profiles = [registry.get(n) for n in registry.names()]
    paths = []
    for index in range(count):
        profile = profiles[index % len(profiles)]
        record = demo_record(profile)
        day = date(2020, 1, 1) + timedelta(days=index // 20)
        record.id = format_id(profile.id_pattern, day, index % 20 + 1)
        start = record.times.started or datetime(2026, 11, 3, 14, 2, tzinfo=UTC)
        grow(record, profile, start, date(2026, 12, 1), 6)
        path = folder / f"{index:05d}-{profile.name}.md"
        path.write_text(render_markdown(record, profile), encoding="utf-8")
        paths.append(path)
    return paths


def main(count: int, folder: Path) -> None:
    """Generate the corpus and time the three runs."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(folder.glob("*.md")) or generate(folder, count)
    paths = paths[:count]
    size = sum(p.stat().st_size for p in paths) / len(paths)
    print(f"{len(paths)} postmortems of {size / 1024:.1f} KB on average")

    started = time.perf_counter()
    for path in paths:
        FLOOR.parse(path.read_text(encoding="utf-8"))
    floor = time.perf_counter() - started
    print(f"markdown-it parse alone: {len(paths) / floor:7.0f} documents/s ({floor:.1f} s)")

    cache = folder / ".aar-cache"
    config = LintConfig(root=folder)
    profiles, rules = ProfileRegistry.discover(), RuleRegistry.discover()

    def lint() -> float:
        linter = Linter(config, profiles, rules, today=date(2026, 11, 10), cache_folder=cache)
        began = time.perf_counter()
        report = linter.run(paths)
        assert not report.errors, report.errors[0].error
        return time.perf_counter() - began

    for old in cache.glob("*.json"):
        old.unlink()
    cold = lint()
    print(
        f"aar lint, every rule:    {len(paths) / cold:7.0f} documents/s ({cold:.1f} s,"
        f" {cold / floor:.1f}x the parse alone)"
    )
    warm = lint()
    print(f"aar lint again (cache):  {warm:7.2f} s")


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    where = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="aar-bench-"))
    main(total, where)
