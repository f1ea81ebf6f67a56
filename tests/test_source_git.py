"""The git source: a real repository's history, and git log output in its text formats."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.sources.gitlog import GitLog, tags_of
from afteraction.timeline.spec import SourceSpec

# (author, author date, commit date, file, subject): the last one was rebased the next day.
COMMITS = [
    ("Ana Silva", "2026-11-03T13:00:00+01:00", "2026-11-03T13:00:00+01:00", "payments/client.py",
     "Add retry to payments client"),
    ("Bo Chen", "2026-11-03T14:02:11+01:00", "2026-11-03T14:02:11+01:00", "db/pool.cfg",
     "Raise pool size"),
    ("Ana Silva", "2026-11-02T09:00:00Z", "2026-11-03T15:30:00Z", "db/pool.cfg",
     "Revert pool size"),
]  # fmt: skip


def git(repo: Path, *args: str, **env: str) -> str:
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env={**base, **env}, capture_output=True, check=True
    )
    return done.stdout.decode()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository 'payments-api' with three commits at fixed times and a tag on the second."""
    root = tmp_path_factory.mktemp("git") / "payments-api"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for number, (author, authored, committed, name, subject) in enumerate(COMMITS):
        path = root / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"version {number}\n")
        git(root, "add", name)
        git(
            root,
            "commit",
            "-q",
            "-m",
            f"{subject}\n\nWhy: the body is not the subject.",
            GIT_AUTHOR_NAME=author,
            GIT_AUTHOR_EMAIL=f"{author.split()[0].lower()}@example.com",
            GIT_AUTHOR_DATE=authored,
            GIT_COMMITTER_DATE=committed,
        )
        if number == 1:
            git(root, "tag", "v1.2.0")
    return root


