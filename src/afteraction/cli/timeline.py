"""`aar timeline`: build a timeline from alerts, pages, chat, deploys and logs; key times."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from afteraction.cli.shared import workspace, write_output
from afteraction.cli.view import timeline_view
from afteraction.errors import AfteractionError, UsageError
from afteraction.model import KeyTimes, out_of_order
from afteraction.model.metrics import format_duration
from afteraction.service import timeline as use
from afteraction.service.documents import Profile
from afteraction.service.timeline import (
    COMMON_OPTIONS,
    DEFAULT_LIMIT,
    FAR_DAYS,
    BuildOptions,
    Level,
    Timeline,
    Window,
    incident_span,
    key_times_data,
    resolve_zone,
    timeline_data,
    timeline_markdown,
)
from afteraction.service.timeline import Progress as ReadProgress

# A use case reading sources into a timeline: the whole one, or what key times need.
ReadUse = Callable[..., Timeline]
timeline_app = typer.Typer(no_args_is_help=True, help="Build incident timelines from sources.")
out = Console()
err = Console(stderr=True)

From = Annotated[
    list[str] | None,
    typer.Option(
        "--from",
        help="A source: KIND:PATH or KIND[name=value,...]:PATH; - reads stdin (repeatable;"
        " see `aar timeline sources`).",
    ),
]
WindowOpt = Annotated[
    str | None, typer.Option("--window", help="Keep START..END only (either end may be open).")
]
AroundOpt = Annotated[
    str | None, typer.Option("--around", help="Keep TIME±SPAN only, e.g. '2026-11-03 14:05±30m'.")
]
LevelOpt = Annotated[
    str | None, typer.Option("--min-level", help="Drop log events below this level (e.g. warn).")
]
GrepOpt = Annotated[
    list[str] | None, typer.Option("--grep", help="Keep events containing a word (repeatable).")
]
LimitOpt = Annotated[
    int,
    typer.Option(
        "--limit",
        help="Most log events to keep (0: no cap); alerts, pages,"
        " messages and deploys are always kept.",
    ),
]
MomentsOpt = Annotated[
    bool,
    typer.Option(
        "--key-moments", help="Of the chat, keep only key moments (pinned or reacted messages)."
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Stop at the first malformed line or payload.")
]
ZoneOpt = Annotated[
    str | None,
    typer.Option(
        "--zone",
        help="Display zone, also for times given without one (default: the profile's, else UTC).",
    ),
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profile whose zone and timeline to use.")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON with stable names.")]
FarOpt = Annotated[
    int,
    typer.Option(
        "--far-days",
        help="Leave out events more days than this from the incident (its key times, else its"
        " timeline, else the middle half of the events); 0 keeps them all.",
    ),
]


def _profile(name: str | None) -> Profile | None:
    return _profile_named(name) if name is not None else None


def _zone(name: str | None, profile: Profile | None) -> tuple[tzinfo, str]:
    if name is not None:
        try:
            return resolve_zone(name), name
        except (AfteractionError, ValueError):
            raise UsageError(f"unknown time zone '{name}'", field="--zone") from None
    if profile is not None:
        return resolve_zone(profile.zone), profile.zone
    return UTC, "UTC"


def _options(
    zone: tzinfo,
    window: str | None,
    around: str | None,
    min_level: str | None,
    grep: list[str] | None,
    limit: int,
    strict: bool,
    key_moments: bool = False,
    far_days: int = FAR_DAYS,
) -> BuildOptions:
    if window and around:
        raise UsageError("give --window or --around, not both", field="--around")
    if limit < 0:
        raise UsageError("must be 0 (no cap) or more", field="--limit")
    if far_days < 0:
        raise UsageError("must be 0 (keep every event) or more", field="--far-days")
    span = Window()
    if window:
        span = Window.parse(window, zone)
    elif around:
        span = Window.around(around, zone)
    return BuildOptions(
        window=span,
        min_level=Level.option(min_level) if min_level else None,
        keywords=tuple(grep or ()),
        limit=limit or None,
        strict=strict,
        key_moments=key_moments,
        far_days=far_days,
    )


def _progress() -> tuple[Callable[[ReadProgress], None] | None, Callable[[], None]]:
    """Return a progress callback for a terminal (a bar over the input files), and a stop."""
    if not err.is_terminal:
        return None, lambda: None
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    shown = Progress(
        TextColumn("Reading sources"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[events]:,} events"),
        console=err,
        transient=True,
    )
    task = shown.add_task("read", total=None, events=0)
    shown.start()

    def advance(progress: ReadProgress) -> None:
        shown.update(
            task, total=progress.total or None, completed=progress.done, events=progress.events
        )

    return advance, shown.stop


def _build(
    froms: list[str] | None, options: BuildOptions, read: ReadUse = use.build_timeline
) -> Timeline:
    advance, stop = _progress()
    try:
        return read(workspace(), use.source_specs(froms or []), options, advance=advance)
    finally:
        stop()


def _report(timeline: Timeline) -> None:
    """Say on stderr what was skipped or assumed, per source, and what was left out."""
    for source in timeline.sources:
        summary = source.problems.summary()
        if summary:
            typer.echo(f"Warning: {summary}; the first:", err=True)
            for problem in source.problems.first:
                typer.echo(f"  {problem}", err=True)
        for note in source.problems.notes:
            typer.echo(f"Note: {source.spec.label}: {note}", err=True)
    notes = timeline.notes()
    if notes:
        typer.echo(f"Left out: {'; '.join(notes)}.", err=True)


@timeline_app.command("build")
def build(
    froms: From = None,
    window: WindowOpt = None,
    around: AroundOpt = None,
    min_level: LevelOpt = None,
    grep: GrepOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    key_moments: MomentsOpt = False,
    strict: StrictOpt = False,
    far_days: FarOpt = FAR_DAYS,
    zone_name: ZoneOpt = None,
    profile_name: ProfileOpt = None,
    as_json: JsonFlag = False,
    as_md: Annotated[
        bool, typer.Option("--md", help="Print the profile's timeline section (Markdown).")
    ] = False,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="Print the logs' own lines merged in time order (time-sorted logs)."
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Merge every source into one chronological timeline."""
    if sum((as_json, as_md, raw)) > 1:
        raise UsageError("give one of --json, --md and --raw", field="--raw")
    profile = _profile(profile_name)
    zone, label = _zone(zone_name, profile)
    options = _options(zone, window, around, min_level, grep, limit, strict, key_moments, far_days)
    if raw:
        _write_raw(froms or [], options.window, output)
        return
    timeline = _build(froms, options)
    _report(timeline)
    if as_json:
        text = json.dumps(timeline_data(timeline, zone, label), indent=2, ensure_ascii=False)
        write_output(text + "\n", output)
    elif as_md or output is not None:
        write_output(
            timeline_markdown(timeline.events, profile or _profile_named("default")), output
        )
    else:
        out.print(timeline_view(timeline.events, zone, label))


