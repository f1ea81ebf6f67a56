"""Write a front end's output file whole, refusing to replace one unless asked."""

from __future__ import annotations

from pathlib import Path

from afteraction.filewrite import write_new


def write_file(path: Path, text: str, *, force: bool = True) -> None:
    """Write ``text`` to ``path`` (its folder made); without ``force`` an existing file is refused.

    A device or pipe (``/dev/stdout``) is written through.
    """
    write_new(path, text.encode("utf-8"), force=force)
