"""Find timeline sources: the built-in readers and installed plugins, one way for all.

Built-in sources register as a plugin would: through the ``afteraction.sources``
entry-point group, whose entries name a package (every module in it is
searched for source classes), a module, or a source class.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from afteraction.errors import UsageError
from afteraction.timeline.source import Source

ENTRY_POINT_GROUP = "afteraction.sources"
BUILTIN_PACKAGE = "afteraction.timeline.sources"


def _classes_in(module: ModuleType) -> list[type[Source]]:
    found = [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Source) and obj.__module__ == module.__name__ and hasattr(obj, "name")
    ]
    path = getattr(module, "__path__", None)
    if path is not None:
        for info in pkgutil.iter_modules(path, module.__name__ + "."):
            found += _classes_in(importlib.import_module(info.name))
    return found


def _classes_from(target: Any) -> list[type[Source]]:
    if isinstance(target, ModuleType):
        return _classes_in(target)
    if inspect.isclass(target) and issubclass(target, Source):
        return [target]
    raise UsageError(f"entry point target {target!r} holds no timeline source")


@dataclass
class SourceRegistry:
    """Every known source class by name."""

    sources: dict[str, type[Source]] = field(default_factory=dict)

    @classmethod
    def discover(cls) -> SourceRegistry:
        """Load the built-in sources, then sources from installed plugins."""
        registry = cls()
        for source in _classes_in(importlib.import_module(BUILTIN_PACKAGE)):
            registry.add(source)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            if entry.value != BUILTIN_PACKAGE:
                for source in _classes_from(entry.load()):
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
            raise UsageError(f"unknown source kind '{name}' (kinds: {known})", field="--from")
        return source

    def names(self) -> list[str]:
        """Return every source kind, sorted."""
        return sorted(self.sources)
