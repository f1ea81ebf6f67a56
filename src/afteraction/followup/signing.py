"""Sign a document's sign-offs, and not one byte more.

A sign-off is found through the reader's source map: its table row or its
``**Role**: name Date: date`` line. Only its cells are rewritten; a role the
document has no row for gets one appended. The result is read back: unless
the record changed exactly as asked and in nothing else, it is refused. Text
in and out is LF text; the caller keeps the file's own line ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from afteraction.document.blocks import Block
from afteraction.document.kinds.common import escape_cell, fill_item, item_attrs, match_item
from afteraction.document.kinds.signoffs import GENERIC_COLUMNS, LINE_ITEM
from afteraction.document.markdown import RawSection, read_markdown
from afteraction.document.parse import read_document
from afteraction.document.placeholders import is_placeholder
from afteraction.document.values import format_datetime
from afteraction.document.zones import document_zones, resolve_zone, stated_zone
from afteraction.errors import AfteractionError, InvalidValueError, UsageError
from afteraction.followup.cells import replace_cell, split_row
from afteraction.model import Incident, SignOff
from afteraction.profiles import Profile
from afteraction.profiles.labels import norm
from afteraction.profiles.schema import ColumnSpec, SectionSpec

MAX_TEXT = 256
"""The longest name, signer identity or role written: anything longer is not one."""

_CHECKBOXES = {"[ ]", "[x]", "[X]"}


@dataclass(frozen=True)
class SignerInfo:
    """Who signs and when: the Name cell, a Signer column's identity, the moment (aware)."""

    name: str
    signer: str
    at: datetime
    approved: bool = True


def sign(text: str, file: str, profile: Profile, role: str, signer: SignerInfo) -> str:
    """Return ``text`` with the sign-off of ``role`` filled in by ``signer``.

    The row (or line) of the role is filled, or overwritten when it is signed
    already: name, date (with the time of day in the date cell, or the date
    alone beside a Signed at column), approval where there is an Approved
    column, the identity where there is a Signer column; a signature written
    before is cleared, as it is not this signer's. A role the document has no
    row for gets one appended to its sign-off table or lines. Raises
    :class:`InvalidValueError` for a value that cannot be written and
    :class:`UsageError` when there is no sign-off section or the change
    cannot be made alone.
    """
    role = _checked(role, "role", file)
    if signer.at.tzinfo is None or signer.at.utcoffset() is None:
        raise InvalidValueError("the moment of signing must be aware (UTC)", file=file, field="at")
    values = _Values(
        name=_checked(signer.name, "name", file),
        identity=_checked(signer.signer, "signer", file, empty=True),
        at=_minute(signer.at.astimezone(UTC)),  # written to the minute
        approved=signer.approved,
    )
    raw = read_markdown(text, file)
    before = read_document(text, profile, file=file, strict=False, collect=True)
    places = _places(text, profile, raw.all_sections(), raw.blocks, before.lines)
    if not places:
        raise UsageError(
            f"the document has no sign-off section to sign '{role}' in",
            file=file,
            field="sign_offs",
        )
    rows = [r for p in places for r in _rows(p) if norm(_role_of(r)) == norm(role)]
    if len(rows) > 1:
        where = ", ".join(str(r.line) for r in rows)
        raise UsageError(
            f"role '{role}' has {len(rows)} sign-offs (lines {where}); sign one by hand",
            file=file,
            line=rows[1].line,
            field="sign_offs",
        )
    lines = text.split("\n")
    if rows:
        expected = _fill(lines, rows[0], values, file)
    else:
        expected = _append(lines, places, _new_role(profile, role, file), values, file)
    result = "\n".join(lines)
    _check_signed(result, file, profile, before.record, expected, rows[0].line if rows else None)
    return result


