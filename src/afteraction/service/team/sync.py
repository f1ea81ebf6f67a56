"""Docs-as-code: keep a folder of Markdown postmortems (a git repository) and the store in step.

Both ways: a file new or changed since the last sync becomes a new revision in
the store; a postmortem new or changed in the store is written as its file,
byte for byte as stored (so a diff shows only what changed). A postmortem
changed on both sides since the last sync is a conflict: it is reported with
a diff and neither side is changed. What the last sync saw is kept in
``.aar-sync.json`` in the folder, so running it twice changes nothing.

The store is reached directly (a database URL) or through a server's API.
"""

from __future__ import annotations

import difflib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from afteraction.document.loaded import read_source_text
from afteraction.errors import AfteractionError, ConflictError, UsageError
from afteraction.filewrite import replace_document, write_new
from afteraction.inputs import read_input_bytes
from afteraction.profiles import ProfileRegistry
from afteraction.service.team import postmortems
from afteraction.service.team.context import Actor, Team
from afteraction.sourcetext import SourceText, digest_of
from afteraction.store import FolderStore

STATE_FILE = ".aar-sync.json"
STATE_FORMAT = 1
PAGE = 200


class Remote(Protocol):
    """The store seen from a sync: versions, texts, new and replaced postmortems."""

    def versions(self) -> dict[str, int]:
        """Return every postmortem's ID and version."""
        ...

    def text(self, ref: str) -> tuple[bytes, int]:
        """Return a postmortem's bytes as stored and its version."""
        ...

    def create(self, data: bytes, name: str) -> tuple[str, int]:
        """Store a new postmortem; return its ID and version."""
        ...

    def replace(self, ref: str, data: bytes, version: int) -> int:
        """Replace the text of version ``version``; return the new version."""
        ...


class DatabaseRemote:
    """The store of a team's database, used as ``actor``."""

    def __init__(self, team: Team, actor: Actor) -> None:
        self.team = team
        self.actor = actor

    def versions(self) -> dict[str, int]:
        """Return every postmortem's ID and version (the actor's view)."""
        found: dict[str, int] = {}
        offset = 0
        while True:
            query = postmortems.PostmortemQuery(sort="id", limit=PAGE, offset=offset)
            page = postmortems.list_postmortems(self.team, self.actor, query)
            found.update({item["id"]: item["version"] for item in page.items})
            offset += PAGE
            if offset >= page.total:
                return found

    def text(self, ref: str) -> tuple[bytes, int]:
        """Return a postmortem's bytes and version."""
        stored = postmortems.text_of(self.team, self.actor, ref)
        return stored.text.encode("utf-8"), stored.version

    def create(self, data: bytes, name: str) -> tuple[str, int]:
        """Import a new postmortem."""
        shown = postmortems.import_postmortem(
            self.team, self.actor, data, name=name, message=f"sync: {name}"
        )
        return str(shown.data["id"]), shown.version

    def replace(self, ref: str, data: bytes, version: int) -> int:
        """Replace a postmortem's text (refused if it is no longer at ``version``)."""
        return postmortems.replace_text(self.team, self.actor, ref, data, version, "sync").version


