"""Changes from git history: a repository's ``git log``, or ``git log`` output saved to a file."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.inputs import decode, read_lines
from afteraction.timeline.problems import Problems
from afteraction.timeline.source import Source
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.times import parse_time

# One commit per line: hash, author (mailmap applied), author and committer dates, refs, subject.
FORMAT = "%H%x1f%aN%x1f%aI%x1f%cI%x1f%D%x1f%s"
_COMMIT = re.compile(r"^commit ([0-9a-f]{7,64})(?: .*?\((?P<refs>[^()]*)\))?\s*$")
_HEADER = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")
# Header names holding each date, by the date= option; the first one present is used.
_DATE_HEADERS = {"committer": ("CommitDate", "Date"), "author": ("AuthorDate", "Date")}
REPOSITORY_OPTIONS = ("rev", "branch", "paths")


@dataclass(frozen=True)
class Commit:
    """One commit as read: its hash, author, time, tags and subject, and where it was read."""

    sha: str
    author: str | None
    time: datetime
    subject: str
    tags: tuple[str, ...] = ()
    line: int | None = None


@dataclass
class _Block:
    """The lines of one commit in ``git log`` output, read so far."""

    sha: str
    line: int
    tags: tuple[str, ...]
    headers: dict[str, tuple[str, int]] = field(default_factory=dict)
    subject: str | None = None
    in_message: bool = False
    garbled: int | None = None

    def read(self, line: str, number: int) -> None:
        """Take one line: a header, the blank line after them, or a line of the message."""
        if self.in_message:
            if self.subject is None and line.startswith("    ") and line.strip():
                self.subject = line.strip()
            return
        header = _HEADER.match(line)
        if not line.strip():
            self.in_message = True
        elif header:
            self.headers.setdefault(header[1], (header[2].strip(), number))
        elif self.garbled is None:
            self.garbled = number


def tags_of(refs: str | None) -> tuple[str, ...]:
    """Return the tag names in git's ref list (``HEAD -> main, tag: v1.2``)."""
    parts = (ref.strip() for ref in (refs or "").split(","))
    return tuple(ref.removeprefix("tag: ") for ref in parts if ref.startswith("tag: "))


