"""Run the rules over files: read, check, suppress, fix, cache, then the corpus rules."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from afteraction import __version__
from afteraction.errors import AfteractionError, ParseError, RuleError, UsageError
from afteraction.filewrite import replace_document
from afteraction.inputs import read_input_bytes
from afteraction.lint.cache import LintCache
from afteraction.lint.config import LintConfig
from afteraction.lint.document import LintDocument, read_for_lint
from afteraction.lint.finding import Finding
from afteraction.lint.fixes import apply_fixes
from afteraction.lint.registry import RuleRegistry
from afteraction.lint.rule import Corpus, Facts, FactsRule, Mention, Rule, RuleContext
from afteraction.lint.suppress import Suppressions, read_suppressions
from afteraction.profiles import ProfileRegistry
from afteraction.profiles.due import DuePolicy
from afteraction.sourcetext import SourceText

MAX_FIX_PASSES = 10
_LINK = re.compile(r"\[[^\[\]]*\]\((?P<target>[^()\s]+)(?:\s\"[^\"]*\")?\)")


@dataclass
class FileReport:
    """What linting one file gave: its findings, or the error that stopped it."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    facts: Facts | None = None
    error: AfteractionError | None = None
    fixed: int = 0


@dataclass
class LintReport:
    """The whole run: every file's report and the rules that ran."""

    files: list[FileReport]
    rules: list[type[Rule]]

    @property
    def findings(self) -> list[Finding]:
        """Return every finding, by file and position."""
        return sorted((f for r in self.files for f in r.findings), key=Finding.sort_key)

    @property
    def errors(self) -> list[FileReport]:
        """Return the files that could not be read."""
        return [r for r in self.files if r.error is not None]

    @property
    def fixed(self) -> int:
        """Return how many findings ``--fix`` fixed."""
        return sum(r.fixed for r in self.files)

    def exit_code(self) -> int:
        """Return 2 if a file could not be read, 1 if there are findings, else 0."""
        if self.errors:
            return 2
        return 1 if self.findings else 0


def _link_target(text: str) -> str | None:
    """Return the local file a reference points at, if it is one (not a URL or anchor)."""
    match = _LINK.search(text)
    target = match["target"] if match else text.strip().strip("`").strip()
    if not target or " " in target or target.startswith("#") or "://" in target:
        return None
    if target.startswith("mailto:") or not ("/" in target or Path(target).suffix):
        return None
    return target.split("#", 1)[0]


def collect_facts(doc: LintDocument, rules: Iterable[Rule], ctx: RuleContext) -> Facts:
    """Return what a document states that other documents can check: ID, related, links.

    Each facts rule among ``rules`` adds what it gathers, under its ID.
    """
    record = doc.record
    facts = Facts(doc.path, doc.profile.name)
    for rule in rules:
        if isinstance(rule, FactsRule):
            facts.gathered[rule.id] = rule.gather(doc, ctx)
    if record.id:
        line = doc.line_of("id") or 1
        facts.incident_id = Mention(record.id, line, doc.column(line, record.id))
    for index, related in enumerate(record.related):
        line = doc.line_of(f"related[{index}]") or 1
        facts.related.append(Mention(related.id, line, doc.column(line, related.id)))
        target = _link_target(related.id) or _link_target(related.note or "")
        if target:
            facts.links.append(Mention(target, line, doc.column(line, target)))
    for index, evidence in enumerate(record.evidence):
        line = doc.line_of(f"evidence[{index}]") or 1
        for text in (evidence.location or "", evidence.artifact):
            target = _link_target(text)
            if target:
                facts.links.append(Mention(target, line, doc.column(line, target)))
                break
    return facts


# Raised whenever what the cache keeps per file changes shape (2: suppressions in facts;
# 3: each fix kept once, findings pointing at it).
CACHE_FORMAT = 3


