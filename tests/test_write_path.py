"""The one write path: a file's own form kept, nothing overwritten that changed, no edit lost."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from afteraction.errors import ConflictError, ParseError, UsageError
from afteraction.filewrite import replace_document, write_new
from afteraction.service import actions as service
from afteraction.service import timeline as timeline_use
from afteraction.sourcetext import SourceText, digest_of
from afteraction.timeline.build import BuildOptions
from tests.conftest import open_workspace
from tests.lint_support import demo_text
from tests.test_actions import corpus
from tests.test_cli import aar

ITEMS = 12


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``aar`` in this process; return its exit code, stdout and stderr."""
    del capsys  # the runner captures the output itself
    done = aar(*args)
    return done.returncode, done.stdout, done.stderr


def many_items() -> str:
    """The default demo with ``ITEMS`` open action items."""
    text = re.sub(r"^\| [23] \| .*\n", "", demo_text("default"), flags=re.MULTILINE)
    rows = "\n".join(
        f"| {n} | Item number {n} | prevent | P2 | ana | 2026-12-{n:02d} | Open |  |"
        for n in range(1, ITEMS + 1)
    )
    return re.sub(r"^\| 1 \| Validate .*$", rows, text, flags=re.MULTILINE)


# --- The file's own form ---------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_file_is_written_back_with_its_own_line_endings_and_bom(newline):
    data = ("\ufeff# Title\n\nOne.\nTwo.\n").replace("\n", newline).encode()
    source = SourceText.decode(data, "pm.md")
    assert source.text == "# Title\n\nOne.\nTwo.\n"
    assert source.digest == digest_of(data)
    assert source.encode(source.text) == data
    assert source.encode("# Title\n\nOne.\n2.\n") == data.replace(b"Two.", b"2.")


def test_mixed_line_endings_are_kept_on_every_line_not_changed():
    data = b"# Title\r\n\r\nOne.\nTwo.\r\nThree.\rFour.\n"
    source = SourceText.decode(data, "pm.md")
    assert source.text == "# Title\n\nOne.\nTwo.\nThree.\nFour.\n"
    edited = source.text.replace("Three.", "Three, edited.").replace("Four.\n", "Four.\nFive.\n")
    # The lines kept keep their endings; the new line takes the file's usual one (CRLF).
    assert (
        source.encode(edited) == b"# Title\r\n\r\nOne.\nTwo.\r\nThree, edited.\r\nFour.\nFive.\r\n"
    )
    assert source.encode(source.text) == data


def test_text_that_is_not_utf8_names_its_line():
    with pytest.raises(ParseError, match=r"pm.md:2"):
        SourceText.decode(b"# Title\n\xff\n", "pm.md")


# --- One atomic write ------------------------------------------------------------------------


def test_an_edit_of_a_file_changed_since_it_was_read_is_refused(tmp_path):
    path = tmp_path / "pm.md"
    path.write_bytes(b"old\n")
    read = digest_of(b"old\n")
    path.write_bytes(b"someone else's edit\n")
    with pytest.raises(ConflictError, match="changed since it was read"):
        replace_document(path, b"mine\n", read)
    assert path.read_bytes() == b"someone else's edit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pm.md"]  # no temporary file left


def test_an_edit_keeps_permissions_symlinks_and_hard_links(tmp_path):
    target = tmp_path / "real.md"
    target.write_bytes(b"old\n")
    target.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    replace_document(link, b"new\n", digest_of(b"old\n"))
    assert link.is_symlink() and target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    other = tmp_path / "other-name.md"
    os.link(target, other)
    replace_document(target, b"newer\n", digest_of(b"new\n"))
    assert other.read_bytes() == b"newer\n" and os.path.samefile(target, other)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "other-name.md", "real.md"]


def test_a_read_only_file_is_not_rewritten(tmp_path):
    path = tmp_path / "pm.md"
    path.write_bytes(b"old\n")
    path.chmod(0o444)
    with pytest.raises(UsageError, match="read-only"):
        replace_document(path, b"new\n", digest_of(b"old\n"))
    assert path.read_bytes() == b"old\n"


