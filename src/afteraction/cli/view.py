"""Rich views of records and profiles for the terminal."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from afteraction.model import Incident, compute_metrics, out_of_order
from afteraction.model.metrics import format_duration
from afteraction.model.record import KEY_TIMES
from afteraction.service.documents import Profile, resolve_zone

if TYPE_CHECKING:  # a record's view needs neither the linter nor the timeline readers
    from afteraction.service.lint import LintReport, Rule
    from afteraction.service.timeline import Event


def _when(value: datetime | None, profile: Profile) -> str:
    if value is None:
        return "—"
    local = value.astimezone(resolve_zone(profile.zone))
    return f"{local:%Y-%m-%d %H:%M} {profile.zone_label or local.tzname() or profile.zone}"


def _span(value: timedelta | None) -> str:
    if value is None:
        return "—"
    return format_duration(value) + (" (key times out of order)" if value < timedelta(0) else "")


def _how(record: Incident, name: str) -> Text:
    """Say where an inferred key time came from (nothing for a stated one)."""
    reading = record.reading(f"times.{name}")
    if reading is None or reading.how != "inferred":
        return Text("")
    return Text(f"inferred (line {reading.line})" if reading.line else "inferred", style="dim")


def _excerpt(text: str, limit: int = 400) -> Text:
    """Return the start of a long text, as plain text (never read as Rich markup)."""
    flat = " ".join(text.split())
    return Text(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def record_view(record: Incident, profile: Profile) -> Group:
    """Return a terminal view: header, key times and derived figures, items."""
    head = Table.grid(padding=(0, 2))
    for label, value in (
        ("ID", record.id or "—"),
        ("Profile", profile.name),
        ("Severity", record.severity or "—"),
        ("Status", record.status or "—"),
    ):
        head.add_row(Text(label, style="bold"), Text(value))
    wrong = {w.name: w for w in out_of_order(record.times)}
    times = Table(title=f"Key times ({profile.zone_label or profile.zone})", show_header=False)
    for name in KEY_TIMES:
        times.add_row(
            name.capitalize(), _when(getattr(record.times, name), profile), _how(record, name)
        )
        if name in wrong:
            times.add_row("", Text(f"⚠ before {wrong[name].before}: out of order", style="yellow"))
    metrics = compute_metrics(record.times)
    figures = Table(title="Derived figures", show_header=False)
    figures.add_row("Duration", _span(metrics.duration))
    figures.add_row("Time to detect", _span(metrics.time_to_detect))
    figures.add_row("Time to acknowledge", _span(metrics.time_to_acknowledge))
    figures.add_row("Time to mitigate", _span(metrics.time_to_mitigate))
    figures.add_row("Time to resolve", _span(metrics.time_to_resolve))
    parts: list[object] = [Panel(head, title=Text(record.title or "(untitled)")), times, figures]
    mapped = [r for r in record.readings if r.how == "mapped"]
    if mapped:
        parts.append(
            Text(
                "Mapped onto the profile's scale: "
                + "; ".join(f"{r.field} '{r.written}' read as {r.value}" for r in mapped),
                style="dim",
            )
        )
    for title, text in (("Summary", record.summary), ("Root cause", record.root_cause)):
        if text:
            parts.append(Panel(_excerpt(text), title=title, title_align="left"))
    if record.timeline:
        timeline = Table(
            "Time", "Event", "Actor", title=f"Timeline ({len(record.timeline)} events)"
        )
        for event in record.timeline:
            when = (
                _when(event.time, profile)
                if event.time
                else event.date.isoformat()
                if event.date
                else event.extra.get("Time", "—")
            )
            timeline.add_row(Text(when), Text(event.text), Text(event.actor or ""))
        parts.append(timeline)
    if record.action_items:
        actions = Table("ID", "Action", "Owner", "Due", "Status", "Category", title="Action items")
        for item in record.action_items:
            actions.add_row(
                *(
                    Text(v)
                    for v in (
                        item.id or "",
                        item.title,
                        item.owner or "",
                        str(item.due or ""),
                        item.status or "",
                        item.category or item.horizon or "",
                    )
                )
            )
        parts.append(actions)
    others = [s.heading for s in record.sections if s.key is None and s.heading]
    if others:
        parts.append(Text(f"Other sections kept as written: {', '.join(others)}", style="dim"))
    return Group(*parts)  # type: ignore[arg-type]


def profile_view(profile: Profile) -> Group:
    """Return a terminal view of a profile's whole format."""
    head = Table.grid(padding=(0, 2))
    head.add_row(Text("Title", style="bold"), Text(profile.title))
    zone = profile.zone + (f" ({profile.zone_label})" if profile.zone_label else "")
    statuses = ", ".join(s.name + (" (final)" if s.final else "") for s in profile.statuses)
    for label, value in (
        ("Zone", zone),
        ("ID pattern", profile.id_pattern),
        ("Statuses", statuses),
        ("Sign-off roles", ", ".join(profile.sign_off_roles) or "—"),
        ("Header fields", ", ".join(f.label for f in profile.header) or "—"),
    ):
        head.add_row(Text(label, style="bold"), Text(value))
    severity = Table("Level", "Rank", "Definition", title="Severity scale")
    for level in sorted(profile.severity, key=lambda s: s.rank):
        severity.add_row(
            Text(level.name), str(level.rank), Text(level.definition or level.label or "")
        )
    sections = Table("Heading", "Kind", "Binds", "Required", title="Sections")
    for spec in profile.sections:
        sections.add_row(
            Text("  " * (spec.level - 2) + spec.heading),
            spec.kind,
            spec.bind or "",
            "yes" if spec.required else "",
        )
    workflow = Table("Status", "May move to", "Needs the sign-off of", title="Workflow")
    for status in profile.statuses:
        workflow.add_row(
            Text(status.name + (" (final)" if status.final else "")),
            Text(", ".join(profile.next_statuses(status.name)) or "— (an end state)"),
            Text(", ".join(profile.required_sign_offs(status.name)) or "—"),
        )
    return Group(
        Panel(head, title=Text(f"{profile.name}: {profile.description}")),
        severity,
        workflow,
        sections,
    )