class Linter:
    """Lint files with one configuration, profile set and rule set."""

    def __init__(
        self,
        config: LintConfig,
        profiles: ProfileRegistry,
        rules: RuleRegistry,
        *,
        today: date,
        policy: DuePolicy | None = None,
        profile: str | None = None,
        cache_folder: Path | None = None,
    ) -> None:
        config.check(rules)
        if profile is not None:
            profiles.get(profile)  # an unknown name fails once, not once per file
        self.config = config
        self.profiles = profiles
        self.registry = rules
        self.context = RuleContext(today=today, policy=policy or DuePolicy())
        self.profile = profile
        self.cache = LintCache(cache_folder, self.fingerprint()) if cache_folder else None

    def fingerprint(self) -> str:
        """Return a digest of what decides the findings besides the file itself.

        The date is not part of it: the rules that depend on it are facts
        rules, checked on every run from the facts the cache keeps.
        """
        data = {
            "version": __version__,
            "cache_format": CACHE_FORMAT,
            "config": self.config.fingerprint,
            "rules": [f"{r.id}:{r.__module__}" for r in self.registry.ordered()],
            "profiles": [self.profiles.get(n).model_dump_json() for n in self.profiles.names()],
            "profile": self.profile,
            "due": sorted((k, v.total_seconds()) for k, v in self.context.policy.spans.items()),
        }
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]

    def lint_text(self, text: str, path: str, rules: list[Rule]) -> FileReport:
        """Lint one document's text with ``rules`` (suppressions applied)."""
        doc = read_for_lint(text, path, self.profiles, self.profile)
        findings: list[Finding] = []
        for rule in rules:
            try:
                findings.extend(rule.check(doc, self.context))
            except Exception as exc:  # a broken rule must not stop the run
                raise RuleError(f"rule {rule.id} ({rule.name}) failed: {exc!r}", file=path) from exc
        hidden = read_suppressions(text, self.registry)
        kept = [f for f in findings if not hidden.hides(f)]
        facts = collect_facts(doc, rules, self.context)
        facts.suppressions = hidden.to_dict()
        return FileReport(path, sorted(set(kept), key=Finding.sort_key), facts)

    def lint_file(self, path: Path, *, fix: bool = False) -> FileReport:
        """Lint one file, from the cache when it is unchanged; with ``fix``, rewrite it."""
        shown = str(path)
        try:
            stat = path.stat()
            cached = self.cache.lookup(path, stat) if self.cache and not fix else None
            if cached is None:
                source = _read(path)
                text = source.text
                cached = self.cache.lookup(path, stat, text) if self.cache and not fix else None
                rules = self.config.rules_for(path, self.registry)
                if cached is None and fix:
                    return self._lint_and_fix(path, source, rules)
                if cached is None:
                    report = self.lint_text(text, shown, rules)
                    if self.cache:
                        self.cache.store(path, stat, text, report.findings, report.facts)
                    return report
            findings = [_moved(f, shown) for f in cached.findings]
            facts = cached.facts
            if facts is not None:
                facts.path = shown
            return FileReport(shown, findings, facts)
        except AfteractionError as exc:
            if exc.file is None:
                exc.file = shown
            return FileReport(shown, error=exc)

    def _lint_and_fix(self, path: Path, source: SourceText, rules: list[Rule]) -> FileReport:
        shown = str(path)
        fixed = 0
        text = source.text
        report = self.lint_text(text, shown, rules)
        for _ in range(MAX_FIX_PASSES):
            text, count = apply_fixes(text, report.findings)
            if not count:
                break
            fixed += count
            report = self.lint_text(text, shown, rules)
        if text != source.text:
            # Written in the file's own form, and only if no other edit landed meanwhile.
            replace_document(path, source.encode(text), source.digest)
        report.fixed = fixed
        return report

    def run(
        self,
        paths: Iterable[Path],
        *,
        fix: bool = False,
        corpus: Iterable[Path] = (),
        advance: Callable[[], None] | None = None,
    ) -> LintReport:
        """Lint every file, then check what they state against each other."""
        reports = []
        for path in paths:
            reports.append(self.lint_file(path, fix=fix))
            if advance is not None:
                advance()
        linted = {os.path.abspath(r.path) for r in reports}
        others = [self.lint_file(p) for p in corpus if os.path.abspath(p) not in linted]
        self._check_corpus(reports, [r.facts for r in others if r.facts])
        if self.cache is not None:
            self.cache.save()
        return LintReport(reports, self.registry.ordered())

    def _check_corpus(self, reports: list[FileReport], elsewhere: list[Facts]) -> None:
        corpus = Corpus(
            [*(r.facts for r in reports if r.facts is not None), *elsewhere],
            complete=bool(self.config.corpus),
        )
        for report in reports:
            if report.facts is None:
                continue
            found = [
                finding
                for rule in self.config.rules_for(Path(report.path), self.registry)
                if isinstance(rule, FactsRule)
                for finding in rule.check_facts(report.facts, corpus, self.context)
            ]
            if found:
                _add_visible(report, found)


def _add_visible(report: FileReport, found: list[Finding]) -> None:
    """Add facts and corpus findings to a file's report unless its comments suppress them."""
    assert report.facts is not None
    hidden = Suppressions.from_dict(report.facts.suppressions)
    report.findings = sorted(
        {*report.findings, *(f for f in found if not hidden.hides(f))}, key=Finding.sort_key
    )


def _moved(finding: Finding, path: str) -> Finding:
    if finding.path == path:
        return finding
    return Finding(
        path,
        finding.line,
        finding.col,
        finding.rule,
        finding.name,
        finding.message,
        finding.edits,
    )


def _read(path: Path) -> SourceText:
    """Read a document with LF line endings (the fixes write the file's own form back)."""
    try:
        return SourceText.decode(read_input_bytes(path), path)
    except UsageError as exc:  # a file that cannot be read is a finding, not the end of the run
        raise ParseError(exc.message, file=path) from None
