"""Lint work and the cache grow with the document, not with its square (bench/lint_growth.py).

No test times anything. Each counts what used to grow with the square of a
timeline or of a line: the bytes the cache keeps, the scans of the document
per timeline row, the characters masked or compared per finding on a long
line. A budget that is exceeded stops the run at once. The helpers made fast
are checked against the plain forms they replace.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afteraction.lint.document import LintDocument, read_for_lint
from afteraction.lint.finding import Edit, Finding
from afteraction.lint.fixes import apply_fixes
from afteraction.lint.rule import RuleContext
from afteraction.lint.rules import blame_person, common, human_error, loaded_words
from afteraction.lint.suppress import Suppressions
from tests.lint_support import CASE_TODAY, demo_text, linter, profiles, rules

DEMO_ROWS = "| 13:58 | Risk-limit config v412 deployed | deploy-bot |  |"
STEPS = ["Canary errors rise", "On-call opens a channel", "Traffic shifted", "Latency back"]


def timeline_document(rows: int, disorder: int = 100) -> str:
    """Return the default demo with ``rows`` timeline rows, one in ``disorder`` an hour late."""
    lines = []
    for n in range(rows):
        minute = 14 * 60 + 2 + n * 88 // rows + (60 if disorder and n % disorder == 50 else 0)
        lines.append(f"| {minute // 60:02d}:{minute % 60:02d} | {STEPS[n % 4]} ({n}) | li.wei |  |")
    text = demo_text("default")
    start = text.index(DEMO_ROWS)
    end = text.index("\n\n", start)
    return text[:start] + "\n".join(lines) + text[end:]


def test_the_cache_entry_of_a_long_timeline_stays_near_the_documents_size(tmp_path: Path) -> None:
    """Every out-of-order entry offers the same sort: it is kept once, not once per finding.

    Before, 20,000 rows (1.6 MB) wrote a 380 MB cache entry.
    """
    text = timeline_document(20_000)
    path = tmp_path / "pm.md"
    path.write_text(text, encoding="utf-8")
    cache = tmp_path / ".aar-cache"
    first = linter(tmp_path, {}, cache=cache).run([path]).findings
    (entry,) = cache.glob("*.json")
    assert entry.stat().st_size < 2 * len(text)

    again = linter(tmp_path, {}, cache=cache).run([path]).findings  # from the cache
    assert again == first
    assert [f.edits for f in again] == [f.edits for f in first]
    sorts = [f for f in again if f.rule == "AAR301"]
    assert len(sorts) == 200
    assert len({id(f.edits) for f in sorts}) == 1
    assert sorts[0].edits


class _Scanned(list[Any]):
    """A list that counts the times it is walked through."""

    walks = 0

    def __iter__(self) -> Iterator[Any]:
        _Scanned.walks += 1
        return super().__iter__()


class _ScannedMap(dict[str, int]):
    """A dict that counts the times it is walked through."""

    def __iter__(self) -> Iterator[str]:
        _Scanned.walks += 1
        return super().__iter__()

    def items(self) -> Any:
        _Scanned.walks += 1
        return super().items()

    def keys(self) -> Any:
        _Scanned.walks += 1
        return super().keys()

    def values(self) -> Any:
        _Scanned.walks += 1
        return super().values()


def _walks(rows: int) -> int:
    """Return how often every rule together walks the blocks, lines and line map."""
    doc = read_for_lint(timeline_document(rows, disorder=7), "pm.md", profiles())
    watched = LintDocument(
        doc.path,
        doc.text,
        doc.profile,
        doc.recognized,
        replace(doc.parsed, lines=_ScannedMap(doc.parsed.lines)),
        _Scanned(doc.blocks),
    )
    watched.__dict__["lines"] = _Scanned(doc.text.split("\n"))
    _Scanned.walks = 0
    for rule in rules().ordered():
        list(rule().check(watched, RuleContext(today=CASE_TODAY)))
    return _Scanned.walks


def test_no_rule_scans_the_document_once_per_timeline_row() -> None:
    """Which table or section holds a row is looked up, not found by walking the document."""
    assert _walks(400) == _walks(1_600)


class _Budget:
    """Count the characters helpers are given; fail as soon as they pass ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def charge(self, text: str) -> None:
        self.used += len(text)
        if self.used > self.limit:
            raise AssertionError(f"more than {self.limit} characters read")

    def wrap(self, helper: Callable[[str], str]) -> Callable[[str], str]:
        def counted(text: str) -> str:
            self.charge(text)
            return helper(text)

        return counted


class _CountedPattern:
    """A compiled pattern whose ``sub`` charges a budget for the text it is given."""

    def __init__(self, pattern: re.Pattern[str], budget: _Budget) -> None:
        self.pattern = pattern
        self.budget = budget

    def sub(self, replacement: str, text: str) -> str:
        self.budget.charge(text)
        return self.pattern.sub(replacement, text)


LONG_UNITS = {
    "sentences": "Sam broke it due to human error, a careless slip. ",
    "one sentence": "Sam broke it due to human error and was careless, ",
    "glued": "x;he forgot to check;Sam broke it;due to human error;careless;",
}