def test_a_new_file_never_replaces_one_already_there_unless_forced(tmp_path):
    path = tmp_path / "deep" / "pm.md"
    write_new(path, b"first\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    with pytest.raises(ConflictError, match="already exists; use --force"):
        write_new(path, b"second\n")
    path.chmod(0o640)
    write_new(path, b"third\n", force=True)
    assert path.read_bytes() == b"third\n" and stat.S_IMODE(path.stat().st_mode) == 0o640


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- Every command that edits in place -------------------------------------------------------


def _crlf_corpus(tmp_path: Path) -> Path:
    folder = corpus(tmp_path, ["default"])
    path = folder / "default.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return path


def _changed_lines(before: bytes, after: bytes) -> list[bytes]:
    assert after.count(b"\r\n") == after.count(b"\n"), "a line lost its CRLF"
    old, new = before.split(b"\r\n"), after.split(b"\r\n")
    return [line for line in new if line not in old]


def test_actions_set_keeps_crlf(tmp_path, capsys):
    path = _crlf_corpus(tmp_path)
    before = path.read_bytes()
    code, _, err = run(
        capsys, "actions", "set", "INC-20261103-001#3", "--status", "done", "--in", str(path)
    )
    assert code == 0, err
    assert [line.split(b"|")[7].strip() for line in _changed_lines(before, path.read_bytes())] == [
        b"Done"
    ]


def test_actions_pull_keeps_crlf(tmp_path, capsys):
    path = _crlf_corpus(tmp_path)
    before = path.read_bytes()
    export = tmp_path / "linear.csv"
    export.write_text("Title,State,Key\nx,Completed,INC-20261103-001#3\n")
    code, _, err = run(capsys, "actions", "pull", str(export), "--in", str(path))
    assert code == 0, err
    assert len(_changed_lines(before, path.read_bytes())) == 1


def test_timeline_add_keeps_crlf(tmp_path, capsys):
    path = _crlf_corpus(tmp_path)
    before = path.read_bytes()
    log = tmp_path / "events.jsonl"
    log.write_text('{"time": "2026-11-03T14:30:00Z", "msg": "replica restarted"}\n')
    code, _, err = run(capsys, "timeline", "add", str(path), "--from", f"jsonl:{log}")
    assert code == 0, err
    added = _changed_lines(before, path.read_bytes())
    assert added and all(b"replica restarted" in line or not line.strip() for line in added)


def test_lint_fix_keeps_crlf(tmp_path, capsys):
    path = tmp_path / "pm.md"
    text = demo_text("default").replace("| 2 | Alert", "| 7 | Alert")  # AAR206 renumbers
    path.write_bytes(text.replace("\n", "\r\n").encode())
    before = path.read_bytes()
    run(capsys, "lint", "--fix", str(path))
    assert [line[:6] for line in _changed_lines(before, path.read_bytes())] == [b"| 2 | "]


# --- Refusing to overwrite -------------------------------------------------------------------


def test_new_does_not_overwrite_a_postmortem(tmp_path, capsys):
    path = tmp_path / "pm.md"
    path.write_text("# Filled in\n")
    code, _, err = run(capsys, "new", "-o", str(path))
    assert code == 2 and "already exists; use --force" in err
    assert path.read_text() == "# Filled in\n"
    code, _, err = run(capsys, "new", "-o", str(path), "--force")
    assert code == 0, err
    assert path.read_text() != "# Filled in\n"


@pytest.mark.parametrize("command", [["render"], ["convert", "--to", "sre"]])
def test_render_and_convert_do_not_write_over_their_input(tmp_path, capsys, command):
    path = tmp_path / "pm.md"
    path.write_text(demo_text("default"))
    code, _, err = run(capsys, *command, str(path), "-o", str(path))
    assert code == 2 and "is the input itself" in err
    assert path.read_text() == demo_text("default")


# --- Concurrent edits ------------------------------------------------------------------------


def test_concurrent_edits_never_lose_an_acknowledged_change(tmp_path, registry):
    path = tmp_path / "pm.md"
    path.write_text(many_items())
    landed: list[int] = []
    refused: list[int] = []
    start = threading.Barrier(ITEMS)

    def edit(number: int) -> None:
        space = open_workspace(tmp_path, registry)
        read = space.store.get(path)  # every edit starts from the same text
        start.wait()
        key = f"INC-20261103-001#{number}"
        try:
            service.set_action_status(space, key, "done", None, expected=read.digest)
        except ConflictError:
            refused.append(number)
        else:
            landed.append(number)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(1, ITEMS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(landed + refused) == list(range(1, ITEMS + 1))
    assert landed, "no edit landed"
    found = open_workspace(tmp_path, registry).store.get(path)
    states = {n: found.record.action_items[n - 1].status for n in range(1, ITEMS + 1)}
    assert {n for n, s in states.items() if s == "done"} == set(landed)
    assert [p.name for p in tmp_path.iterdir()] == ["pm.md"]


def test_racing_commands_report_every_edit_they_did_not_make(tmp_path):
    path = tmp_path / "pm.md"
    path.write_text(many_items())
    command = [sys.executable, "-c", "from afteraction.cli import main; main()", "actions", "set"]
    racing = {
        n: subprocess.Popen(
            [*command, f"INC-20261103-001#{n}", "--status", "done", "--in", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, 7)
    }
    said = {n: (p.communicate()[1], p.returncode) for n, p in racing.items()}
    text = path.read_text()
    for number, (err, code) in said.items():
        done = f"| Item number {number} | prevent | P2 | ana | 2026-12-{number:02d} | Done |"
        if code == 0:
            assert done in text, f"item {number} reported done but its edit is gone"
        else:
            assert code == 2 and "changed since it was read" in err, err
            assert done not in text


def test_a_timeline_is_not_added_to_a_file_changed_since_it_was_read(tmp_path, registry):
    path = tmp_path / "pm.md"
    path.write_text(demo_text("default"))
    space = open_workspace(tmp_path, registry)
    loaded = space.store.get(path)
    path.write_text(demo_text("default") + "\nA late edit.\n")
    log = tmp_path / "events.jsonl"
    log.write_text('{"time": "2026-11-03T14:30:00Z", "msg": "replica restarted"}\n')
    specs = timeline_use.source_specs([f"jsonl:{log}"])
    timeline = timeline_use.build_timeline(space, specs, BuildOptions())
    with pytest.raises(ConflictError):
        timeline_use.add_timeline(space, loaded, timeline)
    assert path.read_text().endswith("A late edit.\n")


def test_an_output_to_a_device_is_written_through_and_a_folder_refused(tmp_path):
    write_new(Path("/dev/null"), b"gone\n", force=True)  # a device: nothing to replace
    folder = tmp_path / "out.md"
    folder.mkdir()
    with pytest.raises(UsageError, match="not a regular file"):
        write_new(folder, b"x\n", force=True)
