"""The document store interface every front end's use cases go through.

A store lists, reads and writes postmortems named by a path relative to
nothing in particular (the folder store's are file paths; a database store's
are the names it keeps). Every write of an existing document states the
digest of what it changes: a document changed since is a conflict, never
overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Protocol

from afteraction.document.loaded import Document
from afteraction.document.parse import Parsed
from afteraction.errors import AfteractionError
from afteraction.profiles import Profile
from afteraction.sourcetext import SourceText


class DocumentStore(Protocol):
    """Postmortems kept somewhere: list, get, put with the expected digest, next incident ID."""

    def find(self, where: Iterable[str] = ()) -> list[Path]:
        """Return the documents ``where`` names (all of them when empty), each once, in order."""
        ...

    def read(self, path: Path) -> SourceText:
        """Return a document's text as stored."""
        ...

    def get(self, path: Path, profile_name: str | None = None) -> Document:
        """Read a document: its record in the profile it follows (or the one named)."""
        ...

    def load_all(self, paths: Iterable[Path]) -> list[Document | AfteractionError]:
        """Read many documents, each as a document or the error that kept it from being read.

        A store may answer from derived data it keeps, without the text; see :meth:`fresh`.
        """
        ...

    def fresh(self, document: Document) -> Document:
        """Return ``document`` with its text; one changed since it was read is a conflict."""
        ...

    def put(self, document: Document, text: str, read: Parsed | None = None) -> SourceText:
        """Write ``text`` over ``document`` if it is unchanged since read; return what is stored.

        Lines not changed keep their own line endings, the BOM is kept; a
        document changed since it was read is a :class:`ConflictError`.
        ``read`` is ``text`` already read in the document's profile, strictly,
        which a store that reads what it stores may use instead of reading it again.
        """
        ...

    def create(self, path: Path, text: str, *, force: bool = False) -> SourceText:
        """Store a new document at ``path``; an existing one is a conflict unless ``force``."""
        ...

    def next_id(self, profile: Profile, day: date) -> str:
        """Return the next free incident ID of ``day`` in the profile's pattern."""
        ...
