"""`aar report`: figures over a generated set of incidents whose true values are known."""

from __future__ import annotations

from datetime import date

import pytest
from prometheus_client.parser import text_string_to_metric_families

from afteraction.errors import UsageError
from afteraction.followup.factors import factor_category
from afteraction.followup.prometheus import prometheus_text
from afteraction.followup.report import build_report
from afteraction.model import Factor
from tests.report_support import ITEMS, SPEC, TODAY, incidents, quantile


@pytest.fixture
def postmortems(registry):
    return incidents(registry.get("default"))


def minutes(column: int, rows: list[tuple] | None = None) -> list[float]:  # type: ignore[type-arg]
    return [float(row[column] * 60) for row in rows or SPEC]


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("time_to_detect", 2),
        ("time_to_acknowledge", 3),
        ("time_to_mitigate", 4),
        ("time_to_resolve", 5),
    ],
)
def test_response_times_are_median_and_p90(postmortems, name, column):
    spread = build_report(postmortems, TODAY).overall.times[name]
    truth = minutes(column)
    assert spread.n == len(truth)
    assert spread.median == pytest.approx(quantile(truth, 0.5))
    assert spread.p90 == pytest.approx(quantile(truth, 0.9))


def test_action_item_follow_through(postmortems):
    figures = build_report(postmortems, TODAY).overall
    states = [state for _, state, _ in ITEMS]
    assert figures.actions == len(ITEMS)
    assert figures.actions_done == states.count("done")
    assert figures.actions_cancelled == states.count("cancelled")
    assert figures.actions_open == states.count("open") + states.count("in_progress")
    assert figures.actions_overdue == sum(
        1 for _, state, offset in ITEMS if state in ("open", "in_progress") and offset < 0
    )
    assert figures.completion_rate == pytest.approx(3 / 7)
    open_ages = [
        float((TODAY - SPEC[i][0]).days)
        for i, state, _ in ITEMS
        if state in ("open", "in_progress")
    ]
    assert figures.open_age_days.median == pytest.approx(quantile(open_ages, 0.5))


def test_recurrence_and_factor_categories(postmortems):
    figures = build_report(postmortems, TODAY).overall
    assert figures.recurring == 2  # one shares a category, one names an earlier incident
    assert dict(figures.factors) == {
        "Change management": 2,
        "Monitoring and alerting": 2,
        "Capacity": 1,
    }


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("[Testing] no staging run", "Testing"),
        ("Monitoring: nothing paged", "Monitoring and alerting"),
        ("Upstream provider rate-limited us", "Dependencies"),
        ("Database failover took too long", "Infrastructure"),
        ("Something nobody saw coming", "Other"),
    ],
)
def test_factors_fall_in_categories(title, category):
    assert factor_category(Factor(title=title)) == category


def test_groups_and_since(postmortems):
    report = build_report(postmortems, TODAY, by="severity", since=date(2026, 8, 10))
    assert report.overall.incidents == 4
    groups = {g.group: g for g in report.groups}
    assert {k: g.incidents for k, g in groups.items()} == {"SEV1": 1, "SEV2": 2, "SEV3": 1}
    sev2 = groups["SEV2"].times["time_to_resolve"]
    assert sev2.median == pytest.approx(quantile([120 * 60, 150 * 60], 0.5))
    months = {g.group: g.incidents for g in build_report(postmortems, TODAY, by="month").groups}
    assert months == {"2026-08": 2, "2026-09": 1, "2026-10": 1, "2026-11": 1}
    with pytest.raises(UsageError, match="cannot group by 'team'"):
        build_report(postmortems, TODAY, by="team")


def test_prometheus_output_parses_with_the_official_parser(postmortems):
    report = build_report(postmortems, TODAY, by="severity")
    families = {f.name: f for f in text_string_to_metric_families(prometheus_text(report))}
    incidents = {
        (s.labels["group_by"], s.labels["group"]): s.value
        for s in families["aar_incidents"].samples
    }
    assert incidents[("all", "all")] == len(SPEC)
    assert incidents[("severity", "SEV1")] == 2
    resolve = {
        (s.labels["group"], s.labels["quantile"]): s.value
        for s in families["aar_time_to_resolve_seconds"].samples
    }
    assert resolve[("all", "0.5")] == pytest.approx(quantile(minutes(5), 0.5))
    assert resolve[("all", "0.9")] == pytest.approx(quantile(minutes(5), 0.9))
    items = {
        s.labels["state"]: s.value
        for s in families["aar_action_items"].samples
        if s.labels["group"] == "all"
    }
    assert items == {"open": 4, "done": 3, "cancelled": 1}


def _files(tmp_path, registry):
    from afteraction.document.render import render_markdown

    profile = registry.get("default")
    folder = tmp_path / "pm"
    folder.mkdir()
    for postmortem in incidents(profile):
        (folder / postmortem.path.name).write_text(render_markdown(postmortem.record, profile))
    return folder


def test_the_command_reads_the_same_figures_back_from_documents(tmp_path, registry):
    import json

    from tests.test_cli import aar

    folder = _files(tmp_path, registry)
    result = aar("report", str(folder), "--today", TODAY.isoformat(), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["overall"]["incidents"] == len(SPEC)
    ttr = data["overall"]["time_to_resolve"]
    assert ttr["median"] == pytest.approx(quantile(minutes(5), 0.5))
    assert data["overall"]["actions"]["overdue"] == 2
    assert [m["incidents"] for m in data["incidents_by_month"]] == [2, 1, 1, 1]
    as_csv = aar(
        "report", str(folder), "--today", TODAY.isoformat(), "-f", "csv", "--by", "severity"
    )
    lines = as_csv.stdout.splitlines()
    assert lines[0].startswith("group,incidents,ttd_median_seconds,ttd_p90_seconds")
    assert [line.split(",")[0] for line in lines[1:]] == ["all", "SEV1", "SEV2", "SEV3"]
    scraped = aar("report", str(folder), "--today", TODAY.isoformat(), "--prometheus")
    names = {f.name for f in text_string_to_metric_families(scraped.stdout)}
    assert {"aar_incidents", "aar_time_to_detect_seconds", "aar_action_items"} <= names


def test_the_html_report_opens_offline_and_plots_the_figures(postmortems):
    from afteraction.followup.report_output import report_html

    report = build_report(postmortems, TODAY, by="severity")
    page = report_html(report)
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "<script" not in page
    assert page.count("<svg") == 5
    sev1 = report.groups[0].times["time_to_resolve"].median
    assert sev1 is not None
    assert f'data-value="{sev1 / 60:g}"' in page or f'data-value="{round(sev1 / 60, 1):g}"' in page
    for month, count in report.monthly:  # each month's mark carries its own count
        assert f'<g class="mark" data-label="{month}" data-value="{count}">' in page


def test_the_charts_in_the_readme_are_current():
    from tools.report_chart import IMAGES, charts

    for name, svg in charts().items():
        assert (IMAGES / name).read_text(encoding="utf-8") == svg, (
            f"stale {name}: run .venv/bin/python -m tools.report_chart"
        )