class GitLog(Source):
    """Commits as ``deploy`` events: each by its author, at the time it landed.

    PATH is a repository folder (``git log`` is run in it) or a file (or
    stdin) of ``git log`` output in the default or ``--pretty=fuller``
    format. The event's key is the commit hash; tags are named in the text.
    """

    name = "git"
    summary = "git history: a repository folder (git log is run), or saved git log output"
    options = {
        "since": "only commits from this time on",
        "until": "only commits up to this time",
        "rev": "branch, tag or range to read in a repository (default HEAD), e.g. v1.2..main",
        "branch": "the branch to read in a repository (the same as rev=)",
        "paths": "only commits touching these paths of the repository, '|' between several",
        "component": "what the changes are to (default: the repository folder's name)",
        "date": "which time places a commit: committer (default: when it landed) or author",
        "link": "a commit's URL with {sha} in it, e.g. https://github.com/org/app/commit/{sha}",
    }

    def __init__(self, spec: SourceSpec, problems: Problems) -> None:
        super().__init__(spec, problems)
        options = spec.options
        self.since = self._time_option("since")
        self.until = self._time_option("until")
        self.date = options.get("date", "committer").lower()
        if self.date not in _DATE_HEADERS:
            raise UsageError(f"'{self.date}' is not committer or author", field="git[date]")
        self.link = options.get("link")
        if self.link is not None and "{sha}" not in self.link:
            raise UsageError(f"'{self.link}' has no {{sha}} in it", field="git[link]")
        if "rev" in options and "branch" in options:
            raise UsageError("give rev= or branch=, not both", field="git[rev]")

    def _time_option(self, name: str) -> datetime | None:
        value = self.spec.options.get(name)
        if value is None:
            return None
        try:
            moment = parse_time(value, self.zone)
        except ValueError:
            moment = None
        if moment is None:
            raise UsageError(f"'{value}' is not a time", field=f"git[{name}]")
        return moment

    def events(self) -> Iterator[Event]:
        """Yield a deploy event per commit (newest first, as git lists them)."""
        path = self.spec.path
        component = self.spec.options.get("component")
        if path is not None and path.is_dir():
            commits = self._repository(path)
            component = component or path.resolve().name
        else:
            given = [name for name in REPOSITORY_OPTIONS if name in self.spec.options]
            if given:
                raise UsageError(
                    f"{given[0]}= needs a repository folder, not git log output",
                    file=self.spec.label,
                    field=f"git[{given[0]}]",
                )
            commits = self._log_output()
        for commit in commits:
            if (self.since and commit.time < self.since) or (
                self.until and commit.time > self.until
            ):
                continue
            tags = f" (tag {', '.join(commit.tags)})" if commit.tags else ""
            yield Event(
                time=commit.time,
                source=self.name,
                kind=Kind.DEPLOY,
                text=(commit.subject or f"Commit {commit.sha[:12]}") + tags,
                actor=commit.author,
                component=component,
                link=self.link.replace("{sha}", commit.sha) if self.link else None,
                key=commit.sha,
                origin=self.origin(commit.line),
            )

    def _repository(self, path: Path) -> Iterator[Commit]:
        """Run ``git log`` in a repository and read its commits."""
        output = _git(path, self._arguments())
        for number, line in enumerate(output.splitlines(), 1):
            fields = line.split("\x1f", 5)
            if len(fields) != 6:
                self.problems.add(f"git log line {number} is not {FORMAT}")
                continue
            sha, author, authored, committed, refs, subject = fields
            try:
                time = parse_time(committed if self.date == "committer" else authored)
            except ValueError as exc:
                self.problems.add(f"commit {sha}: {exc}")
                continue
            if time is None:
                self.problems.add(f"commit {sha}: no date")
                continue
            yield Commit(sha, author or None, time, subject.strip(), tags_of(refs))

    def _arguments(self) -> list[str]:
        """Return ``git log``'s arguments for the options (revisions and paths never as flags)."""
        options = self.spec.options
        arguments = ["--no-color", "--no-show-signature", "--encoding=UTF-8", f"--format={FORMAT}"]
        if self.since:
            # A commit is committed after it is authored: git may cut by commit date.
            arguments.append(f"--since={self.since.isoformat()}")
        arguments.append("--end-of-options")
        revision = options.get("rev") or options.get("branch")
        if revision:
            arguments.append(revision)
        paths = [p.strip() for p in options.get("paths", "").split("|") if p.strip()]
        return [*arguments, "--", *paths]

    def _log_output(self) -> Iterator[Commit]:
        """Read ``git log`` output (default or ``--pretty=fuller`` format), block by block."""
        block: _Block | None = None
        started = False
        for number, raw in read_lines(self.spec.input):
            line = decode(raw)
            commit = _COMMIT.match(line)
            if commit or line.startswith("commit "):
                if block is not None:
                    yield from self._finish(block)
                block = _Block(commit[1], number, tags_of(commit["refs"])) if commit else None
                if commit is None:
                    self.problems.add(f"'commit' line without a commit hash: {line!r}", number)
                started = True
            elif block is not None:
                block.read(line, number)
            elif not started and line.strip():
                raise UsageError(
                    "not git log output: expected 'commit <hash>' blocks (git log's default"
                    " or --pretty=fuller format)",
                    file=self.spec.label,
                    line=number,
                )
        if block is not None:
            yield from self._finish(block)

    def _finish(self, block: _Block) -> Iterator[Commit]:
        """Yield the commit of a complete block, or report what it lacks."""
        where = f"commit {block.sha[:12]}"
        if block.garbled is not None:
            self.problems.add(f"{where}: header line is not 'Name: value'", block.garbled)
            return
        author = block.headers.get("Author")
        dated = next((h for h in _DATE_HEADERS[self.date] if h in block.headers), None)
        if author is None or dated is None:
            missing = "Author" if author is None else "Date"
            self.problems.add(f"{where} has no {missing} line", block.line)
            return
        if self.date == "committer" and dated == "Date":
            self.problems.note(
                "git log's default format has author dates only: commits are"
                " placed at them (--pretty=fuller gives commit dates)"
            )
        value, line = block.headers[dated]
        try:
            time = parse_time(value, self.zone)
        except ValueError as exc:
            self.problems.add(f"{where}: {dated}: {exc}", line)
            return
        if time is None:
            self.problems.add(f"{where}: {dated} is empty", line)
            return
        name = author[0].rpartition(" <")[0] or author[0]
        yield Commit(
            block.sha, name.strip() or None, time, block.subject or "", block.tags, block.line
        )


def _git(path: Path, arguments: list[str]) -> str:
    """Return what ``git log`` prints for a repository folder, or fail saying why."""
    command = ["git", "--no-pager", "-C", str(path), "log", *arguments]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError(
            "git is not installed (it is needed to read a repository)", file=path
        ) from None
    if done.returncode != 0:
        said = decode(done.stderr).strip().splitlines()
        reason = said[-1] if said else f"exit status {done.returncode}"
        raise UsageError(f"git log failed: {reason}", file=path)
    return decode(done.stdout)
