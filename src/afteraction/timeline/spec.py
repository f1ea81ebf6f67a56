"""What ``--from KIND[OPTIONS]:PATH`` names: a source kind, its options and its input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from afteraction.document.zones import resolve_zone
from afteraction.errors import AfteractionError, UsageError
from afteraction.timeline.inputs import STDIN

_SPEC = re.compile(r"^(?P<kind>[a-z][a-z0-9_-]*)(?:\[(?P<options>.*)\])?:(?P<path>.+)$", re.S)


@dataclass(frozen=True)
class SourceSpec:
    """One source to read: ``kind`` names its reader, ``path`` is None for standard input.

    ``options`` are the reader's settings as written (``zone`` among them:
    the zone of times written without one).
    """

    kind: str
    path: Path | None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Return how messages name this source's input."""
        return "<stdin>" if self.path is None else str(self.path)

    @property
    def zone(self) -> tzinfo | None:
        """Return the zone given for naive times, or None (read them as UTC)."""
        name = self.options.get("zone")
        if not name:
            return None
        try:
            return resolve_zone(name)
        except (AfteractionError, ValueError):
            raise UsageError(f"unknown time zone '{name}'", field=f"{self.kind}[zone]") from None

    @classmethod
    def parse(cls, text: str) -> SourceSpec:
        r"""Read ``KIND:PATH`` or ``KIND[name=value,...]:PATH``; ``-`` as PATH is stdin.

        Inside the brackets a value may hold colons and spaces (a time
        pattern); a comma inside a value is written ``\,``.
        """
        match = _SPEC.match(text.strip())
        if match is None:
            raise UsageError(
                f"'{text}' is not KIND:PATH or KIND[name=value,...]:PATH"
                " (see `aar timeline sources`)",
                field="--from",
            )
        options: dict[str, str] = {}
        for part in re.split(r"(?<!\\),", match["options"] or ""):
            if not part.strip():
                continue
            name, equals, value = part.partition("=")
            if not equals or not name.strip():
                raise UsageError(f"option '{part}' in '{text}' is not name=value", field="--from")
            options[name.strip().lower()] = value.strip().replace("\\,", ",")
        path = match["path"].strip()
        return cls(match["kind"], None if path == STDIN else Path(path), options)
