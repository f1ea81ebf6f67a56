"""Every real payload fixture reads as its golden file says (regenerate: tools.golden_timelines)."""

from __future__ import annotations

import pytest

from tests.conftest import SHARED
from tools.golden_timelines import PAYLOADS, fixture_spec, golden_file, reading, render

FIXTURES = sorted(PAYLOADS.iterdir()) if PAYLOADS.is_dir() else []
READ = [p for p in FIXTURES if fixture_spec(p) is not None]


@pytest.mark.skipif(not PAYLOADS.is_dir(), reason=f"{SHARED} is absent: no payload fixtures")
@pytest.mark.parametrize("path", READ, ids=lambda p: p.name)
def test_fixture_reads_as_its_golden_file(path):
    spec = fixture_spec(path)
    assert spec is not None
    expected = golden_file(path)
    assert expected.is_file(), f"no golden file for {path.name}: run tools.golden_timelines"
    assert render(reading(spec)) == expected.read_text(encoding="utf-8")


@pytest.mark.skipif(not PAYLOADS.is_dir(), reason=f"{SHARED} is absent: no payload fixtures")
def test_every_golden_file_belongs_to_a_fixture():
    names = {golden_file(p).name for p in READ}
    kept = golden_file(FIXTURES[0]).parent.glob("*.json")
    stale = sorted(p.name for p in kept if p.name not in names)
    assert stale == []
