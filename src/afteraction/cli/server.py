"""`aar serve`, `aar db` and `aar user`: run the team server, keep its database, its people.

These commands act on the database directly, as the server's administrator
(they are logged as ``system``); the server's own API is where people act
as themselves.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from afteraction.service.team.context import Team

out = Console()
db_app = typer.Typer(no_args_is_help=True, help="The team server's database: upgrade, status.")
user_app = typer.Typer(
    no_args_is_help=True, help="The team server's users: add, list, set, grant, revoke, token."
)
hook_app = typer.Typer(
    no_args_is_help=True, help="The team server's alert webhook receivers: add, list, remove."
)
Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="Database URL (default: settings, AFTERACTION_DATABASE_URL, else ./afteraction.db).",
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ENV_URL = "AFTERACTION_DATABASE_URL"


_OPENED: list[Team] = []


def _open(url: str | None) -> Team:
    """Open the team's database, to be closed when the command ends (:func:`close_all`)."""
    from afteraction.service.team.context import Team

    team = Team.open(url=url)
    _OPENED.append(team)
    return team


def close_all() -> None:
    """Close the databases the command opened (their pooled connections)."""
    while _OPENED:
        _OPENED.pop().database.dispose()


def _team(url: str | None) -> Team:
    """Open the team's database, refused if its schema is not this version's."""
    team = _open(url)
    team.database.require_current()
    return team


@db_app.command("upgrade")
def db_upgrade(database: Database = None) -> None:
    """Apply every migration the database lacks (a new database gets every table).

    Take a backup first on a database that holds data. Running it again on an
    up-to-date database changes nothing.
    """
    from afteraction.service.team.context import refresh

    team = _open(database)
    before, after = team.database.upgrade()
    shown = escape(team.database.shown)
    if before == after:
        out.print(f"{shown} is up to date (schema {after})", highlight=False)
    else:
        out.print(f"Upgraded {shown} from schema {before or 'none'} to {after}", highlight=False)
    again = refresh(team)
    if again:
        out.print(f"Read {again} postmortems again (read another way before)", highlight=False)


@db_app.command("status")
def db_status(database: Database = None, as_json: JsonOut = False) -> None:
    """Say which schema the database is at and which this version needs (exit 1 if behind)."""
    team = _open(database)
    current, head = team.database.schema_state()
    if as_json:
        data = {"database": team.database.shown, "current": current, "needed": head}
        sys.stdout.write(json.dumps(data) + "\n")
    else:
        state = "up to date" if current == head else "behind: run `aar db upgrade`"
        out.print(
            f"{escape(team.database.shown)}: schema {current or 'none'}, needs {head} ({state})",
            highlight=False,
        )
    if current != head:
        raise typer.Exit(1)


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="viewer, author, reviewer or admin.")] = "author",
    admin: Annotated[bool, typer.Option("--admin", help="Same as --role admin.")] = False,
    display_name: Annotated[str, typer.Option(help="The name shown and signed with.")] = "",
    email: Annotated[str | None, typer.Option(help="Their mail address.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="No password: API tokens only.")
    ] = False,
    database: Database = None,
) -> None:
    """Add a user; asks for a password unless `--password-stdin` or `--no-password`."""
    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM

    team = _team(database)
    password = None if no_password else _password(password_stdin)
    user = users.add_user(
        team,
        SYSTEM,
        name,
        role="admin" if admin else role,
        password=password,
        display_name=display_name,
        email=email,
    )
    out.print(f"Added {escape(user.name)} ({user.role})", highlight=False)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@user_app.command("list")
def user_list(database: Database = None, as_json: JsonOut = False) -> None:
    """List the users, their roles and the sign-off roles they hold."""
    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM

    found = users.list_users(_team(database), SYSTEM)
    if as_json:
        sys.stdout.write(json.dumps([u.to_dict() for u in found], indent=2) + "\n")
        return
    table = Table("Name", "Role", "Sign-off roles", "Active")
    for user in found:
        table.add_row(
            escape(user.name),
            user.role,
            escape(", ".join(user.sign_roles)),
            "yes" if user.active else "no",
        )
    out.print(table)


