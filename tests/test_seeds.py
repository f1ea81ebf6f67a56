"""Each seed template imports, recognised, as an empty record of its own profile."""

from __future__ import annotations

import pytest

from afteraction import service
from afteraction.model import Incident
from tests.conftest import BUILTIN, shared_folder

SEEDS = {
    "000": "trading-invariants",
    "001": "trading-resilience",
    "002": "trading-cot",
    "003": "lending-governance",
    "004": "sre",
}


@pytest.mark.parametrize(("prefix", "name"), sorted(SEEDS.items()))
def test_seed_imports_as_empty_record(prefix, name, registry):
    seed = next(shared_folder("seeds").glob(f"{prefix}_*.txt"))
    loaded = service.load(seed, registry)
    assert loaded.recognized
    assert loaded.profile.name == name
    assert loaded.profile.seed == seed.name
    assert loaded.record == Incident(profile=name)


def test_every_builtin_profile_is_listed(registry):
    assert sorted(BUILTIN) == registry.names()