def read(path: Path | None, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    spec = SourceSpec("git", path, options)
    problems = Problems(spec.label, strict=strict)
    return list(GitLog(spec, problems).events()), problems


def shas(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%H").split()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# A repository ------------------------------------------------------------------------------


def test_a_repository_gives_each_commit_as_a_deploy(repo):
    events, problems = read(repo)
    assert [e.text for e in events] == [
        "Revert pool size",
        "Raise pool size (tag v1.2.0)",
        "Add retry to payments client",
    ]
    assert [e.time for e in events] == [utc(c[2]) for c in reversed(COMMITS)]
    assert events[1].time == datetime(2026, 11, 3, 13, 2, 11, tzinfo=UTC)
    assert {e.kind for e in events} == {Kind.DEPLOY}
    assert [e.actor for e in events] == ["Ana Silva", "Bo Chen", "Ana Silva"]
    assert [e.key for e in events] == shas(repo)
    assert {e.component for e in events} == {"payments-api"}
    assert {e.source for e in events} == {"git"}
    assert (events[0].link, events[0].origin) == (None, str(repo))
    assert problems.count == 0


def test_author_dates_on_request(repo):
    events, _ = read(repo, date="author")
    assert events[0].time == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_since_and_until_bound_the_commits_in_the_given_zone(repo):
    events, _ = read(repo, since="2026-11-03 14:00", zone="Europe/Paris")
    assert [e.text for e in events] == ["Revert pool size", "Raise pool size (tag v1.2.0)"]
    events, _ = read(repo, until="2026-11-03T13:30:00Z")
    assert [e.text for e in events] == [
        "Raise pool size (tag v1.2.0)",
        "Add retry to payments client",
    ]


def test_rev_branch_and_paths_choose_the_commits(repo):
    assert [e.text for e in read(repo, rev="v1.2.0..main")[0]] == ["Revert pool size"]
    assert len(read(repo, branch="main")[0]) == 3
    events, _ = read(repo, paths="payments|docs")
    assert [e.text for e in events] == ["Add retry to payments client"]
    with pytest.raises(UsageError, match="not both"):
        read(repo, rev="main", branch="main")


def test_a_revision_is_never_taken_as_a_flag(repo, tmp_path):
    target = tmp_path / "written"
    with pytest.raises(UsageError, match="git log failed"):
        read(repo, rev=f"--output={target}")
    assert not target.exists()


def test_component_and_link_options(repo):
    events, _ = read(repo, component="payments", link="https://git.example.com/c/{sha}?x={y}")
    assert events[0].component == "payments"
    assert events[0].link == f"https://git.example.com/c/{shas(repo)[0]}?x={{y}}"


def test_a_folder_that_is_no_repository_is_refused(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(UsageError, match="not a git repository") as caught:
        read(folder)
    assert caught.value.file == str(folder)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date": "push"}, "'push' is not committer or author"),
        ({"link": "https://x/commit"}, "has no {sha} in it"),
        ({"since": "the outage"}, "'the outage' is not a time"),
    ],
)
def test_bad_options_are_refused(repo, options, message):
    with pytest.raises(UsageError) as caught:
        read(repo, **options)
    assert message in str(caught.value)


def test_git_is_registered():
    assert SourceRegistry.discover().get("git") is GitLog


# git log output ---------------------------------------------------------------------------


def test_saved_default_output_gives_author_dates_with_a_note(repo, tmp_path):
    path = tmp_path / "git.log"
    path.write_text(git(repo, "log"))
    events, problems = read(path)
    assert [e.key for e in events] == shas(repo)
    assert [e.time for e in events] == [utc(c[1]) for c in reversed(COMMITS)]
    assert [e.actor for e in events] == ["Ana Silva", "Bo Chen", "Ana Silva"]
    assert events[0].text == "Revert pool size"
    assert events[0].component is None
    assert (events[0].origin, events[1].origin) == (f"{path}:1", f"{path}:9")
    assert problems.notes == [
        "git log's default format has author dates only: commits are placed at them"
        " (--pretty=fuller gives commit dates)"
    ]


def test_saved_fuller_output_with_patches_and_decorations_gives_commit_dates(repo, tmp_path):
    path = tmp_path / "git.log"
    path.write_text(git(repo, "log", "--pretty=fuller", "--decorate", "-p", "--stat"))
    events, problems = read(path, component="payments")
    assert [(e.time, e.text) for e in events] == [
        (utc(c[2]), c[4] + (" (tag v1.2.0)" if c[4] == "Raise pool size" else ""))
        for c in reversed(COMMITS)
    ]
    assert {e.component for e in events} == {"payments"}
    assert problems.count == 0
    assert problems.notes == []


def test_written_output_in_the_default_date_format(tmp_path):
    path = tmp_path / "git.log"
    path.write_text(
        "commit 1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c (tag: v2.0.1, origin/main)\n"
        "Merge: 0a1b2c3 4d5e6f7\n"
        "Author: Dee Ray <dee@example.com>\n"
        "Date:   Tue Nov 3 14:02:11 2026 +0100\n"
        "\n"
        "    Merge pull request #88 from ops/pool\n"
        "\n"
        "    Raise the pool\n"
    )
    (event,), _ = read(path)
    assert event.time == datetime(2026, 11, 3, 13, 2, 11, tzinfo=UTC)
    assert (event.actor, event.text) == (
        "Dee Ray",
        "Merge pull request #88 from ops/pool (tag v2.0.1)",
    )
    assert event.key == "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c"


def test_output_is_read_from_stdin(repo, monkeypatch):
    data = git(repo, "log", "--pretty=fuller").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    events, _ = read(None)
    assert [e.key for e in events] == shas(repo)
    assert events[0].origin == "<stdin>:1"


GARBLED = """\
commit aaaaaaa1
Author: Ana <a@x>
Date:   Tue Nov 3 10:00:00 2026 +0000

    good one

commit bbbbbbb2
Author Bob without a colon
Date:   Tue Nov 3 11:00:00 2026 +0000

    garbled header

commit ccccccc3
Author: Cy <c@x>

    no date

commit not-a-hash
Author: Di <d@x>
Date:   Tue Nov 3 12:00:00 2026 +0000

    lost with its commit line

commit ddddddd4
Author: Ed <e@x>
Date:   the day before yesterday

    bad date

commit eeeeeee5
Author: Fa
Date:   Tue Nov 3 13:00:00 2026 +0000

    good two
"""


def test_garbled_blocks_are_counted_with_their_lines_and_the_rest_read(tmp_path):
    path = tmp_path / "git.log"
    path.write_text(GARBLED)
    events, problems = read(path)
    assert [(e.key, e.actor, e.text) for e in events] == [
        ("aaaaaaa1", "Ana", "good one"),
        ("eeeeeee5", "Fa", "good two"),
    ]
    assert [(p.line, p.message) for p in problems.first] == [
        (8, "commit bbbbbbb2: header line is not 'Name: value'"),
        (13, "commit ccccccc3 has no Date line"),
        (18, "'commit' line without a commit hash: 'commit not-a-hash'"),
        (26, "commit ddddddd4: Date: not a time: 'the day before yesterday'"),
    ]
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 8)


def test_other_text_is_refused_naming_the_file_and_line(tmp_path):
    path = tmp_path / "oneline.log"
    path.write_text("\n1f2e3d4 Raise pool size\n")
    with pytest.raises(UsageError, match="not git log output") as caught:
        read(path)
    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_repository_options_need_a_repository(tmp_path):
    path = tmp_path / "git.log"
    path.write_text(GARBLED)
    with pytest.raises(UsageError, match="paths= needs a repository folder"):
        read(path, paths="db")


def test_tags_are_read_from_ref_lists():
    assert tags_of("HEAD -> main, tag: v1.2.0, tag: prod, origin/main") == ("v1.2.0", "prod")
    assert tags_of("") == ()