@user_app.command("set")
def user_set(
    name: str,
    role: Annotated[str | None, typer.Option(help="New role.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a new password from stdin.")
    ] = False,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Let them log in, or not.")
    ] = None,
    database: Database = None,
) -> None:
    """Change a user's role, password or whether they may log in."""
    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM

    password = _password(True) if password_stdin else None
    user = users.update_user(
        _team(database), SYSTEM, name, role=role, password=password, active=active
    )
    out.print(f"{escape(user.name)}: {user.role}, {'active' if user.active else 'inactive'}")


@user_app.command("grant")
def user_grant(name: str, sign_role: str, database: Database = None) -> None:
    """Let a user sign for a sign-off role ("Incident Commander", "Risk" ...)."""
    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM

    user = users.grant(_team(database), SYSTEM, name, sign_role)
    out.print(f"{escape(user.name)} signs for: {escape(', '.join(user.sign_roles))}")


@user_app.command("revoke")
def user_revoke(name: str, sign_role: str, database: Database = None) -> None:
    """Take a sign-off role from a user."""
    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM

    user = users.revoke(_team(database), SYSTEM, name, sign_role)
    held = ", ".join(user.sign_roles) or "no role"
    out.print(f"{escape(user.name)} signs for: {escape(held)}")


@user_app.command("token")
def user_token(
    name: str,
    label: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    scope: Annotated[str, typer.Option(help="read or write.")] = "write",
    database: Database = None,
) -> None:
    """Make an API token for a user and print it: it is shown this once."""
    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM

    token = users.make_token(_team(database), SYSTEM, name, label, scope)
    sys.stdout.write(token.secret + "\n")


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1).")] = None,
    database: Database = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Fill an empty database with the demo team and postmortems first."
        ),
    ] = False,
) -> None:
    """Run the team server: the REST API at /api/v1 (OpenAPI at /api/v1/openapi.json).

    With no database yet (the default SQLite file), it makes one and says how to add the
    first admin. Several workers share one PostgreSQL database and keep no state of their
    own; SQLite suits one machine. The app factory `afteraction.server.app:app_from_environment`
    runs under any ASGI server too.
    """
    import uvicorn

    from afteraction.service.team import users
    from afteraction.service.team.context import SYSTEM, refresh

    team = _open(database)
    settings = team.workspace.settings.server
    if database:
        os.environ[ENV_URL] = database  # the workers read their settings afresh
    if team.database.dialect == "sqlite":
        team.database.upgrade()
    team.database.require_current()
    again = refresh(team)
    if again:
        out.print(f"Read {again} postmortems again (read another way before)", highlight=False)
    host, port = host or settings.host, port or settings.port
    if demo:
        _seed_demo(team, f"http://{host}:{port}")
    elif not users.list_users(team, SYSTEM):
        out.print(
            "No users yet: add the first admin with `aar user add NAME --admin`", highlight=False
        )
    out.print(
        f"Serving {escape(team.database.shown)} on http://{host}:{port}/api/v1", highlight=False
    )
    team.database.dispose()
    uvicorn.run(
        "afteraction.server.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level="info",
    )


@hook_app.command("add")
def hook_add(
    name: str,
    kind: Annotated[str, typer.Option(help="alertmanager, grafana, pagerduty or opsgenie.")],
    profile: Annotated[
        str | None, typer.Option(help="Profile a new incident opens in (default: settings).")
    ] = None,
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin", help="Read the secret from stdin (PagerDuty gives its own)."
        ),
    ] = False,
    database: Database = None,
) -> None:
    """Add an alert webhook receiver at /api/v1/hooks/NAME and print its secret (shown once)."""
    from afteraction.service.team import hooks
    from afteraction.service.team.context import SYSTEM

    secret = sys.stdin.readline().strip() if secret_stdin else None
    hook = hooks.add_hook(_team(database), SYSTEM, name, kind, profile=profile, secret=secret)
    out.print(f"Added /api/v1/hooks/{escape(hook.name)} ({hook.kind})", highlight=False)
    if not secret_stdin:
        sys.stdout.write(f"{hook.secret}\n")


