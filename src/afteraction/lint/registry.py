"""Find rules: the built-in rule modules and installed plugins, one way for all.

Built-in rules register as a plugin would: through the ``afteraction.rules``
entry-point group, whose entries name a package (every module in it is
searched for rule classes), a module, a rule class, or a function returning
rule classes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from afteraction.errors import UsageError
from afteraction.lint.rule import Rule
from afteraction.plugins import classes_from, classes_in

ENTRY_POINT_GROUP = "afteraction.rules"
BUILTIN_PACKAGE = "afteraction.lint.rules"


@dataclass
class RuleRegistry:
    """Every known rule class by ID, with its names and aliases."""

    rules: dict[str, type[Rule]] = field(default_factory=dict)

    @classmethod
    def discover(cls) -> RuleRegistry:
        """Load the built-in rules, then rules from installed plugins."""
        registry = cls()
        registry.add_all(classes_in(importlib.import_module(BUILTIN_PACKAGE), Rule, "id"))
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            if entry.value != BUILTIN_PACKAGE:
                registry.add_all(classes_from(entry.load(), Rule, "id", "lint rules"))
        return registry

    def add_all(self, classes: Iterable[type[Rule]]) -> None:
        """Register rule classes; two different rules may not share an ID or a name."""
        for rule in classes:
            for word in (rule.id, rule.name, *rule.aliases):
                other = self.find(word)
                if other is not None and other is not rule:
                    raise UsageError(f"lint rule {rule.id}: '{word}' is taken by rule {other.id}")
            self.rules[rule.id] = rule

    def find(self, word: str) -> type[Rule] | None:
        """Return the rule with this ID, name or alias (case-insensitive)."""
        key = word.lower()
        for rule in self.rules.values():
            if key in (rule.id.lower(), rule.name.lower(), *(a.lower() for a in rule.aliases)):
                return rule
        return None

    def get(self, word: str) -> type[Rule]:
        """Return a rule by ID, name or alias, or fail naming how to list them."""
        rule = self.find(word)
        if rule is None:
            raise UsageError(f"unknown lint rule '{word}' (see `aar rules`)")
        return rule

    def matching(self, selector: str) -> list[type[Rule]]:
        """Return the rules a selector names: ``ALL``, an ID prefix (``AAR6``), an ID or a name."""
        if selector.upper() == "ALL":
            return self.ordered()
        exact = self.find(selector)
        if exact is not None:
            return [exact]
        prefixed = [r for r in self.ordered() if r.id.upper().startswith(selector.upper())]
        if not prefixed:
            raise UsageError(f"'{selector}' names no lint rule (see `aar rules`)")
        return prefixed

    def ordered(self) -> list[type[Rule]]:
        """Return every rule class, by ID."""
        return [self.rules[k] for k in sorted(self.rules)]
