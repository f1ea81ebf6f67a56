"""Every lint rule's pass, fail and fix cases, as data in tests/lint_cases/<ID>.yaml.

A case is a document (``text``, or ``base``: a built-in profile's demo
document with ``replace`` edits), optional ``options``, ``today``, ``profile``
and ``files`` (other documents beside it, for rules across documents), and
the ``findings`` expected: ``[line, "part of the message"]`` pairs, or ``[]``.
A fix case gives ``fixed``: the document after ``aar lint --fix``, built the
same way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.lint_support import CASE_TODAY, build, lint_files, rules

CASES_DIR = Path(__file__).parent / "lint_cases"


def _load() -> list[Any]:
    params = []
    for file in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}"))
    return params


def _config(rule: str, case: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"select": [rule], "rules": {rule: case.get("options", {})}}
    if "files" in case:
        config["corpus"] = ["**/*.md"]
    return config


def _run(rule: str, case: dict[str, Any], tmp: Path, *, fix: bool = False) -> tuple[Any, Path]:
    name = case.get("path", "postmortem.md")
    files = {name: build(case)}
    files.update({n: build(s) for n, s in case.get("files", {}).items()})
    today = date.fromisoformat(str(case["today"])) if "today" in case else CASE_TODAY
    report = lint_files(tmp, files, _config(rule, case), today=today, fix=fix)
    return report, tmp / name


@pytest.mark.parametrize(("rule", "case"), _load())
def test_rule_case(rule: str, case: dict[str, Any], tmp_path: Path) -> None:
    report, main = _run(rule, case, tmp_path)
    assert not report.errors, [str(r.error) for r in report.errors]
    found = [(f.line, f.message) for f in report.findings if f.path == str(main)]
    expected = case["findings"]
    assert len(found) == len(expected), found
    for (line, message), (want_line, want_text) in zip(found, expected, strict=True):
        assert line == want_line, found
        assert want_text in message, found
    assert all(f.rule == rules().get(rule).id for f in report.findings)
    if "fixed" in case:
        fixed_report, _ = _run(rule, case, tmp_path / "fix", fix=True)
        assert main.parent.joinpath("fix", main.name).read_text(encoding="utf-8") == build(
            case["fixed"]
        )
        assert fixed_report.fixed >= 1


def test_every_rule_has_pass_fail_and_fix_cases() -> None:
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for file in CASES_DIR.glob("*.yaml"):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert file.stem == data["rule"], f"{file.name} holds the cases of {data['rule']}"
        by_rule[data["rule"]] = data["cases"]
    for rule in rules().ordered():
        cases = by_rule.get(rule.id)
        assert cases, f"{rule.id} has no tests/lint_cases/{rule.id}.yaml"
        assert any(not c["findings"] for c in cases), f"{rule.id} has no passing case"
        assert any(c["findings"] for c in cases), f"{rule.id} has no failing case"
        if rule.fixable:
            assert any("fixed" in c for c in cases), f"{rule.id} is fixable but has no fix case"
    assert set(by_rule) <= {r.id for r in rules().ordered()}, "cases for an unknown rule"
