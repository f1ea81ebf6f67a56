"""A workspace: the settings, profiles, rules, sources, due policy and store, built once.

Every use case takes what it needs from here, so a front end opens one
workspace (the CLI per command, the server per team) and discovery happens
once in it, never per call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from afteraction.profiles import ProfileRegistry
from afteraction.profiles.due import DuePolicy
from afteraction.settings import Settings, load_settings
from afteraction.store import DocumentStore, FolderStore

if TYPE_CHECKING:  # the rules and sources load when first asked for, not with every command
    from afteraction.lint.registry import RuleRegistry
    from afteraction.timeline.registry import SourceRegistry

CACHE_FOLDER = ".aar-cache"


def _ignore(_: str) -> None:
    """Say nothing (the default for warnings no one listens to)."""


@dataclass
class Workspace:
    """What every use case of one folder of postmortems shares."""

    settings: Settings
    profiles: ProfileRegistry
    store: DocumentStore = field(repr=False)
    warn: Callable[[str], None] = field(default=_ignore, repr=False)

    @classmethod
    def open(
        cls,
        folder: Path,
        settings: Settings | None = None,
        *,
        warn: Callable[[str], None] = _ignore,
    ) -> Workspace:
        """Open the workspace ``folder`` belongs to (its settings found from there up).

        Paths the store finds are relative when ``folder`` is. ``warn`` is
        told of each plugin skipped because it failed to load.
        """
        settings = settings if settings is not None else load_settings(folder.resolve())
        profiles = ProfileRegistry.discover(settings.profile_dirs)
        root = settings.lint.root
        store = FolderStore(
            folder,
            profiles,
            excluded=settings.lint.excluded,
            cache_folder=root / CACHE_FOLDER,
        )
        for failure in profiles.failures:
            warn(str(failure))
        return cls(settings, profiles, store, warn)

    def with_store(self, store: DocumentStore) -> Workspace:
        """Return this workspace over another store, sharing what it has discovered."""
        other = Workspace(self.settings, self.profiles, store, self.warn)
        for name in ("policy", "rules", "sources"):
            if name in self.__dict__:
                other.__dict__[name] = self.__dict__[name]
        return other

    def store_at(self, folder: Path) -> DocumentStore:
        """Return the store a new document in ``folder`` goes to (a folder store's own folder)."""
        return self.store.at(folder) if isinstance(self.store, FolderStore) else self.store

    @property
    def cache_folder(self) -> Path:
        """Return where derived data (lint results, incident IDs) is kept."""
        return self.settings.lint.root / CACHE_FOLDER

    @cached_property
    def policy(self) -> DuePolicy:
        """Return when action items with no written due date are due."""
        return self.settings.actions.policy()

    @cached_property
    def rules(self) -> RuleRegistry:
        """Return every lint rule: built-in and from plugins."""
        from afteraction.lint.registry import RuleRegistry

        rules = RuleRegistry.discover()
        for failure in rules.failures:
            self.warn(str(failure))
        return rules

    @cached_property
    def sources(self) -> SourceRegistry:
        """Return every timeline source: built-in and from plugins."""
        from afteraction.timeline.registry import SourceRegistry

        sources = SourceRegistry.discover()
        for failure in sources.failures:
            self.warn(str(failure))
        return sources
