"""Generate docs/rules/: one page per lint rule and an index, from the rules and their cases.

Each page's text comes from the rule class (summary, rationale, options) and
its example from the rule's first failing case in tests/lint_cases/, linted
for real, so the page shows what `aar lint` prints. Run it after changing a
rule; tests/test_docs.py fails when a page is stale:

    .venv/bin/python -m tools.rule_docs
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from afteraction.lint.docs import rule_header
from afteraction.lint.rule import Rule
from tests.lint_support import build, lint_files, rules

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "docs" / "rules"
CASES = ROOT / "tests" / "lint_cases"


def _fence(text: str) -> list[str]:
    ticks = "````" if "```" in text else "```"
    return [f"{ticks}markdown", text.rstrip("\n"), ticks]


def _cases(rule: type[Rule]) -> list[dict[str, Any]]:
    data = yaml.safe_load((CASES / f"{rule.id}.yaml").read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["cases"]
    return cases


def _snippets(case: dict[str, Any]) -> tuple[str, str]:
    """Return the bad and good text of a case: its edits, or its whole text."""
    if "replace" in case:
        good = "\n".join(old.strip("\n") for old, _ in case["replace"])
        bad = "\n".join(new.strip("\n") for _, new in case["replace"])
        return bad, good
    return build(case), ""


def _reported(rule: type[Rule], case: dict[str, Any]) -> list[str]:
    """Lint the case as the tests do and return the findings as `aar lint` prints them."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        files = {"postmortem.md": build(case)}
        files.update({n: build(s) for n, s in case.get("files", {}).items()})
        config: dict[str, Any] = {"select": [rule.id], "rules": {rule.id: case.get("options", {})}}
        if "files" in case:
            config["corpus"] = ["**/*.md"]
        report = lint_files(tmp, files, config)
        main = str(tmp / "postmortem.md")
        return [
            f"postmortem.md:{f.line}:{f.col} {f.rule} {f.message}".replace(f"{tmp}/", "")
            for f in report.findings
            if f.path == main
        ]


def rule_page(rule: type[Rule]) -> str:
    """Return the whole page of one rule."""
    cases = _cases(rule)
    lines = [rule_header(rule), "## Example", ""]
    failing = next(c for c in cases if c["findings"])
    bad, good = _snippets(failing)
    lines += [f"Flagged ({failing['name']}):", "", *_fence(bad), ""]
    lines += ["`aar lint` reports:", "", "```text", *_reported(rule, failing), "```", ""]
    if good:
        lines += ["Fine:", "", *_fence(good), ""]
    fix = next((c for c in cases if "fixed" in c), None)
    if fix is not None:
        before, _ = _snippets(fix)
        fixed = fix["fixed"]
        after = (
            "\n".join(new.strip("\n") for _, new in fixed.get("replace", []))
            if isinstance(fixed, dict) and fixed.get("replace")
            else _snippets(fix)[1]
        )
        lines += ["## Fix", "", f"`aar lint --fix` turns ({fix['name']}):", ""]
        lines += [*_fence(before), "", "into:", "", *_fence(after), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def index_page(found: list[type[Rule]]) -> str:
    """Return docs/rules/index.md: every rule with its summary."""
    lines = [
        "# Lint rules",
        "",
        "Every rule `aar lint` runs, with a stable ID. `aar rules` prints this list;"
        " `aar rules ID` prints a rule's options. Select or ignore rules by ID, ID prefix"
        " (`AAR6`) or name in the configuration (see [linting](../linting.md)).",
        "",
        "| ID | Name | Fixable | Checks |",
        "|----|------|---------|--------|",
        *(
            f"| [{r.id}]({r.id}.md) | `{r.name}` | {'yes' if r.fixable else ''} | {r.summary} |"
            for r in found
        ),
    ]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Return every generated page by file name."""
    found = rules().ordered()
    generated = {f"{r.id}.md": rule_page(r) for r in found}
    generated["index.md"] = index_page(found)
    return generated


def main() -> None:
    """Write the pages and drop pages of rules that no longer exist."""
    PAGES.mkdir(parents=True, exist_ok=True)
    generated = pages()
    for old in PAGES.glob("*.md"):
        if old.name not in generated:
            old.unlink()
    for name, text in generated.items():
        (PAGES / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
