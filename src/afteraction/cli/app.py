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
from rich.table import Table
from typer._click.exceptions import NoArgsIsHelpError  # typer's own click: no public name
from typer.exceptions import TyperException

from afteraction import __version__
from afteraction.cli.actions import actions_app
from afteraction.cli.digest import digest
from afteraction.cli.report import report
from afteraction.cli.shared import today_or, workspace, write_output
from afteraction.cli.timeline import timeline_app
from afteraction.cli.view import lint_summary, profile_view, record_view, rules_view
from afteraction.errors import AfteractionError, ConflictError, UsageError
from afteraction.model import Incident
from afteraction.service import documents
from afteraction.service import lint as checks
from afteraction.service import plugins as extensions
from afteraction.service.documents import Profile
from afteraction.service.lint import FORMATS, rule_data, rule_header

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Incident postmortems that write, check and follow themselves.",
)
profiles_app = typer.Typer(invoke_without_command=True, help="List and show postmortem profiles.")
app.add_typer(profiles_app, name="profiles")
app.add_typer(timeline_app, name="timeline")
app.add_typer(actions_app, name="actions")
app.command("digest")(digest)
app.command("report")(report)
out = Console()
err = Console(stderr=True)
PROGRESS_FROM = 50
# The option that gives each field the use cases name in their errors.
FIELD_FLAGS = {
    "around": "--around",
    "by": "--by",
    "format": "--format",
    "min_level": "--min-level",
    "output": "--output",
    "since": "--since",
    "started": "--started",
    "severity": "--severity",
    "sources": "--from",
    "status": "--status",
    "today": "--today",
    "where": "PATHS",
    "window": "--window",
}

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON with stable names.")]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profile name (default: recognise it).")
]


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
    rows = documents.profile_list(workspace().profiles)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    for row in rows:
        seed = f" (seed {row['seed']})" if row["seed"] else ""
        out.print(f"[bold]{escape(row['name'])}[/]{escape(seed)}: {escape(row['description'])}")


@profiles_app.command("show")
def profiles_show(name: str, as_json: JsonFlag = False) -> None:
    """Show one profile: sections, fields, severity scale, statuses, ID pattern, zone, roles."""
    profile = workspace().profiles.get(name)
    if as_json:
        out.print_json(profile.model_dump_json())
    else:
        out.print(profile_view(profile))


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
    space = workspace()
    profile = space.profiles.get(profile_name)
    store = space.store.at(output.parent) if output else space.store
    given = documents.NewIncident(
        title, severity, documents.started_at(started, profile) if started else None
    )
    record = documents.new_record(profile, store, given, datetime.now(UTC).date())
    write_output(documents.render_draft(record, profile), output, force=force)
    if output:
        out.print(f"Wrote {output} ({record.id})", highlight=False)


@app.command("import")
def import_(file: Path, profile_name: ProfileOpt = None, as_json: JsonFlag = False) -> None:
    """Read any Markdown postmortem and print the record (JSON or a summary)."""
    loaded = workspace().store.get(file, profile_name)
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
    space = workspace()
    loaded = space.store.get(file)
    return documents.in_profile(loaded, space.profiles.get(name) if name else None)


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
    remote_images: Annotated[
        bool,
        typer.Option(
            "--remote-images",
            help="With --format html: show remote (http, https, //) images; by default each"
            " is a link and the page loads nothing from other hosts.",
        ),
    ] = False,
) -> None:
    """Render a postmortem as Markdown in a profile, as HTML or as JSON."""
    if remote_images and fmt != "html":
        raise UsageError("applies to --format html only", field="--remote-images")
    _not_onto(file, output, force)
    record, target = _in_profile(file, profile_name)
    write_output(documents.render(record, target, fmt, remote_images=remote_images), output)


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
    write_output(documents.render(record, target, "md"), output)


@app.command()
def show(file: Path, profile_name: ProfileOpt = None, as_json: JsonFlag = False) -> None:
    """Show a postmortem with its derived figures in the profile's zone."""
    loaded = workspace().store.get(file, profile_name)
    for warning in loaded.disorder:
        typer.echo(f"Warning: {file}: {warning}", err=True)
    if as_json:
        sys.stdout.write(json.dumps(documents.shown(loaded), indent=2) + "\n")
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
    space = workspace()
    request = checks.LintRequest(
        today_or(today),
        tuple(paths or ()),
        fix=fix,
        profile=profile_name,
        select=tuple(_words(select or [])),
        ignore=tuple(_words(ignore or [])),
        cache=not no_cache,
    )
    report = checks.lint(space, request, start=_progress)
    write_output(FORMATS[fmt](report, space.settings.lint), output)
    err.print(lint_summary(report), highlight=False)
    return report.exit_code()


@app.command()
def rules(
    rule: Annotated[str | None, typer.Argument(help="A rule ID or name: show its page.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List the lint rules, or show one rule's page."""
    registry = workspace().rules
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
def plugins(as_json: JsonFlag = False) -> None:
    """List the profiles, lint rules and timeline sources loaded, and where each came from."""
    found = extensions.listing(workspace())
    if as_json:
        out.print_json(json.dumps(found.to_dict()))
        return
    table = Table("Kind", "Name", "From", "Entry point")
    for kind, name, origin in found.loaded:
        table.add_row(kind, escape(name), escape(origin.package), escape(origin.value))
    out.print(table)
    for failure in found.skipped:
        typer.echo(f"Skipped: {failure}", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the record."""
    sys.stdout.write(documents.schema())


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Folder for the demo documents.")] = Path("demo"),
) -> None:
    """Write a filled-in demo postmortem in every built-in profile and show one."""
    space = workspace()
    for path in documents.write_demo(space, folder):
        out.print(f"Wrote {path}", highlight=False)
    shown = space.store.get(folder / "default.md")
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
        if exc.field in FIELD_FLAGS:  # the library names fields; say the flag that gave one
            exc.field = FIELD_FLAGS[exc.field]
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
