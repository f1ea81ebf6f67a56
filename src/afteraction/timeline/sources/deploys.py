"""Deploys and changes kept in a CSV or YAML file, one per row, with a column mapping."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

import yaml

from afteraction.errors import UsageError
from afteraction.safeload import YamlLoader, check_yaml_depth
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.inputs import read_bytes
from afteraction.timeline.payloads import text
from afteraction.timeline.problems import Problems
from afteraction.timeline.source import Source
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.times import aware, parse_time

# Each field's usual column names, first found wins; an option names another.
COLUMNS: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "date", "at"),
    "component": ("service", "component", "app"),
    "version": ("version",),
    "actor": ("actor", "user", "author", "by"),
    "text": ("description", "text", "message", "summary"),
    "link": ("link", "url"),
}
SNIFF_CHARS = 4096
# Keys of a YAML mapping that hold the list of deploys.
LIST_KEYS = ("deploys", "events")
FORMATS = {".csv": "csv", ".tsv": "csv", ".yaml": "yaml", ".yml": "yaml", ".json": "yaml"}
_YAML_START = re.compile(r"^(?:---|-\s|\[|\{|[\w-]+:(?:\s|$))")


@dataclass(frozen=True)
class Record:
    """One deploy as read: its values by column and its line.

    ``prefix`` names it in problems (``item [3]: ``; empty for a CSV row,
    whose line says it all); ``problem`` says what is wrong with a row or
    item that holds no deploy.
    """

    values: Mapping[str, Any]
    prefix: str
    line: int | None
    problem: str | None = None


def mapped_columns(found: Sequence[str], chosen: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Return the columns each field may be read from: the chosen one, else the usual names.

    Names match whatever their case; a record takes a field from the first
    of its columns that holds a value. A chosen column that is absent, or no
    time column at all, fails naming the columns there are.
    """
    by_name = {column.strip().lower(): column for column in found}
    listed = ", ".join(found) or "none"
    result: dict[str, tuple[str, ...]] = {}
    for name, usual in COLUMNS.items():
        if name in chosen:
            column = by_name.get(chosen[name].strip().lower())
            if column is None:
                raise UsageError(
                    f"no column '{chosen[name]}' (columns: {listed})", field=f"deploys[{name}]"
                )
            result[name] = (column,)
        else:
            result[name] = tuple(by_name[u] for u in usual if u in by_name)
    if not result["time"]:
        raise UsageError(
            f"no time column (looked for {', '.join(COLUMNS['time'])}; columns: {listed});"
            " name it with time=COLUMN",
            field="deploys[time]",
        )
    return result


