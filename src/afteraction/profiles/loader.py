"""Read a profile file, validating it with errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from afteraction.errors import AfteractionError, ParseError, ProfileError
from afteraction.inputs import read_input_text
from afteraction.profiles.compiled import Compiled
from afteraction.profiles.schema import Profile

if TYPE_CHECKING:  # YAML loads only for a profile not compiled ahead (profiles.compiled)
    import yaml

Location = tuple[str | int, ...]


def _construct(node: yaml.Node, path: Location, lines: dict[Location, int]) -> Any:
    """Turn a composed YAML node into plain data, noting each path's line (1-based)."""
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            result[key] = _construct(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, (*path, i), lines) for i, child in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node)


def _line_for(loc: Location, lines: dict[Location, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def load_profile_text(text: str, source: str) -> Profile:
    """Validate profile YAML text; ``source`` names it in errors.

    A valid profile is read with libyaml's loader when PyYAML has it (every
    command loads every profile, and the pure-Python loader takes a fifth of
    a second per profile file); only a profile with an
    error is composed again, node by node, to name the line of the error.
    """
    from afteraction.safeload import load_yaml

    try:
        data = load_yaml(text, what="the profile", file=source)
    except ParseError as exc:
        raise ProfileError(exc.message, file=source, line=exc.line) from None
    if data is None:
        raise ProfileError("the profile file is empty", file=source)
    if not isinstance(data, dict):
        raise ProfileError("a profile must be a mapping of settings", file=source, line=1)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        # A check across fields names the field it is about in its context.
        loc = tuple((first.get("ctx") or {}).get("loc", ())) or tuple(first["loc"])
        field = ".".join(str(part) for part in loc) or None
        import yaml

        lines: dict[Location, int] = {}
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _construct(node, (), lines)
        raise ProfileError(
            first["msg"], file=source, line=_line_for(loc, lines), field=field
        ) from None


def load_profile(path: Path, compiled: Compiled | None = None) -> Profile:
    """Load and validate one profile file, from ``compiled`` when it holds the file as it is."""
    try:
        text = read_input_text(path)
    except AfteractionError as exc:
        message = f"cannot read profile: {exc.message}"
        raise ProfileError(message, file=path, line=exc.line) from None
    found = compiled.profile(path.name, text) if compiled is not None else None
    return found if found is not None else load_profile_text(text, str(path))
