"""The deploys source: CSV and YAML files of deploys, their columns, and their bad rows."""

from __future__ import annotations

import gzip
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.sources.deploys import Deploys, mapped_columns
from afteraction.timeline.spec import SourceSpec

CSV = """\
time,service,version,actor,description,link
2026-11-03T14:02:11+01:00,payments,1.4.2,Ana Silva,,https://ci.example.com/run/7
2026-11-03 13:40,db,,Bo Chen,Raised the pool size,
"""


def read(path: Path | None, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    spec = SourceSpec("deploys", path, options)
    problems = Problems(spec.label, strict=strict)
    return list(Deploys(spec, problems).events()), problems


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 3, hour, minute, second, tzinfo=UTC)


# CSV --------------------------------------------------------------------------------------


def test_csv_rows_are_deploys_with_their_columns(tmp_path):
    path = write(tmp_path, "deploys.csv", CSV)
    events, problems = read(path, zone="Europe/Paris")
    assert [e.time for e in events] == [at(13, 2, 11), at(12, 40)]  # naive times: Paris
    assert {e.kind for e in events} == {Kind.DEPLOY}
    assert [e.text for e in events] == ["Deployed payments 1.4.2", "Raised the pool size"]
    assert [e.actor for e in events] == ["Ana Silva", "Bo Chen"]
    assert [e.component for e in events] == ["payments", "db"]
    assert [e.link for e in events] == ["https://ci.example.com/run/7", None]
    assert [e.origin for e in events] == [f"{path}:2", f"{path}:3"]
    assert {e.source for e in events} == {"deploys"}
    assert problems.count == 0


def test_other_usual_column_names_are_found_whatever_their_case(tmp_path):
    path = write(
        tmp_path,
        "deploys.csv",
        "Timestamp;App;User;Summary;URL\n1793714400;api;cy;Rolled back;https://x/1\n",
    )
    (event,), _ = read(path)
    assert (event.time, event.component, event.actor, event.text, event.link) == (
        datetime(2026, 11, 3, 14, 0, tzinfo=UTC),
        "api",
        "cy",
        "Rolled back",
        "https://x/1",
    )


def test_options_map_the_columns(tmp_path):
    path = write(
        tmp_path,
        "changes.csv",
        "deployed_at,svc,who,notes,pr,at\n2026-11-03T14:00:00Z,api,dee,Flag on,https://pr/9,x\n",
    )
    (event,), _ = read(
        path, time="deployed_at", component="SVC", actor="who", text="notes", link="pr"
    )
    assert (event.time, event.component, event.actor, event.text, event.link) == (
        at(14, 0),
        "api",
        "dee",
        "Flag on",
        "https://pr/9",
    )


def test_a_missing_column_is_refused_naming_the_columns_found(tmp_path):
    path = write(tmp_path, "deploys.csv", "when,service\n2026-11-03T14:00:00Z,api\n")
    with pytest.raises(UsageError) as caught:
        read(path)
    assert "no time column (looked for time, timestamp, date, at; columns: when, service)" in str(
        caught.value
    )
    with pytest.raises(UsageError, match=r"no column 'who' \(columns: when, service\)"):
        read(path, time="when", actor="who")


def test_bad_rows_are_counted_with_their_line_and_the_rest_read(tmp_path):
    path = write(
        tmp_path,
        "deploys.csv",
        "time,service,description\n"
        '2026-11-03T14:00:00Z,api,"two\nlines"\n'
        "soon,api,bad time\n"
        ",api,no time\n"
        "\n"
        "2026-11-03T14:05:00Z,api,one,field,too many\n"
        "2026-11-03T14:10:00Z,db,last\n",
    )
    events, problems = read(path)
    assert [e.text for e in events] == ["two\nlines", "last"]
    assert [(p.line, p.message) for p in problems.first] == [
        (4, "column 'time': not a time: 'soon'"),
        (5, "no time (column 'time')"),
        (7, "row has 5 fields, the header 3"),
    ]
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 4)


def test_tsv_and_gzip_files(tmp_path):
    tsv = write(tmp_path, "deploys.tsv", "time\tservice\n2026-11-03T14:00:00Z\tapi\n")
    assert [e.text for e in read(tsv)[0]] == ["Deployed api"]
    packed = tmp_path / "deploys.csv.gz"
    packed.write_bytes(gzip.compress(CSV.encode()))
    assert len(read(packed)[0]) == 2