@hook_app.command("list")
def hook_list(database: Database = None, as_json: JsonOut = False) -> None:
    """List the alert webhook receivers."""
    from afteraction.service.team import hooks
    from afteraction.service.team.context import SYSTEM

    found = hooks.list_hooks(_team(database), SYSTEM)
    if as_json:
        sys.stdout.write(json.dumps([h.to_dict() for h in found], indent=2) + "\n")
        return
    table = Table("Name", "Kind", "Profile", "Address")
    for hook in found:
        table.add_row(
            escape(hook.name),
            hook.kind,
            escape(hook.profile or "(settings)"),
            f"/api/v1/hooks/{hook.name}",
        )
    out.print(table)


@hook_app.command("remove")
def hook_remove(name: str, database: Database = None) -> None:
    """Remove an alert webhook receiver: its deliveries are refused from then on."""
    from afteraction.service.team import hooks
    from afteraction.service.team.context import SYSTEM

    hooks.remove_hook(_team(database), SYSTEM, name)
    out.print(f"Removed {escape(name)}", highlight=False)


def _seed_demo(team: Team, address: str) -> None:
    """Fill the database with the demo and print how to log in."""
    from datetime import UTC, datetime

    from afteraction.service.team.demo import DEMO_PASSWORD, seed_demo

    with out.status("Filling the database with the demo team ..."):
        seeded = seed_demo(team, datetime.now(UTC).date())
    out.print(
        f"Demo: {len(seeded.postmortems)} postmortems ({len(seeded.final)} final) in every"
        " built-in profile, with timelines, action items, reviews and sign-offs.",
        highlight=False,
    )
    table = Table("User", "Role", "Password", title="Demo logins")
    for name, role in seeded.people:
        table.add_row(name, role, DEMO_PASSWORD)
    out.print(table)
    out.print(
        f"Try: curl -s -X POST {address}/api/v1/session -H 'content-type: application/json'"
        f' -d \'{{"name": "ana", "password": "{DEMO_PASSWORD}"}}\'',
        highlight=False,
        soft_wrap=True,
    )
    out.print(
        f"Alerts: POST {address}/api/v1/hooks/{seeded.hook}"
        f" with 'Authorization: Bearer {seeded.hook_secret}'",
        highlight=False,
        soft_wrap=True,
    )


def sync(
    folder: Annotated[Path, typer.Argument(help="The folder of Markdown postmortems.")],
    server: Annotated[
        str | None,
        typer.Option(metavar="URL", help="A running server (token from AAR_TOKEN)."),
    ] = None,
    database: Database = None,
    as_json: JsonOut = False,
) -> None:
    """Keep a folder of Markdown postmortems (a git repository) and the store in step, both ways.

    New and changed files become new revisions in the store; postmortems new or changed in
    the store are written as files, byte for byte. One changed on both sides since the last
    sync is a conflict: shown with a diff, neither side changed, exit 1. What the last sync
    saw is kept in `.aar-sync.json`, so running it twice changes nothing. Without `--server`
    it opens the database (`--database`, settings, or ./afteraction.db) directly.
    """
    from afteraction.service.team.context import Actor
    from afteraction.service.team.sync import ApiRemote, DatabaseRemote
    from afteraction.service.team.sync import sync as run_sync
    from afteraction.service.workspace import Workspace

    remote: ApiRemote | DatabaseRemote
    if server:
        token = os.environ.get("AAR_TOKEN", "")
        if not token:
            raise typer.BadParameter("set AAR_TOKEN to an API token of the server")
        remote = ApiRemote(server, token)
        registry = Workspace.open(Path(".")).profiles
    else:
        team = _team(database)
        remote = DatabaseRemote(team, Actor("sync", "admin", display_name="aar sync"))
        registry = team.workspace.profiles
    report = run_sync(folder, remote, registry)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        for label, refs in (
            ("Imported", report.imported),
            ("Updated in the store", report.updated),
            ("Written here", report.written),
        ):
            for ref in refs:
                out.print(f"{label}: {escape(ref)}", highlight=False)
        for problem in report.problems:
            out.print(f"[yellow]Skipped[/]: {escape(problem)}", highlight=False)
        for ref, diff in report.conflicts.items():
            out.print(f"[red]Conflict[/]: {escape(ref)} changed on both sides", highlight=False)
            sys.stdout.write(diff)
        out.print(f"{len(report.unchanged)} unchanged", highlight=False)
    if report.conflicts:
        raise typer.Exit(1)
