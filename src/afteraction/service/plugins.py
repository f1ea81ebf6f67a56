"""Use case: what extensions are loaded (profiles, lint rules, timeline sources), from where."""

from __future__ import annotations

from afteraction.plugins import Listing
from afteraction.service.workspace import Workspace

__all__ = ["Listing", "listing"]


def listing(workspace: Workspace) -> Listing:
    """Return every profile, rule and source loaded with its origin, and the plugins skipped."""
    found = Listing()
    profiles = workspace.profiles
    for name in profiles.names():
        found.loaded.append(("profile", name, profiles.origins[name]))
    for kind, registry in (("rule", workspace.rules), ("source", workspace.sources)):
        for key in registry.names():
            found.loaded.append((kind, key, registry.origins[key]))
    found.skipped = [*profiles.failures, *workspace.rules.failures, *workspace.sources.failures]
    return found
