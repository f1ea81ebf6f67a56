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
import os
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from afteraction.errors import UsageError

if TYPE_CHECKING:  # settings hold this config; the rules load only when something lints
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
    source: Path | None = Field(default=None, description="The config file, for error messages.")
    _chosen: dict[tuple[int, ...], list[Rule]] = PrivateAttr(default_factory=dict)

    @field_validator("rules_url")
    @classmethod
    def _fills_in(cls, value: str) -> str:
        try:
            value.format(id="AAR000", name="rule")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"'{value}' can only use {{id}} and {{name}} ({exc!r})") from None
        return value

    @cached_property
    def _folders(self) -> tuple[str, str]:
        """Return the root (with a trailing separator) and the working folder, looked up once."""
        return os.path.join(os.path.abspath(self.root), ""), os.getcwd()

    def relative(self, path: Path) -> str:
        """Return ``path`` relative to the config root, with ``/`` separators, for globs."""
        root, cwd = self._folders
        text = os.fspath(path)
        full = os.path.normpath(text if os.path.isabs(text) else os.path.join(cwd, text))
        where = full[len(root) :] if full.startswith(root) else text
        return where.replace(os.sep, "/") if os.sep != "/" else where

    @cached_property
    def _excluded(self) -> re.Pattern[str]:
        patterns = [*DEFAULT_EXCLUDE, *self.exclude]
        forms = [*patterns, *(p[3:] for p in patterns if p.startswith("**/"))]
        return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in forms))

    def excluded(self, path: Path) -> bool:
        """Say whether a file found in a folder is left out."""
        return self._excluded.match(self.relative(path)) is not None

    def url(self, rule: type[Rule]) -> str:
        """Return the link to a rule's page."""
        return self.rules_url.format(id=rule.id, name=rule.name)

    @cached_property
    def fingerprint(self) -> str:
        """Return a digest of everything here that changes what the rules find."""
        data = self.model_dump(mode="json", exclude={"root", "source"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def rules_for(self, path: Path, registry: RuleRegistry) -> list[Rule]:
        """Return the configured rules that apply to ``path``, with their options.

        Files that match the same overrides share one set of rule instances.
        """
        matched: tuple[int, ...] = ()
        if self.overrides:
            where = self.relative(path)
            matched = tuple(
                i for i, o in enumerate(self.overrides) if any(_glob(where, p) for p in o.paths)
            )
        chosen = self._chosen
        if matched not in chosen:
            chosen[matched] = self._build(matched, registry)
        return chosen[matched]

    def check(self, registry: RuleRegistry) -> None:
        """Fail now, naming the file and setting, if a rule name or option here is wrong."""
        try:
            for matched in [(), *((i,) for i in range(len(self.overrides)))]:
                self._chosen.setdefault(matched, self._build(matched, registry))
        except UsageError as exc:
            if exc.file is None and self.source is not None:
                exc.file = str(self.source)
            raise

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
