"""1 MB adversarial lines: every reader gives the right result, in linear time.

Each run is one character (or a short unit) repeated to a megabyte, the
shapes that make a backtracking pattern quadratic: spaces, ``(``, ``*``,
``[``, ``](``, ``<!--``, ``|``, digits, ``:`` and backticks. A hang fails
the test through a generous alarm instead of a speed assertion.
"""

from __future__ import annotations

import csv
import json
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import FrameType

import pytest

from afteraction.demo import demo_record
from afteraction.document.kinds.common import norm
from afteraction.document.markdown import read_markdown
from afteraction.document.parse import read_document
from afteraction.document.recognize import choose_profile
from afteraction.document.render import render_markdown
from afteraction.document.values import (
    ValueFormatError,
    parse_date,
    parse_int,
    parse_money,
    parse_when,
    split_zone,
)
from afteraction.errors import UsageError
from afteraction.followup.pull import read_export
from afteraction.model import Incident
from afteraction.profiles import ProfileRegistry
from afteraction.timeline.apply import without_notes
from afteraction.timeline.event import Event
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.sources.grafana import query_values
from afteraction.timeline.spec import SourceSpec
from afteraction.timeline.window import Window
from tests.conftest import BUILTIN, shared_folder

SIZE = 1 << 20
UNITS = [" ", "(", "*", "[", "](", "<!--", "|", "9", ":", "`"]
LIMIT_SECONDS = 30


def run(unit: str, size: int = SIZE) -> str:
    """Return ``unit`` repeated to ``size`` characters."""
    return unit * (size // len(unit))


def mixed(size: int = SIZE) -> str:
    """Return every unit's run in turn, words between them, ``size`` characters in all."""
    share = size // len(UNITS)
    return " x ".join(run(unit, share) for unit in UNITS)


@pytest.fixture(autouse=True)
def alarm() -> Iterator[None]:
    """Fail a test that runs past the limit (a superlinear pattern), rather than hang."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {LIMIT_SECONDS} s: a superlinear pattern?")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def read(text: str, registry: ProfileRegistry) -> tuple[Incident, str, list[str]]:
    raw = read_markdown(text, "hostile.md")
    profile, follows = choose_profile(raw, registry)
    assert follows
    parsed = read_document(text, profile, file="hostile.md", strict=True, raw=raw)
    return parsed.record, profile.name, parsed.warnings


def insert_after_heading(text: str, heading: str, paragraph: str) -> str:
    lines = text.split("\n")
    at = lines.index(heading)
    end = next(
        (i for i in range(at + 1, len(lines)) if lines[i].startswith("#")),
        len(lines),
    )
    while end > at + 1 and not lines[end - 1].strip():
        end -= 1
    return "\n".join([*lines[:end], "", paragraph, *lines[end:]])


# -- documents: each profile's shape


def first_prose(name: str, registry: ProfileRegistry) -> tuple[str, str]:
    """Return the heading line and record attribute of a profile's first prose section."""
    profile = registry.get(name)
    section = next(s for s in profile.sections if s.kind == "prose" and s.bind)
    assert section.bind is not None
    return f"{'#' * section.level} {section.heading}", section.bind


@pytest.mark.parametrize("name", BUILTIN)
def test_each_profile_reads_a_megabyte_of_every_run_in_its_prose(name, registry):
    profile = registry.get(name)
    base_text = render_markdown(demo_record(profile), profile)
    base, _, _ = read(base_text, registry)
    heading, bind = first_prose(name, registry)
    payload = mixed()
    record, found, _ = read(insert_after_heading(base_text, heading, payload), registry)
    assert found == name
    written = getattr(record, bind)
    assert written.startswith(getattr(base, bind)) and written.endswith(payload.rstrip())
    # Readings carry the line they came from, which the inserted text moves.
    rest = {bind, "readings"}
    assert record.model_dump(exclude=rest) == base.model_dump(exclude=rest)
    assert record.readings == base.readings


@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_a_megabyte_run_after_a_label_is_the_field_value(unit, registry):
    profile = registry.get("default")
    text = render_markdown(demo_record(profile), profile)
    assert "\n**Trigger:**\n" in text
    hostile = text.replace("\n**Trigger:**\n", f"\n**Trigger:** {run(unit)}\n")
    record, _, _ = read(hostile, registry)
    value = run(unit).strip().removeprefix(":")  # the colon after the label is optional
    markup_only = not value.strip(" `*_")
    assert record.trigger == (None if markup_only else value)


@pytest.mark.parametrize("unit", [u for u in UNITS if not norm(u)], ids=repr)
def test_a_megabyte_run_after_a_heading_keeps_the_section(unit, registry):
    profile = registry.get("default")
    text = render_markdown(demo_record(profile), profile)
    base, _, _ = read(text, registry)
    record, _, _ = read(text.replace("\n## Summary\n", f"\n## Summary {run(unit)}\n"), registry)
    assert record.summary == base.summary and record.summary


def test_a_megabyte_number_in_a_number_field_is_refused_by_line_and_field(registry):
    profile = registry.get("default")
    text = render_markdown(demo_record(profile), profile)
    hostile = text.replace("**Users affected:** 1200", f"**Users affected:** {run('9')}")
    raw = read_markdown(hostile, "hostile.md")
    parsed = read_document(hostile, profile, file="hostile.md", strict=False, raw=raw)
    assert parsed.record.impact.users is None
    assert any(
        w.startswith("line 15: Users affected") and "more than 18 digits" in w
        for w in parsed.warnings
    )


# -- timeline sources


def source_events(kind: str, path: Path, **options: str) -> tuple[list[Event], Problems]:
    problems = Problems(str(path))
    source = SourceRegistry.discover().get(kind)(SourceSpec(kind, path, options), problems)
    return list(source.events()), problems


TEXT_KEYS = {"message", "text", "title", "summary", "description", "msg", "note", "log", "name"}


def lengthen(data: object, tail: str) -> int:
    """Append ``tail`` to every message-like string in a JSON value; return how many."""
    count = 0
    if isinstance(data, dict):
        for key, value in data.items():
            if key in TEXT_KEYS and isinstance(value, str) and value.strip():
                data[key] = f"{value} {tail}"
                count += 1
            else:
                count += lengthen(value, tail)
    elif isinstance(data, list):
        count += sum(lengthen(item, tail) for item in data)
    return count


def payloads() -> list[Path]:
    folder = shared_folder("fixtures") / "payloads"
    return sorted(p for p in folder.iterdir() if p.name.split("__")[0] != "slack")


def payload_ids() -> list[str]:
    folder = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "payloads"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.split("__")[0] != "slack")


