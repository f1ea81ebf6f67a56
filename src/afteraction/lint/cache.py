"""Remember each file's findings, keyed by its content and the configuration.

One JSON file per configuration fingerprint under the cache folder holds,
for every file linted, its size, modification time, content digest,
findings, their fixes (each once, however many findings share it) and
facts. A file whose size and time are unchanged is not read again; one
whose digest is unchanged is not linted again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from afteraction.cachefiles import read_entries, write_entries
from afteraction.lint.finding import Finding, pack_edits, unpack_edits
from afteraction.lint.rule import Facts

PREFIX = "lint-"
# Caches of other configurations kept besides the current one, newest first:
# switching between a few configurations (a hook and a CI job) stays warm.
KEPT_CACHES = 4


def digest(text: str) -> str:
    """Return the content digest the cache compares."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass
class Cached:
    """A file's results as the cache holds them."""

    findings: list[Finding]
    facts: Facts | None


class LintCache:
    """The results of earlier runs under one configuration fingerprint."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.file = folder / f"{PREFIX}{fingerprint}.json"
        self.changed = False
        self.entries: dict[str, dict[str, Any]] = read_entries(self.file)

    def lookup(self, path: Path, stat: os.stat_result, text: str | None = None) -> Cached | None:
        """Return the stored results for ``path`` if its content is unchanged.

        Without ``text`` only the size and time are compared; with it, the digest.
        """
        entry = self.entries.get(os.path.abspath(path))
        if entry is None:
            return None
        same_stat = entry["size"] == stat.st_size and entry["mtime"] == stat.st_mtime_ns
        if not same_stat and (text is None or entry["digest"] != digest(text)):
            return None
        if not same_stat:
            entry["size"], entry["mtime"] = stat.st_size, stat.st_mtime_ns
            self.changed = True
        fixes = [unpack_edits(edits) for edits in entry["fixes"]]
        findings = [Finding.from_dict(f, fixes[f["edits"]]) for f in entry["findings"]]
        facts = Facts.from_dict(entry["facts"]) if entry["facts"] else None
        return Cached(findings, facts)

    def store(
        self,
        path: Path,
        stat: os.stat_result,
        text: str,
        findings: list[Finding],
        facts: Facts | None,
    ) -> None:
        """Keep a file's results for the next run.

        Each fix is kept once however many findings share it (a timeline's
        sort is the fix of every entry out of order): a finding keeps its
        fix's index in ``fixes``.
        """
        fixes: list[list[list[Any]]] = []
        index: dict[int, int] = {}  # by identity: comparing shared fixes would cost their length
        kept = []
        for finding in findings:
            at = index.get(id(finding.edits))
            if at is None:
                at = index[id(finding.edits)] = len(fixes)
                fixes.append(pack_edits(finding.edits))
            kept.append({**finding.to_dict(edits=False), "edits": at})
        self.entries[os.path.abspath(path)] = {
            "size": stat.st_size,
            "mtime": stat.st_mtime_ns,
            "digest": digest(text),
            "findings": kept,
            "fixes": fixes,
            "facts": facts.to_dict() if facts else None,
        }
        self.changed = True

    def save(self) -> None:
        """Write the cache (atomically); keep only the most recently written few."""
        if not self.changed:
            return
        write_entries(self.file, self.entries, prefix=PREFIX, kept=KEPT_CACHES)
        self.changed = False
