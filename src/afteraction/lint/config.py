"""Lint configuration as data: which rules, where, with which options.

It is read from ``[tool.afteraction.lint]`` in ``pyproject.toml`` or
``[lint]`` in ``.afteraction.toml``::

    select = ["ALL"]                # IDs, ID prefixes ("AAR6") or names
    ignore = ["AAR205"]
    exclude = ["drafts/**"]
    corpus = ["postmortems/**/*.md"]  # documents whose IDs other documents may name

    [rules.loaded-words]            # options, by rule ID or name
    words = ["careless", "sloppy"]

    [[overrides]]                   # later entries win
    paths = ["archive/**"]
    ignore = ["AAR101"]
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from afteraction.lint.registry import RuleRegistry
from afteraction.lint.rule import Rule

DEFAULT_EXCLUDE = ["**/.*/**", "**/node_modules/**", "**/.venv/**"]


class Override(BaseModel):
    """Settings for the files matching ``paths`` (globs relative to the config file)."""

    model_config = ConfigDict(extra="forbid")

    paths: list[str]
    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)


class LintConfig(BaseModel):
    """Everything the linter reads from configuration."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    corpus: list[str] = Field(default_factory=list)
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    overrides: list[Override] = Field(default_factory=list)
    rules_url: str = Field(
        default="docs/rules/{id}.md",
        description="Where a finding's rule page is; {id} and {name} are filled in.",
    )
    root: Path = Field(default=Path("."), description="The folder the config file is in.")
    _chosen: dict[tuple[int, ...], list[Rule]] = PrivateAttr(default_factory=dict)

    def relative(self, path: Path) -> str:
        """Return ``path`` relative to the config root, with ``/`` separators, for globs."""
        try:
            return PurePosixPath(path.resolve().relative_to(self.root.resolve())).as_posix()
        except ValueError:
            return PurePosixPath(path).as_posix()

    def excluded(self, path: Path) -> bool:
        """Say whether a file found in a folder is left out."""
        where = self.relative(path)
        return any(_glob(where, pattern) for pattern in [*DEFAULT_EXCLUDE, *self.exclude])

    def url(self, rule: type[Rule]) -> str:
        """Return the link to a rule's page."""
        return self.rules_url.format(id=rule.id, name=rule.name)

    @cached_property
    def fingerprint(self) -> str:
        """Return a digest of everything here that changes what the rules find."""
        data = self.model_dump(mode="json", exclude={"root"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def rules_for(self, path: Path, registry: RuleRegistry) -> list[Rule]:
        """Return the configured rules that apply to ``path``, with their options.

        Files that match the same overrides share one set of rule instances.
        """
        where = self.relative(path)
        matched = tuple(
            i for i, o in enumerate(self.overrides) if any(_glob(where, p) for p in o.paths)
        )
        if matched not in self._chosen:
            self._chosen[matched] = self._build(matched, registry)
        return self._chosen[matched]

    def _build(self, matched: tuple[int, ...], registry: RuleRegistry) -> list[Rule]:
        select, ignore = self.select, list(self.ignore)
        options: dict[str, dict[str, Any]] = {}
        for word, settings in self.rules.items():
            options.setdefault(registry.get(word).id, {}).update(settings)
        for override in (self.overrides[i] for i in matched):
            select = override.select if override.select is not None else select
            ignore += override.ignore
            for word, settings in override.rules.items():
                options.setdefault(registry.get(word).id, {}).update(settings)
        chosen = {r.id: r for s in select for r in registry.matching(s)}
        for word in ignore:
            for rule in registry.matching(word):
                chosen.pop(rule.id, None)
        return [chosen[k](options.get(k)) for k in sorted(chosen)]


def _glob(path: str, pattern: str) -> bool:
    """Match a relative path against a glob where ``**`` spans folders."""
    if fnmatch.fnmatchcase(path, pattern):
        return True
    return pattern.startswith("**/") and fnmatch.fnmatchcase(path, pattern[3:])
