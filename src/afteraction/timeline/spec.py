"""What ``--from KIND[OPTIONS]:PATH`` names: a source kind, its options and its input.

The input is a file (or folder), standard input, or bytes or a stream given
in place of a file, so a caller holding a webhook's body reads it as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from afteraction.document.zones import resolve_zone
from afteraction.errors import AfteractionError, UsageError
from afteraction.timeline.inputs import STDIN, SourceInput

_SPEC = re.compile(r"^(?P<kind>[a-z][a-z0-9_-]*)(?:\[(?P<options>.*)\])?:(?P<path>.+)$", re.S)
AUTO = "auto"


@dataclass(frozen=True)
class SourceSpec:
    """One source to read: ``kind`` names its reader, ``path`` is None for standard input.

    ``options`` are the reader's settings as written (``zone`` among them:
    the zone of times written without one). ``content`` is bytes or a
    stream to read in place of a file (``path`` is None then); see :meth:`of`.
    """

    kind: str
    path: Path | None
    options: dict[str, str] = field(default_factory=dict)
    content: SourceInput | None = None

    @classmethod
    def of(cls, kind: str, given: SourceInput, options: dict[str, str] | None = None) -> SourceSpec:
        """Return the spec of a source reading ``given``: a file, stdin, bytes or a stream."""
        if given.data is None and given.stream is None:  # a file, or standard input
            return cls(kind, given.path, dict(options or {}))
        return cls(kind, None, dict(options or {}), given)

    @classmethod
    def given(cls, name: str, content: bytes | BinaryIO) -> SourceSpec:
        """Return the spec of bytes or a stream named ``[KIND[OPTIONS]:]NAME``.

        ``NAME`` names the input in messages (and its suffix stands for a
        file's: ``deploys.csv``); without a kind, the kind is told from the
        bytes (``auto``; a stream, read only once, must name its kind).
        """
        match = _SPEC.match(name.strip())
        kind, options = (AUTO, {}) if match is None else (match["kind"], _options(match, name))
        label = name.strip() if match is None else match["path"].strip()
        if isinstance(content, bytes | bytearray | memoryview):
            return cls.of(kind, SourceInput.from_bytes(label, bytes(content)), options)
        return cls.of(kind, SourceInput.from_stream(label, content), options)

    @cached_property
    def input(self) -> SourceInput:
        """Return what this source reads (made once: ``label`` names every event's origin)."""
        return self.content if self.content is not None else SourceInput.from_path(self.path)

    @property
    def label(self) -> str:
        """Return how messages name this source's input."""
        return self.input.label

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
                field="sources",
            )
        path = match["path"].strip()
        return cls(match["kind"], None if path == STDIN else Path(path), _options(match, text))


def _options(match: re.Match[str], text: str) -> dict[str, str]:
    r"""Return the ``name=value`` options of a matched spec (``\,`` is a comma in a value)."""
    options: dict[str, str] = {}
    for part in re.split(r"(?<!\\),", match["options"] or ""):
        if not part.strip():
            continue
        name, equals, value = part.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"option '{part}' in '{text}' is not name=value", field="sources")
        options[name.strip().lower()] = value.strip().replace("\\,", ",")
    return options
