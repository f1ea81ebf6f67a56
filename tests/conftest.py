"""Shared fixtures: the profile registry and the third-party material in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from afteraction.profiles import ProfileRegistry

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
