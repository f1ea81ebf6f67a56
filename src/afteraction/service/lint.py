"""Use case: check postmortems and fix what is safe to fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from afteraction.errors import NotFoundError
from afteraction.lint.config import LintConfig
from afteraction.lint.docs import rule_data, rule_header
from afteraction.lint.engine import Linter, LintReport
from afteraction.lint.finding import Finding
from afteraction.lint.formats import FORMATS
from afteraction.lint.rule import Rule
from afteraction.service.workspace import Workspace
from afteraction.store import FolderStore

__all__ = [  # the report, rule and output names are here for front ends
    "FORMATS",
    "Finding",
    "LintReport",
    "LintRequest",
    "Rule",
    "lint",
    "lint_config",
    "lint_text",
    "rule_data",
    "rule_header",
]


@dataclass(frozen=True)
class LintRequest:
    """What to lint and how, beyond the configuration.

    ``where`` names files, folders or globs (default: the workspace folder);
    ``select`` and ``ignore`` add to the configuration's rule choice.
    """

    today: date
    where: tuple[str, ...] = ()
    fix: bool = False
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    cache: bool = True


def lint_config(config: LintConfig, request: LintRequest) -> LintConfig:
    """Return the configuration with the request's rule selection applied."""
    if not request.select and not request.ignore:
        return config
    update: dict[str, object] = {"ignore": [*config.ignore, *request.ignore]}
    if request.select:
        update["select"] = list(request.select)
    # A new model, not a copy: the copy would keep the cached fingerprint and rule sets.
    return LintConfig.model_validate({**config.model_dump(), **update})


def lint(
    workspace: Workspace,
    request: LintRequest,
    *,
    start: Callable[[int], Callable[[], None] | None] | None = None,
) -> LintReport:
    """Lint the postmortems the request names; ``start(total)`` returns a progress callback.

    Items with no written due date are judged by the workspace's due policy,
    as the action listing judges them.
    """
    config = lint_config(workspace.settings.lint, request)
    store = workspace.store
    paths = store.find(request.where)
    corpus = store.find([str(config.root / g) for g in config.corpus])
    if not paths:
        root = store.root if isinstance(store, FolderStore) else "the store"
        where = ", ".join(request.where or (str(root),))
        raise NotFoundError(f"no Markdown files in {where}", field="where")
    linter = Linter(
        config,
        workspace.profiles,
        workspace.rules,
        today=request.today,
        policy=workspace.policy,
        profile=request.profile,
        cache_folder=workspace.cache_folder if request.cache else None,
    )
    advance = start(len(paths)) if start is not None else None
    return linter.run(paths, fix=request.fix, corpus=corpus, advance=advance)


def lint_text(workspace: Workspace, text: str, name: str, today: date) -> list[Finding]:
    """Lint one document's text (held in memory, not a file) as ``aar lint`` would lint it."""
    config = workspace.settings.lint
    linter = Linter(
        config, workspace.profiles, workspace.rules, today=today, policy=workspace.policy
    )
    return linter.lint_text(text, name, config.rules_for(Path(name), workspace.rules)).findings
