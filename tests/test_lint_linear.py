"""Every lint rule runs in linear time: 1 MB adversarial lines finish, with the expected result.

Each run of characters that makes a careless pattern backtrack (spaces, "(",
"[", "](", "<!--", "*", "|", digits, backticks) is written as a 1 MB line into
every part of a postmortem the rules read: header values, prose, whys,
factors, table cells of action items, timeline and related incidents, and a
suppression comment. A signal alarm stops a run that hangs; it is a guard, not
a speed test.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from types import FrameType

import pytest

from afteraction.lint.document import LintDocument, read_for_lint
from afteraction.lint.rule import RuleContext
from afteraction.lint.rules.common import mask_markup
from afteraction.lint.rules.placeholder_text import find_placeholders
from afteraction.lint.suppress import read_suppressions
from afteraction.model import Evidence
from tests.lint_support import CASE_TODAY, demo_text, profiles, rules

SIZE = 1_000_000
LIMIT_SECONDS = 30
# The demo's lines of the parts edited: summary, root cause, why, factor, action, event, related.
WRITTEN = [
    "A risk-limit configuration push",
    "The limits file was generated",
    "1. Why? The gateway",
    "- Syntax-only validation",
    "| 1 | Validate",
    "| 13:58 |",
    "| INC-20260914-002 |",
]
RUNS = {
    "spaces": " ",
    "open parens": "(",
    "open brackets": "[",
    "link openers": "](",
    "comment openers": "<!--",
    "stars": "*",
    "bars": "|",
    "digits": "7",
    "backticks": "`",
    "slashes": "a/",
}


@pytest.fixture(autouse=True)
def _alarm() -> Iterator[None]:
    """Fail a test that runs past the limit instead of hanging the suite."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(LIMIT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _line(run: str) -> str:
    return "x " + run * (SIZE // len(run)) + " y"


@cache
def _document(run: str) -> LintDocument:
    """Return the default demo read for lint, then given a 1 MB ``run`` in every part.

    The record and the text are edited together, line for line, so each rule
    sees the run where it reads; the reading itself is not what is measured.
    """
    doc = read_for_lint(demo_text("default"), "p.md", profiles())
    line = _line(run)
    record = doc.record
    item = record.action_items[0]
    event = record.timeline[0]
    record = record.model_copy(
        update={
            "summary": f"{record.summary} {line}",
            "root_cause": f"{record.root_cause} {line}",
            "trigger": line,
            "whys": [record.whys[0].model_copy(update={"answer": line}), *record.whys[1:]],
            "contributing_factors": [
                record.contributing_factors[0].model_copy(update={"title": line}),
                *record.contributing_factors[1:],
            ],
            "action_items": [
                item.model_copy(update={"title": line, "owner": line, "id": line}),
                *record.action_items[1:],
            ],
            "timeline": [
                event.model_copy(update={"text": line, "actor": line}),
                *record.timeline[1:],
            ],
            "related": [r.model_copy(update={"id": line, "note": line}) for r in record.related],
            "evidence": [Evidence(artifact=line, location=line)],
            "fields": {**record.fields, "authors": line},
        }
    )
    lines = doc.lines[:]
    for written in WRITTEN:
        at = next(n for n, text in enumerate(lines) if text.startswith(written))
        lines[at] = f"{lines[at]} {line}"
    lines.append(f"<!-- aar: disable-line=AAR101 {line} -->")
    parsed = replace(doc.parsed, record=record)
    return LintDocument(doc.path, "\n".join(lines), doc.profile, doc.recognized, parsed, doc.blocks)


@pytest.mark.parametrize("rule", [r.id for r in rules().ordered()])
@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_every_rule_finishes_on_1mb_adversarial_lines(run: str, rule: str) -> None:
    doc = _document(run)
    found = list(rules().get(rule)().check(doc, RuleContext(today=CASE_TODAY)))
    assert all(f.rule == rule and 1 <= f.line <= len(doc.lines) for f in found)


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_placeholders_in_a_1mb_adversarial_line(run: str) -> None:
    found = find_placeholders(f"{_line(run)} [Name]", frozenset({"yes", "no"}), frozenset())
    assert found[-1] == "[Name]"


@pytest.mark.parametrize("run", ["<!--", "](", "<a", "(", " "])
def test_masking_a_1mb_adversarial_line_keeps_its_length(run: str) -> None:
    line = _line(run) + " <!-- note --> [a](https://example.org/x)"
    masked = mask_markup(line)
    assert len(masked) == len(line)
    assert masked.endswith(
        " " * len("<!-- note --> ") + "[a" + " " * len("](https://example.org/x)")
    )


@pytest.mark.parametrize("run", [" ", ",", "a ", "-", "<!--"])
def test_suppressions_in_a_1mb_adversarial_comment(run: str) -> None:
    """A long directive still counts; an unclosed or foreign comment is no directive."""
    long_run = run * (SIZE // len(run))
    text = f"<!-- aar: disable-line=AAR101 {long_run} -->\n<!-- aar: disable=!{' ' * SIZE}"
    hidden = read_suppressions(text, rules())
    if run == "<!--":
        assert hidden.by_line == {}
    else:
        assert "AAR101" in hidden.by_line[1]
    assert hidden.ranges == []
