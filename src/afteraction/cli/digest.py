"""`aar digest`: the week's overdue and soon-due action items by owner; mailed with --send."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from afteraction.cli.shared import postmortems, today_or, write_output
from afteraction.followup.items import action_rows
from afteraction.settings import load_settings


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
    # The digest's template engine and mail library load for this command only.
    from afteraction.followup.digest import (
        build_digest,
        digest_html,
        digest_markdown,
        send_digest,
    )

    settings = load_settings(Path.cwd())
    day = today_or(today)
    found = postmortems(paths or [], settings)
    rows = action_rows(found, settings.actions.policy(), day)
    built = build_digest(rows, day)
    text = digest_markdown(built)
    for target, content in ((markdown, text), (html, digest_html(built) if html else "")):
        if target is not None:
            write_output(content, target)
    if send:
        send_digest(built, settings.digest, os.environ.get("AAR_SMTP_PASSWORD"))
        typer.echo(f"Sent: {built.subject} (to {', '.join(settings.digest.to)})", err=True)
    if markdown is None and html is None and not send:
        sys.stdout.write(text)
