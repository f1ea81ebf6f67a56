"""The documents read before, remembered by file identity, so a folder is read once.

Reading a postmortem (Markdown parse, profile recognition, record) costs far
more than reading its record back as JSON. One file per profile-set
fingerprint under the cache folder holds, for every document read, the
file's size, times and inode, the digest of its bytes, and what reading
found: the brief record (without its long parts: all that lists and reports
read), the profile, the warnings. A file whose size, times and inode are
unchanged is not opened again.

A document from the cache has no text (``source`` is None) but knows the
digest it was read with. Asked for its whole record, or edited
(:meth:`FolderStore.fresh`), it reads its file again; a file that no longer
has that digest is a conflict.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from afteraction import __version__
from afteraction.cachefiles import read_entries, settled, write_entries
from afteraction.document.loaded import LONG_PARTS, Document
from afteraction.errors import AfteractionError
from afteraction.model import Incident
from afteraction.profiles import ProfileRegistry

PREFIX = "documents-"
# Caches of other profile sets kept besides the current one, newest first.
KEPT_CACHES = 4
# Bumped whenever what an entry holds, or how a document is read, changes.
CACHE_FORMAT = 3


def fingerprint(registry: ProfileRegistry) -> str:
    """Return a digest of what decides how a file is read besides its bytes."""
    data = {
        "version": __version__,
        "format": CACHE_FORMAT,
        "profiles": [registry.get(n).model_dump_json() for n in registry.names()],
    }
    return hashlib.sha256(orjson.dumps(data)).hexdigest()[:16]


def _identity(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


class DocumentCache:
    """The documents read under one profile set, by absolute path."""

    def __init__(
        self, folder: Path, registry: ProfileRegistry, reread: Callable[[Path], Document]
    ) -> None:
        self.folder = folder
        self.registry = registry
        self.reread = reread
        self.file = folder / f"{PREFIX}{fingerprint(registry)}.json"
        self.changed = False
        self.entries: dict[str, dict[str, Any]] = read_entries(self.file)

    def lookup(self, path: Path, status: os.stat_result) -> Document | None:
        """Return the document read from ``path`` before, if the file is the same one unchanged."""
        entry = self.entries.get(os.path.abspath(path))
        if not isinstance(entry, dict) or entry.get("file") != _identity(status):
            return None
        try:
            profile = self.registry.get(entry["profile"])
            brief = Incident.model_validate_json(entry["brief"])
            return Document(
                path,
                None,
                profile,
                None,
                bool(entry["recognized"]),
                tuple(entry["warnings"]),
                tuple(entry["disorder"]),
                str(entry["digest"]),
                brief=brief,
                reread=lambda: self.reread(path),
            )
        except (AfteractionError, ValidationError, KeyError, TypeError):
            return None  # a damaged entry: the file is read again

    def store(self, document: Document, status: os.stat_result) -> None:
        """Keep what reading ``document`` found, for the next run."""
        if document.digest is None or not settled(status):
            return
        self.entries[os.path.abspath(document.path)] = {
            "file": _identity(status),
            "digest": document.digest,
            "profile": document.profile.name,
            "recognized": document.recognized,
            "warnings": list(document.warnings),
            "disorder": list(document.disorder),
            # As JSON text: one string per entry, not a tree of objects, until it is read.
            "brief": document.record.model_dump_json(exclude=set(LONG_PARTS)),
        }
        self.changed = True

    def save(self) -> None:
        """Write the cache (atomically) without entries of files gone; keep the newest few."""
        if not self.changed:
            return
        self.entries = {k: v for k, v in self.entries.items() if os.path.isfile(k)}
        write_entries(self.file, self.entries, prefix=PREFIX, kept=KEPT_CACHES)
        self.changed = False
