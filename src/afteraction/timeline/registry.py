"""Find timeline sources: the built-in readers and installed plugins, one way for all.

Built-in sources register as a plugin would: through the ``afteraction.sources``
entry-point group, whose entries name a package (every module in it is
searched for source classes), a module, a source class, or a function returning them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from afteraction.errors import UsageError
from afteraction.plugins import classes_from, classes_in
from afteraction.timeline.source import Source

ENTRY_POINT_GROUP = "afteraction.sources"
BUILTIN_PACKAGE = "afteraction.timeline.sources"


@dataclass
class SourceRegistry:
    """Every known source class by name."""

    sources: dict[str, type[Source]] = field(default_factory=dict)

    @classmethod
    def discover(cls) -> SourceRegistry:
        """Load the built-in sources, then sources from installed plugins."""
        registry = cls()
        for source in classes_in(importlib.import_module(BUILTIN_PACKAGE), Source, "name"):
            registry.add(source)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            if entry.value != BUILTIN_PACKAGE:
                for source in classes_from(entry.load(), Source, "name", "timeline source"):
                    registry.add(source)
        return registry

    def add(self, source: type[Source]) -> None:
        """Register a source class; two different sources may not share a name."""
        other = self.sources.get(source.name)
        if other is not None and other is not source:
            raise UsageError(f"timeline source '{source.name}' is registered twice")
        self.sources[source.name] = source

    def get(self, name: str) -> type[Source]:
        """Return the source of this kind, or fail naming the kinds there are."""
        source = self.sources.get(name.lower())
        if source is None:
            known = ", ".join(self.names())
            raise UsageError(
                f"unknown source kind '{name}' (kinds: {known}, or auto)", field="--from"
            )
        return source

    def names(self) -> list[str]:
        """Return every source kind, sorted."""
        return sorted(self.sources)