def _checked(value: str, label: str, file: str, *, empty: bool = False) -> str:
    """Return a value to write, stripped, or refuse one that is not a name."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT:
        problem = f"is {len(text)} characters long (at most {MAX_TEXT})"
    elif not text and not empty:
        problem = "is empty"
    elif label == "role" and ("\n" in text or not norm(text)):
        problem = f"'{text}' is not a role name"
    elif text and label != "role" and is_placeholder(text):  # a role is matched, not written
        problem = f"'{text}' reads as a template prompt, not a {label}"
    else:
        return text
    raise InvalidValueError(f"the {label} {problem}", file=file, field=label)


@dataclass(frozen=True)
class _Values:
    """What a signature writes: the name, the signer's identity, the moment, the approval."""

    name: str
    identity: str
    at: datetime
    approved: bool

    def moment(self, zone: tzinfo) -> str:
        """Return the moment as written in ``zone`` (``YYYY-MM-DD HH:MM``)."""
        return format_datetime(self.at, zone)

    def day(self, zone: tzinfo) -> date:
        """Return the day signed in ``zone``."""
        return self.at.astimezone(zone).date()


@dataclass
class _Place:
    """A sign-off section as written: its profile section, its blocks and the zone it reads."""

    spec: SectionSpec
    section: RawSection
    blocks: list[Block]
    zone: tzinfo

    def columns(self, block: Block) -> list[ColumnSpec | None]:
        """Return the column each header cell of a table stands for, as the reader maps it."""
        known = [*self.spec.columns, *GENERIC_COLUMNS]
        return [
            next((c for c in known if norm(cell) in {norm(c.header), *map(norm, c.aliases)}), None)
            for cell in block.header
        ]

    def signs_in(self, block: Block) -> bool:
        """Say whether a block is a sign-off table (it has a Role column)."""
        return block.kind == "table" and any(c and c.attr == "role" for c in self.columns(block))

    def template(self) -> str:
        """Return how a sign-off line is written here."""
        return self.spec.item or LINE_ITEM


@dataclass
class _Row:
    """One written sign-off (a table row or a line) and where it is."""

    place: _Place
    line: int
    block: Block
    found: dict[str, str] | None = None  # a line's values (None: a table row)


def _places(
    text: str,
    profile: Profile,
    sections: list[RawSection],
    blocks: list[Block],
    located: dict[str, int],
) -> list[_Place]:
    """Return the document's sign-off sections, found where the reader read them."""
    places = []
    for spec in profile.sections:
        line = located.get(f"section.{spec.key}")
        section = next((s for s in sections if s.line == line), None)
        if spec.kind != "signoffs" or section is None or not section.end_line:
            continue
        stop = section.children[0].line if section.children else section.end_line
        own = [b for b in blocks if section.body_line <= b.line < stop]
        places.append(_Place(spec, section, own, _section_zone(text, profile, section)))
    return places


def _section_zone(text: str, profile: Profile, section: RawSection) -> tzinfo:
    """Return the zone a section's times are read in: its own stated one, else the document's."""
    source = "\n".join(section.body_lines)
    stated = stated_zone(section.heading) or stated_zone(source[:1000].strip()[:300])
    return resolve_zone(stated or document_zones(text)[0] or profile.zone)


def _rows(place: _Place) -> Iterator[_Row]:
    """Yield every sign-off table row and sign-off line of a section."""
    for block in place.blocks:
        if place.signs_in(block):
            for index in range(len(block.rows)):
                yield _Row(place, block.line + 2 + index, block)
        elif block.kind == "paragraph" and place.spec.layout == "lines":
            for offset, line in enumerate(block.source.split("\n")):
                found = match_item(place.template(), line.strip())
                if found is not None:
                    yield _Row(place, block.line + offset, block, found)


def _role_of(row: _Row) -> str:
    """Return the role a row or line is written for (empty when none)."""
    if row.found is not None:
        return row.found.get("role", "")
    cells = row.block.rows[row.line - row.block.line - 2]
    at = [c.attr if c else None for c in row.place.columns(row.block)].index("role")
    return cells[at].strip() if at < len(cells) else ""


