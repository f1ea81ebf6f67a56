"""Remember what is computed from a profile: profiles are frozen, so once per profile is enough."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from afteraction.profiles.schema import Profile

T = TypeVar("T")


def per_profile(compute: Callable[[Profile], T]) -> Callable[[Profile], T]:
    """Wrap ``compute`` so that it runs once per profile object (kept alive while remembered)."""
    found: dict[int, tuple[Profile, T]] = {}

    @wraps(compute)
    def remembered(profile: Profile) -> T:
        hit = found.get(id(profile))
        if hit is None or hit[0] is not profile:
            hit = found[id(profile)] = (profile, compute(profile))
        return hit[1]

    return remembered
