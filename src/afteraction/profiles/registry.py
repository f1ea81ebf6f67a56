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
from pathlib import Path

from afteraction.errors import ProfileError
from afteraction.plugins import Origin, PluginFailure, entries, skipping
from afteraction.profiles.compiled import Compiled
from afteraction.profiles.loader import load_profile
from afteraction.profiles.schema import Profile

ENTRY_POINT_GROUP = "afteraction.profiles"
BUILTIN_ENTRY = "afteraction.profiles.registry:builtin_folder"


def builtin_folder() -> Path:
    """Return the folder of the built-in profile files."""
    return Path(str(resources.files("afteraction.profiles") / "builtin"))


@dataclass
class ProfileRegistry:
    """All known profiles by name, with the file each came from."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)

    @classmethod
    def discover(cls, user_folders: Iterable[Path] = ()) -> ProfileRegistry:
        """Load built-in and plugin profiles, then those in the user's folders."""
        registry = cls()
        seen: set[Path] = set()
        for origin, load in entries(ENTRY_POINT_GROUP, BUILTIN_ENTRY):
            with skipping(origin, registry.failures):
                target = load()
                folder = Path(target() if callable(target) else target)
                if folder not in seen:  # two entries naming one folder load it once
                    seen.add(folder)
                    registry.add_folder(folder, origin)
        for folder in user_folders:
            registry.add_folder(folder, Origin("settings", "profile_dirs", str(folder), "settings"))
        return registry

    def add_folder(self, folder: Path, origin: Origin | None = None) -> None:
        """Load every ``*.yaml``/``*.yml`` profile in ``folder``: all of them, or none."""
        if not folder.is_dir():
            raise ProfileError("profile folder does not exist", file=folder)
        compiled = Compiled.read(folder)  # the files as validated JSON, when compiled ahead
        loaded = [
            (load_profile(path, compiled), path)
            for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
        ]
        for profile, path in loaded:
            self.add(profile, path, origin)

    def add(self, profile: Profile, source: Path, origin: Origin | None = None) -> None:
        """Register one profile; a later one with the same name wins."""
        self.profiles[profile.name] = profile
        self.sources[profile.name] = source
        self.origins[profile.name] = origin or Origin("files", "path", str(source), "files")

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
