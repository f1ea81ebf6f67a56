"""Read tracker states back: a CSV or JSON export matched to action items by their keys.

Trackers say "Closed", "Won't Do" or "In Review"; each is mapped onto the
four action states. An export row is matched by the stable key it carries:
in a column of its own (the exports write one) or, in text such as an
issue body, as the marker ``aar-key: INC-...#N``. A key's number is the
item's ID or place, which renumbering (``aar lint --fix``) or a new item can
change after the export; so a row whose title is still the title of exactly
one item of its incident is matched to that item, whatever its number now.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from afteraction.csvcell import restore_cell
from afteraction.document.kinds.action_build import SYNONYMS
from afteraction.errors import UsageError
from afteraction.followup.items import PlacedItem, incident_name
from afteraction.inputs import read_input_text

_KEY = re.compile(r"(?:aar-key:\s*)?(?P<key>[A-Za-z][\w.-]*#[\w.-]+)")
# Keys of incidents without an ID are their titles, spaces and all: ``Feed outage#1``.
# The key stops at the next marker, so a cell of repeated markers is read in one pass.
_MARKER = re.compile(r"aar-key:\s*(?P<key>(?:(?!aar-key:)[^\n<>#])+#[\w.-]+)")
_KEY_COLUMNS = ("postmortem key", "aar key", "key", "external id", "external_id")
_STATUS_COLUMNS = ("status", "state", "issue state")
# Where the exports write the item's title: Jira's Summary, Linear's and GitHub's Title.
_TITLE_COLUMNS = ("summary", "title", "name")
# Trackers' words for the four states, besides those documents use (the reader's SYNONYMS).
TRACKER_WORDS = {
    "done": ("resolved", "shipped", "merged"),
    "in_progress": ("in_progress", "in review", "doing", "active"),
    "cancelled": (
        "wont do",
        "won't fix",
        "duplicate",
        "not_planned",
        "not planned",
        "declined",
        "rejected",
        "obsolete",
    ),
    "open": ("backlog", "triage", "new", "reopened", "selected"),
}
_BY_WORD = {
    **SYNONYMS,
    **{word: state for state, words in TRACKER_WORDS.items() for word in words},
}


@dataclass(frozen=True)
class TrackerState:
    """What a tracker says of one item: its key, the state it means, and the words it used."""

    key: str
    state: str
    written: str
    where: str
    title: str | None = None


@dataclass
class TrackerExport:
    """The states an export holds, and the rows it could not use (with why)."""

    states: list[TrackerState] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def tracker_state(word: str) -> str | None:
    """Return the action state a tracker's status words mean, or None."""
    return _BY_WORD.get(" ".join(word.strip().casefold().replace("-", " ").split()))


def read_export(path: Path) -> TrackerExport:
    """Read a tracker's CSV or JSON export (told by its first character, then its suffix)."""
    text = read_input_text(path, encoding="utf-8-sig")
    if text.lstrip()[:1] in ("[", "{"):
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise UsageError(f"not JSON: {exc.msg}", file=path, line=exc.lineno) from None
        return _from_json(data, path)
    return _from_csv(text, path)


def _from_json(data: Any, path: Path) -> TrackerExport:
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise UsageError("not a tracker export: expected a list of issues", file=path)
    export = TrackerExport()
    for index, item in enumerate(data):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            export.skipped.append(f"{where}: not an object")
            continue
        key = _key_in(item)
        written = _status_in(item)
        title = next((item[n] for n in _TITLE_COLUMNS if isinstance(item.get(n), str)), None)
        _add(export, key, written, where, title)
    return export


def _from_csv(text: str, path: Path) -> TrackerExport:
    reader = csv.DictReader(io.StringIO(text))
    header = {name.strip().casefold(): name for name in reader.fieldnames or []}
    status_column = next((header[n] for n in _STATUS_COLUMNS if n in header), None)
    if status_column is None:
        raise UsageError(
            f"the export has no Status column (columns: {', '.join(header.values())})", file=path
        )
    key_column = next((header[n] for n in _KEY_COLUMNS if n in header), None)
    title_column = next((header[n] for n in _TITLE_COLUMNS if n in header), None)
    export = TrackerExport()
    for written_row in reader:
        where = f"{path}:{reader.line_num}"
        # Our own exports put a quote before a formula-like cell (csvcell); read it as written.
        row = {k: restore_cell(v) if isinstance(v, str) else v for k, v in written_row.items()}
        written = (row.get(key_column) or "").strip() if key_column else ""
        key = written if "#" in written else None
        key = key or _key_in(row)
        title = row.get(title_column) if title_column else None
        _add(export, key, row.get(status_column) or "", where, title)
    return export


def _add(
    export: TrackerExport, key: str | None, written: str, where: str, title: str | None = None
) -> None:
    if key is None:
        export.skipped.append(f"{where}: no postmortem key")
        return
    state = tracker_state(written)
    if state is None:
        export.skipped.append(f"{where}: status '{written}' means no known state")
        return
    export.states.append(TrackerState(key, state, written, where, title or None))


def _clean_key(text: str) -> str | None:
    match = _KEY.fullmatch(text.strip())
    return match["key"] if match else None


def _key_in(item: Mapping[str, Any]) -> str | None:
    """Return the key a row holds: a field that is a key, or a marker in its text."""
    for value in _texts(item):
        marker = _MARKER.search(value)
        if marker:
            return marker["key"]
    for value in _texts(item):
        key = _clean_key(value)
        if key:
            return key
    return None


def _texts(item: Mapping[str, Any]) -> Iterator[str]:
    for value in item.values():
        if isinstance(value, str):
            yield value


def _status_in(item: Mapping[str, Any]) -> str:
    """Return a JSON issue's status words (GitHub: state and state_reason)."""
    reason = item.get("state_reason")
    if isinstance(reason, str) and reason == "not_planned":
        return reason
    for name in ("status", "state"):
        value = item.get(name)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str):
            return value
    return ""


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass
class Matches:
    """Which item each tracker row means; keys no item has; rows left alone, with why."""

    found: list[tuple[TrackerState, PlacedItem]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def match_states(states: Collection[TrackerState], items: Iterable[PlacedItem]) -> Matches:
    """Find each row's item: the one item of its incident with the row's title, else its key's.

    A key's item that another row already names by title is not taken by key:
    the items were renumbered or moved since the export, and the row whose
    title changed in the tracker is reported instead of setting the wrong item.
    """
    by_key: dict[str, list[PlacedItem]] = {}
    by_title: dict[tuple[str, str], list[PlacedItem]] = {}
    for placed in items:
        by_key.setdefault(placed.key, []).append(placed)
        title = (incident_name(placed.postmortem.brief), _title_key(placed.item.title))
        by_title.setdefault(title, []).append(placed)
    matches = Matches()
    titled: dict[str, PlacedItem] = {}
    for state in states:
        same = by_title.get((state.key.rpartition("#")[0], _title_key(state.title or "")), [])
        if state.title and len(same) == 1:
            titled[state.key] = same[0]
    claimed = {id(p) for p in titled.values()}
    for state in states:
        where = [titled[state.key]] if state.key in titled else by_key.get(state.key, [])
        if not where:
            matches.unknown.append(state.key)
        elif len(where) > 1:
            matches.skipped.append(f"{state.key}: the key is in several documents")
        elif state.key not in titled and id(where[0]) in claimed:
            matches.skipped.append(
                f"{state.key}: the item with this key is now '{where[0].item.title}', which"
                " another row names; the tracker's title matches no item"
            )
        else:
            matches.found.append((state, where[0]))
    return matches
