"""The linter as a whole: demos clean, templates flagged, real postmortems read, the engine."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from afteraction.errors import UsageError
from afteraction.lint.cache import KEPT_CACHES
from afteraction.lint.engine import FileReport, Linter, LintReport
from afteraction.lint.finding import Edit, Finding
from afteraction.lint.fixes import apply_fixes
from afteraction.lint.formats import as_github, as_json, as_sarif, as_text
from afteraction.model import Incident
from afteraction.service.documents import render_draft
from tests.conftest import BUILTIN, shared_folder
from tests.lint_support import demo_text, lint_files, linter, profiles, rules

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / ".tools" / "sarif" / "sarif-2.1.0-rtm.5.json"


@pytest.mark.parametrize("profile", BUILTIN)
def test_every_demo_document_lints_clean(profile, tmp_path):
    report = lint_files(tmp_path, {f"{profile}.md": demo_text(profile)})
    assert [(f.line, f.rule, f.message) for f in report.findings] == []
    assert report.exit_code() == 0


@pytest.mark.parametrize("profile", [p for p in BUILTIN if profiles().get(p).seed])
def test_every_blank_seed_draft_fails_with_placeholders(profile, tmp_path):
    """`aar new` in a seed's profile writes the seed's prompts: each one is a finding."""
    blank = render_draft(Incident(profile=profile), profiles().get(profile))
    report = lint_files(tmp_path, {"draft.md": blank}, {"select": ["AAR101"]})
    assert len(report.findings) >= 10


def test_every_seed_template_fails_with_placeholder_findings(tmp_path):
    seeds = sorted(shared_folder("seeds").glob("*.txt"))
    report = lint_files(tmp_path, {f"{s.stem}.md": s.read_text(encoding="utf-8") for s in seeds})
    assert not report.errors
    for seed in seeds:
        placeholders = [
            f for f in report.findings if f.path.endswith(f"{seed.stem}.md") and f.rule == "AAR101"
        ]
        assert len(placeholders) >= 10, seed.name


def test_real_postmortems_lint_without_a_crash(tmp_path):
    folder = shared_folder("fixtures") / "postmortems"
    files = sorted(folder.rglob("*.md"))
    report = linter(tmp_path, {}).run(files)
    assert [str(r.error) for r in report.errors] == []
    assert len(report.files) == len(files)
    assert report.findings, "real postmortems have something to say"


def test_a_file_that_cannot_be_read_is_one_error_and_the_run_goes_on(tmp_path):
    broken = "---\ntitle: [unclosed\n---\n# Outage\n"
    good = demo_text("default").replace("**Authors:**", "**Authors:** [Name]")
    report = lint_files(tmp_path, {"a-broken.md": broken, "b-good.md": good})
    assert report.exit_code() == 2
    (error,) = report.errors
    assert error.path.endswith("a-broken.md")
    assert error.error is not None
    assert error.error.line is not None
    assert any(f.path.endswith("b-good.md") and f.rule == "AAR101" for f in report.findings)
    assert str(error.error).startswith(str(tmp_path / "a-broken.md"))


# Configuration -------------------------------------------------------------------


def _ids(config: dict, path: str = "p.md") -> list[str]:
    return [r.id for r in linter(Path("."), config).config.rules_for(Path(path), rules())]


def test_select_and_ignore_by_id_prefix_and_name():
    assert _ids({"select": ["AAR101"]}) == ["AAR101"]
    assert _ids({"select": ["placeholder", "action-owner"]}) == ["AAR101", "AAR201"]
    assert set(_ids({"select": ["AAR2"]})) == {r.id for r in rules().ordered() if r.id[3] == "2"}
    assert "AAR101" not in _ids({"ignore": ["placeholder"]})
    with pytest.raises(UsageError, match="'AAR999' names no lint rule"):
        _ids({"select": ["AAR999"]})


def test_overrides_apply_to_matching_paths_only():
    config = {"overrides": [{"paths": ["archive/**"], "ignore": ["AAR1"]}]}
    assert "AAR101" in _ids(config, "current/a.md")
    assert "AAR101" not in _ids(config, "archive/2019/a.md")


def test_rule_options_are_checked():
    with pytest.raises(UsageError, match="has no option 'colour'"):
        _ids({"rules": {"placeholder": {"colour": "red"}}})
    with pytest.raises(UsageError, match="option 'ignore' must be a list"):
        _ids({"rules": {"AAR101": {"ignore": "[sic]"}}})


def test_configuration_is_read_from_pyproject(tmp_path):
    from afteraction.settings import load_settings

    (tmp_path / "pyproject.toml").write_text(
        '[tool.afteraction.lint]\nignore = ["AAR205"]\n'
        '[tool.afteraction.lint.rules.placeholder]\nignore = ["[TBD]"]\n',
        encoding="utf-8",
    )
    (tmp_path / "pm").mkdir()
    settings = load_settings(tmp_path / "pm")
    assert settings.lint.ignore == ["AAR205"]
    assert settings.lint.root == tmp_path
    assert settings.lint.rules == {"placeholder": {"ignore": ["[TBD]"]}}


def test_configuration_is_read_from_dotfile(tmp_path):
    from afteraction.settings import load_settings

    (tmp_path / ".afteraction.toml").write_text('[lint]\nselect = ["AAR6"]\n', encoding="utf-8")
    assert load_settings(tmp_path).lint.select == ["AAR6"]


# Inline suppressions ------------------------------------------------------------------

PLACEHOLDERS = "**Authors:** [Name]"


@pytest.mark.parametrize(
    ("comment", "hidden"),
    [
        ("<!-- aar: disable-next-line=AAR101 -->\n**Authors:** [Name]", True),
        ("**Authors:** [Name] <!-- aar: disable-line=placeholder -->", True),
        ("<!-- aar: disable-next-line=AAR201 -->\n**Authors:** [Name]", False),
        ("<!-- aar: disable -->\n**Authors:** [Name]\n<!-- aar: enable -->", True),
        ("<!-- aar: disable=AAR101 -->\n<!-- aar: enable=AAR101 -->\n**Authors:** [Name]", False),
        ("**Authors:** [Name]\n<!-- aar: disable-file=AAR101 -->", True),
    ],
)
def test_inline_comments_turn_rules_off(comment, hidden, tmp_path):
    text = demo_text("default").replace("**Authors:**", comment, 1)
    report = lint_files(tmp_path, {"p.md": text}, {"select": ["AAR101"]})
    assert (not report.findings) is hidden


# Cache ----------------------------------------------------------------------------


def test_a_second_run_over_unchanged_files_reads_the_cache(tmp_path, monkeypatch):
    files = {f"{p}.md": demo_text(p).replace("**", "** [TBD]", 1) for p in BUILTIN}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = sorted(tmp_path.glob("*.md"))
    cache = tmp_path / ".aar-cache"

    def run() -> list[Finding]:
        return linter(tmp_path, {}, cache=cache).run(paths).findings

    first = run()
    assert first
    monkeypatch.setattr(Linter, "lint_text", lambda *a, **k: pytest.fail("linted again"))
    assert run() == first
    monkeypatch.undo()
    paths[0].write_text(files[paths[0].name] + "\nMore [Name]\n", encoding="utf-8")
    changed = run()
    assert len(changed) == len(first) + 1


def test_a_new_day_keeps_the_cache_and_moves_the_overdue_findings(tmp_path, monkeypatch):
    path = tmp_path / "p.md"
    path.write_text(demo_text("default"), encoding="utf-8")
    cache = tmp_path / ".aar-cache"

    def overdue(today: date) -> list[str]:
        report = linter(tmp_path, {}, today, cache=cache).run([path])
        return [f.message for f in report.findings if f.rule == "AAR205"]

    assert overdue(date(2026, 11, 10)) == []
    monkeypatch.setattr(Linter, "lint_text", lambda *a, **k: pytest.fail("linted again"))
    later = overdue(date(2027, 3, 1))
    assert later
    assert all("days ago" in message for message in later)
    assert len(list(cache.glob("lint-*.json"))) == 1


def test_a_comment_hides_overdue_items_on_every_run_without_reading_the_file_again(
    tmp_path, monkeypatch
):
    shown, hidden = tmp_path / "shown.md", tmp_path / "hidden.md"
    shown.write_text(demo_text("default"))
    hidden.write_text("<!-- aar: disable-file=AAR205 -->\n" + demo_text("default"))
    cache = tmp_path / ".aar-cache"

    def overdue() -> dict[str, int]:
        report = linter(tmp_path, {}, date(2027, 3, 1), cache=cache).run([shown, hidden])
        found = [Path(f.path).name for f in report.findings if f.rule == "AAR205"]
        return {name: found.count(name) for name in ("shown.md", "hidden.md")}

    assert overdue() == {"shown.md": 2, "hidden.md": 0}
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("read again"))
    assert overdue() == {"shown.md": 2, "hidden.md": 0}


def test_caches_of_other_configurations_are_kept_a_while(tmp_path):
    path = tmp_path / "p.md"
    path.write_text(demo_text("default"), encoding="utf-8")
    cache = tmp_path / ".aar-cache"
    for count in range(1, 8):
        linter(tmp_path, {"rules": {"AAR205": {"grace_days": count}}}, cache=cache).run([path])
    assert len(list(cache.glob("lint-*.json"))) == KEPT_CACHES


# Fixes ------------------------------------------------------------------------------


def test_fixes_apply_together_and_overlapping_ones_wait():
    def finding(*edits: Edit) -> Finding:
        return Finding("p.md", 1, 1, "AAR000", "x", "m", edits)

    text, count = apply_fixes(
        "abcdef",
        [finding(Edit(0, 1, "A")), finding(Edit(0, 2, "XY")), finding(Edit(4, 4, "-"))],
    )
    assert (text, count) == ("Abcd-ef", 2)


# Output formats ----------------------------------------------------------------------


@pytest.fixture
def report(tmp_path):
    text = demo_text("default").replace("**Authors:**", "**Authors:** [Name], 100%: a,b", 1)
    return lint_files(tmp_path, {"p.md": text, "q.md": "---\nx: [\n---\n"}, {"select": ["ALL"]})


def test_text_lines_name_file_line_column_rule_and_page(report, tmp_path):
    first = as_text(report, linter(tmp_path, {}).config).splitlines()[0]
    assert first.startswith(f"{tmp_path / 'p.md'}:6:14 AAR101 placeholder '[Name]'")
    assert first.endswith("(docs/rules/AAR101.md)")


def test_json_has_stable_names(report, tmp_path):
    data = json.loads(as_json(report, linter(tmp_path, {}).config))
    assert set(data) == {"findings", "errors", "fixed"}
    assert set(data["findings"][0]) == {
        "path", "line", "column", "rule", "name", "message", "fixable", "url",
    }  # fmt: skip
    assert data["errors"][0]["path"].endswith("q.md")


def test_github_annotations_escape_their_properties(report, tmp_path):
    lines = as_github(report, linter(tmp_path, {}).config).splitlines()
    assert lines[0].startswith(f"::warning file={tmp_path / 'p.md'},line=6,col=14,")
    assert "title=AAR101 placeholder::" in lines[0]
    assert lines[-1].startswith(f"::error file={tmp_path / 'q.md'},line=")
    odd = Finding("a,b:c.md", 1, 1, "AAR001", "x", "50% off\nnext line", ())
    odd_report = LintReport([FileReport("a,b:c.md", [odd])], [])
    [line] = as_github(odd_report, linter(tmp_path, {}).config).splitlines()
    assert line == "::warning file=a%2Cb%3Ac.md,line=1,col=1,title=AAR001 x::50%25 off%0Anext line"


def test_sarif_is_valid_sarif_2_1_0(report, tmp_path):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} is absent: `make test` fetches the official schema")
    log = json.loads(as_sarif(report, linter(tmp_path, {}).config))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert run["results"][0]["ruleId"] == "AAR101"
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["id"] == "AAR101"
    assert run["invocations"][0]["executionSuccessful"] is False
