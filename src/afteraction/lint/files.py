"""Find the postmortems to lint: files, folders and globs given on the command line."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from afteraction.errors import UsageError
from afteraction.lint.config import LintConfig

SUFFIXES = (".md", ".markdown")


def find_documents(arguments: Iterable[str], config: LintConfig) -> list[Path]:
    """Return the Markdown files the arguments name, each once, in a stable order.

    A file named directly is always linted; files found in a folder or by a
    glob are left out when the configuration excludes them.
    """
    found: dict[Path, None] = {}
    for argument in arguments:
        path = Path(argument)
        if path.exists() and not path.is_dir():  # reading refuses a pipe or device by name
            found[path] = None
            continue
        if path.is_dir():
            candidates = sorted(
                (p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES), key=str
            )
        elif glob.has_magic(argument):
            candidates = [Path(p) for p in sorted(glob.glob(argument, recursive=True))]
        else:
            raise UsageError("no such file or folder", file=argument)
        for candidate in candidates:
            if candidate.is_file() and not config.excluded(candidate):
                found[candidate] = None
    return list(found)