class ApiRemote:
    """The store of a running server, through its REST API and a token."""

    def __init__(self, base: str, token: str, timeout: float = 60) -> None:
        self.base = base.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout

    def _call(
        self,
        method: str,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.read(), {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            detail = _detail(exc.read().decode("utf-8", "replace"))
            if exc.code in (409, 412):
                raise ConflictError(f"{method} {path}: {detail}") from None
            raise UsageError(f"{method} {path}: {exc.code} {detail}", field="server") from None
        except OSError as exc:
            raise UsageError(f"cannot reach {self.base}: {exc}", field="server") from None

    def versions(self) -> dict[str, int]:
        """Return every postmortem's ID and version."""
        found: dict[str, int] = {}
        offset = 0
        while True:
            body, _ = self._call("GET", f"/postmortems?sort=id&limit={PAGE}&offset={offset}")
            page = json.loads(body)
            found.update({item["id"]: item["version"] for item in page["items"]})
            offset += PAGE
            if offset >= page["total"]:
                return found

    def text(self, ref: str) -> tuple[bytes, int]:
        """Return a postmortem's bytes and version."""
        body, headers = self._call("GET", f"/postmortems/{urllib.parse.quote(ref)}/text")
        return body, int(headers.get("etag", '"0"').strip('"'))

    def create(self, data: bytes, name: str) -> tuple[str, int]:
        """Import a new postmortem."""
        query = urllib.parse.urlencode({"name": name, "message": f"sync: {name}"})
        body, _ = self._call("POST", f"/postmortems/import?{query}", data)
        shown = json.loads(body)
        return str(shown["id"]), int(shown["version"])

    def replace(self, ref: str, data: bytes, version: int) -> int:
        """Replace a postmortem's text (refused if it is no longer at ``version``)."""
        path = f"/postmortems/{urllib.parse.quote(ref)}/text?message=sync"
        body, _ = self._call("PUT", path, data, {"If-Match": f'"{version}"'})
        return int(json.loads(body)["version"])


def _detail(body: str) -> str:
    """Return the ``detail`` of a problem-details body, else the body."""
    try:
        found = json.loads(body)
    except ValueError:
        return body[:300]
    return str(found.get("detail", body[:300])) if isinstance(found, dict) else body[:300]


@dataclass
class SyncReport:
    """What a sync did, per postmortem ID."""

    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "imported": self.imported,
            "updated": self.updated,
            "written": self.written,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "problems": self.problems,
        }


@dataclass
class _Seen:
    file: str
    digest: str
    version: int


def sync(folder: Path, remote: Remote, registry: ProfileRegistry) -> SyncReport:
    """Bring ``folder`` and the store in step; see the module's description."""
    if not folder.is_dir():
        raise UsageError("no such folder", file=folder)
    state = _load_state(folder)
    report = SyncReport()
    files = _files(folder, registry, report)
    versions = remote.versions()
    for ref in sorted(set(files) | set(versions)):
        try:
            seen = _one(
                folder, ref, files.get(ref), versions.get(ref), state.get(ref), remote, report
            )
        except AfteractionError as exc:
            report.problems.append(f"{ref}: {exc}")
            continue
        if seen is not None:
            state[ref] = seen
    _save_state(folder, state)
    return report


def _files(folder: Path, registry: ProfileRegistry, report: SyncReport) -> dict[str, Path]:
    """Return the folder's postmortems by incident ID (one without an ID is named by its file)."""
    found: dict[str, Path] = {}
    for path in FolderStore(folder, registry).find():
        try:
            source = SourceText.decode(read_input_bytes(path), path)
            record = read_source_text(source, path, registry).record
        except AfteractionError as exc:
            report.problems.append(str(exc))
            continue
        ref = record.id or path.stem
        if ref in found:
            report.problems.append(f"{path}: the ID {ref} is in {found[ref]} too; skipped")
            continue
        found[ref] = path
    return found


def _one(
    folder: Path,
    ref: str,
    path: Path | None,
    version: int | None,
    seen: _Seen | None,
    remote: Remote,
    report: SyncReport,
) -> _Seen | None:
    data = read_input_bytes(path) if path is not None else None
    if path is not None and data is not None and version is None:
        if seen is not None:
            report.problems.append(f"{ref}: gone from the store since the last sync; kept here")
            return seen
        new_ref, new_version = remote.create(data, path.name)
        report.imported.append(new_ref)
        return _Seen(str(path.relative_to(folder)), digest_of(data), new_version)
    assert version is not None
    if path is None or data is None:
        if seen is not None:
            report.problems.append(f"{ref}: its file was removed since the last sync; kept there")
            return seen
        stored, stored_version = remote.text(ref)
        target = folder / f"{ref}.md"
        write_new(target, stored)
        report.written.append(ref)
        return _Seen(target.name, digest_of(stored), stored_version)
    here_changed = seen is None or digest_of(data) != seen.digest
    there_changed = seen is None or version != seen.version
    name = str(path.relative_to(folder))
    if not here_changed and not there_changed:
        report.unchanged.append(ref)
        return seen
    if here_changed and not there_changed:
        report.updated.append(ref)
        return _Seen(name, digest_of(data), remote.replace(ref, data, version))
    stored, stored_version = remote.text(ref)
    if stored == data:
        report.unchanged.append(ref)
        return _Seen(name, digest_of(data), stored_version)
    if not here_changed:
        replace_document(path, stored, digest_of(data))
        report.written.append(ref)
        return _Seen(name, digest_of(stored), stored_version)
    report.conflicts[ref] = "".join(
        difflib.unified_diff(
            stored.decode("utf-8", "replace").splitlines(keepends=True),
            data.decode("utf-8", "replace").splitlines(keepends=True),
            f"store:{ref}@{stored_version}",
            f"folder:{name}",
        )
    )
    return seen


def _load_state(folder: Path) -> dict[str, _Seen]:
    path = folder / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(read_input_bytes(path))
        if data.get("format") != STATE_FORMAT:
            raise ValueError("another format")
        return {ref: _Seen(**entry) for ref, entry in data["postmortems"].items()}
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UsageError(
            f"cannot read what the last sync saw ({exc}): remove it to start afresh", file=path
        ) from None


def _save_state(folder: Path, state: dict[str, _Seen]) -> None:
    data = {
        "format": STATE_FORMAT,
        "postmortems": {
            ref: {"file": seen.file, "digest": seen.digest, "version": seen.version}
            for ref, seen in sorted(state.items())
        },
    }
    write_new(folder / STATE_FILE, (json.dumps(data, indent=2) + "\n").encode(), force=True)
