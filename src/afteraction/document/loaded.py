"""A postmortem as read from a store: its text in the file's own form, record, profile, problems.

Every front end and feature works on this one type: the CLI and the server
read documents into it, lint, follow-up and reports take it, and an edit is
written back through its :class:`~afteraction.sourcetext.SourceText`, which
knows the bytes read (their digest is what a conflicting write is refused by).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from afteraction.document.markdown import read_markdown
from afteraction.document.parse import Parsed, read_document
from afteraction.document.recognize import choose_profile, not_a_postmortem
from afteraction.errors import ParseError
from afteraction.model import Incident, out_of_order
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.sourcetext import SourceText


@dataclass(frozen=True)
class Document:
    """One postmortem: where it is, the record read from it and the profile it follows.

    ``source`` is the text as stored (None for a record made in memory);
    ``recognized`` says the document follows its profile (read strictly);
    ``warnings`` are what the reading noticed, ``disorder`` the key times out
    of order among them.
    """

    path: Path
    record: Incident
    profile: Profile
    source: SourceText | None = None
    recognized: bool = True
    warnings: tuple[str, ...] = ()
    disorder: tuple[str, ...] = ()

    @property
    def digest(self) -> str | None:
        """Return the SHA-256 of the bytes read, or None for a record made in memory."""
        return self.source.digest if self.source is not None else None


def read_source_text(
    source: SourceText, path: Path, registry: ProfileRegistry, profile_name: str | None = None
) -> Document:
    """Read a Markdown postmortem's text; recognise its profile unless one is named.

    A document in a known profile is read strictly (bad values are errors);
    an unknown shape gets a generic reading with the default profile, where
    bad values become warnings and nothing is dropped.
    """
    text = source.text
    raw = read_markdown(text, str(path))
    problem = not_a_postmortem(raw)
    if problem is not None:
        raise ParseError(problem, file=path, line=1)
    profile, follows = choose_profile(raw, registry, profile_name)
    parsed = read_document(text, profile, file=str(path), strict=follows, raw=raw)
    disorder = tuple(order_warnings(parsed))
    warnings = (*parsed.warnings, *disorder)
    return Document(path, parsed.record, profile, source, follows, warnings, disorder)


def order_warnings(parsed: Parsed) -> list[str]:
    """Return a warning for each key time out of order, with the line it was read from."""
    found = []
    for wrong in out_of_order(parsed.record.times):
        reading = parsed.record.reading(f"times.{wrong.name}")
        line = reading.line if reading else parsed.lines.get(f"times.{wrong.name}")
        found.append(f"line {line}: {wrong}" if line else str(wrong))
    return found
