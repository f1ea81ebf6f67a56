"""Score the reading of every real postmortem against what a careful reader found.

``tests/reading_expectations.yaml`` holds, for each filled-in postmortem in
``../shared/fixtures/postmortems``, what a person found by reading it: the
title, how many timeline entries carry a time (and how many only a date),
the first timed entry in UTC, the key times, the severity as written, every
action item with its owner and done state, and a phrase of the root cause.
Each of those is one point; the score is the share of points the importer
gets right. ``python -m tools.reading_score`` prints every miss.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from afteraction.model import Incident
from afteraction.profiles import ProfileRegistry
from afteraction.service import documents as service

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = ROOT / "tests" / "reading_expectations.yaml"
POSTMORTEMS = ROOT.parent / "shared" / "fixtures" / "postmortems"
KEY_TIMES = ("started", "detected", "acknowledged", "mitigated", "resolved")


@dataclass
class FileScore:
    """The points one postmortem earned, and the fields it missed."""

    name: str
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def check(self, what: str, got: object, want: object, ok: bool | None = None) -> None:
        """Count one point: right when ``ok`` (or, without it, when got equals want)."""
        self.total += 1
        if ok if ok is not None else got == want:
            self.right += 1
        else:
            self.misses.append(f"{what}: read {got!r}, expected {want!r}")


def _words(text: str | None) -> str:
    """Text folded for comparison: markup and quotes dropped, spaces squashed, case folded."""
    plain = re.sub(r"[*_`~\"\u201c\u201d]|\[(?=[^\]]*\]\()|\]\([^)]*\)", "", text or "")
    return " ".join(plain.split()).casefold()


def _minute(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if value else None


def _owner(text: str | None) -> str | None:
    return _words(text).lstrip("@") or None if text else None


def score(record: Incident, name: str, want: dict[str, object]) -> FileScore:
    """Compare one record with the expectations written for its file."""
    result = FileScore(name)
    title = _words(str(want["title"] or ""))
    result.check("title", record.title, want["title"], _words(record.title) == title)
    timed = [e for e in record.timeline if e.time is not None]
    result.check("timed entries", len(timed), want["timed"])
    if "dated" in want:
        dated = [e for e in record.timeline if e.time is None and getattr(e, "date", None)]
        result.check("date-only entries", len(dated), want["dated"])
    result.check("first timed entry", _minute(timed[0].time if timed else None), want["first"])
    times = want.get("times") or {}
    assert isinstance(times, dict)
    for key in KEY_TIMES:
        if key in times:
            result.check(f"times.{key}", _minute(getattr(record.times, key)), times[key])
    # A severity mapped onto the profile's scale keeps its words as written in its reading.
    mapped = record.reading("severity")
    written = mapped.written if mapped else record.severity
    severity = want.get("severity")
    same = _words(written).strip("[] ") == _words(str(severity or ""))
    result.check("severity", written, severity, same)
    _score_actions(result, record, want.get("actions") or [])
    phrase = want.get("root_cause")
    found = _words(record.root_cause)
    ok = (_words(str(phrase)) in found) if phrase else not found
    result.check("root cause", (record.root_cause or "")[:60] or None, phrase, ok)
    return result


def _score_actions(result: FileScore, record: Incident, wanted: object) -> None:
    assert isinstance(wanted, list)
    items = record.action_items
    result.check("action items", len(items), len(wanted))
    for index, want in enumerate(wanted, start=1):
        item = items[index - 1] if index <= len(items) else None
        title = item.title if item else None
        result.check(
            f"action {index} title",
            title,
            want["title"],
            _words(title).startswith(_words(str(want["title"]))) if item else False,
        )
        owner = item.owner if item else None
        result.check(
            f"action {index} owner",
            owner,
            want.get("owner"),
            _owner(owner) == _owner(want.get("owner")),
        )
        done = bool(item and item.status == "done")
        result.check(f"action {index} done", done, bool(want.get("done")))


def expectations(path: Path = EXPECTATIONS) -> dict[str, dict[str, object]]:
    """Read the hand-written expectations, keyed by file name."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path}: a mapping of file names is expected"
    return loaded


def scores(registry: ProfileRegistry, folder: Path = POSTMORTEMS) -> Iterator[FileScore]:
    """Score every filled-in postmortem of the folder that has expectations."""
    for name, want in sorted(expectations().items()):
        record = service.load(folder / name, registry).record
        yield score(record, name, want)


def main() -> int:
    """Print each file's misses and the overall score."""
    right = total = 0
    for result in scores(ProfileRegistry.discover()):
        right += result.right
        total += result.total
        print(f"{result.right:3}/{result.total:<3} {result.name}")
        for miss in result.misses:
            print(f"        {miss}")
    print(f"score: {right}/{total} = {right / total:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
