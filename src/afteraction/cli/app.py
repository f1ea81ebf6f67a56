"""Typer app: flags in, one service call, Rich or JSON out, meaningful exit codes.

Exit codes: 0 success, 1 findings, 2 usage, configuration or parse error
(one ``Error: ...`` line on stderr, never a traceback).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from typer._click.exceptions import NoArgsIsHelpError  # typer's own click: no public name
from typer.exceptions import TyperException

from afteraction import __version__, service
from afteraction.cli.actions import actions
from afteraction.cli.digest import digest
from afteraction.cli.report import report
from afteraction.cli.shared import today_or, write_output
from afteraction.cli.timeline import timeline_app
from afteraction.cli.view import lint_summary, profile_view, record_view, rules_view
from afteraction.demo import demo_record
from afteraction.document.values import ValueFormatError, parse_when
from afteraction.document.zones import resolve_zone
from afteraction.errors import AfteractionError, ConflictError, UsageError
from afteraction.lint.docs import rule_data, rule_header
from afteraction.lint.formats import FORMATS
from afteraction.model import Incident, compute_metrics
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.settings import Settings, load_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Incident postmortems that write, check and follow themselves.",
)
profiles_app = typer.Typer(invoke_without_command=True, help="List and show postmortem profiles.")
app.add_typer(profiles_app, name="profiles")
app.add_typer(timeline_app, name="timeline")
app.command("actions")(actions)
app.command("digest")(digest)
app.command("report")(report)
out = Console()
err = Console(stderr=True)
PROGRESS_FROM = 50

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON with stable names.")]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profile name (default: recognise it).")
]


def _registry(settings: Settings) -> ProfileRegistry:
    return ProfileRegistry.discover(settings.profile_dirs)


def _settings() -> Settings:
    return load_settings(Path.cwd())


ForceFlag = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


def _not_onto(file: Path, output: Path | None, force: bool) -> None:
    """Refuse to write the output over the input it was made from, unless ``force``."""
    if output is not None and not force and output.exists() and output.samefile(file):
        raise ConflictError(
            "is the input itself; write elsewhere, or use --force to replace it", file=output
        )


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"aar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    pass


@profiles_app.callback()
def profiles(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the known profiles with the seed template each follows."""
    if ctx.invoked_subcommand is not None:
        return
    registry = _registry(_settings())
    known = [registry.get(n) for n in registry.names()]
    rows = [
        {
            "name": p.name,
            "description": p.description,
            "seed": p.seed,
            "source": str(registry.sources[p.name]),
        }
        for p in known
    ]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    for profile in known:
        seed = f" (seed {profile.seed})" if profile.seed else ""
        out.print(f"[bold]{escape(profile.name)}[/]{escape(seed)}: {escape(profile.description)}")


@profiles_app.command("show")
def profiles_show(name: str, as_json: JsonFlag = False) -> None:
    """Show one profile: sections, fields, severity scale, statuses, ID pattern, zone, roles."""
    profile = _registry(_settings()).get(name)
    if as_json:
        out.print_json(profile.model_dump_json())
    else:
        out.print(profile_view(profile))


def _started(value: str | None, profile: Profile) -> datetime | None:
    if value is None:
        return None
    try:
        day, clock, zone = parse_when(value)
    except ValueFormatError as exc:
        raise UsageError(str(exc), field="--started") from None
    if day is None:
        raise UsageError(f"'{value}' needs a date: use YYYY-MM-DD HH:MM", field="--started")
    return datetime.combine(day, clock, tzinfo=zone or resolve_zone(profile.zone))


