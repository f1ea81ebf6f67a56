"""A postmortem as read from a store: its text in the file's own form, record, profile, problems.

Every front end and feature works on this one type: the CLI and the server
read documents into it, lint, follow-up and reports take it, and an edit is
written back through its :class:`~afteraction.sourcetext.SourceText`, which
knows the bytes read (their digest is what a conflicting write is refused by).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from afteraction.document.markdown import read_markdown
from afteraction.document.parse import Parsed, read_document
from afteraction.document.recognize import choose_profile, not_a_postmortem
from afteraction.errors import ConflictError, ParseError
from afteraction.model import Incident, out_of_order
from afteraction.profiles import Profile, ProfileRegistry
from afteraction.sourcetext import SourceText

# What lists, reports and digests never read: a brief record leaves them out.
LONG_PARTS = frozenset({"timeline", "sections", "readings", "whys", "evidence"})


class Document:
    """One postmortem: where it is, the record read from it and the profile it follows.

    ``source`` is the text as stored (None for a record made in memory, or
    one answered from a cache); ``recognized`` says the document follows its
    profile (read strictly); ``warnings`` are what the reading noticed,
    ``disorder`` the key times out of order among them. ``known_digest`` is
    the digest of the bytes a document without its text was read from.

    A document from a cache holds only its brief record (:attr:`brief`, the
    parts lists and reports use), and reads its file when the whole record
    is asked for.
    """

    __slots__ = (
        "_brief",
        "_record",
        "_reread",
        "disorder",
        "known_digest",
        "path",
        "profile",
        "recognized",
        "source",
        "warnings",
    )

    def __init__(
        self,
        path: Path,
        record: Incident | None,
        profile: Profile,
        source: SourceText | None = None,
        recognized: bool = True,
        warnings: tuple[str, ...] = (),
        disorder: tuple[str, ...] = (),
        known_digest: str | None = None,
        *,
        brief: Incident | None = None,
        reread: Callable[[], Document] | None = None,
    ) -> None:
        if record is None and (brief is None or reread is None or known_digest is None):
            raise ValueError("a document needs its record, or a brief one, its digest and a reader")
        self.path = path
        self.profile = profile
        self.source = source
        self.recognized = recognized
        self.warnings = warnings
        self.disorder = disorder
        self.known_digest = known_digest
        self._record = record
        self._reread = reread
        self._brief = brief

    @property
    def record(self) -> Incident:
        """Return the whole record; a cached document reads its file for it the first time.

        That file must still hold what the brief record was read from, else
        it is a :class:`ConflictError` (the document changed since it was listed).
        """
        if self._record is None:
            assert self._reread is not None
            again = self._reread()
            if again.digest != self.known_digest:
                raise ConflictError("changed since it was read; read it again", file=self.path)
            self._record, self.source = again.record, again.source
        return self._record

    @property
    def brief(self) -> Incident:
        """Return the record without its long parts (``LONG_PARTS``): what lists and reports read.

        Where the whole record is at hand it is returned itself.
        """
        if self._record is not None:
            return self._record
        assert self._brief is not None
        return self._brief

    @property
    def digest(self) -> str | None:
        """Return the SHA-256 of the bytes read, or None for a record made in memory."""
        return self.source.digest if self.source is not None else self.known_digest

    def __repr__(self) -> str:
        return f"Document({str(self.path)!r}, profile={self.profile.name!r})"


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