def _profile_named(name: str) -> Profile:
    return workspace().profiles.get(name)


def _write_raw(froms: list[str], window: Window, output: Path | None) -> None:
    """Write the merged lines of the logs, batch by batch, to stdout or a file."""
    span = window if window.start or window.end else None
    batches = use.raw_timeline(workspace(), use.source_specs(froms), span)
    if output is None:
        for batch in batches:
            sys.stdout.buffer.writelines(batch)
        sys.stdout.buffer.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as stream:
        for batch in batches:
            stream.writelines(batch)


@timeline_app.command("add")
def add(
    postmortem: Annotated[Path, typer.Argument(help="The postmortem to add the events to.")],
    froms: From = None,
    window: WindowOpt = None,
    around: AroundOpt = None,
    min_level: LevelOpt = None,
    grep: GrepOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    key_moments: MomentsOpt = False,
    strict: StrictOpt = False,
    far_days: FarOpt = FAR_DAYS,
) -> None:
    """Merge the sources into a postmortem's timeline and fill the key times it lacks.

    Runs again add nothing twice; events written by hand are kept; nothing
    else in the file changes. Without --window or --around, the window is the
    postmortem's own key times, an hour either side. Events more than
    --far-days from the incident (its key times, else its timeline) are left
    out, and the first few named.
    """
    space = workspace()
    loaded = space.store.get(postmortem)
    zone, _ = _zone(None, loaded.profile)
    options = _options(zone, window, around, min_level, grep, limit, strict, key_moments, far_days)
    record = loaded.record
    options = replace(
        options, incident=incident_span(record.times, (e.time for e in record.timeline))
    )
    if not (window or around):
        span = use.incident_window(loaded.record.times)
        if span is not None:
            options = replace(options, window=span)
            typer.echo("Window: the postmortem's key times, an hour either side.", err=True)
    timeline = _build(froms, options)
    _report(timeline)
    applied = use.add_timeline(space, loaded, timeline)
    said = f"{postmortem}: added {applied.added} event(s), {applied.already} already there"
    if applied.filled:
        said += f"; filled {', '.join(applied.filled)}"
    out.print(escape(said), highlight=False)
    for name, moment in applied.unfilled.items():
        shown = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"Note: {name} inferred as {shown}; no empty field to write it in", err=True)


