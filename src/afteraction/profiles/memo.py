"""Remember what is computed from a profile: profiles are frozen, so once per profile is enough.

A server loads profiles for as long as it runs, so what is remembered is
bounded twice: a result goes when its profile is no longer used anywhere
(the memo holds the profile by a weak reference only), and past
:data:`KEPT` profiles the least recently used one is forgotten. Profiles
compare by value and are not hashable (their lists), so results are filed
by the profile object's identity, and the weak reference checks it is
still the same object.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from functools import update_wrapper
from typing import Generic, TypeVar

from afteraction.profiles.schema import Profile

T = TypeVar("T")

#: Profiles remembered per computation, the most recently used first kept.
KEPT = 64


class _Held(weakref.ref[Profile]):
    """A weak reference to a profile that knows the key its result is filed under."""

    __slots__ = ("key",)

    key: int


class PerProfile(Generic[T]):
    """A computation from a profile, run once per live profile object (see :func:`per_profile`).

    Safe to call from several threads: two threads may compute the same
    result at once, and one of them is kept.
    """

    def __init__(self, compute: Callable[[Profile], T], kept: int = KEPT) -> None:
        self.compute = compute
        self.kept = kept
        self._found: OrderedDict[int, tuple[_Held, T]] = OrderedDict()
        # Profiles that went while the lock was held, forgotten at the next call.
        self._gone: list[_Held] = []
        self._lock = threading.Lock()
        update_wrapper(self, compute)

    def __call__(self, profile: Profile) -> T:
        """Return the result for ``profile``, computed the first time it is asked for."""
        key = id(profile)
        with self._lock:
            self._forget_gone()
            hit = self._found.get(key)
            if hit is not None and hit[0]() is profile:
                self._found.move_to_end(key)
                return hit[1]
        result = self.compute(profile)  # outside the lock: it may use other memos
        held = _Held(profile, self._went)
        held.key = key
        with self._lock:
            self._found[key] = (held, result)
            self._found.move_to_end(key)
            while len(self._found) > self.kept:
                self._found.popitem(last=False)
        return result

    def __len__(self) -> int:
        """Return how many profiles' results are remembered."""
        with self._lock:
            self._forget_gone()
            return len(self._found)

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._found.clear()
            self._gone.clear()

    def _went(self, held: weakref.ref[Profile]) -> None:
        """Forget a profile's result once the profile is gone (the weak reference's callback).

        The collector may run this inside a call that holds the lock, in the
        same thread, so it never waits for the lock: when it is taken, the
        profile is left for the next call to forget.
        """
        assert isinstance(held, _Held)
        if self._lock.acquire(blocking=False):
            try:
                self._drop(held)
            finally:
                self._lock.release()
        else:
            self._gone.append(held)

    def _forget_gone(self) -> None:
        while self._gone:
            self._drop(self._gone.pop())

    def _drop(self, held: _Held) -> None:
        hit = self._found.get(held.key)
        if hit is not None and hit[0] is held:  # not a newer profile given the same id
            del self._found[held.key]


def per_profile(compute: Callable[[Profile], T]) -> PerProfile[T]:
    """Wrap ``compute`` so that it runs once per profile object.

    The result is kept while the profile lives, for at most :data:`KEPT`
    profiles at once (the least recently used is forgotten first).
    """
    return PerProfile(compute)
