"""Nothing the library remembers grows without bound in a long-running server."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import afteraction
from afteraction.profiles.memo import PerProfile
from afteraction.timeline.timepattern import named_zone


def _modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.walk_packages(afteraction.__path__, "afteraction.")]
    return [importlib.import_module(name) for name in sorted(names)]


def test_every_functools_cache_has_a_bound():
    unbounded = []
    remembered = 0
    for module in _modules():
        for name, value in vars(module).items():
            info = getattr(value, "cache_info", None)
            if callable(info) and getattr(value, "__module__", None) == module.__name__:
                remembered += 1
                if info().maxsize is None:
                    unbounded.append(f"{module.__name__}.{name}")
    assert remembered
    assert unbounded == []


def test_every_per_profile_memo_has_a_bound():
    memos = [
        value
        for module in _modules()
        for value in vars(module).values()
        if isinstance(value, PerProfile)
    ]
    assert memos
    assert all(memo.kept > 0 for memo in memos)


def test_zone_names_read_from_logs_are_remembered_within_the_bound():
    named_zone.cache_clear()
    bound = named_zone.cache_info().maxsize
    assert bound is not None
    spellings = {f"{a}{b}{c}" for a in "cC" for b in "eE" for c in "tT"}  # CET, cet, cEt ...
    offsets = {f"UTC+{h}:{m:02d}" for h in range(14) for m in range(60)}
    for name in sorted(spellings | offsets):
        named_zone(name)
    assert named_zone.cache_info().currsize == bound
