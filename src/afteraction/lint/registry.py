"""Find rules: the built-in rule modules and installed plugins, one way for all.

Built-in rules register as a plugin would: through the ``afteraction.rules``
entry-point group, whose entries name a package (every module in it is
searched for rule classes), a module, a rule class, or a function returning
rule classes. A plugin that fails to load is skipped and named.
"""

from __future__ import annotations

from afteraction.errors import InvalidValueError, NotFoundError
from afteraction.lint.rule import Rule
from afteraction.plugins import ClassRegistry

ENTRY_POINT_GROUP = "afteraction.rules"
BUILTIN_PACKAGE = "afteraction.lint.rules"


class RuleRegistry(ClassRegistry[Rule]):
    """Every known rule class by ID, with its names and aliases."""

    what = "lint rule"
    group = ENTRY_POINT_GROUP
    builtin = BUILTIN_PACKAGE
    marker = "id"
    base = Rule

    @classmethod
    def words(cls, item: type[Rule]) -> tuple[str, ...]:
        """Return a rule's ID, name and aliases."""
        return (item.id, item.name, *item.aliases)

    @property
    def rules(self) -> dict[str, type[Rule]]:
        """Return the rules by ID."""
        return self.classes

    def get(self, word: str) -> type[Rule]:
        """Return a rule by ID, name or alias, or fail naming how to list them."""
        rule = self.find(word)
        if rule is None:
            # No field: a word comes from `aar rules`, --select, --ignore or the [lint] settings.
            raise NotFoundError(f"unknown lint rule '{word}' (see `aar rules`)")
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
            raise InvalidValueError(f"'{selector}' names no lint rule (see `aar rules`)")
        return prefixed
