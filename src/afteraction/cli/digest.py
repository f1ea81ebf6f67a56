"""`aar digest`: the week's overdue and soon-due action items by owner; mailed with --send."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from afteraction.cli.shared import today_or, warn_unreadable, workspace, write_output
from afteraction.service import reports


def digest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders or globs (default: .).")
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="The date the digest is for (YYYY-MM-DD).")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--md", help="Write the Markdown digest to this file.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML digest to this file.")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Mail it with the [digest] SMTP settings.")
    ] = False,
) -> None:
    """Write the weekly digest of overdue and soon-due action items, grouped by owner."""
    space = workspace()
    digested = reports.digest(space, today_or(today), tuple(paths or ()))
    warn_unreadable(digested.unreadable)
    text = digested.markdown()
    if markdown is not None:
        write_output(text, markdown)
    if html is not None:
        write_output(digested.html(), html)
    if send:
        to = reports.send_digest(space, digested)
        typer.echo(f"Sent: {digested.digest.subject} (to {', '.join(to)})", err=True)
    if markdown is None and html is None and not send:
        sys.stdout.write(text)