def _new_role(profile: Profile, role: str, file: str) -> str:
    """Return how a role the document has no row for is written; refuse one of no profile."""
    known = next((r for r in profile.sign_off_roles if norm(r) == norm(role)), None)
    if known is None and is_placeholder(role):
        raise InvalidValueError(
            f"'{role}' reads as a template prompt, not a role", file=file, field="role"
        )
    if known is None and profile.sign_off_roles:
        roles = ", ".join(profile.sign_off_roles)
        raise InvalidValueError(
            f"'{role}' is neither a sign-off of the document nor a role of profile"
            f" {profile.name} (roles: {roles})",
            file=file,
            field="role",
        )
    return known or role


def _fill(lines: list[str], row: _Row, values: _Values, file: str) -> SignOff:
    """Fill the sign-off ``row`` in ``lines``; return the sign-off it must read back as."""
    role = _role_of(row)
    original = lines[row.line - 1]
    if row.found is not None:
        indent = original[: len(original) - len(original.lstrip())]
        tail = original[len(original.rstrip()) :]
        written, expected = _line(row.place, role, values, file, row.line)
        lines[row.line - 1] = indent + written + tail
        return expected
    prefix, cells, suffix = split_row(original)
    columns = row.place.columns(row.block)
    cells += [" "] * (len(columns) - len(cells))
    new, expected = _cells(row.place, row.block, role, values, file, row.line)
    for index, (column, value) in enumerate(zip(columns, new, strict=True)):
        attr = column.attr if column else None
        if attr == "signature" and not is_placeholder(cells[index]):
            cells[index] = replace_cell(cells[index], "")  # someone else's signature
        elif value is not None and attr != "role":  # the role stays as written
            cells[index] = replace_cell(cells[index], value)
    lines[row.line - 1] = prefix + "|".join(cells) + suffix
    return expected


def _append(
    lines: list[str], places: list[_Place], role: str, values: _Values, file: str
) -> SignOff:
    """Add a sign-off for ``role`` after the last one written; return what it must read as."""
    tables = [(p, b) for p in places for b in p.blocks if p.signs_in(b)]
    written = [r for p in places for r in _rows(p) if r.found is not None]
    if tables:
        place, block = tables[-1]
        line = block.line + 2 + len(block.rows)
        cells, expected = _cells(place, block, role, values, file, line)
        prefix, _, suffix = split_row(lines[block.line - 1])
        lead = prefix + " " if prefix.endswith("|") else prefix
        close = " " + suffix.rstrip() if suffix.strip() else ""
        lines.insert(line - 1, lead + " | ".join(c or "" for c in cells) + close)
        return expected
    if written:
        last = written[-1]
        previous = lines[last.line - 1]
        indent = previous[: len(previous) - len(previous.lstrip())]
        text, expected = _line(last.place, role, values, file, last.line + 1)
        if any(lines[r.line - 1].endswith("  ") for r in written) and not previous.endswith("  "):
            # The lines end in hard breaks but the last: the new one must not join it.
            lines[last.line - 1] = previous.rstrip() + "  "
        lines.insert(last.line, indent + text)
        return expected
    section = places[0].section
    raise UsageError(
        f"section '{section.heading}' has no sign-off table or lines to add '{role}' to",
        file=file,
        line=section.line,
        field="sign_offs",
    )


