"""Shared fixtures: the profile registry and the third-party material in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from afteraction.followup.config import ActionsConfig
from afteraction.lint.config import LintConfig
from afteraction.profiles import ProfileRegistry
from afteraction.service.workspace import Workspace
from afteraction.settings import Settings
from afteraction.store import FolderStore

# The team server's fixtures (a team on each database, its people, a client).
pytest_plugins = ["tests.server_support"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
BUILTIN = [
    "default",
    "trading-invariants",
    "trading-resilience",
    "trading-cot",
    "lending-governance",
    "sre",
]


@pytest.fixture(scope="session")
def registry() -> ProfileRegistry:
    return ProfileRegistry.discover()


def shared_folder(name: str) -> Path:
    """Return a folder of ../shared, skipping (with the reason) where it is absent."""
    folder = SHARED / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared third-party material is not beside this clone")
    return folder


def open_workspace(
    folder: Path, registry: ProfileRegistry | None = None, *, grace_days: int = 0
) -> Workspace:
    """Return a workspace over ``folder`` with default settings (its lint root there)."""
    settings = Settings(lint=LintConfig(root=folder), actions=ActionsConfig(grace_days=grace_days))
    profiles = registry or ProfileRegistry.discover()
    return Workspace(settings, profiles, FolderStore(folder, profiles))