def test_an_empty_file_has_no_deploys(tmp_path):
    assert read(write(tmp_path, "deploys.csv", ""))[0] == []


# YAML -------------------------------------------------------------------------------------

YAML = """\
deploys:
  - time: 2026-11-03 14:00:00          # a YAML timestamp without a zone
    service: api
    version: "2.0"
  - time: 2026-11-03T15:00:00+01:00
    app: web
    by: Ana
    summary: Feature flag on
    url: https://flags.example.com/7
  - time: 2026-11-04
    component: db
"""


def test_yaml_items_are_deploys(tmp_path):
    path = write(tmp_path, "deploys.yaml", YAML)
    events, problems = read(path, zone="Europe/Paris")
    assert [e.time for e in events] == [
        at(13, 0),
        at(14, 0),
        datetime(2026, 11, 3, 23, 0, tzinfo=UTC),  # a date alone: midnight in the zone
    ]
    assert [e.text for e in events] == ["Deployed api 2.0", "Feature flag on", "Deployed db"]
    assert events[1].actor == "Ana"
    assert events[1].link == "https://flags.example.com/7"
    assert [e.origin for e in events] == [f"{path}:2", f"{path}:5", f"{path}:10"]
    assert problems.count == 0


def test_each_item_takes_a_field_from_the_first_usual_name_it_fills(tmp_path):
    path = write(
        tmp_path,
        "deploys.yml",
        "- {at: 2026-11-03T14:00:00Z, app: web}\n"
        "- {date: 2026-11-03T14:05:00Z, service: api, app: web}\n"
        "- {service: db}\n",
    )
    events, problems = read(path)
    assert [(e.time, e.component) for e in events] == [(at(14, 0), "web"), (at(14, 5), "api")]
    assert [(p.line, p.message) for p in problems.first] == [
        (3, "item [2]: no time (column 'date' or 'at')")
    ]


def test_a_top_level_list_or_an_events_list(tmp_path):
    top = write(tmp_path, "a.yaml", "- {time: '2026-11-03T14:00:00Z', text: Restarted}\n")
    assert [e.text for e in read(top)[0]] == ["Restarted"]
    events = write(tmp_path, "b.yml", "events:\n  - {time: 1793714400, service: api}\n")
    assert [e.time for e in read(events)[0]] == [at(14, 0)]


def test_bad_items_are_counted_with_their_index_and_line(tmp_path):
    path = write(
        tmp_path,
        "deploys.yaml",
        "- time: 2026-11-03T14:00:00Z\n- just text\n- time: whenever\n- time: 1793715000\n",
    )
    events, problems = read(path)
    assert len(events) == 2
    assert [(p.line, p.message) for p in problems.first] == [
        (2, "item [1] is not a mapping"),
        (3, "item [2]: column 'time': not a time: 'whenever'"),
    ]


def test_yaml_that_is_not_a_deploy_list_is_refused(tmp_path):
    with pytest.raises(UsageError, match="not a list of deploys") as caught:
        read(write(tmp_path, "a.yaml", "service: api\nreleases: []\n"))
    assert caught.value.file == str(tmp_path / "a.yaml")
    with pytest.raises(UsageError, match="not YAML") as caught:
        read(write(tmp_path, "b.yaml", "- time: [unclosed\n- x: 1\n"))
    assert caught.value.line == 2


# Formats ----------------------------------------------------------------------------------


def test_format_option_and_sniffing(tmp_path, monkeypatch):
    text = write(tmp_path, "deploys.txt", "- time: 2026-11-03T14:00:00Z\n  service: api\n")
    assert [e.text for e in read(text)[0]] == ["Deployed api"]  # sniffed as YAML
    assert [e.text for e in read(text, format="YAML")[0]] == ["Deployed api"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(CSV.encode()))))
    assert len(read(None)[0]) == 2
    with pytest.raises(UsageError, match="'xml' is not csv or yaml"):
        read(text, format="xml")


def test_deploys_is_registered():
    assert SourceRegistry.discover().get("deploys") is Deploys


def test_mapped_columns_list_the_usual_names_in_order():
    columns = mapped_columns(["Date", "Time", "Message", "Description"], {"actor": "message"})
    assert columns["time"] == ("Time", "Date")
    assert columns["text"] == ("Description", "Message")
    assert (columns["actor"], columns["link"]) == (("Message",), ())
