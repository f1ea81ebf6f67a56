"""Slack exports: an export folder, one channel's folder, or one file of messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

import orjson

from afteraction.errors import UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.inputs import read_bytes
from afteraction.timeline.payloads import json_documents, mapping, text
from afteraction.timeline.problems import Problems
from afteraction.timeline.source import Source
from afteraction.timeline.sources.slack_export import (
    DAY_FILE,
    Directory,
    day_files,
    is_export,
    read_conversations,
    read_users,
)
from afteraction.timeline.sources.slack_markup import plain, snippet
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.times import parse_time

# Messages Slack writes about the channel itself, which nobody said.
SYSTEM_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "channel_archive",
        "channel_unarchive",
        "group_archive",
        "group_unarchive",
        "bot_add",
        "bot_remove",
        "pinned_item",
        "unpinned_item",
        "reminder_add",
        "joiner_notification_for_inviter",
        "message_deleted",
        "tombstone",
    }
)


@dataclass(frozen=True)
class Moments:
    """Which messages are key moments: pinned ones, reacted ones, ones with given emoji."""

    pinned: bool = False
    reacted: bool = False
    emoji: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: str) -> Moments:
        """Read ``pinned|reacted|reaction:EMOJI|none`` (``|`` between several)."""
        pinned = reacted = False
        emoji: set[str] = set()
        for word in (w.strip().lower() for w in value.split("|")):
            name = word.removeprefix("reaction:").strip(":")
            if word == "pinned":
                pinned = True
            elif word == "reacted":
                reacted = True
            elif word.startswith("reaction:") and name:
                emoji.add(name)
            elif word != "none":
                raise UsageError(
                    f"'{word}' is not pinned, reacted, reaction:EMOJI or none",
                    field="slack[moments]",
                )
        return cls(pinned, reacted, frozenset(emoji))

    def marks(self, message: Mapping[str, Any], pinned: bool) -> bool:
        """Return whether a message (pinned or not) is a key moment."""
        reactions = message.get("reactions")
        names = {
            name.split("::")[0]  # "+1::skin-tone-2" is a "+1"
            for reaction in (reactions if isinstance(reactions, list) else [])
            if (name := text(mapping(reaction).get("name")))
        }
        reacted = self.reacted and bool(names)
        return (self.pinned and pinned) or reacted or bool(self.emoji & names)


@dataclass(frozen=True)
class _Entry:
    """A message as read: where problems name it (JSON path and line) and its event's origin."""

    message: Any
    where: str
    line: int | None
    origin: str


