"""Regenerate docs/img/: the report charts the README shows, from the generated test incidents.

tests/test_report.py fails when a committed chart is stale:

    .venv/bin/python -m tools.report_chart
"""

from __future__ import annotations

from pathlib import Path

from afteraction.followup.report import build_report
from afteraction.followup.report_output import report_charts
from afteraction.profiles import ProfileRegistry
from tests.report_support import TODAY, incidents

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "img"
NAMES = [
    "report-incidents-by-month.svg",
    "report-time-to-resolve-by-severity.svg",
    "report-response-times.svg",
    "report-action-items.svg",
    "report-factors.svg",
]


def charts() -> dict[str, str]:
    """Return each chart's file name and SVG, as the report draws them."""
    postmortems = incidents(ProfileRegistry.discover().get("default"))
    drawn = report_charts(build_report(postmortems, TODAY, by="severity"))
    return dict(zip(NAMES, drawn, strict=True))


def main() -> int:
    """Write the charts."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, svg in charts().items():
        (IMAGES / name).write_text(svg, encoding="utf-8")
        print(f"wrote {(IMAGES / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