class Deploys(Source):
    """Rows of a CSV file or items of a YAML list, each a ``deploy`` event.

    The text is the description, else ``Deployed SERVICE VERSION``; the
    actor, component (service) and link come from their columns.
    """

    name = "deploys"
    summary = "deploys or changes in a CSV or YAML file, with a column mapping"
    options = {
        **{
            name: f"the column of the {name} (default: the first of {', '.join(usual)})"
            for name, usual in COLUMNS.items()
        },
        "format": "csv or yaml (default: by the file's suffix, else by its content)",
    }

    def __init__(self, spec: SourceSpec, problems: Problems) -> None:
        super().__init__(spec, problems)
        self.chosen = {k: v for k, v in spec.options.items() if k in COLUMNS}
        given = spec.options.get("format", "").lower()
        if given not in ("", "csv", "yaml"):
            raise UsageError(f"'{given}' is not csv or yaml", field="deploys[format]")
        self.format = given or _format_by_suffix(spec.input.suffixes)

    def events(self) -> Iterator[Event]:
        """Yield a deploy event per row or item, in the file's order."""
        data = read_bytes(self.spec.input).decode("utf-8-sig", errors="replace")
        kind = self.format or ("yaml" if _looks_like_yaml(data) else "csv")
        found, records = self._csv(data) if kind == "csv" else self._yaml(data)
        if not found:
            return
        columns = mapped_columns(found, self.chosen)
        for record in records:
            if record.problem is not None:
                self.problems.add(record.problem, record.line)
                continue
            event = self._event(record, columns)
            if event is not None:
                yield event

    def _csv(self, data: str) -> tuple[list[str], Iterator[Record]]:
        """Return a CSV file's header and its rows, read as they are asked for."""
        header_line = next((line for line in data.splitlines() if line.strip()), "")
        tab = ".tsv" in self.spec.input.suffixes
        try:
            # The sniffer's patterns are slow on a long line; a header's start tells enough.
            dialect: Any = csv.Sniffer().sniff(
                header_line[:SNIFF_CHARS], delimiters="\t" if tab else ",;\t|"
            )
        except csv.Error:
            dialect = csv.excel_tab if tab else csv.excel
        reader = csv.reader(io.StringIO(data, newline=""), dialect)
        try:
            header = next((row for row in reader if any(cell.strip() for cell in row)), [])
        except csv.Error as exc:
            raise UsageError(
                f"not CSV: {exc}", file=self.spec.label, line=reader.line_num
            ) from None

        def rows() -> Iterator[Record]:
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # a field too long, a stray quote
                    yield Record({}, "", reader.line_num, f"not CSV: {exc}")
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    problem = f"row has {len(row)} fields, the header {len(header)}"
                    yield Record({}, "", reader.line_num, problem)
                else:
                    yield Record(dict(zip(header, row, strict=False)), "", reader.line_num)

        return header, rows()

    def _yaml(self, data: str) -> tuple[list[str], Iterator[Record]]:
        """Return the keys a YAML list of deploys uses and its items, with their lines."""
        try:
            check_yaml_depth(data, what="deploys file", file=self.spec.label)
            root = yaml.compose(data, Loader=YamlLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            said = getattr(exc, "problem", None) or str(exc)
            line = mark.line + 1 if mark is not None else None
            raise UsageError(f"not YAML: {said}", file=self.spec.label, line=line) from None
        items = [] if root is None else _deploy_list(root)
        if items is None:
            raise UsageError(
                "not a list of deploys: expected a list of mappings, or a mapping with a"
                f" {' or '.join(repr(k) for k in LIST_KEYS)} list",
                file=self.spec.label,
            )
        records = [_item(index, node) for index, node in enumerate(items)]
        found = dict.fromkeys(key for record in records for key in record.values)
        return list(found), iter(records)

    def _event(self, record: Record, columns: Mapping[str, tuple[str, ...]]) -> Event | None:
        """Return a record's deploy event, or None after reporting what is wrong with it."""
        found = {name: _first_value(record.values, names) for name, names in columns.items()}
        time_column, value = found["time"]
        try:
            moment = _time(value, self.zone)
        except ValueError as exc:
            self.problems.add(f"{record.prefix}column '{time_column}': {exc}", record.line)
            return None
        if moment is None:
            named = " or ".join(f"'{name}'" for name in columns["time"])
            self.problems.add(f"{record.prefix}no time (column {named})", record.line)
            return None
        said = {name: text(value) for name, (_, value) in found.items()}
        deployed = " ".join(v for v in ("Deployed", said["component"], said["version"]) if v)
        return Event(
            time=moment,
            source=self.name,
            kind=Kind.DEPLOY,
            text=said["text"] or deployed,
            actor=said["actor"],
            component=said["component"],
            link=said["link"],
            origin=self.origin(record.line),
        )


def _first_value(values: Mapping[str, Any], columns: tuple[str, ...]) -> tuple[str | None, Any]:
    """Return the first of the columns holding a value, with the value (None, None: none)."""
    for column in columns:
        value = values.get(column)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return column, value
    return None, None


def _time(value: Any, zone: tzinfo | None) -> datetime | None:
    """Return a cell's time: text or epoch as :func:`parse_time` reads them, or YAML's own."""
    if isinstance(value, datetime):
        return aware(value, zone)
    if isinstance(value, date):
        return aware(datetime.combine(value, time()), zone)
    return parse_time(value, zone)


def _item(index: int, node: yaml.Node) -> Record:
    """Return a YAML item (a mapping node) as a record, or a record of its problem."""
    line, prefix = node.start_mark.line + 1, f"item [{index}]: "
    if not isinstance(node, yaml.MappingNode):
        return Record({}, prefix, line, f"item [{index}] is not a mapping")
    try:
        values = YamlLoader("").construct_mapping(node, deep=True)
    except yaml.YAMLError as exc:
        return Record({}, prefix, line, f"{prefix}{exc}")
    return Record({str(k): v for k, v in values.items()}, prefix, line)


def _deploy_list(root: yaml.Node) -> list[yaml.Node] | None:
    """Return the item nodes of a YAML deploy list (top level, or under deploys/events)."""
    if isinstance(root, yaml.SequenceNode):
        return list(root.value)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value in LIST_KEYS and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return None


def _format_by_suffix(suffixes: list[str]) -> str | None:
    suffixes = [s for s in suffixes if s != ".gz"]
    return FORMATS.get(suffixes[-1]) if suffixes else None


def _looks_like_yaml(data: str) -> bool:
    first = next((line for line in data.splitlines() if line.strip()), "")
    return bool(_YAML_START.match(first.strip()))
