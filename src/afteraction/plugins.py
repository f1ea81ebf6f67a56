"""Plugins: the entry points every kind of extension comes through, built-ins included.

Lint rules, timeline sources and profiles are each an entry-point group.
The built-in ones come through their group exactly as a plugin's do; an entry
names a package (every module in it is searched), a module, a class, or a
function returning classes. :class:`ClassRegistry` is the one registry of
named classes that rules and sources both are: a plugin that cannot be
loaded, or whose names clash with ones already taken, is skipped and kept
as a :class:`PluginFailure` naming it, and the rest work on.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any, ClassVar, Generic, TypeVar

from afteraction.errors import AfteractionError, NotFoundError, PluginError

T = TypeVar("T")
K = TypeVar("K")
BUILTIN = "afteraction"


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


@dataclass(frozen=True)
class Origin:
    """Where something registered came from: its entry point and the package providing it."""

    group: str
    entry: str
    value: str
    package: str = BUILTIN

    @property
    def builtin(self) -> bool:
        """Say whether it is afteraction's own."""
        return self.package.split(" ", 1)[0] == BUILTIN

    def to_dict(self) -> dict[str, str]:
        """Return the origin as JSON-ready data."""
        return {
            "group": self.group,
            "entry": self.entry,
            "value": self.value,
            "package": self.package,
        }


@dataclass(frozen=True)
class PluginFailure:
    """A plugin skipped: where it came from and why."""

    origin: Origin
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin.entry} = {self.origin.value!r} from {self.origin.package}"
        return f"plugin {where} ({self.origin.group}) was skipped: {self.reason}"


def _package(entry: EntryPoint) -> str:
    dist = entry.dist
    return f"{dist.name} {dist.version}" if dist is not None else "an unknown package"


def entries(group: str, builtin_value: str) -> Iterator[tuple[Origin, Callable[[], Any]]]:
    """Yield each entry point of ``group`` with a loader: the built-in one first, always.

    Where the package metadata lacks the built-in entry (a source checkout not
    installed), it is made from ``builtin_value`` so the built-ins still load.
    """
    found = sorted(entry_points(group=group), key=lambda e: e.value != builtin_value)
    if not found or found[0].value != builtin_value:
        module, _, attr = builtin_value.partition(":")
        origin = Origin(group, "builtin", builtin_value)

        def load_builtin() -> Any:
            loaded = importlib.import_module(module)
            return getattr(loaded, attr) if attr else loaded

        yield origin, load_builtin
    for entry in found:
        package = BUILTIN if entry.value == builtin_value else _package(entry)
        yield Origin(group, entry.name, entry.value, package), entry.load


class ClassRegistry(Generic[K]):
    """Named classes of one kind from one entry-point group: built-ins, then plugins.

    Subclasses say what they hold (``what``), which group and built-in package
    they load (``group``, ``builtin``), which class attribute marks one
    (``marker``) and the words that name a class (:meth:`words`).
    """

    what: ClassVar[str]
    group: ClassVar[str]
    builtin: ClassVar[str]
    marker: ClassVar[str]
    base: type[K]

    def __init__(self) -> None:
        self.classes: dict[str, type[K]] = {}
        self.origins: dict[str, Origin] = {}
        self.failures: list[PluginFailure] = []

    @classmethod
    def words(cls, item: type[K]) -> tuple[str, ...]:
        """Return the words that name ``item``, its key first."""
        return (getattr(item, cls.marker),)

    @classmethod
    def discover(cls: type[R]) -> R:
        """Load the built-in classes, then every plugin's; a plugin that fails is skipped."""
        registry = cls()
        for origin, load in entries(cls.group, cls.builtin):
            with skipping(origin, registry.failures):
                registry.add_all(classes_from(load(), registry.base, cls.marker, cls.what), origin)
        return registry

    def add(self, item: type[K], origin: Origin | None = None) -> None:
        """Register one class; two different classes may not share a word."""
        self.add_all([item], origin)

    def add_all(self, items: Iterable[type[K]], origin: Origin | None = None) -> None:
        """Register classes, all or none: a word another class has is refused."""
        items = list(items)
        for item in items:
            for word in self.words(item):
                other = self.find(word)
                if other is not None and other is not item:
                    raise PluginError(
                        f"{self.what} {self.words(item)[0]}: '{word}' is taken by"
                        f" {self.what} {self.words(other)[0]}"
                    )
        for item in items:
            key = self.words(item)[0]
            self.classes[key] = item
            self.origins[key] = origin or Origin(self.group, "builtin", self.builtin)

    def find(self, word: str) -> type[K] | None:
        """Return the class one of whose words is ``word`` (case-insensitive)."""
        wanted = word.lower()
        for item in self.classes.values():
            if wanted in (w.lower() for w in self.words(item)):
                return item
        return None

    def get(self, word: str) -> type[K]:
        """Return the class named ``word``, or fail naming the ones there are."""
        found = self.find(word)
        if found is None:
            raise NotFoundError(f"unknown {self.what} '{word}' (known: {', '.join(self.names())})")
        return found

    def names(self) -> list[str]:
        """Return every class's key, sorted."""
        return sorted(self.classes)

    def ordered(self) -> list[type[K]]:
        """Return every class, by key."""
        return [self.classes[k] for k in self.names()]


R = TypeVar("R", bound=ClassRegistry[Any])


@contextmanager
def skipping(origin: Origin, failures: list[PluginFailure]) -> Iterator[None]:
    """Run the loading of one plugin; if it fails, add it to ``failures`` and go on.

    A built-in that fails is an error, raised as it is.
    """
    try:
        yield
    except Exception as exc:  # a plugin's own code may raise anything while loading
        if origin.builtin:
            raise
        failures.append(PluginFailure(origin, _reason(exc)))


def _reason(exc: Exception) -> str:
    """Say in one line why a plugin failed to load: our own errors as they say it."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, AfteractionError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class Listing:
    """What is loaded, by kind, with where each came from, and what was skipped."""

    loaded: list[tuple[str, str, Origin]] = field(default_factory=list)
    skipped: list[PluginFailure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the listing as JSON-ready data."""
        return {
            "loaded": [{"kind": k, "name": n, **o.to_dict()} for k, n, o in self.loaded],
            "skipped": [{**f.origin.to_dict(), "reason": f.reason} for f in self.skipped],
        }
