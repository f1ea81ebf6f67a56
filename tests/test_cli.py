"""The CLI contract: commands, JSON output, exit codes and one-line errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from afteraction.cli import main
from tests.conftest import BUILTIN


def aar(*args: str, cwd: Path | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the CLI in this process, as ``aar ARGS`` would in ``cwd``: exit code, stdout, stderr.

    Standard input holds ``stdin`` (empty: as for a command run with nothing piped in).
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    saved = sys.stdin, os.getcwd()
    try:
        sys.stdin = io.StringIO(stdin)
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved[0]
        os.chdir(saved[1])
    return subprocess.CompletedProcess(["aar", *args], code, stdout.getvalue(), stderr.getvalue())


def test_profiles_json_lists_builtins_with_seeds():
    result = aar("profiles", "--json")
    assert result.returncode == 0
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(BUILTIN) <= set(rows)
    assert rows["trading-cot"]["seed"].startswith("002_")
    assert rows["default"]["seed"] is None


def new_draft(path: Path, profile: str, *options: str) -> str:
    """Run ``aar new`` into ``path`` and return the draft."""
    result = aar("new", "--profile", profile, *options, "-o", str(path))
    assert result.returncode == 0, result.stderr
    return path.read_text(encoding="utf-8")


def test_new_allocates_ids_that_do_not_collide(tmp_path):
    first = new_draft(
        tmp_path / "a.md", "trading-cot", "--title", "Feed down", "--started", "2026-11-20 09:15"
    )
    second = new_draft(tmp_path / "b.md", "trading-cot", "--started", "2026-11-20 10:00")
    assert "INC-20261120-001" in first
    assert "INC-20261120-002" in second
    sre = new_draft(tmp_path / "c.md", "sre", "--started", "2026-11-20 10:00")
    assert "INC-2026-11-20-001" in sre


def test_a_draft_writes_only_the_parts_of_a_value_it_knows(tmp_path):
    """A COT draft with a start and no end: "10:00", not "10:00 -  ()"."""
    draft = new_draft(tmp_path / "d.md", "trading-cot", "--started", "2026-11-20 10:00")
    assert "**Duration**: 10:00\n" in draft


def test_bad_severity_is_one_line_error_with_exit_2(tmp_path):
    doc = tmp_path / "bad.md"
    aar("new", "--profile", "trading-invariants", "-o", str(doc))
    doc.write_text(doc.read_text().replace("**Severity:** [S1/S2/S3/S4]", "**Severity:** S9"))
    result = aar("import", str(doc), "--json")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert (
        result.stderr.startswith("Error: ") and "bad.md:" in result.stderr and "S9" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_bad_date_names_file_line_and_field(tmp_path):
    doc = tmp_path / "bad.md"
    aar("new", "--profile", "trading-cot", "--started", "2026-11-20 09:15", "-o", str(doc))
    doc.write_text(doc.read_text().replace("**Date**: 2026-11-20", "**Date**: 2026-13-45"))
    result = aar("import", str(doc))
    assert result.returncode == 2
    assert "bad.md:4" in result.stderr and "'Date'" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("---\ntitle: [unclosed\n---\n\n# T\n", "pm.md:2: front matter is not valid YAML"),
        (b"# T\n\n\xff\xfe broken\n", "pm.md:3: not UTF-8 text"),
        ("# T\n\n**Severity:** SEV9\n", None),
    ],
    ids=["bad-front-matter", "not-utf8", "unknown-severity-generic"],
)
def test_malformed_input_is_one_line_and_exit_2(tmp_path, content, expected):
    doc = tmp_path / "pm.md"
    if isinstance(content, bytes):
        doc.write_bytes(content)
    else:
        doc.write_text(content, encoding="utf-8")
    result = aar("import", str(doc), "--json")
    if expected is None:  # an unknown shape is read leniently: a warning, not an error
        assert result.returncode == 0, result.stderr
        assert "SEV9" in result.stderr and "Warning" in result.stderr
        return
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr


def test_broken_profile_file_is_reported_with_line(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        "name: mine\ndescription: x\ntitle: '{title}'\nseverity: []\nstatuses: []\n"
        "sections:\n  - {key: a, heading: A, kind: nonsense}\n"
    )
    (tmp_path / ".afteraction.toml").write_text('profile_dirs = ["profiles"]\n')
    result = aar("profiles", cwd=tmp_path)
    assert result.returncode == 2
    assert "mine.yaml:7" in result.stderr and "sections.0.kind" in result.stderr


def test_convert_keeps_what_has_no_place(tmp_path):
    doc = tmp_path / "gov.md"
    aar("new", "--profile", "lending-governance", "--started", "2026-11-20 09:15", "-o", str(doc))
    text = doc.read_text().replace("| Scope | GLOBAL / PARTNER / POOL |", "| Scope | PARTNER |")
    doc.write_text(text)
    result = aar("convert", str(doc), "--to", "default")
    assert result.returncode == 0, result.stderr
    assert "## Additional information" in result.stdout and "PARTNER" in result.stdout


def test_schema_and_show(tmp_path):
    schema = json.loads(aar("schema").stdout)
    assert {"id", "times", "timeline", "action_items", "sign_offs", "sections", "fields"} <= set(
        schema["properties"]
    )
    doc = tmp_path / "d.md"
    aar("new", "--started", "2026-11-20 09:15", "-o", str(doc))
    shown = json.loads(aar("show", str(doc), "--json").stdout)
    assert shown["record"]["times"]["started"] == "2026-11-20T09:15:00Z"


def test_show_prints_user_text_literally(tmp_path):
    """Brackets in user text are text, not terminal markup: "[change](url)" stays."""
    doc = tmp_path / "pm.md"
    doc.write_text(
        "# Build [red]breakage[/red]\n\n## Timeline\n\n"
        "- 2016-11-02 15:11: The [change](https://example.org/55) is merged\n"
        "- 2016-11-02 16:00: [bold]reverted[/bold]\n",
        encoding="utf-8",
    )
    result = aar("show", str(doc))
    assert result.returncode == 0, result.stderr
    assert "[change](https://example.org/55)" in result.stdout
    assert "[bold]reverted[/bold]" in result.stdout
    assert "Build [red]breakage[/red]" in result.stdout


# aar lint / aar rules ---------------------------------------------------------


def _demo(tmp_path: Path, name: str = "pm.md", profile: str = "default") -> Path:
    from tests.lint_support import demo_text

    path = tmp_path / name
    path.write_text(demo_text(profile), encoding="utf-8")
    return path


def test_lint_exit_codes_clean_findings_and_errors(tmp_path):
    clean = _demo(tmp_path)
    result = aar("lint", str(clean), "--today", "2026-11-10", "--no-cache")
    assert (result.returncode, result.stdout) == (0, "")
    assert "All checks passed (1 file(s))" in result.stderr

    dirty = _demo(tmp_path, "dirty.md")
    dirty.write_text(dirty.read_text().replace("**Authors:**", "**Authors:** [Name]"))
    result = aar("lint", str(dirty), "--today", "2026-11-10", "--no-cache")
    assert result.returncode == 1
    assert result.stdout.startswith(f"{dirty}:6:14 AAR101 placeholder '[Name]' left in")

    result = aar("lint", str(tmp_path / "missing.md"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"Error: {tmp_path / 'missing.md'}: no such file or folder"


def test_lint_fix_changes_only_what_it_fixes(tmp_path):
    path = _demo(tmp_path)
    original = path.read_text()
    swapped = original.replace(
        "| 14:09 | Rejection-rate alert fires | monitoring |  |\n"
        "| 14:12 | On-call acknowledges the page | sam.okafor |  |",
        "| 14:12 | On-call acknowledges the page | sam.okafor |  |\n"
        "| 14:09 | Rejection-rate alert fires | monitoring |  |",
    )
    assert swapped != original
    path.write_text(swapped)
    result = aar("lint", str(path), "--fix", "--today", "2026-11-10", "--select", "AAR301")
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_text() == original
    assert "Fixed 1 finding(s)." in result.stderr


def test_lint_writes_sarif_and_github_annotations(tmp_path):
    path = _demo(tmp_path)
    path.write_text(path.read_text().replace("**Trigger:**", "**Trigger:** {DATE}"))
    out = tmp_path / "aar.sarif"
    result = aar("lint", str(path), "-f", "sarif", "-o", str(out), "--today", "2026-11-10")
    assert result.returncode == 1
    assert json.loads(out.read_text())["runs"][0]["results"][0]["ruleId"] == "AAR101"
    result = aar("lint", str(path), "-f", "github", "--today", "2026-11-10")
    assert result.stdout.startswith(f"::warning file={path},line=7,col=14,title=AAR101")


def test_lint_reads_its_configuration(tmp_path):
    path = _demo(tmp_path)
    path.write_text(path.read_text().replace("**Trigger:**", "**Trigger:** {DATE}"))
    (tmp_path / ".afteraction.toml").write_text('[lint]\nignore = ["placeholder"]\n')
    result = aar("lint", "pm.md", "--today", "2026-11-10", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    (tmp_path / ".afteraction.toml").write_text('[lint]\nignore = ["no-such-rule"]\n')
    result = aar("lint", "pm.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "no-such-rule" in result.stderr
    assert ".afteraction.toml" in result.stderr
    (tmp_path / ".afteraction.toml").write_text('[lint.rules.AAR205]\ngrace_days = "2"\n')
    result = aar("lint", "pm.md", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: {tmp_path / '.afteraction.toml'}: rule AAR205 option")


def test_rules_lists_every_rule_and_shows_one(tmp_path):
    result = aar("rules", "--json")
    rules = json.loads(result.stdout)
    assert result.returncode == 0
    assert {r["id"] for r in rules} >= {"AAR101", "AAR301", "AAR603", "AAR702"}
    assert all(r["summary"] and r["rationale"] for r in rules)
    shown = aar("rules", "loaded-words")
    assert shown.stdout.startswith("# AAR603 `loaded-words`")
    assert aar("rules", "AAR999").returncode == 2


def test_demo_writes_one_incident_per_profile_that_lint_clean_together(tmp_path):
    result = aar("demo", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "demo").glob("*.md"))
    assert written == sorted(f"{name}.md" for name in BUILTIN)
    linted = aar("lint", str(tmp_path / "demo"), "--today", "2026-11-10")
    assert linted.returncode == 0, linted.stdout  # no two demo documents share an ID
    items = json.loads(aar("actions", str(tmp_path / "demo"), "--format", "json").stdout)
    assert len({i["key"] for i in items}) == len(items) == 3 * len(BUILTIN)


def test_lint_fix_keeps_the_files_line_endings(tmp_path):
    path = _demo(tmp_path)
    original = path.read_text()
    swapped = original.replace(
        "| 14:09 | Rejection-rate alert fires | monitoring |  |\n"
        "| 14:12 | On-call acknowledges the page | sam.okafor |  |",
        "| 14:12 | On-call acknowledges the page | sam.okafor |  |\n"
        "| 14:09 | Rejection-rate alert fires | monitoring |  |",
    )
    path.write_bytes(swapped.replace("\n", "\r\n").encode())
    result = aar("lint", str(path), "--fix", "--today", "2026-11-10", "--select", "AAR301")
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_bytes() == original.replace("\n", "\r\n").encode()


def test_profiles_show_gives_the_workflow_moves_and_sign_offs():
    shown = aar("profiles", "show", "lending-governance")
    assert shown.returncode == 0, shown.stderr
    workflow = shown.stdout[shown.stdout.index("Workflow") : shown.stdout.index("Sections")]
    final = next(line for line in workflow.splitlines() if "FINAL (final)" in line)
    assert "DRAFT, UNDER REVIEW" in final and "Post-Mortem Author" in final
    assert "UNDER REVIEW" in next(line for line in workflow.splitlines() if "│ DRAFT " in line)


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_a_selector_naming_no_rule_is_one_line_naming_no_other_flag(tmp_path, flag):
    (tmp_path / "pm.md").write_text("# Checkout outage\n")
    result = aar("lint", flag, "ZZZ", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == "Error: 'ZZZ' names no lint rule (see `aar rules`)\n"
