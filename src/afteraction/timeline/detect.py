"""Tell what kind of input a file is, for ``--from auto:PATH`` and for better errors.

Looks at the first 64 KB: a folder (a Slack export, a git repository), a
JSON payload by the keys each tool writes, or the first lines of a text
log; bytes given in place of a file are looked at alike. Only the built-in
kinds are recognised; a plugin's input is named by its kind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from afteraction.errors import UsageError
from afteraction.timeline.inputs import SourceInput, as_input, open_binary

HEAD = 64 << 10
_SYSLOG = re.compile(rb"^(<\d{1,3}>)?(\d \d{4}-\d\d-\d\dT|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )")
_LOGFMT = re.compile(rb"(^|\s)(time|ts|t|level|lvl|msg)=")
_STAMPED = re.compile(rb"^\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d")
_COMMIT = re.compile(rb"^commit [0-9a-f]{7,40}\b")
_CSV_TIME = re.compile(rb"^[^\n]*\b(time|timestamp|date|at)\b[^\n]*[,;\t]", re.IGNORECASE)


def detect(source: SourceInput | Path | None) -> str | None:
    """Return the kind of input a file, folder or bytes look like, or None when it is not clear.

    Standard input and streams can be read only once: their kind must be named.
    """
    given = as_input(source)
    path = given.path
    if path is not None and path.is_dir():
        if (path / "channels.json").is_file() or (path / "users.json").is_file():
            return "slack"
        if (path / ".git").exists():
            return "git"
        return "slack" if any(path.glob("????-??-??.json")) else None
    if given.once:
        return None
    with open_binary(given) as stream:
        try:
            head = stream.read(HEAD)
        except (OSError, EOFError) as exc:  # a truncated or corrupt gzip file
            raise UsageError(f"cannot read: {exc}", file=given.label) from None
    suffixes = given.suffixes
    return detect_bytes(head, suffixes[-1] if suffixes else "")


def detect_bytes(head: bytes, suffix: str = "") -> str | None:
    """Return the kind of input these first bytes look like, or None."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return _json_kind(_first_document(text))
    first = text.split(b"\n", 1)[0]
    if _COMMIT.match(first):
        return "git"
    if _SYSLOG.match(first):
        return "syslog"
    if suffix in (".csv", ".tsv", ".yaml", ".yml"):
        return "deploys"
    if _LOGFMT.search(first):
        return "logfmt"
    if _STAMPED.match(first):
        return "plain"
    if _CSV_TIME.match(first):
        return "deploys"
    return None


def _first_document(text: bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    line = text.split(b"\n", 1)[0]
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _json_kind(document: Any) -> str | None:
    if isinstance(document, list):
        items = [d for d in document[:20] if isinstance(d, dict)]
        if items and all("ts" in d and ("user" in d or "type" in d) for d in items):
            return "slack"
        kind = _json_kind(items[0]) if items else None
        return None if kind == "jsonl" else kind  # a list of records is no log
    if not isinstance(document, dict):
        return None
    keys = set(document)
    if "ruleName" in keys or "evalMatches" in keys:
        return "grafana"
    if isinstance(document.get("alerts"), list):
        return "grafana" if keys & {"orgId", "state", "title"} else "alertmanager"
    messages = document.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        return "slack" if "ts" in messages[0] else "pagerduty"
    if isinstance(document.get("event"), dict) or "log_entries" in keys:
        return "pagerduty"
    if ("action" in keys and "alert" in keys) or _opsgenie_log(document):
        return "opsgenie"
    data = document.get("data")
    if isinstance(data, dict) and "resultType" in data:
        return "loki"
    if isinstance(document.get("hits"), dict) or "responses" in keys:
        return "elasticsearch"
    return "jsonl"


def _opsgenie_log(document: dict[str, Any]) -> bool:
    data = document.get("data")
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "log" in data[0]
        and "offset" in data[0]
    )
