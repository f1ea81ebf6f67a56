"""Table rows as written: split into cells, a cell's content replaced with its padding kept."""

from __future__ import annotations

import re

_PIPE = re.compile(r"(?<!\\)\|")


def split_row(row: str) -> tuple[str, list[str], str]:
    """Split a table row into what comes before its cells, the cells as written, and after."""
    body = row.rstrip()
    trail = row[len(body) :]
    indent = body[: len(body) - len(body.lstrip())]
    body = body.lstrip()
    lead = body.startswith("|")
    if lead:
        body = body[1:]
    close = body.endswith("|") and not body.endswith("\\|")
    if close:
        body = body[:-1]
    cells = _PIPE.split(body)
    return indent + ("|" if lead else ""), cells, ("|" if close else "") + trail


def replace_cell(written: str, value: str) -> str:
    """Return a cell as written with its content replaced by ``value`` (its padding kept)."""
    if not written.strip():
        return f" {value} " if value else written or " "
    left = written[: len(written) - len(written.lstrip())] or " "
    right = written[len(written.rstrip()) :] or " "
    return left + value + right
