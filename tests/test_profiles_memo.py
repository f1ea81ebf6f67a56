"""What is remembered per profile goes with its profile and stays within a bound."""

from __future__ import annotations

import gc
import threading

import pytest

from afteraction.profiles.memo import KEPT, PerProfile, per_profile
from afteraction.profiles.registry import ProfileRegistry
from afteraction.profiles.schema import Profile


@pytest.fixture(scope="module")
def profile() -> Profile:
    return ProfileRegistry.discover().get("sre")


def counting() -> tuple[PerProfile[int], list[Profile]]:
    computed: list[Profile] = []

    def sections(profile: Profile) -> int:
        computed.append(profile)
        return len(profile.sections)

    return per_profile(sections), computed


def test_a_result_is_computed_once_per_profile_object(profile):
    sections, computed = counting()
    assert sections(profile) == sections(profile) == len(profile.sections)
    other = profile.model_copy(deep=True)  # equal, but another object: its own result
    assert sections(other) == len(profile.sections)
    assert [p is profile for p in computed] == [True, False]
    assert len(sections) == 2
    assert sections.kept == KEPT


def test_a_result_goes_when_its_profile_goes(profile):
    sections, computed = counting()
    sections(profile)
    other = profile.model_copy(deep=True)
    sections(other)
    computed.clear()
    del other
    gc.collect()
    assert len(sections) == 1  # the live profile's result stays
    sections(profile)
    assert not computed


def test_no_more_profiles_than_the_bound_are_remembered(profile):
    sections, computed = counting()
    sections.kept = 4
    profiles = [profile.model_copy() for _ in range(10)]  # all alive
    for each in profiles:
        sections(each)
    assert len(sections) == 4
    computed.clear()
    for each in profiles[-4:]:
        sections(each)
    assert not computed  # the most recently used are remembered
    sections(profiles[0])
    assert computed == [profiles[0]]
    assert len(sections) == 4


def test_a_profile_gone_while_the_memo_is_in_use_is_forgotten_at_the_next_call(profile):
    sections, computed = counting()
    other = profile.model_copy(deep=True)
    sections(other)
    computed.clear()
    with sections._lock:  # as if another thread were in the memo when the profile went
        del other
        gc.collect()
    assert len(sections) == 0


def test_threads_share_one_memo(profile):
    sections, _ = counting()
    profiles = [profile.model_copy() for _ in range(8)]
    results: list[int] = []

    def ask() -> None:
        for _ in range(200):
            for each in profiles:
                results.append(sections(each))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {len(profile.sections)}
    assert len(results) == 4 * 200 * 8
    assert len(sections) == 8
