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
    where = tuple(where)
    # The store takes a file named directly as it is named, and finds only files in
    # folders and by globs: a path found that equals an argument was named directly.
    named = {Path(w) for w in where}
    paths = workspace.store.find(where)
    read = Read()
    for path, found in zip(paths, workspace.store.load_all(paths), strict=True):
        if isinstance(found, Document):
            read.documents.append(found)
        elif path in named:
            raise found
        else:
            read.unreadable.append(found)
    return read
