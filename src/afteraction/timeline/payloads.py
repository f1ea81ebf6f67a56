"""Read JSON payloads as sources receive them: one document, a list, or one per line."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from afteraction.errors import UsageError
from afteraction.timeline.inputs import read_bytes
from afteraction.timeline.problems import Problems
from afteraction.timeline.spec import SourceSpec


def json_documents(spec: SourceSpec, problems: Problems) -> Iterator[tuple[int | None, Any]]:
    """Yield each JSON document of an input with the line it starts on (None: the whole file).

    A file holding one document (an object or an array) yields it whole. A
    file of one document per line (as webhook receivers log them) yields
    each, and a line that is not JSON goes to ``problems``. A file that is
    neither fails with the parser's message and position.
    """
    data = read_bytes(spec.input)
    try:
        yield None, orjson.loads(data)
        return
    except orjson.JSONDecodeError as whole:
        error = whole
    lines = data.splitlines()
    if len(lines) < 2 or not any(line.strip().startswith(b"{") for line in lines[1:]):
        raise UsageError(f"not JSON: {error.msg}", file=spec.label, line=error.lineno) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            problems.add(f"not JSON: {exc.msg}", number)


@dataclass(frozen=True)
class Payload:
    """One payload of an input: where it is (``line``, ``where``), and its body.

    ``alone`` says the whole file is this one payload, so a payload of
    another kind means the file is not this source's input at all.
    """

    line: int | None
    where: str
    body: Any
    alone: bool

    @property
    def fields(self) -> Mapping[str, Any]:
        """Return the body if it is an object, else an empty one."""
        return mapping(self.body)

    def refuse(self, expected: str, file: str, problems: Problems) -> None:
        """Count a payload of another kind (bad input), or fail when it is the whole file."""
        if self.alone:
            raise UsageError(f"not {expected}", file=file)
        problems.add(f"{self.where} is not {expected}", self.line)


def each_payload(spec: SourceSpec, problems: Problems) -> Iterator[Payload]:
    """Yield every payload of an input: one document, each item of an array, or one per line."""
    for line, document in json_documents(spec, problems):
        listed = isinstance(document, list)
        for index, body in enumerate(document if listed else [document]):
            where = f"payload[{index}]" if listed else "payload"
            yield Payload(line, where, body, line is None and not listed)


def text(value: Any) -> str | None:
    """Return a payload value as stripped text, or None when it is empty or not text."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def mapping(value: Any) -> Mapping[str, Any]:
    """Return a payload value if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}