@timeline_app.command("keytimes")
def keytimes(
    froms: From = None,
    postmortem: Annotated[
        Path | None,
        typer.Option("--postmortem", help="A postmortem whose stated key times override."),
    ] = None,
    window: WindowOpt = None,
    around: AroundOpt = None,
    min_level: LevelOpt = None,
    strict: StrictOpt = False,
    far_days: FarOpt = FAR_DAYS,
    zone_name: ZoneOpt = None,
    profile_name: ProfileOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Show the inferred key times, the event each came from, and TTD, TTA, TTM, TTR."""
    stated: KeyTimes | None = None
    profile = _profile(profile_name)
    if postmortem is not None:
        loaded = workspace().store.get(postmortem, profile_name)
        stated, profile = use.stated_times(loaded), loaded.profile
    zone, label = _zone(zone_name, profile)
    options = _options(zone, window, around, min_level, None, 0, strict, far_days=far_days)
    if stated is not None:
        options = replace(options, incident=incident_span(stated, ()))
    timeline = _build(froms, options, use.key_timeline)  # only what key times can come from
    _report(timeline)
    report = use.key_times(timeline, stated)
    wrong = {w.name: w for w in out_of_order(report.key_times())}
    for problem in wrong.values():
        typer.echo(f"Warning: {problem}", err=True)
    if as_json:
        data = {"zone": label, **key_times_data(report, zone)}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Key times ({label})", show_lines=False)
    for column in ("Key time", "When", "From", "How"):
        table.add_column(column)
    for name, kt in report.times.items():
        when = f"{kt.time.astimezone(zone):%Y-%m-%d %H:%M:%S}" if kt.time else "—"
        origin = kt.event.origin or kt.event.source if kt.event else ""
        how = kt.how + (f"; out of order: before {wrong[name].before}" if name in wrong else "")
        table.add_row(name, when, escape(origin or ""), escape(how))
    out.print(table)
    figures = Table(title="Figures", show_header=False)
    for name, value in report.metrics():
        shown = format_duration(value) if value is not None else "—"
        if value is not None and value < timedelta(0):
            shown += " (key times out of order)"
        figures.add_row(name.replace("_", " "), shown)
    out.print(figures)


@timeline_app.command("sources")
def sources(as_json: JsonFlag = False) -> None:
    """List the source kinds --from reads, with their options."""
    registry = workspace().sources
    kinds = [registry.get(name) for name in registry.names()]
    if as_json:
        rows = [
            {"kind": s.name, "summary": s.summary, "options": {**COMMON_OPTIONS, **s.options}}
            for s in kinds
        ]
        out.print_json(json.dumps(rows))
        return
    table = Table("Kind", "Reads", "Options")
    for source in kinds:
        options = ", ".join([*COMMON_OPTIONS, *source.options])
        table.add_row(source.name, escape(source.summary), escape(options))
    out.print(table)
