"""Profiles read ahead of time: a folder's profile files as validated JSON, so no YAML is parsed.

Every command loads every profile (recognising a document needs them all),
and parsing their YAML was the largest part of what ``aar import`` spent on
its own work. A profile folder may hold :data:`COMPILED`: for each profile
file, the SHA-256 digest of its text and the profile as pydantic dumps it.
A file whose text has that digest is validated from that data; any
other file (edited, added, or in a folder without one) is read from its
YAML as before, so a stale compiled file is slower, never wrong.
``tools/compile_profiles.py`` writes it for the built-in profiles, and
``tests/test_profiles_compiled.py`` fails when it is stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from afteraction.model import sha256_hex
from afteraction.profiles.schema import Profile

COMPILED = "compiled.json"
# Bumped whenever the layout of the compiled file changes.
FORMAT = 1


def digest(text: str) -> str:
    """Return the digest a compiled entry is keyed by: SHA-256 of the file's text."""
    return sha256_hex(text.encode("utf-8"))


@dataclass(frozen=True)
class Compiled:
    """The compiled profiles of one folder, by file name (empty when it has none)."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Compiled:
        """Read ``folder``'s compiled profiles; a missing or unreadable file gives none."""
        try:
            data = json.loads((folder / COMPILED).read_bytes())
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        entries = data.get("profiles")
        return cls(entries) if isinstance(entries, dict) else cls()

    def profile(self, name: str, text: str) -> Profile | None:
        """Return the profile compiled from file ``name`` if ``text`` is what it was, else None."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("sha256") != digest(text):
            return None
        try:
            return Profile.model_validate(entry.get("profile"))
        except ValidationError:  # compiled by another version of the schema: read the YAML
            return None


def compiled_text(profiles: Iterable[tuple[str, str, Profile]]) -> str:
    """Return the compiled file for ``(file name, text, profile)`` triples, stable for diffs."""
    entries = {
        name: {"sha256": digest(text), "profile": profile.model_dump(mode="json")}
        for name, text, profile in sorted(profiles, key=lambda p: p[0])
    }
    data = {"format": FORMAT, "profiles": entries}
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
