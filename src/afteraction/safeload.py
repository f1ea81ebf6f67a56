"""Load YAML and TOML from untrusted text: nesting capped, numbers and dates checked.

libyaml's composer recurses once per level and crashes the interpreter on
very deep input, so YAML nesting is measured on the parser's event stream
(no recursion) before anything is built. Numbers too long for ``int()``
and dates that do not exist become errors naming the line, never a
``ValueError`` traceback.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode

from afteraction.errors import AfteractionError, ParseError

MAX_DEPTH = 100
"""The deepest nesting of lists and tables front matter, profiles and payloads may have."""
MAX_NUMBER_DIGITS = 100
"""The longest whole number a YAML or TOML value may be written with."""

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_DIGIT_RUN = re.compile(r"[0-9_]+")
_TOML_WHERE = re.compile(r" \(at line (\d{1,9}), column \d{1,9}\)$")
_MAX_BITS = 333  # 10**100 < 2**333


class YamlLoader(_BASE):  # type: ignore[valid-type, misc]
    """The safe loader, with whole numbers and dates that fail as marked errors."""


def _int(loader: yaml.SafeLoader, node: ScalarNode) -> int:
    if len(node.value) > MAX_NUMBER_DIGITS:
        raise ConstructorError(
            None,
            None,
            f"a number of {len(node.value)} characters (at most {MAX_NUMBER_DIGITS})",
            node.start_mark,
        )
    return int(SafeConstructor.construct_yaml_int(loader, node))


def _timestamp(loader: yaml.SafeLoader, node: ScalarNode) -> object:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise ConstructorError(
            None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark
        ) from None


class _MarkingLoader(yaml.SafeLoader):
    """The pure-Python loader, whose error marks point at the offending line, not past it."""


YamlLoader.add_constructor("tag:yaml.org,2002:int", _int)
YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_MarkingLoader.add_constructor("tag:yaml.org,2002:int", _int)
_MarkingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _too_deep(what: str, file: str | None, line: int | None) -> AfteractionError:
    return ParseError(f"{what} is nested more than {MAX_DEPTH} levels deep", file=file, line=line)


def check_yaml_depth(text: str, *, what: str, file: str | None, first_line: int = 1) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH`, before anything is composed."""
    depth = 0
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, _OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _too_deep(what, file, mark.line + first_line if mark else None)
        elif isinstance(event, _CLOSES):
            depth -= 1


def load_yaml(text: str, *, what: str, file: str | None = None, first_line: int = 1) -> Any:
    """Load YAML ``text`` safely; ``first_line`` is the file line the text starts on.

    Errors are :class:`ParseError` lines naming the file and line, with
    ``what`` (``front matter``, ``profile``) saying what was being read.
    """
    try:
        check_yaml_depth(text, what=what, file=file, first_line=first_line)
        return yaml.load(text, Loader=YamlLoader)
    except yaml.YAMLError:
        pass
    try:  # read again, only when it failed, to name the line as the pure-Python loader does
        return yaml.load(text, Loader=_MarkingLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParseError(
            f"{what} is not valid YAML: {' '.join(str(problem).split())}", file=file, line=line
        ) from None


def _long_number_line(text: str) -> int | None:
    for found in _DIGIT_RUN.finditer(text):
        if len(found[0]) > MAX_NUMBER_DIGITS:
            return text.count("\n", 0, found.start()) + 1
    return None


def _problem(data: object, what: str) -> str | None:
    """Say what is wrong with loaded TOML: nesting too deep or a number too long."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, int) and value.bit_length() > _MAX_BITS:
            return f"{what} holds a number longer than {MAX_NUMBER_DIGITS} digits"
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return f"{what} is nested more than {MAX_DEPTH} levels deep"
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return None


def load_toml(text: str, *, what: str, file: str | None = None, first_line: int = 1) -> Any:
    """Load TOML ``text`` safely; errors are :class:`ParseError` lines as in :func:`load_yaml`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_WHERE.search(str(exc))
        message = str(exc)[: where.start()] if where else str(exc)
        raise ParseError(
            f"{what} is not valid TOML: {message}",
            file=file,
            line=int(where[1]) + first_line - 1 if where else None,
        ) from None
    except RecursionError:
        raise _too_deep(what, file, None) from None
    except ValueError:  # a number too long for int()
        line = _long_number_line(text)
        raise ParseError(
            f"{what} holds a number longer than {MAX_NUMBER_DIGITS} digits",
            file=file,
            line=line + first_line - 1 if line else None,
        ) from None
    problem = _problem(data, what)
    if problem is not None:
        raise ParseError(problem, file=file, line=None)
    return data