@pytest.mark.parametrize("unit", LONG_UNITS.values(), ids=LONG_UNITS.keys())
def test_many_findings_on_one_long_line_read_it_a_few_times(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 100 KB root cause line with thousands of findings is masked and compared a few times.

    Before, each finding masked and located its whole line again (hundreds of
    times the line's length; the budget stops such a run at once).
    """
    line = unit * (100_000 // len(unit))
    text = demo_text("default").replace("The limits file was", f"{line}The limits file was")
    doc = read_for_lint(text, "pm.md", profiles())
    budget = _Budget(40 * len(text))
    for module in (common, blame_person, human_error, loaded_words):
        monkeypatch.setattr(module, "mask_markup", budget.wrap(common.mask_markup))
    monkeypatch.setattr(common, "_SPACES", _CountedPattern(common._SPACES, budget))
    found = {}
    for rule in ("AAR601", "AAR602", "AAR603"):
        found[rule] = list(rules().get(rule)().check(doc, RuleContext(today=CASE_TODAY)))
    assert len(found["AAR602"]) >= 100_000 // len(unit)
    assert len(found["AAR603"]) >= 100_000 // len(unit)
    assert found["AAR601"]


# The fast helpers answer as the plain forms they replace.

_PIECES = ["a", " ", "  ", ".", ";", "!", "`", "<!--", "-->", "](x)", "[b", "<i>", "http://h/p"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(0, 200), st.integers(0, 200))
def test_a_masked_part_is_the_part_masked(pieces: list[str], first: int, last: int) -> None:
    text = "".join(pieces)
    first, last = sorted((min(first, len(text)), min(last, len(text))))
    masked, start, end = common.Masked.of(text).part(first, last)
    assert masked[start:end] == common.mask_markup(text[first:last])


def _sentence(text: str, start: int, end: int, limit: int = 90) -> str:
    """The quoted sentence, as blame-person wrote it before it was made fast."""
    stops = [m.end() for m in re.finditer(r"[.!?;](?:\s|$)", text[:start])]
    first = stops[-1] if stops else 0
    stop = re.search(r"[.!?;](?:\s|$)", text[end:])
    last = end + stop.start() + 1 if stop else len(text)
    sentence = " ".join(common.mask_markup(text[first:last]).split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


@given(
    st.lists(st.sampled_from([*_PIECES, "Sam", "\t", "x" * 40]), max_size=60),
    st.integers(0, 400),
    st.integers(0, 40),
)
def test_a_quoted_sentence_is_the_sentence_quoted(
    pieces: list[str], start: int, length: int
) -> None:
    text = "".join(pieces)
    start = min(start, len(text))
    end = min(start + length, len(text))
    assert blame_person._Sentences(text).around(start, end) == _sentence(text, start, end)


def test_names_overlapping_a_longer_name_are_skipped_as_before() -> None:
    spans: list[tuple[int, int]] = []
    plain: list[tuple[int, int]] = []
    generator = random.Random(5)
    for _ in range(3_000):
        start = generator.randrange(200)
        end = start + generator.randrange(1, 12)
        found = any(s <= start < e or s < end <= e for s, e in plain)
        assert blame_person._taken(spans, start, end) == found
        if not found and not any(start < e and s < end for s, e in plain):
            plain.append((start, end))
            spans = sorted(plain)


@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 6), st.sampled_from(["", "xy"])), max_size=12
    )
)
def test_fixes_apply_as_one_by_one(raw: list[tuple[int, int, str]]) -> None:
    text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"
    findings = []
    for index in range(0, len(raw), 2):
        edits = tuple(Edit(s, min(s + n, len(text)), r) for s, n, r in raw[index : index + 2])
        findings.append(Finding("p.md", index + 1, 1, "AAR301", "n", "m", edits))
    assert apply_fixes(text, findings) == _apply_one_by_one(text, findings)


def _apply_one_by_one(text: str, findings: list[Finding]) -> tuple[str, int]:
    """Fixes as they were applied before: every pair compared, the text cut once per edit."""
    taken: list[Edit] = []
    fixed = 0
    for finding in sorted((f for f in findings if f.edits), key=lambda f: f.edits[0].start):
        if any(
            (e.start < o.end and o.start < e.end) or (e.start, e.end) == (o.start, o.end)
            for e in finding.edits
            for o in taken
        ):
            continue
        taken.extend(finding.edits)
        fixed += 1
    for edit in sorted(taken, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text, fixed


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 10), st.sampled_from(["*", "A"])), max_size=8
    ),
    st.integers(0, 45),
)
def test_range_suppressions_hide_as_before(ranges: list[tuple[int, int, str]], line: int) -> None:
    hidden = Suppressions(ranges=[(first, first + n, {name}) for first, n, name in ranges])
    finding = Finding("p.md", line, 1, "A", "a", "m")
    plain = any(
        first <= line <= last and ("*" in n or "A" in n) for first, last, n in hidden.ranges
    )
    assert hidden.hides(finding) == plain


def test_a_finding_hashes_without_its_edits_and_equals_with_them() -> None:
    edits = (Edit(1, 2, "x"),)
    a = Finding("p.md", 1, 1, "AAR301", "n", "m", edits)
    assert hash(a) == hash(Finding("p.md", 1, 1, "AAR301", "n", "m"))
    assert a != Finding("p.md", 1, 1, "AAR301", "n", "m")
    assert a == Finding("p.md", 1, 1, "AAR301", "n", "m", (Edit(1, 2, "x"),))
