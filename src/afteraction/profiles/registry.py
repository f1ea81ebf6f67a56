"""Find profiles: built-ins, installed plugins and a user folder, one way for all.

Built-in profiles register exactly as a plugin would: through the
``afteraction.profiles`` entry-point group, whose entries point at a folder
of ``*.yaml`` profile files. A user folder named in settings comes last and
may override a built-in of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path

from afteraction.errors import ProfileError
from afteraction.profiles.loader import load_profile
from afteraction.profiles.schema import Profile

ENTRY_POINT_GROUP = "afteraction.profiles"


def builtin_folder() -> Path:
    """Return the folder of the built-in profile files."""
    return Path(str(resources.files("afteraction.profiles") / "builtin"))


def _plugin_folders() -> list[Path]:
    folders = [builtin_folder()]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        target = entry.load()
        folder = Path(target() if callable(target) else target)
        if folder not in folders:
            folders.append(folder)
    return folders


@dataclass
class ProfileRegistry:
    """All known profiles by name, with the file each came from."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def discover(cls, user_folders: Iterable[Path] = ()) -> ProfileRegistry:
        """Load built-in and plugin profiles, then those in the user's folders."""
        registry = cls()
        for folder in [*_plugin_folders(), *user_folders]:
            registry.add_folder(folder)
        return registry

    def add_folder(self, folder: Path) -> None:
        """Load every ``*.yaml``/``*.yml`` profile in ``folder``."""
        if not folder.is_dir():
            raise ProfileError("profile folder does not exist", file=folder)
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            self.add(load_profile(path), path)

    def add(self, profile: Profile, source: Path) -> None:
        """Register one profile; a later one with the same name wins."""
        self.profiles[profile.name] = profile
        self.sources[profile.name] = source

    def get(self, name: str) -> Profile:
        """Return the profile called ``name`` or fail naming the known ones."""
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise ProfileError(f"unknown profile '{name}' (known: {known})") from None

    def names(self) -> list[str]:
        """Return the profile names, sorted."""
        return sorted(self.profiles)