def rules_view(rules: list[type[Rule]]) -> Table:
    """Return a table of the lint rules: ID, name, fixable, summary."""
    table = Table(show_edge=False, box=None, padding=(0, 2))
    for column in ("ID", "Name", "Fix", "Checks"):
        table.add_column(column, no_wrap=column != "Checks")
    for rule in rules:
        table.add_row(rule.id, rule.name, "yes" if rule.fixable else "", Text(rule.summary))
    return table


def lint_summary(report: LintReport) -> Text:
    """Return the one-line summary printed after the findings."""
    files = len(report.files)
    findings = report.findings
    parts = []
    if report.fixed:
        parts.append(f"Fixed {report.fixed} finding(s).")
    if findings:
        fixable = sum(1 for f in findings if f.fixable)
        tail = f" ({fixable} fixable with --fix)" if fixable else ""
        parts.append(f"Found {len(findings)} finding(s) in {files} file(s){tail}.")
    else:
        parts.append(f"All checks passed ({files} file(s)).")
    if report.errors:
        parts.append(f"{len(report.errors)} file(s) could not be read.")
    return Text(" ".join(parts))


def timeline_view(events: list[Event], zone: tzinfo, label: str) -> Table:
    """Return a built timeline as a terminal table, times in ``zone``.

    Who, where and through what go on a dim line under each event's text, so
    the text keeps the width on a narrow terminal.
    """
    from afteraction.service.timeline import event_text

    table = Table(title=f"Timeline ({label}, {len(events)} events)", expand=True)
    table.add_column("Time", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Event", overflow="fold", ratio=1)
    for event in events:
        text = Text(event_text(event, zone))
        context = " · ".join(v for v in (event.source, event.actor, event.component) if v)
        text.append(f"\n{context}", style="dim")
        table.add_row(f"{event.time.astimezone(zone):%Y-%m-%d %H:%M:%S}", event.kind.value, text)
    return table
