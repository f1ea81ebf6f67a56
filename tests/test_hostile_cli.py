"""Broken and hostile input at the command line: one ``Error:`` line, exit 2, nothing written.

The CLI runs in-process through ``main()``; each case checks the exit code,
that stderr is a single line naming the file (and line and field where
there is one), that no traceback is printed and that no file was written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from afteraction import __version__
from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.inputs import MAX_INPUT_BYTES
from afteraction.profiles import ProfileRegistry
from afteraction.safeload import MAX_DEPTH
from tests.test_cli import aar as cli_run

Result = tuple[int, str, str]


@pytest.fixture
def aar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run ``aar`` in-process in ``tmp_path``; return exit code, stdout and stderr."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        done = cli_run(*args)
        return done.returncode, done.stdout, done.stderr

    return run


@pytest.fixture
def postmortem(tmp_path: Path, registry: ProfileRegistry) -> Callable[[str], Path]:
    """Write the default demo postmortem with one edit; return its path."""
    profile = registry.get("default")
    text = render_markdown(demo_record(profile), profile)

    def write(edit: str, name: str = "pm.md") -> Path:
        path = tmp_path / name
        path.write_text(edit.replace("{doc}", text), encoding="utf-8")
        return path

    return write


def files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def one_error(result: Result, *parts: str) -> None:
    code, _, err = result
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("Error: "), err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, err


# -- usage


def test_version_prints_the_version(aar):
    code, out, err = aar("--version")
    assert (code, out, err) == (0, f"aar {__version__}\n", "")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--bogus"], "aar: No such option: --bogus"),
        (["frobnicate"], "aar: No such command 'frobnicate'"),
        (["import"], "aar import: Missing argument 'file'"),
        (["import", "--bogus", "x.md"], "aar import: No such option: --bogus"),
        (["convert", "x.md"], "aar convert: Missing option '--to'"),
    ],
    ids=["unknown-option", "unknown-command", "missing-argument", "command-option", "no-to"],
)
def test_usage_errors_are_one_line_with_exit_2(aar, tmp_path, args, said):
    before = files(tmp_path)
    one_error(aar(*args), said, "--help")
    assert files(tmp_path) == before


# -- not a postmortem


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "pm.md:1: the file is empty"),
        ("\n  \n", "pm.md:1: the file is empty"),
        ('{"title": "x", "severity": 1}\n', "pm.md:1: this is JSON, not a Markdown postmortem"),
        ("just a line of prose\n", "pm.md:1: not a postmortem: no title, headings"),
    ],
    ids=["empty", "blank", "json", "prose"],
)
def test_what_is_no_postmortem_is_refused(aar, tmp_path, content, said):
    (tmp_path / "pm.md").write_text(content, encoding="utf-8")
    for command in (["import"], ["show"], ["render"], ["convert", "--to", "sre"]):
        one_error(aar(*command, "pm.md"), said)


# -- values in the document and its front matter


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (
            "---\nusers: " + "9" * 5000 + "\n---\n{doc}",
            "pm.md:2: front matter is not valid YAML: a number of 5000 characters",
        ),
        ("+++\nusers = " + "9" * 5000 + "\n+++\n{doc}", "pm.md:2: front matter holds a number"),
        ("---\ndate: 0000-00-00\n---\n{doc}", "pm.md:2: front matter is not valid YAML: '0000"),
        ("---\ndate: 2026-02-30\n---\n{doc}", "pm.md:2: front matter is not valid YAML: '2026"),
        (
            "---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n{doc}",
            f"pm.md:2: front matter is nested more than {MAX_DEPTH} levels deep",
        ),
        (
            "---\n" + "".join("  " * i + "k:\n" for i in range(5000)) + "---\n{doc}",
            f"pm.md:{MAX_DEPTH + 2}: front matter is nested more than {MAX_DEPTH} levels",
        ),
        (
            "+++\nx = " + "[" * 5000 + "]" * 5000 + "\n+++\n{doc}",
            "pm.md: front matter is nested more than",
        ),
    ],
    ids=["yaml-number", "toml-number", "year-0", "feb-30", "flow-deep", "block-deep", "toml-deep"],
)
def test_bad_front_matter_is_one_line(aar, postmortem, edit, said):
    postmortem(edit)
    for command in (["import"], ["show"], ["render"], ["convert", "--to", "sre"]):
        one_error(aar(*command, "pm.md"), said)
    # Named, the file is an error; found in a folder among others, only a warning.
    one_error(aar("actions", "export", "ics", "pm.md"), said)
    code, out, err = aar("actions", "export", "ics", ".")
    assert code == 0 and out.startswith("BEGIN:VCALENDAR")
    assert err.startswith("Warning: ") and said in err and "Traceback" not in err


def test_a_5000_digit_number_in_a_field_names_line_and_field(aar, postmortem):
    path = postmortem("{doc}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1200", "9" * 5000), encoding="utf-8")
    for command in (["import"], ["show"], ["render"], ["convert", "--to", "sre"]):
        one_error(aar(*command, "pm.md"), "pm.md:15: field 'Users affected'", "18 digits")


@pytest.mark.parametrize("command", [["import"], ["convert", "--to", "sre"], ["show"]])
def test_year_9999_key_times_are_refused(aar, postmortem, command):
    path = postmortem("{doc}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2026-11-03 14:02", "9999-12-31 23:59"), encoding="utf-8")
    one_error(aar(*command, "pm.md"), "pm.md:24: field 'Impact started'", "1900 to 2999")


def test_year_9999_in_an_ics_export_is_a_warning_not_a_crash(aar, postmortem):
    path = postmortem("{doc}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2026-11-03 14:02", "9999-12-31 23:59"), encoding="utf-8")
    one_error(aar("actions", "export", "ics", "pm.md"), "'Impact started'")
    code, out, err = aar("actions", "export", "ics", ".")
    assert code == 0 and out.startswith("BEGIN:VCALENDAR")
    assert "Traceback" not in err and "'Impact started'" in err


def test_new_started_in_year_9999_is_refused(aar, tmp_path):
    one_error(aar("new", "--started", "9999-12-31 23:30", "-o", "new.md"), "'--started'", "1900")
    assert not (tmp_path / "new.md").exists()


def test_around_in_year_9999_is_refused(aar, tmp_path):
    (tmp_path / "app.log").write_text("2026-11-03T14:00:00Z up\n", encoding="utf-8")
    one_error(
        aar("timeline", "build", "--from", "plain:app.log", "--around", "9999-12-31 23:59 +- 1h"),
        "'--around'",
    )


# -- files that are no regular file, or too large


def test_dev_zero_is_refused(aar):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    for command in (["import"], ["show"], ["render"]):
        one_error(aar(*command, "/dev/zero"), "/dev/zero: is a device, not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize(
    "command",
    [
        ["import", "pipe.md"],
        ["show", "pipe.md"],
        ["render", "pipe.md"],
        ["convert", "pipe.md", "--to", "sre"],
        ["timeline", "build", "--from", "plain:pipe.md"],
        ["timeline", "build", "--from", "deploys:pipe.md"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_fifo_is_refused_without_waiting_for_a_writer(aar, tmp_path, command):
    os.mkfifo(tmp_path / "pipe.md")
    one_error(aar(*command), "pipe.md: is a pipe (FIFO), not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_lint_reports_a_fifo_as_unreadable(aar, tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    code, _, err = aar("lint", "pipe.md", "--no-cache")
    assert code == 2 and "could not be read" in err and "Traceback" not in err


def test_a_file_over_the_size_limit_is_refused(aar, tmp_path):
    big = tmp_path / "big.md"
    with big.open("wb") as stream:  # sparse: no disk is used for the zeros
        stream.truncate(MAX_INPUT_BYTES + 1)
    one_error(aar("import", "big.md"), "big.md: is larger than the 64 MiB")


def test_bad_utf8_names_its_line(aar, tmp_path):
    (tmp_path / "pm.md").write_bytes(b"# T\n\nfine\n\xff broken\n")
    one_error(aar("import", "pm.md"), "pm.md:4: not UTF-8 text")


# -- configuration and timeline inputs


def test_a_deploys_file_nested_100000_deep_is_refused_before_loading(aar, tmp_path):
    (tmp_path / "deploys.yaml").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    one_error(
        aar("timeline", "build", "--from", "deploys:deploys.yaml"),
        f"deploys.yaml:1: deploys file is nested more than {MAX_DEPTH} levels deep",
    )


def test_a_configuration_with_a_huge_number_is_one_line(aar, tmp_path, postmortem):
    postmortem("{doc}")
    (tmp_path / ".afteraction.toml").write_text("[lint]\nx = " + "9" * 5000 + "\n")
    one_error(aar("import", "pm.md"), ".afteraction.toml", "configuration holds a number")


def test_output_is_not_written_when_the_input_is_refused(aar, tmp_path):
    (tmp_path / "pm.md").write_text('{"a": 1}\n', encoding="utf-8")
    one_error(aar("render", "pm.md", "-o", "out.md"), "this is JSON")
    one_error(aar("convert", "pm.md", "--to", "sre", "-o", "out.md"), "this is JSON")
    assert not (tmp_path / "out.md").exists()
