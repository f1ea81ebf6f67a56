"""The incident IDs each postmortem file holds, remembered by file size and time.

Giving a new incident its ID needs the highest sequence number of its day
among every document. Each file's IDs are kept in the cache folder with the
file's size and modification time, so only files changed since are read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from afteraction.cachefiles import read_entries, settled, write_entries
from afteraction.errors import AfteractionError
from afteraction.inputs import read_input_bytes
from afteraction.profiles.ids import id_regex

# A longer run of digits is no real sequence number (and would not fit the index).
MAX_SEQUENCE_DIGITS = 18
PREFIX = "ids-"
# How many indexes (one per ID pattern) are kept, the newest.
KEPT_INDEXES = 4

Entry = tuple[int, int, list[tuple[str, int]]]  # mtime_ns, size, (YYYYMMDD, sequence) pairs


class IdIndex:
    """The IDs of one pattern in every file, read again only where a file changed."""

    def __init__(self, pattern: str, cache_folder: Path | None) -> None:
        self.regex = id_regex(pattern)
        name = hashlib.blake2b(pattern.encode("utf-8"), digest_size=8).hexdigest()
        self.file = cache_folder / f"{PREFIX}{name}.json" if cache_folder is not None else None
        self.entries: dict[str, Entry] = self._load()
        self.changed = False

    def _load(self) -> dict[str, Entry]:
        if self.file is None:
            return {}
        entries: dict[str, Entry] = {}
        for key, value in read_entries(self.file).items():
            try:
                mtime, size, found = value
                entries[key] = (int(mtime), int(size), [(str(d), int(s)) for d, s in found])
            except (TypeError, ValueError):
                continue  # a damaged entry is read again
        return entries

    def highest(self, files: Iterable[Path], day: date) -> int:
        """Return the highest sequence number of ``day`` in ``files`` (0 when none)."""
        wanted = f"{day:%Y%m%d}"
        taken = 0
        seen: set[str] = set()
        for path in files:
            seen.add(os.path.abspath(path))
            for found_day, sequence in self._ids(path):
                if found_day == wanted:
                    taken = max(taken, sequence)
        if seen != self.entries.keys():  # files gone since are forgotten
            self.entries = {k: v for k, v in self.entries.items() if k in seen}
            self.changed = True
        self._save()
        return taken

    def _ids(self, path: Path) -> list[tuple[str, int]]:
        key = os.path.abspath(path)
        try:
            status = os.stat(path)
        except OSError:
            return []
        entry = self.entries.get(key)
        if entry is not None and entry[:2] == (status.st_mtime_ns, status.st_size):
            return entry[2]
        try:
            text = read_input_bytes(path).decode("utf-8", errors="replace")
        except AfteractionError:
            return []  # unreadable now: it holds no ID to avoid
        found = []
        for match in self.regex.finditer(text):
            digits = match["seq"].lstrip("0") or "0"
            if len(digits) <= MAX_SEQUENCE_DIGITS:
                found.append((f"{match['year']}{match['month']}{match['day']}", int(digits)))
        if settled(status):
            self.entries[key] = (status.st_mtime_ns, status.st_size, found)
            self.changed = True
        return found

    def _save(self) -> None:
        if self.file is None or not self.changed:
            return
        write_entries(self.file, self.entries, prefix=PREFIX, kept=KEPT_INDEXES)
        self.changed = False
