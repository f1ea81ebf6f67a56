"""The report's figures in the Prometheus text exposition format, for teams' own dashboards.

Written with the official client (``prometheus_client``), so the output is
what Prometheus and its parsers read. Every metric has ``group_by`` and
``group`` labels: ``all``/``all`` for the whole set, then one per group.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from afteraction.followup.choices import TIMES
from afteraction.followup.report import Figures, Report

LABELS = ["group_by", "group"]


class _ReportCollector(Collector):
    """Yields the report's figures as gauges (collected once, for one exposition)."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def collect(self) -> Iterator[Metric]:
        sets = [("all", self.report.overall)]
        sets += [(self.report.by or "all", figures) for figures in self.report.groups]
        incidents = GaugeMetricFamily("aar_incidents", "Incidents in the report.", labels=LABELS)
        recurring = GaugeMetricFamily(
            "aar_recurring_incidents",
            "Incidents linked to an earlier one, or sharing its root-cause category.",
            labels=LABELS,
        )
        items = GaugeMetricFamily(
            "aar_action_items", "Action items by state.", labels=[*LABELS, "state"]
        )
        overdue = GaugeMetricFamily(
            "aar_action_items_overdue", "Open action items past their due date.", labels=LABELS
        )
        completion = GaugeMetricFamily(
            "aar_action_item_completion_ratio",
            "Done action items over all that are not cancelled.",
            labels=LABELS,
        )
        factors = GaugeMetricFamily(
            "aar_contributing_factors",
            "Contributing factors by category (the top ones).",
            labels=[*LABELS, "category"],
        )
        times = {
            name: GaugeMetricFamily(
                f"aar_{name}_seconds",
                f"{name.replace('_', ' ').capitalize()}, median and 90th percentile.",
                labels=[*LABELS, "quantile"],
            )
            for name in TIMES
        }
        for group_by, figures in sets:
            labels = [group_by, figures.group]
            incidents.add_metric(labels, figures.incidents)
            recurring.add_metric(labels, figures.recurring)
            for state, count in _states(figures):
                items.add_metric([*labels, state], count)
            overdue.add_metric(labels, figures.actions_overdue)
            if figures.completion_rate is not None:
                completion.add_metric(labels, figures.completion_rate)
            for category, count in figures.factors:
                factors.add_metric([*labels, category], count)
            for name, spread in figures.times.items():
                for quantile, value in (("0.5", spread.median), ("0.9", spread.p90)):
                    if value is not None:
                        times[name].add_metric([*labels, quantile], value)
        yield from (incidents, recurring, items, overdue, completion, factors, *times.values())


def _states(figures: Figures) -> list[tuple[str, int]]:
    return [
        ("open", figures.actions_open),
        ("done", figures.actions_done),
        ("cancelled", figures.actions_cancelled),
    ]


def prometheus_text(report: Report) -> str:
    """Return the report in the Prometheus text exposition format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ReportCollector(report))
    return generate_latest(registry).decode("utf-8")
