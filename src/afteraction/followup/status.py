"""Set a document's status, and not one byte more.

The status value is found where the document writes it, through the
reader's source map: a ``**Status:**`` line, a ``| Status |`` row, YAML or
TOML front matter. Only the value is rewritten; a document that states no
status gets it inserted where the profile writes it, when that can be done
without moving anything else. The result is read back: unless the record
changed exactly as asked and in nothing else, it is refused. Text in and out
is LF text; the caller keeps the file's own line ends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from afteraction.document.kinds.common import escape_cell
from afteraction.document.kinds.fields import find_field, format_line
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import read_document
from afteraction.document.render import FRONT_MATTER, render_markdown
from afteraction.errors import AfteractionError, InvalidValueError, UsageError
from afteraction.followup.cells import replace_cell, split_row
from afteraction.model import Incident
from afteraction.profiles import Profile
from afteraction.profiles.labels import norm
from afteraction.profiles.schema import FieldSpec

_BOLD = re.compile(r"^\s*(?:[-*+]\s+)?(?P<m>\*\*|__)(?P<label>[^*_]+?)(?P=m)\s*:?\s*(?P<value>.*)$")
_PLAIN = re.compile(r"^\s*(?:[-*+]\s+)?(?P<label>[A-Za-z][\w /()'-]{0,40}?)\s*:\s*(?P<value>.*)$")
_BREAK_TAIL = re.compile(r"<br\s*/?>$", re.IGNORECASE)
_FRONT_KEY = {
    "---": re.compile(r"status[ \t]*:[ \t]*", re.I),
    "+++": re.compile(r"status[ \t]*=[ \t]*", re.I),
}
_YAML_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _./-]*")
_YAML_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null", "none"}


def set_document_status(text: str, file: str, profile: Profile, status: str) -> str:
    """Return ``text`` with the document's status set to ``status``.

    ``status`` is a status name of the profile in any case, written as the
    profile spells it. Where the document states its status, only the value
    written is replaced (in the front matter too); where it states none, the
    status is inserted the way the profile renders it, when that adds only
    the status. Raises :class:`InvalidValueError` for a status the profile
    does not know and :class:`UsageError` when the change cannot be made alone.
    """
    spec = profile.status(status.strip())
    if spec is None:
        names = ", ".join(s.name for s in profile.statuses) or "none declared"
        raise InvalidValueError(
            f"'{status}' is not a status of profile {profile.name} (statuses: {names})",
            file=file,
            field="status",
        )
    name = spec.name
    before = read_document(text, profile, file=file, strict=False, collect=True)
    lines = text.split("\n")
    front = _front_status(lines, name)
    line = before.lines.get("status")
    if line is None and not front:
        return _insert_status(text, file, profile, before.record, name)
    for at, written in front.items():
        lines[at] = written
    if line is None:
        result = "\n".join(lines)
        problem = _status_problem(result, file, profile, before.record, name, front, body=True)
        if problem is not None:
            line = min(front) + 1
            raise UsageError(f"{problem}; edit it by hand", file=file, line=line, field="status")
        return result
    problem = f"cannot find the status value written on this line to make it {name}"
    for candidate in _status_candidates(lines[line - 1], before.record.status, name, profile):
        lines[line - 1] = candidate
        result = "\n".join(lines)
        found = _status_problem(result, file, profile, before.record, name, front, body=True)
        if found is None:
            return result
        problem = found
    raise UsageError(f"{problem}; edit it by hand", file=file, line=line, field="status")


def _status_fields(profile: Profile) -> list[FieldSpec]:
    """Return the labelled fields that write the status (header lines, fields sections)."""
    specs = [*profile.header, *(f for s in profile.sections for f in s.fields)]
    return [f for f in specs if "{status}" in f.value]


def _status_candidates(written: str, old: str | None, name: str, profile: Profile) -> Iterator[str]:
    """Yield the line with its status value replaced: the whole value, or the old word alone."""
    fields = _status_fields(profile)
    whole: str | None = None
    own = True  # the value is the status alone (its field's template is ``{status}``)
    if written.lstrip().startswith("|"):
        prefix, cells, suffix = split_row(written)
        at = next((i for i, c in enumerate(cells[:-1]) if _is_status_label(c, fields)), None)
        if at is not None:
            found = find_field(cells[at].strip(), fields)
            own = found is None or found.value.strip() == "{status}"
            cells[at + 1] = replace_cell(cells[at + 1], escape_cell(name))
            whole = prefix + "|".join(cells) + suffix
        name = escape_cell(name)
    else:
        match = _BOLD.match(written) or _PLAIN.match(written)
        if match is not None and _is_status_label(match["label"], fields):
            found = find_field(match["label"].strip().rstrip(":"), fields)
            own = found is None or found.value.strip() == "{status}"
            start, end = match.start("value"), _value_end(written, match.start("value"))
            space = "" if start == 0 or written[start - 1] in " \t" else " "
            whole = written[:start] + space + name + written[end:]
    word: str | None = None
    if old:
        pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.IGNORECASE)
        if len(pattern.findall(written)) == 1:
            word = pattern.sub(lambda _: name, written)
    ordered = [whole, word] if own else [word, whole]
    yield from (c for c in dict.fromkeys(ordered) if c is not None)


def _is_status_label(label: str, fields: list[FieldSpec]) -> bool:
    """Say whether a written label names the status."""
    text = label.strip().rstrip(":")
    return norm(text) == "status" or find_field(text, fields) is not None


def _value_end(line: str, start: int) -> int:
    """Return where a labelled value ends: before trailing spaces and a ``<br>``."""
    value = line[start:].rstrip()
    value = _BREAK_TAIL.sub("", value).rstrip()
    return start + len(value)


def _front_status(lines: list[str], name: str) -> dict[int, str]:
    """Return the front matter's ``status`` lines (0-based) rewritten to ``name``."""
    fence = lines[0].strip()
    if fence not in _FRONT_KEY:
        return {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == fence), 0)
    found: dict[int, str] = {}
    for at in range(1, end):
        span = _front_value(lines[at], fence)
        if span is not None:
            start, stop = span
            old = lines[at][start:stop]
            value = _yaml_value(name, old) if fence == "---" else json.dumps(name)
            found[at] = lines[at][:start] + value + lines[at][stop:]
    return found


