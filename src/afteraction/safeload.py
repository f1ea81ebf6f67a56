"""Load YAML and TOML from untrusted text: nesting capped, numbers and dates checked.

libyaml's composer recurses once per level and crashes the interpreter on
very deep input, so YAML nesting is measured on the parser's event stream
(no recursion) before anything is built. Numbers too long for ``int()``
and dates that do not exist become errors naming the line, never a
``ValueError`` traceback. TOML is read by :mod:`afteraction.safetoml`
(re-exported here), which does not load PyYAML: settings files are read by
every command, YAML only where a profile or front matter needs it.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode

from afteraction.errors import ParseError
from afteraction.safetoml import MAX_DEPTH, MAX_NUMBER_DIGITS, load_toml, too_deep

__all__ = [
    "MAX_DEPTH",
    "MAX_NUMBER_DIGITS",
    "YamlLoader",
    "check_yaml_depth",
    "load_toml",
    "load_yaml",
]

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


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


def check_yaml_depth(text: str, *, what: str, file: str | None, first_line: int = 1) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH`, before anything is composed."""
    depth = 0
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, _OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise too_deep(what, file, mark.line + first_line if mark else None)
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
