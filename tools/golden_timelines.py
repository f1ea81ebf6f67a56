"""Regenerate tests/golden/timeline/: what each real payload fixture reads as.

For every file in ../shared/fixtures/payloads/ whose kind (the name before
``__``) has a source, read it alone with that source and write its events,
bad-input count and notes as JSON. tests/test_timeline_golden.py compares
each reading with its file, so a change in a source shows up as a diff to
review, never as a hand-edited expectation:

    .venv/bin/python -m tools.golden_timelines
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from afteraction.errors import AfteractionError
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = ROOT.parent / "shared" / "fixtures" / "payloads"
GOLDEN = ROOT / "tests" / "golden" / "timeline"
# The source each fixture family is read with, and options some files need.
KINDS = {
    "alertmanager": "alertmanager",
    "grafana": "grafana",
    "pagerduty": "pagerduty",
    "opsgenie": "opsgenie",
    "slack": "slack",
    "jsonl": "jsonl",
    "logfmt": "logfmt",
    "syslog": "syslog",
}
OPTIONS: dict[str, dict[str, str]] = {
    # A legacy (pre-8) Grafana payload has no time of its own: it is placed at the one given.
    "grafana__zulip__zulip__zerver__webhooks__grafana__fixtures__alert.json": {
        "at": "2020-01-01T12:00:00Z"
    },
    # BSD syslog lines have no year: a fixed one keeps the golden files off the calendar.
    "syslog__logpai__loghub__Linux__Linux_2k.log": {"year": "2005"},
    "syslog__logpai__loghub__OpenSSH__OpenSSH_2k.log": {"year": "2015"},
    "syslog__tstack__lnav__test__logfile_syslog.0.log": {"year": "2007"},
}
# Fixtures that are not a source's input on their own (a Slack export's channel list).
NOT_INPUTS = {"slack__zulip__zulip__zerver__tests__fixtures__slack_fixtures__channels.json"}


def fixture_spec(path: Path) -> SourceSpec | None:
    """Return how a fixture is read, or None when no source reads it (yet)."""
    kind = KINDS.get(path.name.split("__", 1)[0])
    if kind is None or path.name in NOT_INPUTS or kind not in SourceRegistry.discover().sources:
        return None
    return SourceSpec(kind, path, OPTIONS.get(path.name, {}))


def reading(spec: SourceSpec) -> dict[str, Any]:
    """Return what a source makes of its input, with paths relative to the payload folder."""
    registry = SourceRegistry.discover()
    problems = Problems(spec.label)
    try:
        events = [e.to_dict() for e in registry.get(spec.kind)(spec, problems).events()]
        error = None
    except AfteractionError as exc:
        events, error = [], str(exc)
    data = {
        "source": spec.kind,
        "options": spec.options,
        "events": events,
        "error": error,
        "problems": {"count": problems.count, "first": [str(p) for p in problems.first]},
        "notes": problems.notes,
    }
    prefix = str(PAYLOADS) + "/"
    return json.loads(json.dumps(data, ensure_ascii=False).replace(json.dumps(prefix)[1:-1], ""))


def golden_file(path: Path) -> Path:
    """Return where a fixture's expected reading is kept."""
    return GOLDEN / f"{path.name}.timeline.json"


def render(data: dict[str, Any]) -> str:
    """Return a reading as the golden file holds it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Write the golden file of every fixture a source reads."""
    if not PAYLOADS.is_dir():
        print(f"{PAYLOADS} is absent: nothing to regenerate", file=sys.stderr)
        return 1
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in sorted(PAYLOADS.iterdir()):
        spec = fixture_spec(path)
        if spec is None:
            continue
        golden_file(path).write_text(render(reading(spec)), encoding="utf-8")
        print(f"wrote {golden_file(path).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
