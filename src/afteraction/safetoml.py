"""Load TOML from untrusted text: nesting capped, numbers checked, errors naming the line.

Apart from :mod:`afteraction.safeload` (YAML, which re-exports this) so that
reading a settings file, which every command does, does not load PyYAML.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from afteraction.errors import AfteractionError, ParseError

MAX_DEPTH = 100
"""The deepest nesting of lists and tables front matter, profiles and payloads may have."""
MAX_NUMBER_DIGITS = 100
"""The longest whole number a YAML or TOML value may be written with."""

_DIGIT_RUN = re.compile(r"[0-9_]+")
_TOML_WHERE = re.compile(r" \(at line (\d{1,9}), column \d{1,9}\)$")
_MAX_BITS = 333  # 10**100 < 2**333


def too_deep(what: str, file: str | None, line: int | None) -> AfteractionError:
    """Return the error for input nested more than :data:`MAX_DEPTH` levels."""
    return ParseError(f"{what} is nested more than {MAX_DEPTH} levels deep", file=file, line=line)


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
    """Load TOML ``text`` safely; errors are :class:`ParseError` lines naming file and line."""
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
        raise too_deep(what, file, None) from None
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
