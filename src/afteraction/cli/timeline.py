"""`aar timeline`: build a timeline from alerts, pages, chat, deploys and logs; key times."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from afteraction.cli.shared import workspace, write_output
from afteraction.errors import AfteractionError, UsageError
from afteraction.service.choices import DEFAULT_LIMIT, FAR_DAYS

if TYPE_CHECKING:  # the sources and readers load when a command runs, not for --help
    from afteraction.model import KeyTimes
    from afteraction.service.documents import Profile
    from afteraction.service.timeline import BuildOptions, Timeline, Window
    from afteraction.service.timeline import Progress as ReadProgress
    from afteraction.service.workspace import Workspace

    # A use case reading sources into a timeline: the whole one, or what key times need.
    ReadUse = Callable[..., Timeline]
timeline_app = typer.Typer(no_args_is_help=True, help="Build incident timelines from sources.")
out = Console()
err = Console(stderr=True)

From = Annotated[
    list[str] | None,
    typer.Option(
        "--from",
        metavar="KIND:PATH",
        help="A source: `KIND:PATH` or `KIND[name=value,...]:PATH`; `-` reads stdin (repeatable;"
        " see `aar timeline sources`).",
    ),
]
WindowOpt = Annotated[
    str | None,
    typer.Option(
        "--window", metavar="START..END", help="Keep START..END only (either end may be open)."
    ),
]
AroundOpt = Annotated[
    str | None,
    typer.Option(
        "--around",
        metavar="TIME±SPAN",
        help="Keep TIME±SPAN only, e.g. '2026-11-03 14:05±30m' (not with --window).",
    ),
]
LevelOpt = Annotated[
    str | None,
    typer.Option(
        "--min-level", metavar="LEVEL", help="Drop log events below this level (e.g. warn)."
    ),
]
GrepOpt = Annotated[
    list[str] | None,
    typer.Option("--grep", metavar="WORD", help="Keep events containing a word (repeatable)."),
]
LimitOpt = Annotated[
    int,
    typer.Option(
        "--limit",
        metavar="N",
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
        metavar="DAYS",
        help="Leave out events more days than this from the incident (its key times, else its"
        " timeline, else the middle half of the events); 0 keeps them all.",
    ),
]


def _profile(space: Workspace, name: str | None) -> Profile | None:
    return space.profiles.get(name) if name is not None else None


def _zone(name: str | None, profile: Profile | None) -> tuple[tzinfo, str]:
    from afteraction.service.timeline import resolve_zone

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
    from afteraction.service.timeline import BuildOptions, Level, Window

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
    space: Workspace, froms: list[str] | None, options: BuildOptions, read: ReadUse | None = None
) -> Timeline:
    from afteraction.service import timeline as use

    read = read or use.build_timeline  # the whole timeline unless told otherwise
    advance, stop = _progress()
    try:
        return read(space, use.source_specs(froms or []), options, advance=advance)
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
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout)."),
    ] = None,
) -> None:
    """Merge every source into one chronological timeline.

    The sources are alerts, pages, chat, deploys and logs (see
    [timeline sources](timeline-sources.md)). The timeline is a table by default, `--json`
    with stable names (each event, what each source read and skipped, what was left out and
    why), `--md` the profile's timeline section, ready to paste into a postmortem (also the
    form `-o FILE` writes unless `--json`). `--raw` prints the logs' own lines merged in time
    order instead (`sort -m` that knows time). Give at most one of `--json`, `--md` and
    `--raw`.

    Malformed lines and payloads are counted and the first few shown with file and line on
    stderr, and the rest is read; `--strict` makes the first one an error. Events more than
    `--far-days` (default 7) days from the middle half of the events' times (a log's other
    years, a host with a wrong clock) are left out, counted, and the first three named with
    file and line on stderr; `--far-days 0` keeps them. `--limit 0` keeps every log event,
    up to a million: past that, the build stops with an error asking for a limit or a
    window (give one, or both). Exit code 0, or 2 on a usage error or unreadable source.
    See [building timelines](timeline.md).
    """
    if sum((as_json, as_md, raw)) > 1:
        raise UsageError("give one of --json, --md and --raw", field="--raw")
    space = workspace()
    profile = _profile(space, profile_name)
    zone, label = _zone(zone_name, profile)
    options = _options(zone, window, around, min_level, grep, limit, strict, key_moments, far_days)
    if raw:
        _write_raw(space, froms or [], options.window, output)
        return
    from afteraction.cli.view import timeline_view
    from afteraction.service.timeline import timeline_data, timeline_markdown

    timeline = _build(space, froms, options)
    _report(timeline)
    if as_json:
        text = json.dumps(timeline_data(timeline, zone, label), indent=2, ensure_ascii=False)
        write_output(text + "\n", output)
    elif as_md or output is not None:
        write_output(
            timeline_markdown(timeline.events, profile or space.profiles.get("default")), output
        )
    else:
        out.print(timeline_view(timeline.events, zone, label))


def _write_raw(space: Workspace, froms: list[str], window: Window, output: Path | None) -> None:
    """Write the merged lines of the logs, batch by batch, to stdout or a file."""
    from afteraction.service import timeline as use

    span = window if window.start or window.end else None
    batches = use.raw_timeline(space, use.source_specs(froms), span)
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

    The events are written in the document's own profile and format, and the key times it
    can infer go into the key-time fields the document leaves empty. Events already there
    (the same minute and text) are not added again, so running it twice adds nothing twice;
    events the author wrote are kept; every other byte of the file stays as it was. Without
    `--window` or `--around`, the postmortem's own key times, an hour either side, are the
    window. Events more than `--far-days` (default 7) days from the incident (its key times,
    else the entries of its timeline, else the middle half of the events) are never added:
    they are counted, and the first three named with file and line.

    A document without a timeline section gets one where its profile places it; a timeline
    written across several blocks (day headings) is kept as written and the new events
    follow it, dated. A result that would not read back with every event, and everything
    else as it was, is refused and the file left untouched.
    """
    from afteraction.service import timeline as use
    from afteraction.service.timeline import incident_span

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
    timeline = _build(space, froms, options)
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
        typer.Option(
            "--postmortem", metavar="FILE", help="A postmortem whose stated key times override."
        ),
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
    """Show the inferred key times, the event each came from, and TTD, TTA, TTM, TTR.

    The key times are the impact start, detection, acknowledgement, mitigation and
    resolution, each with the event it came from and how it was chosen; the figures are the
    time to detect, acknowledge, mitigate and resolve, and the duration. With
    `--postmortem`, each key time the document states overrides the inferred one, and the
    figures follow. The logs are read as a stream: of them only the first error is kept, so
    memory does not grow with the logs (see [key times](timeline.md#key-times)).
    """
    from afteraction.model import out_of_order
    from afteraction.model.metrics import format_duration
    from afteraction.service import timeline as use
    from afteraction.service.timeline import incident_span, key_times_data

    stated: KeyTimes | None = None
    space = workspace()
    profile = _profile(space, profile_name)
    if postmortem is not None:
        loaded = space.store.get(postmortem, profile_name)
        stated, profile = use.stated_times(loaded), loaded.profile
    zone, label = _zone(zone_name, profile)
    options = _options(zone, window, around, min_level, None, 0, strict, far_days=far_days)
    if stated is not None:
        options = replace(options, incident=incident_span(stated, ()))
    timeline = _build(space, froms, options, use.key_timeline)  # only what key times can come from
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
    """List the source kinds `--from` reads, with what each reads and its options."""
    from afteraction.service.timeline import COMMON_OPTIONS

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
