"""The importer reads what a careful reader finds in every real postmortem.

The expectations in ``tests/reading_expectations.yaml`` were written by hand,
by reading each file; ``tools.reading_score`` turns them into points. The
suite fails below 95% of points right, and when a file has no expectations.
"""

from __future__ import annotations

import pytest

from tests.conftest import shared_folder
from tools.reading_score import POSTMORTEMS, expectations, scores

THRESHOLD = 0.95


def test_every_real_postmortem_has_expectations():
    shared_folder("fixtures")
    written = set(expectations())
    present = {p.name for p in POSTMORTEMS.glob("*.md")}
    assert present - written == set(), "new fixtures need their expectations written"
    assert written - present == set(), "expectations for files that are not there"


def test_reading_score(registry, capsys: pytest.CaptureFixture[str]):
    shared_folder("fixtures")
    results = list(scores(registry))
    right = sum(r.right for r in results)
    total = sum(r.total for r in results)
    with capsys.disabled():
        share = f"{right}/{total} = {right / total:.1%}"
        print(f"\nreading score over {len(results)} real postmortems: {share}")
    misses = [f"{r.name}: {m}" for r in results for m in r.misses]
    assert right / total >= THRESHOLD, "\n".join(misses)