def _cells(
    place: _Place, block: Block, role: str, values: _Values, file: str, line: int
) -> tuple[list[str | None], SignOff]:
    """Return each cell's new text (None: none) and the sign-off the row reads back as."""
    columns = place.columns(block)
    attrs = [c.attr if c else None for c in columns]
    if not values.approved and "approved" not in attrs:
        raise UsageError(
            "the sign-off table has no Approved column to say it was not approved",
            file=file,
            line=line,
            field="approved",
        )
    expected: dict[str, Any] = {"role": role, "name": values.name}
    cells: list[str | None] = []
    for index, column in enumerate(columns):
        attr = column.attr if column else None
        zone = _column_zone(block.header[index], place.zone)
        value: str | None = None
        if attr == "role":
            value = escape_cell(role)
        elif attr == "name":
            value = escape_cell(values.name)
        elif attr == "date":
            # Beside a column of its own for the moment, the date cell holds the day.
            day = values.day(zone)
            value = day.isoformat() if "signed_at" in attrs else values.moment(zone)
            expected.update(date=day, signed_at=values.at)
        elif attr == "signed_at":
            value = values.moment(zone)
            expected["signed_at"] = values.at
        elif attr == "approved":
            boxed = (column is not None and column.format == "checkbox") or any(
                len(r) > index and r[index].strip() in _CHECKBOXES for r in block.rows
            )
            value = _approval(values.approved, boxed=boxed)
            expected["approved"] = values.approved
        elif attr == "signer":
            value = escape_cell(values.identity)
            expected["signer"] = values.identity or None
        cells.append(value)
    return cells, SignOff.model_validate(expected)


def _approval(approved: bool, *, boxed: bool) -> str:
    if boxed:
        return "[x]" if approved else "[ ]"
    return "Yes" if approved else "No"


def _line(place: _Place, role: str, values: _Values, file: str, line: int) -> tuple[str, SignOff]:
    """Return a sign-off line for ``role`` and the sign-off it reads back as."""
    if "\n" in values.name or "\n" in values.identity:
        raise InvalidValueError(
            "a sign-off line cannot hold a line end", file=file, line=line, field="name"
        )
    template = place.template()
    attrs = item_attrs(template)
    if not values.approved and "approved" not in attrs:
        raise UsageError(
            "these sign-off lines have no place to say it was not approved",
            file=file,
            line=line,
            field="approved",
        )
    expected: dict[str, Any] = {"role": role, "name": values.name}
    written = {"role": role, "name": values.name}
    if "date" in attrs:
        day = values.day(place.zone)
        written["date"] = day.isoformat() if "signed_at" in attrs else values.moment(place.zone)
        expected.update(date=day, signed_at=values.at)
    if "signed_at" in attrs:
        written["signed_at"] = values.moment(place.zone)
        expected["signed_at"] = values.at
    if "approved" in attrs:
        written["approved"] = _approval(values.approved, boxed=False)
        expected["approved"] = values.approved
    if "signer" in attrs:
        written["signer"] = values.identity
        expected["signer"] = values.identity or None
    return fill_item(template, written).rstrip(), SignOff.model_validate(expected)


def _column_zone(header: str, fallback: tzinfo) -> tzinfo:
    """Return the zone a column header states (``Date (UTC)``), else ``fallback``."""
    stated = stated_zone(header)
    return resolve_zone(stated) if stated else fallback


def _minute(moment: datetime) -> datetime:
    """Return a moment as a document writes it: to the minute."""
    return moment.replace(second=0, microsecond=0)


def _check_signed(
    text: str, file: str, profile: Profile, before: Incident, expected: SignOff, line: int | None
) -> None:
    """Refuse unless ``text`` reads as ``before`` with only the sign-off ``expected`` changed."""
    try:
        after = read_document(text, profile, file=file, strict=False, collect=True).record
    except AfteractionError as exc:
        raise UsageError(
            f"the signed document cannot be read back ({exc}); sign it by hand", file=file
        ) from exc
    key = norm(expected.role)
    mine = [s for s in after.sign_offs if norm(s.role) == key]
    others = [[s for s in r.sign_offs if norm(s.role) != key] for r in (before, after)]
    rest = [r.model_dump(exclude={"sign_offs", "readings"}) for r in (before, after)]
    signed = len(mine) == 1 and (mine[0].signed or expected.approved is False)
    if not signed or mine[0].model_copy(update={"role": expected.role}) != expected:
        problem = f"the sign-off of '{expected.role}' does not read back as written"
    elif others[0] != others[1]:
        problem = "other sign-offs changed too"
    elif rest[0] != rest[1]:
        problem = "other parts of the record changed too"
    else:
        return
    raise UsageError(f"{problem}; sign it by hand", file=file, line=line, field="sign_offs")