def _front_value(line: str, fence: str) -> tuple[int, int] | None:
    """Return where a front-matter ``status`` key's value is written on ``line``."""
    head = _FRONT_KEY[fence].match(line)
    if head is None:
        return None
    start = head.end()
    rest = line[start:]
    if rest[:1] in ("'", '"'):
        close = rest.find(rest[0], 1)  # an escaped quote ends it early: the read-back refuses
        return (start, start + close + 1) if close > 0 else None
    if fence == "+++":
        return None  # a TOML string is quoted; anything else is not a status
    comment = [i for i in (rest.find(" #"), rest.find("\t#")) if i >= 0]
    return start, start + len(rest[: min(comment, default=len(rest))].rstrip())


def _yaml_value(name: str, old: str) -> str:
    """Write ``name`` as a YAML scalar, quoted as the old value was (or where it must be)."""
    if old.startswith("'"):
        return "'" + name.replace("'", "''") + "'"
    if old.startswith('"') or not _YAML_PLAIN.fullmatch(name) or name.lower() in _YAML_WORDS:
        return json.dumps(name)
    return name


def _status_problem(
    text: str,
    file: str,
    profile: Profile,
    before: Incident,
    name: str,
    front: dict[int, str],
    *,
    body: bool = False,
) -> str | None:
    """Say what is wrong with ``text`` as ``before`` with its status changed (None: nothing)."""
    try:
        after = read_document(text, profile, file=file, strict=False, collect=True).record
        stated = read_markdown(text, file).front_matter
    except AfteractionError as exc:
        return f"the changed document cannot be read back ({exc})"
    wanted = name if body else before.status
    if after.status != wanted:
        # Written twice, the last one counts: this one may not be it.
        return f"the status reads back as '{after.status}', not '{wanted}' (is it written twice?)"
    if front and not any(str(v) == name for k, v in stated.items() if k.lower() == "status"):
        return "the front matter's status does not read back as written"
    old, new = (r.model_dump(exclude={"status", "readings"}) for r in (before, after))
    if front:
        old["fields"].pop(FRONT_MATTER, None)
        new["fields"].pop(FRONT_MATTER, None)
    if old != new:
        return "other parts of the record changed too"
    return None


def _insert_status(text: str, file: str, profile: Profile, before: Incident, name: str) -> str:
    """Insert the status where the profile writes it, if that adds the status and nothing else."""
    written = render_markdown(before, profile).split("\n")
    wanted = render_markdown(before.model_copy(update={"status": name}), profile).split("\n")
    changes = [
        op
        for op in SequenceMatcher(None, written, wanted, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    lines = text.split("\n")
    if len(changes) == 1 and changes[0][0] == "insert":
        _, at, _, first, stop = changes[0]
        place = at if lines == written else _anchor(lines, written, at)
        if place is not None:
            result = "\n".join([*lines[:place], *wanted[first:stop], *lines[place:]])
            if _status_problem(result, file, profile, before, name, {}, body=True) is None:
                return result
    if _where_status_goes(profile, name).startswith("profile "):
        # The format has no place for a status: the front matter holds it.
        result = _with_front_status(lines, name)
        front = {0: "status"}
        if _status_problem(result, file, profile, before, name, front, body=True) is None:
            return result
    raise UsageError(
        f"the document states no status; {_where_status_goes(profile, name)}",
        file=file,
        field="status",
    )


def _with_front_status(lines: list[str], name: str) -> str:
    """Return the text with ``status: NAME`` in its YAML front matter (made when it has none)."""
    value = _yaml_value(name, "")
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            return "\n".join([*lines[:end], f"status: {value}", *lines[end:]])
    return "\n".join(["---", f"status: {value}", "---", *lines])


def _anchor(lines: list[str], written: list[str], at: int) -> int | None:
    """Return where in ``lines`` the rendered line ``at`` goes: between the same two lines, once."""
    above = written[at - 1] if at > 0 else None
    below = written[at] if at < len(written) else None
    if not (above or "").strip() and not (below or "").strip():
        return None  # blank lines anchor nothing
    places = [
        n
        for n in range(len(lines) + 1)
        if (above is None or (n > 0 and lines[n - 1] == above))
        and (below is None or (n < len(lines) and lines[n] == below))
    ]
    return places[0] if len(places) == 1 else None


def _where_status_goes(profile: Profile, name: str) -> str:
    """Say where a status would be added by hand."""
    for spec in profile.header:
        if "{status}" in spec.value:
            line = format_line(spec.label, name, profile.header_style)
            return f"add a line '{line}' below the title"
    for section in profile.sections:
        for spec in section.fields:
            if "{status}" in spec.value:
                return f"add a '{spec.label}' field to section '{section.heading}'"
    return f"profile {profile.name} gives the status no place in the document"


# --- sign-offs -------------------------------------------------------------------------
