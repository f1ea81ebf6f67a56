"""`aar digest`: the week's overdue and soon-due action items by owner; mailed with --send."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from afteraction.cli.shared import today_or, warn_unreadable, workspace, write_output


def digest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, folders or globs (default: .).")
    ] = None,
    today: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="The date the digest is for.")
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option("--md", metavar="FILE", help="Write the Markdown digest to this file."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Write the HTML digest to this file."),
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Mail it with the `[digest]` SMTP settings.")
    ] = False,
) -> None:
    """Write the weekly digest of overdue and soon-due action items, grouped by owner.

    The open items that are overdue or due soon, grouped by owner (most overdue first), with
    how late or how soon each is: Markdown on stdout, or to `--md` and `--html` files.
    `--send` mails it (plain text and HTML in one message) with the `[digest]` settings:
    `to`, `sender`, `smtp_host`, `smtp_port`, `starttls`, `username`, and the password in
    `AAR_SMTP_PASSWORD`. See [follow-through](actions.md).
    """
    from afteraction.service import reports

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