@pytest.mark.parametrize("name", payload_ids())
def test_real_payloads_with_megabyte_messages_read_the_same_events(name, tmp_path):
    original = shared_folder("fixtures") / "payloads" / name
    kind = name.split("__")[0]
    before, _ = source_events(kind, original)
    tail = mixed(SIZE // 4)
    hostile = tmp_path / name
    if original.suffix == ".json":
        data = json.loads(original.read_text(encoding="utf-8"))
        assert lengthen(data, tail)
        hostile.write_text(json.dumps(data), encoding="utf-8")
    elif kind == "jsonl":
        records = [json.loads(line) for line in original.read_text(encoding="utf-8").splitlines()]
        assert sum(lengthen(record, tail) for record in records[:3])
        hostile.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    else:
        lines = original.read_text(encoding="utf-8").split("\n")
        lines[:3] = [f"{line} {tail}" for line in lines[:3]]
        hostile.write_text("\n".join(lines), encoding="utf-8")
    after, _ = source_events(kind, hostile)
    assert [(e.time, e.kind) for e in after] == [(e.time, e.kind) for e in before]


def test_a_plain_log_skips_megabyte_lines_with_no_time(tmp_path):
    log = tmp_path / "app.log"
    lines = ["2026-11-03T14:00:00Z service started"]
    lines += [run(unit) for unit in UNITS]
    lines += [f"2026-11-03T14:05:00Z payment failed {mixed(SIZE // 4)}"]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events, _ = source_events("plain", log)
    assert [e.time.minute for e in events] == [0, 5]
    assert events[1].text.startswith("payment failed")


@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_a_deploys_csv_reads_around_a_megabyte_cell(unit, tmp_path):
    path = tmp_path / "deploys.csv"
    cell = run(unit).replace('"', "")
    path.write_text(
        "time,service,version,description\n"
        f"2026-11-03T14:00:00Z,api,1.2,{cell}\n"
        "2026-11-03T14:30:00Z,api,1.3,rolled forward\n",
        encoding="utf-8",
    )
    events, problems = source_events("deploys", path)
    if len(cell) > csv.field_size_limit():  # refused as a problem of its own line
        assert [str(p) for p in problems.first] == [
            f"{path}:2: not CSV: field larger than field limit ({csv.field_size_limit()})"
        ]
        assert [e.text for e in events] == ["rolled forward"]
    else:
        assert [e.text for e in events] == [cell.strip() or "Deployed api 1.2", "rolled forward"]


@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_a_syslog_line_with_a_megabyte_message_is_one_event(unit, tmp_path):
    path = tmp_path / "syslog.log"
    path.write_text(
        f"<34>1 2026-11-03T14:00:00Z host app 1 ID1 - {run(unit)}\n"
        "<34>1 2026-11-03T14:01:00Z host app 1 ID1 - disk full\n",
        encoding="utf-8",
    )
    events, _ = source_events("syslog", path)
    assert [e.time.minute for e in events] == [0, 1]
    assert events[1].text.endswith("disk full")


@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_a_logfmt_line_with_a_megabyte_value_is_one_event(unit, tmp_path):
    path = tmp_path / "app.logfmt"
    value = run(unit).replace('"', "")
    path.write_text(
        f'time=2026-11-03T14:00:00Z level=error msg="{value}"\n'
        "time=2026-11-03T14:02:00Z level=info msg=recovered\n",
        encoding="utf-8",
    )
    events, _ = source_events("logfmt", path)
    assert [e.time.minute for e in events] == [0, 2]
    assert events[1].text.endswith("recovered")


# -- patterns over text from trackers, Grafana, the command line and written timelines


def test_a_tracker_cell_of_repeated_markers_is_read_in_one_pass(tmp_path):
    path = tmp_path / "export.json"
    body = run("aar-key: ") + " aar-key: INC-20261103-001#2"
    path.write_text(json.dumps([{"body": body, "status": "Done"}]), encoding="utf-8")
    export = read_export(path)
    assert [(s.key, s.state) for s in export.states] == [("INC-20261103-001#2", "done")]


def test_grafana_value_strings_with_a_megabyte_of_labels_read_the_real_value():
    noise = run("[ labels={")
    values = query_values({"valueString": f"{noise} [ var='A' labels={{}} value=1 ]"})
    assert values == "A=1"


def test_around_with_a_megabyte_of_spaces_is_one_line_error():
    with pytest.raises(UsageError, match="is not TIME±SPAN"):
        Window.around(f"14:00{run(' ')}x", UTC)
    window = Window.around(f"2026-11-03 14:00{run(' ', 1 << 16)}+- 1h", UTC)
    assert window.start == datetime(2026, 11, 3, 13, 0, tzinfo=UTC)


def test_notes_are_dropped_from_a_megabyte_of_repeats():
    repeated = run(" (also via slack)", SIZE)
    assert without_notes("deploy done" + repeated) == "deploy done"
    assert without_notes("cache (warm) (2 times until 14:05)") == "cache (warm)"


# -- single values


@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_values_read_or_refuse_a_megabyte_run(unit):
    text = run(unit)
    assert split_zone(f"14:00{text}UTC")[1] is not None or unit != " "
    assert split_zone(f"14:00 {text}x") == (f"14:00 {text}x", None)
    with pytest.raises(ValueFormatError):
        parse_money(f"EUR{text}x")
    with pytest.raises(ValueFormatError):
        parse_date(f"2026-11-03{text}x")
    with pytest.raises(ValueFormatError):
        parse_when(f"14:00{text}x")
    if not text.strip(" *"):  # stripped as markup
        assert parse_date(f"2026-11-03{text}").day == 3
    if not text.strip(" *:"):  # a time may end in the colon after its label
        assert parse_when(f"14:00{text}")[1].hour == 14


def test_money_and_numbers_of_a_megabyte_of_digits():
    with pytest.raises(ValueFormatError, match="more than 18 digits"):
        parse_money(f"{run('1')} EUR")
    assert parse_money(f"{'0' * 100}12.5 EUR").amount == Decimal("12.5")
    with pytest.raises(ValueFormatError, match="not an amount"):
        parse_money(f"{run('1')}x")
    with pytest.raises(ValueFormatError, match="more than 18 digits"):
        parse_int(run("9"))
    assert parse_int("0" * 100 + "42") == 42
