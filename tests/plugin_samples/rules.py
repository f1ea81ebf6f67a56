"""A plugin's lint rules: one of its own, and one whose name a built-in rule already has."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext


class NoPanic(Rule):
    """A plugin rule: the word 'panic' in a postmortem."""

    id = "XPL001"
    name = "no-panic"
    summary = "Say what happened, not how it felt."
    rationale = "A sample plugin rule for the tests."

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report nothing: the tests only load it."""
        del doc, ctx
        return iter(())


class Clashing(Rule):
    """A plugin rule whose name a built-in rule has already."""

    id = "XPL002"
    name = "action-due-date"
    summary = "Clashes with AAR203."
    rationale = "A sample plugin rule for the tests."

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report nothing."""
        del doc, ctx
        return iter(())


def good() -> list[type[Rule]]:
    """Return the rule that loads."""
    return [NoPanic]


def clashing() -> list[type[Rule]]:
    """Return the rule that clashes."""
    return [Clashing]


def broken() -> list[type[Rule]]:
    """Fail as a plugin with a bug would."""
    raise RuntimeError("the plugin's own bug")
