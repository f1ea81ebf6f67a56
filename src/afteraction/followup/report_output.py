"""A report as CSV, or as a self-contained HTML page with its charts (SVG, opens offline)."""

from __future__ import annotations

from markupsafe import Markup

from afteraction.csvcell import csv_text
from afteraction.followup.charts import Bar, Series, bar_chart, grouped_bar_chart, line_chart
from afteraction.followup.choices import TIMES
from afteraction.followup.pages import render_page
from afteraction.followup.report import Figures, Report

SHORT = {
    "time_to_detect": "ttd",
    "time_to_acknowledge": "tta",
    "time_to_mitigate": "ttm",
    "time_to_resolve": "ttr",
}


def csv_columns() -> list[str]:
    """Return the CSV header: one column per figure, times in seconds."""
    times = [f"{SHORT[t]}_{q}_seconds" for t in TIMES for q in ("median", "p90")]
    return [
        "group",
        "incidents",
        *times,
        "actions",
        "actions_done",
        "actions_cancelled",
        "actions_open",
        "actions_overdue",
        "completion_rate",
        "open_age_median_days",
        "recurring",
        "top_factor_category",
    ]


def _row(figures: Figures) -> list[object]:
    times = [value for t in TIMES for value in (figures.times[t].median, figures.times[t].p90)]
    return [
        figures.group,
        figures.incidents,
        *("" if v is None else round(v, 1) for v in times),
        figures.actions,
        figures.actions_done,
        figures.actions_cancelled,
        figures.actions_open,
        figures.actions_overdue,
        "" if figures.completion_rate is None else round(figures.completion_rate, 4),
        "" if figures.open_age_days.median is None else figures.open_age_days.median,
        figures.recurring,
        figures.factors[0][0] if figures.factors else "",
    ]


def report_csv(report: Report) -> str:
    """Return the report as CSV: the whole set first ("all"), then each group.

    Group names and factor categories are text from documents; `csv_text`
    neutralises them, while the figures stay numbers.
    """
    return csv_text([csv_columns(), *(_row(f) for f in [report.overall, *report.groups])])


def report_charts(report: Report) -> list[str]:
    """Return the report's charts as SVG: incidents by month, response times, items, factors."""
    charts = [
        line_chart("Incidents by month", report.monthly, unit="incidents"),
    ]
    groups = report.groups or [report.overall]
    measure = "time_to_resolve" if report.groups else None
    if measure is not None:
        charts.append(
            grouped_bar_chart(
                f"Time to resolve by {report.by}",
                [g.group for g in groups],
                [
                    Series("median", [_minutes(g.times[measure].median) for g in groups]),
                    Series("p90", [_minutes(g.times[measure].p90) for g in groups]),
                ],
                unit="min",
            )
        )
    overall = report.overall
    charts.append(
        grouped_bar_chart(
            "Response times (all incidents)",
            [SHORT[t].upper() for t in TIMES],
            [
                Series("median", [_minutes(overall.times[t].median) for t in TIMES]),
                Series("p90", [_minutes(overall.times[t].p90) for t in TIMES]),
            ],
            unit="min",
        )
    )
    charts.append(
        bar_chart(
            "Action items",
            [
                Bar("done", overall.actions_done),
                Bar("open", overall.actions_open),
                Bar("overdue", overall.actions_overdue),
                Bar("cancelled", overall.actions_cancelled),
            ],
            unit="items",
        )
    )
    charts.append(
        bar_chart(
            "Top contributing-factor categories",
            [Bar(category, count) for category, count in overall.factors],
            unit="factors",
        )
    )
    return charts


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def report_html(report: Report) -> str:
    """Return the report as one HTML page with its tables and SVG charts (no outside files)."""
    return render_page(
        "report.html.j2",
        report=report,
        groups=[report.overall, *report.groups],
        charts=[Markup(svg) for svg in report_charts(report)],
        times=TIMES,
        minutes=_minutes,
    )
