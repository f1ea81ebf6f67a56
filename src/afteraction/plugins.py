"""Find plugin classes: in a package (every module searched), a module, a class, or a factory.

Lint rules and timeline sources are registered the same way: through an
entry-point group whose entries name one of those; the built-in ones too.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType
from typing import Any, TypeVar

from afteraction.errors import PluginError

T = TypeVar("T")


def classes_in(module: ModuleType, base: type[T], marker: str) -> list[type[T]]:
    """Return the subclasses of ``base`` defined in a module (or package) with ``marker`` set."""
    found = [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, base) and obj.__module__ == module.__name__ and hasattr(obj, marker)
    ]
    path = getattr(module, "__path__", None)
    if path is not None:
        for info in pkgutil.iter_modules(path, module.__name__ + "."):
            found += classes_in(importlib.import_module(info.name), base, marker)
    return found


def classes_from(target: Any, base: type[T], marker: str, what: str) -> list[type[T]]:
    """Return the classes an entry point names: a module or package, a class, or a factory."""
    if isinstance(target, ModuleType):
        return classes_in(target, base, marker)
    if inspect.isclass(target) and issubclass(target, base):
        return [target]
    if callable(target):
        return [c for c in target() if inspect.isclass(c) and issubclass(c, base)]
    raise PluginError(f"entry point target {target!r} holds no {what}")
