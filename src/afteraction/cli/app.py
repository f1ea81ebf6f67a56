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
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer._click.exceptions import NoArgsIsHelpError  # typer's own click: no public name
from typer.exceptions import TyperException

from afteraction import __version__
from afteraction.cli.actions import actions_app
from afteraction.cli.digest import digest
from afteraction.cli.report import report
from afteraction.cli.server import close_all, db_app, hook_app, serve, sync, user_app
from afteraction.cli.shared import check_format, today_or, workspace, write_output
from afteraction.cli.timeline import timeline_app
from afteraction.errors import AfteractionError, ConflictError, UsageError

# Each command imports the use cases (and the views, which need the record) it runs, so
# `aar --help` loads no parser, profile, rule or source; tests/test_startup_imports.py
# guards this.
if TYPE_CHECKING:
    from afteraction.model import Incident
    from afteraction.service.documents import Profile

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Incident postmortems that write, check and follow themselves.",
    # Help texts are Markdown: `--help` renders them, tools/cli_docs.py copies them to docs/cli.md.
    rich_markup_mode="markdown",
)
profiles_app = typer.Typer(invoke_without_command=True)  # its help: the callback's docstring
app.add_typer(profiles_app, name="profiles")
app.add_typer(timeline_app, name="timeline")
app.add_typer(actions_app, name="actions")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(hook_app, name="hook")
app.command("serve")(serve)
app.command("sync")(sync)
app.command("digest")(digest)
app.command("report")(report)
out = Console()
err = Console(stderr=True)
PROGRESS_FROM = 50
# The option that gives each field the use cases name in their errors.
FIELD_FLAGS = {
    "around": "--around",
    "by": "--by",
    "far_days": "--far-days",
    "format": "--format",
    "key": "KEY",
    "kind": "--kind",
    "secret": "--secret-stdin",
    "limit": "--limit",
    "min_level": "--min-level",
    "name": "NAME",
    "password": "--password-stdin",
    "role": "--role",
    "scope": "--scope",
    "server.database_url": "--database",
    "sign_role": "SIGN_ROLE",
    "output": "--output",
    "raw": "--raw",
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
    """List the known profiles, built-in and yours, and the seed template each follows.

    `aar profiles show NAME` shows one. `--json` prints `name`, `description`, `seed` and
    `source` (the profile file) for each.
    """
    if ctx.invoked_subcommand is not None:
        return
    from afteraction.service import documents

    rows = documents.profile_list(workspace().profiles)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    for row in rows:
        seed = f" (seed {row['seed']})" if row["seed"] else ""
        out.print(f"[bold]{escape(row['name'])}[/]{escape(seed)}: {escape(row['description'])}")


@profiles_app.command("show")
def profiles_show(name: str, as_json: JsonFlag = False) -> None:
    """Show one profile: sections, fields, severity scale, statuses, ID pattern, zone, roles.

    Prints the title, zone, ID pattern, statuses, sign-off roles, header fields, severity
    scale and sections. `--json` prints the whole profile, a good start for one of your own
    (see [profiles](profiles.md)).
    """
    profile = workspace().profiles.get(name)
    if as_json:
        out.print_json(profile.model_dump_json())
    else:
        from afteraction.cli.view import profile_view

        out.print(profile_view(profile))


@app.command()
def new(
    profile_name: Annotated[
        str, typer.Option("--profile", "-p", help="Profile of the new draft.")
    ] = "default",
    title: Annotated[str, typer.Option(help="Incident title.")] = "",
    severity: Annotated[str | None, typer.Option(help="Severity in the profile's scale.")] = None,
    started: Annotated[
        str | None,
        typer.Option(
            metavar='"YYYY-MM-DD HH:MM"',
            help="Impact start, in the profile's zone unless it names one.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout)."),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write a new draft with a fresh incident ID that collides with none in the target folder.

    The draft is in the profile's Markdown, with the template's prompts in every empty
    section. The incident ID follows the profile's pattern and collides with no postmortem
    already in the target folder (`INC-20261120-001`, then `-002`). `--started` is read in
    the profile's zone unless it names one (`"2026-11-20 09:15 UTC"`). A severity outside
    the profile's scale is an error. An existing file is never overwritten unless `--force`
    is given.
    """
    from afteraction.service import documents

    space = workspace()
    profile = space.profiles.get(profile_name)
    store = space.store_at(output.parent) if output else space.store
    given = documents.NewIncident(
        title, severity, documents.started_at(started, profile) if started else None
    )
    record = documents.new_record(profile, store, given, datetime.now(UTC).date())
    write_output(documents.render_draft(record, profile), output, force=force)
    if output:
        out.print(f"Wrote {output} ({record.id})", highlight=False)


@app.command("import")
def import_(file: Path, profile_name: ProfileOpt = None, as_json: JsonFlag = False) -> None:
    """Read any Markdown postmortem and print the record (JSON or a summary).

    The summary is readable: header, key times, derived figures, summary, root cause,
    timeline, action items, the sections kept as written; `--json` prints the record in its
    JSON form. Without `--profile` it recognises which profile the file follows and falls
    back to a generic reading for unknown shapes; warnings go to stderr. See
    [importing](importing.md) for what the generic reading understands.
    """
    loaded = workspace().store.get(file, profile_name)
    for warning in loaded.warnings:
        typer.echo(f"Warning: {file}: {warning}", err=True)
    if as_json:
        sys.stdout.write(loaded.record.model_dump_json(indent=2) + "\n")
        return
    how = "recognised" if loaded.recognized else "generic reading with"
    out.print(f"{escape(str(file))}: {how} profile [bold]{loaded.profile.name}[/]", highlight=False)
    from afteraction.cli.view import record_view

    out.print(record_view(loaded.record, loaded.profile))


def _in_profile(file: Path, name: str | None) -> tuple[Incident, Profile]:
    """Read ``file`` and re-home its record in profile ``name`` (default: its own)."""
    from afteraction.service import documents

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
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout)."),
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
    """Render a postmortem as Markdown in a profile, as HTML or as JSON.

    Markdown is written in the document's own profile or in `--profile`, HTML as a
    self-contained page (user text sanitised), JSON as the record's JSON.

    The HTML page loads nothing from other hosts: a remote image (`http:`, `https:`,
    `//host`) is written as a link to it, its alt text as the link's text, and the page's
    Content-Security-Policy (`default-src 'none'; img-src 'self' data:; style-src
    'unsafe-inline'; base-uri 'none'; form-action 'none'`) lets no remote resource load.
    Images beside the page (relative paths) still show. `--remote-images` keeps remote
    images as images and adds `https: http:` to `img-src`; it applies to `--format html`
    only.
    """
    if remote_images and fmt != "html":
        raise UsageError("applies to --format html only", field="--remote-images")
    _not_onto(file, output, force)
    from afteraction.service import documents

    record, target = _in_profile(file, profile_name)
    write_output(documents.render(record, target, fmt, remote_images=remote_images), output)


@app.command()
def convert(
    file: Path,
    to: Annotated[str, typer.Option("--to", metavar="PROFILE", help="Target profile.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout)."),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Convert a postmortem to another profile; nothing is dropped.

    The result holds exactly what the target can write, so reading it back gives the same
    record; everything else goes into one "Additional information" section, never dropped:
    values the target has no field for as labelled lines, sections it has no place for under
    their own headings, action-item details a checklist cannot write (a priority, a tracking
    link, an "in progress" state) and sign-off details as tables. Severities map by rank
    (SEV1 → P0 → CRITICAL). When the target splits action items by horizon and an item has
    none, it gets the first horizon and the Additional information section says so. The
    tests convert generated records between every pair of built-in profiles, and every real
    postmortem in the fixtures into every profile, and check that no word is lost.
    """
    _not_onto(file, output, force)
    from afteraction.service import documents

    record, target = _in_profile(file, to)
    write_output(documents.render(record, target, "md"), output)


@app.command()
def show(file: Path, profile_name: ProfileOpt = None, as_json: JsonFlag = False) -> None:
    """Show a postmortem with its derived figures in the profile's zone.

    The figures: duration, time to detect, acknowledge, mitigate and resolve. `--json`
    prints `record`, `profile` and `metrics` (seconds).
    """
    loaded = workspace().store.get(file, profile_name)
    for warning in loaded.disorder:
        typer.echo(f"Warning: {file}: {warning}", err=True)
    if as_json:
        from afteraction.service import documents

        sys.stdout.write(json.dumps(documents.shown(loaded), indent=2) + "\n")
        return
    from afteraction.cli.view import record_view

    out.print(record_view(loaded.record, loaded.profile))


def _words(values: list[str]) -> list[str]:
    return [w.strip() for v in values for w in v.split(",") if w.strip()]


def _progress(total: int) -> Callable[[], None] | None:
    """Return a progress callback on a terminal for long runs (else nothing)."""
    if total < PROGRESS_FROM or not err.is_terminal:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

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
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="The date overdue items are judged by."),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(metavar="RULES", help="Rules to run: IDs, prefixes or names (repeatable)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(metavar="RULES", help="Rules to skip: IDs, prefixes or names (repeatable)."),
    ] = None,
    profile_name: ProfileOpt = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Lint every file again, ignoring the cache.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout)."),
    ] = None,
) -> int:
    """Check postmortems: unfinished, inconsistent or blaming text; exit 1 on findings.

    Checks every postmortem in the files, folders and globs given (default: the current
    folder), each in the profile it follows, and prints one line per finding:
    `file:line:col RULE message (rule page)`. Exit code 0 when clean, 1 when there are
    findings, 2 on a usage error or a file that cannot be read (the run goes on with the
    other files). `--fix` applies the safe fixes in place (sort the timeline, normalise
    times, fill a duration, renumber action items) and changes nothing else in the file.
    `--today` sets the date overdue items are judged by. Results are cached in `.aar-cache/`
    by file content and configuration. See [linting](linting.md) for the configuration,
    inline suppressions, CI and pre-commit set-up, and [the rules](rules/index.md).
    """
    from afteraction.cli.view import lint_summary
    from afteraction.service import lint as checks
    from afteraction.service.lint import FORMATS

    check_format(fmt, FORMATS)
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
    """List the lint rules, or show one rule's page.

    The list gives each rule's ID, name, whether it is fixable and what it checks; a rule's
    page gives its summary, rationale and options.
    """
    from afteraction.cli.view import rules_view
    from afteraction.service.lint import rule_data, rule_header

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
    """List the profiles, lint rules and timeline sources loaded, and where each came from.

    Each is listed with the package and entry point it came from (`afteraction.profiles`,
    `afteraction.rules`, `afteraction.sources`). A plugin that fails to import, or that
    claims a name already taken, is skipped rather than stopping the run: it is listed under
    *skipped* with the reason, and the commands that would use it warn once on stderr. A
    failing built-in is an error. `--json` prints `{"loaded": [...], "skipped": [...]}` with
    stable names.
    """
    from afteraction.service import plugins as extensions

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
    """Print the JSON Schema of the record.

    Its top-level names (`id`, `title`, `times`, `timeline`, `action_items`, `sections`,
    `fields`, ...) are stable for other tools to rely on.
    """
    from afteraction.service import documents

    sys.stdout.write(documents.schema())


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Folder for the demo documents.")] = Path("demo"),
) -> None:
    """Write a filled-in demo postmortem in every known profile and show the default one.

    `make run` runs it.
    """
    from afteraction.cli.view import record_view
    from afteraction.service import documents

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
    finally:
        close_all()
    if isinstance(result, int):
        raise SystemExit(result)
