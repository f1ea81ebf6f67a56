"""Read the postmortems a request names, telling named files apart from files found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from afteraction.document.loaded import Document
from afteraction.errors import AfteractionError
from afteraction.service.workspace import Workspace


@dataclass
class Read:
    """The documents read and, apart, the files found in folders that could not be read."""

    documents: list[Document] = field(default_factory=list)
    unreadable: list[AfteractionError] = field(default_factory=list)


def read_all(workspace: Workspace, where: Iterable[str] = ()) -> Read:
    """Read every postmortem ``where`` names (files, folders, globs; default: the workspace).

    A file named directly that cannot be read is an error: the request was
    about it. One found in a folder or by a glob is only reported apart, so
    one bad file does not stop a report over hundreds.
    """
    named = {Path(w) for w in where if Path(w).exists() and not Path(w).is_dir()}
    read = Read()
    for path in workspace.store.find(where):
        try:
            read.documents.append(workspace.store.get(path))
        except AfteractionError as exc:
            if path in named:
                raise
            read.unreadable.append(exc)
    return read