@app.command()
def new(
    profile_name: Annotated[
        str, typer.Option("--profile", "-p", help="Profile of the new draft.")
    ] = "default",
    title: Annotated[str, typer.Option(help="Incident title.")] = "",
    severity: Annotated[str | None, typer.Option(help="Severity in the profile's scale.")] = None,
    started: Annotated[
        str | None, typer.Option(help="Impact start, YYYY-MM-DD HH:MM (profile zone unless given).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write a new draft with a fresh incident ID that collides with none in the target folder.

    An existing file is never overwritten unless ``--force`` is given.
    """
    profile = _registry(_settings()).get(profile_name)
    folder = output.parent if output else Path.cwd()
    record = service.new_record(
        profile,
        folder,
        title=title,
        severity=severity,
        started=_started(started, profile),
        today=datetime.now(UTC).date(),
    )
    write_output(service.render_draft(record, profile), output, force=force)
    if output:
        out.print(f"Wrote {output} ({record.id})", highlight=False)


@app.command("import")
def import_(file: Path, profile_name: ProfileOpt = None, as_json: JsonFlag = False) -> None:
    """Read any Markdown postmortem and print the record (JSON or a summary)."""
    loaded = service.load(file, _registry(_settings()), profile_name)
    for warning in loaded.warnings:
        typer.echo(f"Warning: {file}: {warning}", err=True)
    if as_json:
        sys.stdout.write(loaded.record.model_dump_json(indent=2) + "\n")
        return
    how = "recognised" if loaded.recognized else "generic reading with"
    out.print(f"{escape(str(file))}: {how} profile [bold]{loaded.profile.name}[/]", highlight=False)
    out.print(record_view(loaded.record, loaded.profile))


def _in_profile(file: Path, name: str | None) -> tuple[Incident, Profile]:
    """Read ``file`` and re-home its record in profile ``name`` (default: its own)."""
    registry = _registry(_settings())
    loaded = service.load(file, registry)
    target = registry.get(name) if name else loaded.profile
    if target is loaded.profile:
        return loaded.record, target
    return service.convert_record(loaded.record, loaded.profile, target), target


@app.command()
def render(
    file: Path,
    profile_name: Annotated[
        str | None,
        typer.Option("--profile", "-p", help="Profile to write in (default: the document's own)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Render a postmortem as Markdown in a profile, as HTML or as JSON."""
    _not_onto(file, output, force)
    record, target = _in_profile(file, profile_name)
    write_output(service.render(record, target, fmt), output)


@app.command()
def convert(
    file: Path,
    to: Annotated[str, typer.Option("--to", help="Target profile.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Convert a postmortem to another profile; nothing is dropped."""
    _not_onto(file, output, force)
    record, target = _in_profile(file, to)
    write_output(service.render(record, target, "md"), output)


@app.command()
def show(file: Path, profile_name: ProfileOpt = None, as_json: JsonFlag = False) -> None:
    """Show a postmortem with its derived figures in the profile's zone."""
    loaded = service.load(file, _registry(_settings()), profile_name)
    for warning in loaded.disorder:
        typer.echo(f"Warning: {file}: {warning}", err=True)
    if as_json:
        metrics = compute_metrics(loaded.record.times)
        data = {
            "record": loaded.record.model_dump(mode="json"),
            "profile": loaded.profile.name,
            "metrics": {k: (v.total_seconds() if v is not None else None) for k, v in metrics},
            "inferred": [r.field for r in loaded.record.readings if r.how == "inferred"],
            "warnings": loaded.disorder,
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    out.print(record_view(loaded.record, loaded.profile))


def _words(values: list[str]) -> list[str]:
    return [w.strip() for v in values for w in v.split(",") if w.strip()]


def _progress(total: int) -> Callable[[], None] | None:
    """Return a progress callback on a terminal for long runs (else nothing)."""
    if total < PROGRESS_FROM or not err.is_terminal:
        return None
    progress = Progress(
        TextColumn("Linting"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    )
    task = progress.add_task("lint", total=total)
    progress.start()

    def advance() -> None:
        progress.advance(task)
        if progress.finished:
            progress.stop()

    return advance


@app.command()
def lint(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders or globs (default: .).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, sarif or github.")
    ] = "text",
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes in place.")] = False,
    today: Annotated[
        str | None, typer.Option(help="The date overdue items are judged by (YYYY-MM-DD).")
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option(help="Rules to run: IDs, prefixes or names (repeatable).")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(help="Rules to skip: IDs, prefixes or names (repeatable).")
    ] = None,
    profile_name: ProfileOpt = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Lint every file again, ignoring the cache.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
) -> int:
    """Check postmortems: unfinished, inconsistent or blaming text; exit 1 on findings."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})", field="--format")
    settings = _settings()
    run = service.LintRun(
        arguments=paths or [],
        today=today_or(today),
        fix=fix,
        profile=profile_name,
        select=_words(select or []),
        ignore=_words(ignore or []),
        cache=not no_cache,
    )
    report = service.lint(
        run, settings.lint, _registry(settings), policy=settings.actions.policy(), start=_progress
    )
    write_output(FORMATS[fmt](report, settings.lint), output)
    err.print(lint_summary(report), highlight=False)
    return report.exit_code()


@app.command()
def rules(
    rule: Annotated[str | None, typer.Argument(help="A rule ID or name: show its page.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List the lint rules, or show one rule's page."""
    registry = service.rule_registry()
    if rule is not None:
        found = registry.get(rule)
        if as_json:
            out.print_json(json.dumps(rule_data(found)))
        else:
            sys.stdout.write(rule_header(found))
        return
    if as_json:
        out.print_json(json.dumps([rule_data(r) for r in registry.ordered()]))
        return
    out.print(rules_view(registry.ordered()))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the record."""
    sys.stdout.write(service.schema())


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Folder for the demo documents.")] = Path("demo"),
) -> None:
    """Write a filled-in demo postmortem in every built-in profile and show one."""
    registry = _registry(_settings())
    folder.mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(registry.names(), 1):  # each document its own incident ID
        profile = registry.get(name)
        path = folder / f"{name}.md"
        record = demo_record(profile, number)
        write_output(service.render(record, profile, "md"), path)
        out.print(f"Wrote {path}", highlight=False)
    shown = service.load(folder / "default.md", registry)
    out.print(record_view(shown.record, shown.profile))


def _usage_line(exc: TyperException) -> str:
    """Return a click usage error as one line: what is wrong and where to look."""
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message().rstrip(".")
    if ctx is None:
        return message
    return f"{ctx.command_path}: {message} (see '{ctx.command_path} --help')"


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def main(args: list[str] | None = None) -> None:
    """Run the CLI: errors are one ``Error:`` line and exit code 2, never a traceback."""
    try:
        result = app(args=args, prog_name="aar", standalone_mode=False)
    except AfteractionError as exc:
        _fail(str(exc))
    except OSError as exc:  # an output file that cannot be written: a folder, no such place
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}")
    except NoArgsIsHelpError as exc:
        exc.show()
        raise SystemExit(2) from None
    except TyperException as exc:  # usage: an unknown command or option, a missing argument
        _fail(_usage_line(exc))
    except typer.Abort:
        _fail("aborted", 1)
    except RecursionError:
        _fail("the input is nested too deeply to read")
    except MemoryError:
        _fail("the input is too large to read in memory")
    if isinstance(result, int):
        raise SystemExit(result)