class Slack(Source):
    """Slack messages, each a ``message`` event by its author, in its channel.

    PATH is an export folder (``channels.json``, ``users.json``, a folder of
    ``YYYY-MM-DD.json`` day files per channel), one channel's folder, or one
    file of messages (a day file, a JSON list, an API ``messages`` response, or
    one message per line). Thread replies say which thread they answer; join,
    leave and other system messages are skipped and counted in a note.
    """

    name = "slack"
    summary = "Slack export: the export folder, one channel's folder, or a file of messages"
    options = {
        "channel": "channels of an export to read, by name or ID, '|' between several"
        " (default all)",
        "users": "a users.json naming people by ID (default: the export's own)",
        "moments": "key moments: pinned, reacted, reaction:EMOJI or none, '|' between several"
        " (default pinned)",
    }

    def __init__(self, spec: SourceSpec, problems: Problems) -> None:
        super().__init__(spec, problems)
        self.moments = Moments.parse(spec.options.get("moments", "pinned"))
        self.skipped: Counter[str] = Counter()

    def events(self) -> Iterator[Event]:
        """Yield a message event per message, channel by channel, day by day."""
        path = self.spec.path
        if path is not None and path.is_dir():
            yield from self._folder(path)
        else:
            yield from self._file(path)
        if self.skipped:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.skipped.items()))
            total = self.skipped.total()
            noun = "message" if total == 1 else "messages"
            self.problems.note(f"{total} {noun} skipped: {kinds}")

    def _folder(self, folder: Path) -> Iterator[Event]:
        if is_export(folder):
            directory = self._directory(folder)
            for channel in self._selected(folder, directory):
                yield from self._channel(channel, directory)
            return
        if not day_files(folder):
            raise UsageError(
                "not a Slack export: no channels.json or users.json, and no YYYY-MM-DD.json"
                " day files",
                file=folder,
            )
        self._one_channel()
        export = folder.parent if is_export(folder.parent) else None
        yield from self._channel(folder, self._directory(export))

    def _file(self, path: Path | None) -> Iterator[Event]:
        self._one_channel()
        channel = export = None
        named = PurePath(self.spec.label)
        if path is not None and DAY_FILE.fullmatch(path.name):
            folder = path.resolve().parent
            channel = folder.name
            export = folder.parent if is_export(folder.parent) else None
        elif path is None and DAY_FILE.fullmatch(named.name):  # bytes named as a day file
            channel = named.parent.name or None
        directory = self._directory(export)
        entries = [
            _Entry(message, where, line, self.origin(line))
            for line, document in json_documents(self.spec, self.problems)
            for where, message in self._listed(document, line)
        ]
        yield from self._messages(entries, channel, directory)

    def _listed(self, document: Any, line: int | None) -> list[tuple[str, Any]]:
        """Return the messages of one JSON document, each with its JSON path."""
        if isinstance(document, list) and (line is not None or _has_messages(document)):
            return [(f"[{i}]", m) for i, m in enumerate(document)]
        if isinstance(document, dict) and isinstance(document.get("messages"), list):
            return [(f"messages[{i}]", m) for i, m in enumerate(document["messages"])]
        if line is not None or (isinstance(document, dict) and "ts" in document):
            return [("message", document)]
        raise UsageError(
            "not Slack messages: expected a list of messages (an export's day file),"
            " an object with a 'messages' list, or an export folder",
            file=self.spec.label,
        )

    def _one_channel(self) -> None:
        if "channel" in self.spec.options:
            raise UsageError(
                "channel= picks channels of an export folder; this input is one channel",
                file=self.spec.label,
                field="slack[channel]",
            )

    def _directory(self, export: Path | None) -> Directory:
        """Return the names of an export (None: only those of the users= file)."""
        directory = Directory()
        if export is not None:
            read_conversations(export, directory)
        given = self.spec.options.get("users")
        users = Path(given) if given else export / "users.json" if export else None
        if users is not None and (given or users.is_file()):
            directory.users.update(read_users(users))
        return directory

    def _selected(self, export: Path, directory: Directory) -> list[Path]:
        """Return the channel folders to read: all, or those named by channel=."""
        folders = {p.name: p for p in sorted(export.iterdir()) if p.is_dir() and day_files(p)}
        wanted = self.spec.options.get("channel")
        if not wanted:
            return list(folders.values())
        chosen = []
        for item in (w.strip() for w in wanted.split("|")):
            name = directory.channels.get(item.lstrip("#"), item.lstrip("#"))
            if name not in folders:
                raise UsageError(
                    f"no channel '{item}' in the export (channels: {', '.join(folders)})",
                    file=export,
                    field="slack[channel]",
                )
            chosen.append(folders[name])
        return chosen

    def _channel(self, folder: Path, directory: Directory) -> Iterator[Event]:
        """Yield the events of one channel folder's day files."""
        entries: list[_Entry] = []
        for day in day_files(folder):
            where = f"{folder.name}/{day.name}"
            try:
                data = orjson.loads(read_bytes(day))
            except orjson.JSONDecodeError as exc:
                self.problems.add(f"{where}: not JSON: {exc.msg} (line {exc.lineno})")
                continue
            if not isinstance(data, list):
                self.problems.add(f"{where}: not a list of messages")
                continue
            entries += [_Entry(m, f"{where}[{i}]", None, str(day)) for i, m in enumerate(data)]
        yield from self._messages(entries, folder.name, directory)

    def _messages(
        self, entries: list[_Entry], channel: str | None, directory: Directory
    ) -> Iterator[Event]:
        """Yield the events of one channel's messages (all read first: threads refer back)."""
        said: list[tuple[_Entry, dict[str, Any], datetime]] = []
        for entry in entries:
            message = entry.message
            if not isinstance(message, dict):
                self.problems.add(f"{entry.where} is not an object", entry.line)
                continue
            subtype = text(message.get("subtype"))
            if subtype in SYSTEM_SUBTYPES or message.get("hidden") is True:
                self.skipped[subtype or "hidden"] += 1
                continue
            try:
                time = parse_time(message.get("ts"))
            except ValueError as exc:
                self.problems.add(f"{entry.where}.ts: {exc}", entry.line)
                continue
            if time is None:
                self.problems.add(f"{entry.where} has no ts", entry.line)
                continue
            directory.learn(message)
            said.append((entry, message, time))
        by_ts = {text(message.get("ts")): message for _, message, _ in said}
        for entry, message, time in said:
            body = _body(message, directory)
            if not body:
                self.skipped["empty"] += 1
                continue
            yield self._event(entry, message, time, body, channel, directory, by_ts)

    def _event(
        self,
        entry: _Entry,
        message: dict[str, Any],
        time: datetime,
        body: str,
        channel: str | None,
        directory: Directory,
        by_ts: Mapping[str | None, dict[str, Any]],
    ) -> Event:
        channel = text(message.get("channel_name")) or channel
        pinned = bool(message.get("pinned_to")) or (
            text(message.get("ts")) in directory.pins.get(channel or "", frozenset())
        )
        return Event(
            time=time,
            source=self.name,
            kind=Kind.MESSAGE,
            text=_thread(message, directory, by_ts) + body,
            actor=_author(message, directory),
            component=channel,
            link=_link(message),
            origin=entry.origin,
            key_moment=self.moments.marks(message, pinned),
        )


