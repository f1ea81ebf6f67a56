"""The shape of a lint rule: a class with a stable ID, documentation and a check.

A rule looks at one document (``check``). A ``FactsRule`` instead gathers
what it needs from each document into facts that the cache keeps, and checks
them on every run: the findings of a date check move with ``--today``
without reading a file again. A ``CorpusRule`` checks each document's facts
against what every linted document states (IDs, related incidents, links).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from afteraction.errors import UsageError
from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Edit, Finding
from afteraction.profiles.due import DuePolicy


@dataclass(frozen=True)
class RuleContext:
    """What rules need besides the document: the date "today" is, and when items are due.

    ``gather`` may use the policy (it is part of the cache's fingerprint), never ``today``.
    """

    today: date
    policy: DuePolicy = field(default_factory=DuePolicy)


@dataclass(frozen=True)
class Mention:
    """A thing a document names at a place: an incident ID, a linked file."""

    value: str
    line: int
    col: int


@dataclass
class Facts:
    """What one document states that other documents can contradict or resolve."""

    path: str
    profile: str
    incident_id: Mention | None = None
    related: list[Mention] = field(default_factory=list)
    links: list[Mention] = field(default_factory=list)
    gathered: dict[str, Any] = field(default_factory=dict)
    # The document's suppression comments, so findings from facts honour them
    # without reading the file again (see lint.suppress.Suppressions).
    suppressions: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready data (for the cache)."""

        def pack(m: Mention) -> list[Any]:
            return [m.value, m.line, m.col]

        return {
            "path": self.path,
            "profile": self.profile,
            "id": pack(self.incident_id) if self.incident_id else None,
            "related": [pack(m) for m in self.related],
            "links": [pack(m) for m in self.links],
            "gathered": self.gathered,
            "suppressions": self.suppressions,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        """Rebuild facts from :meth:`to_dict`."""
        return cls(
            data["path"],
            data["profile"],
            Mention(*data["id"]) if data["id"] else None,
            [Mention(*m) for m in data["related"]],
            [Mention(*m) for m in data["links"]],
            data["gathered"],
            data.get("suppressions"),
        )


@dataclass
class Corpus:
    """What every document linted together (and those ``corpus`` names) states, indexed once.

    ``complete`` is True when the configuration names where every postmortem
    is, so an ID missing from it is unknown.
    """

    documents: list[Facts]
    complete: bool = False
    by_id: dict[str, list[Facts]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for facts in self.documents:
            if facts.incident_id is not None:
                self.by_id.setdefault(facts.incident_id.value, []).append(facts)


class Rule:
    """One check. Subclasses set the class attributes and implement ``check``.

    ``id`` never changes once released; a retired or renamed ID stays in
    ``aliases``. ``options`` are the rule's settings with their defaults, set
    per project in ``[tool.afteraction.lint.rules.<ID or name>]``.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    rationale: ClassVar[str]
    fixable: ClassVar[bool] = False
    # A finding of this rule keeps a postmortem from moving to its final status (on the server).
    blocks_final: ClassVar[bool] = False
    aliases: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[Mapping[str, Any]] = {}
    # The type of an option whose default (None: not set) does not say it.
    option_types: ClassVar[Mapping[str, type]] = {}

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        unknown = sorted(set(settings) - set(self.options))
        if unknown:
            known = ", ".join(self.options) or "none"
            raise UsageError(
                f"rule {self.id} ({self.name}) has no option '{unknown[0]}' (options: {known})"
            )
        for key, value in settings.items():
            default = self.options[key]
            kind = self.option_types.get(key) or (None if default is None else type(default))
            wrong_bool = isinstance(value, bool) and kind is not bool
            if kind is not None and (wrong_bool or not isinstance(value, kind)):
                raise UsageError(
                    f"rule {self.id} option '{key}' must be a {kind.__name__}, not {value!r}"
                )
        self.settings: dict[str, Any] = {**self.options, **settings}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterable[Finding]:
        """Yield the findings in one document."""
        raise NotImplementedError

    def finding(
        self,
        doc: LintDocument,
        line: int | None,
        message: str,
        *,
        needle: str | None = None,
        col: int | None = None,
        edits: Iterable[Edit] = (),
    ) -> Finding:
        """Build a finding at ``line`` (1 when unknown), at ``needle`` or ``col`` on it."""
        at = line or 1
        column = col if col is not None else doc.column(at, needle)
        return Finding(doc.path, at, column, self.id, self.name, message, tuple(edits))


class FactsRule(Rule):
    """A rule that checks facts kept per document, on every run, cached or not."""

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterable[Finding]:
        """Look at nothing while reading: facts rules work on what ``gather`` kept."""
        del doc, ctx
        return ()

    def gather(self, doc: LintDocument, ctx: RuleContext) -> Any:
        """Return the JSON-ready data this rule needs from a document (kept in the cache)."""
        del doc, ctx
        return None

    def check_facts(self, facts: Facts, corpus: Corpus, ctx: RuleContext) -> Iterable[Finding]:
        """Yield the findings in one document from its facts."""
        raise NotImplementedError

    def at(self, path: str, mention: Mention, message: str) -> Finding:
        """Build a finding at a mention in a file."""
        return Finding(path, mention.line, mention.col, self.id, self.name, message)


class CorpusRule(FactsRule):
    """A rule over what all the linted documents state (shared IDs, unknown references)."""

    def check_facts(self, facts: Facts, corpus: Corpus, ctx: RuleContext) -> Iterable[Finding]:
        """Check the document against the corpus (corpus rules do not depend on the date)."""
        del ctx
        return self.check_corpus(facts, corpus)

    def check_corpus(self, facts: Facts, corpus: Corpus) -> Iterable[Finding]:
        """Yield the findings in one document, given what every document in the corpus states."""
        raise NotImplementedError