def _has_messages(items: list[Any]) -> bool:
    """Tell a list of messages (some with a ``ts``) from an export's other lists."""
    return not items or any(isinstance(item, dict) and "ts" in item for item in items)


def _body(message: Mapping[str, Any], directory: Directory) -> str:
    """Return what a message says: its text (else its attachments) and the files it shares."""
    body = plain(text(message.get("text")) or "", directory.users, directory.channels)
    if not body:
        body = "; ".join(
            plain(said, directory.users, directory.channels)
            for said in map(_attachment, _objects(message.get("attachments")))
            if said
        )
    titles = [
        title
        for file in _files(message)
        if (title := text(file.get("title")) or text(file.get("name"))) and title not in body
    ]
    return " ".join([body, *(f"[file: {title}]" for title in titles)]).strip()


def _attachment(attachment: Mapping[str, Any]) -> str | None:
    """Return what an attachment (a bot's card) says: its fallback, else title and text."""
    parts = [text(attachment.get(k)) for k in ("pretext", "title", "text")]
    return text(attachment.get("fallback")) or ": ".join(p for p in parts if p) or None


def _files(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return the files a message shares (``file`` in old exports, ``files`` in new ones)."""
    return [mapping(message.get("file")), *_objects(message.get("files"))]


def _objects(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _thread(
    message: Mapping[str, Any], directory: Directory, by_ts: Mapping[str | None, Mapping[str, Any]]
) -> str:
    """Return how a thread reply names its thread (``(in thread "...") ``), or ``""``."""
    parent_ts = text(message.get("thread_ts"))
    if parent_ts is None or parent_ts == text(message.get("ts")):
        return ""
    parent = by_ts.get(parent_ts)
    said = _body(parent, directory) if parent is not None else None
    if said:
        return f'(in thread "{snippet(said)}") '
    owner = text(message.get("parent_user_id"))
    return f"(in thread of {directory.users.get(owner, owner)}) " if owner else "(in thread) "


def _author(message: Mapping[str, Any], directory: Directory) -> str | None:
    """Return who wrote a message: the person's name, a bot's name, else an ID."""
    user = text(message.get("user"))
    return (
        (directory.users.get(user) if user else None)
        or text(mapping(message.get("bot_profile")).get("name"))
        or user
        or text(message.get("username"))
        or text(message.get("bot_id"))
    )


def _link(message: Mapping[str, Any]) -> str | None:
    """Return the message's permalink, else that of the file it shares."""
    return text(message.get("permalink")) or next(
        (link for file in _files(message) if (link := text(file.get("permalink")))), None
    )
