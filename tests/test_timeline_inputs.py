"""Sources read bytes and streams as they read files; gzip input is capped as it unpacks."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from afteraction.errors import AfteractionError, TooLargeError, UsageError
from afteraction.service import timeline as use
from afteraction.service.workspace import Workspace
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.inputs import GZIP_RATIO, SourceInput, read_bytes, read_lines
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from tests.test_cli import aar
from tests.test_source_deploys import CSV
from tests.test_source_elasticsearch import FILEBEAT, search
from tests.test_source_grafana import alert, unified
from tests.test_source_loki import CHECKOUT, NGINX, response
from tests.test_source_opsgenie import NS, webhook
from tests.test_source_pagerduty import LOG_ENTRIES
from tools.golden_timelines import PAYLOADS, fixture_spec, reading

MIB = 1 << 20


def lines(*texts: str) -> bytes:
    return "".join(f"{text}\n" for text in texts).encode()


AM_ALERT = {
    "labels": {"alertname": "CheckoutErrors", "service": "checkout", "severity": "critical"},
    "annotations": {"summary": "5xx above 5%"},
    "startsAt": "2026-11-03T14:04:00Z",
    "endsAt": "2026-11-03T14:27:00Z",
    "fingerprint": "c0ffee",
}
HOOKS = lines(
    json.dumps({"version": "4", "status": "firing", "alerts": [{**AM_ALERT, "status": "firing"}]}),
    json.dumps(
        {"version": "4", "status": "resolved", "alerts": [{**AM_ALERT, "status": "resolved"}]}
    ),
)
FULLER = """\
commit 4f2a9c1e0b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e (tag: v1.2.0)
Author:     Bo Chen <bo@example.com>
AuthorDate: Tue Nov 3 14:02:11 2026 +0100
Commit:     CI <ci@example.com>
CommitDate: Tue Nov 3 14:02:11 2026 +0100

    Raise pool size

commit 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
Author:     Ana Silva <ana@example.com>
AuthorDate: Tue Nov 3 13:00:00 2026 +0100
Commit:     CI <ci@example.com>
CommitDate: Tue Nov 3 13:00:00 2026 +0100

    Add retry to payments client
"""
# Per source kind: a file name (its suffix matters to some), the input, and options.
SAMPLES: dict[str, tuple[str, bytes, dict[str, str]]] = {
    "alertmanager": ("hooks.jsonl", HOOKS, {}),
    "grafana": (
        "grafana.json",
        json.dumps(
            unified(
                alert("CheckoutLatency", "firing", "2026-11-03T14:02:00Z", "0001-01-01T00:00:00Z"),
                alert("DiskFull", "resolved", "2026-11-03T13:00:00Z", "2026-11-03T13:30:00Z"),
            )
        ).encode(),
        {},
    ),
    "pagerduty": ("log_entries.json", json.dumps(LOG_ENTRIES).encode(), {}),
    "opsgenie": ("og.json", json.dumps(webhook("Create", NS)).encode(), {}),
    "slack": (
        "2026-11-03.json",
        json.dumps(
            [
                {
                    "type": "message",
                    "user": "U1",
                    "text": "looking at checkout",
                    "ts": "1793714531.0001",
                },
                {"type": "message", "user": "U2", "text": "rolling back", "ts": "1793714600.0002"},
            ]
        ).encode(),
        {},
    ),
    "git": ("git.log", FULLER.encode(), {"component": "payments"}),
    "deploys": ("deploys.csv", CSV.encode(), {"zone": "Europe/Paris"}),
    "jsonl": (
        "app.log",
        lines(
            '{"time":"2026-11-03T14:02:11Z","level":"error","msg":"payment gateway timeout"}',
            "not json",
            '{"time":"2026-11-03T14:02:12Z","level":"info","msg":"retrying"}',
        ),
        {},
    ),
    "logfmt": (
        "app.log",
        lines('ts=2026-11-03T14:02:11Z level=warn msg="slow upstream"', "ts=bad msg=x"),
        {},
    ),
    "syslog": (
        "messages",
        lines(
            "<34>1 2026-11-03T14:02:11.003Z web-1 sshd 4242 ID47 - Failed password for root",
            "Nov  3 14:02:12 web-1 kernel: eth0 link down",
        ),
        {"year": "2026"},
    ),
    "plain": (
        "app.log",
        lines("2026-11-03 14:02:12,250 ERROR app.db: connection refused", "  at Pool.connect"),
        {},
    ),
    "loki": ("loki.json", json.dumps(response(CHECKOUT, NGINX)).encode(), {}),
    "elasticsearch": ("search.json", json.dumps(search(FILEBEAT)).encode(), {}),
}
# The deploys source tells YAML by the suffix the name gives.
YAML_DEPLOYS = b"- time: 2026-11-03T14:00:00Z\n  service: db\n  description: Raised the pool size\n"


def read(spec: SourceSpec) -> dict[str, Any]:
    """Return what a source makes of its input: events, bad input and notes."""
    problems = Problems(spec.label)
    source = SourceRegistry.discover().get(spec.kind)(spec, problems)
    events = [event.to_dict() for event in source.events()]
    return {"events": events, "bad": [str(p) for p in problems.first], "notes": problems.notes}


def as_input(how: str, label: str, data: bytes) -> SourceInput:
    if how == "bytes":
        return SourceInput.from_bytes(label, data)
    if how == "stream":
        return SourceInput.from_stream(label, io.BytesIO(data))
    if how == "gzip bytes":
        return SourceInput.from_bytes(label, gzip.compress(data))
    assert how == "gzip stream"
    return SourceInput.from_stream(label, _Trickle(gzip.compress(data)))


class _Trickle(io.RawIOBase):
    """A stream that is no buffered reader and gives a few bytes a read, as a socket may."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.data.read(min(len(buffer), 7))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_every_source_kind_has_a_sample():
    assert set(SourceRegistry.discover().names()) <= set(SAMPLES)


@pytest.mark.parametrize("how", ["bytes", "stream", "gzip bytes", "gzip stream"])
@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_source_reads_bytes_and_streams_as_it_reads_a_file(tmp_path, kind, how):
    name, data, options = SAMPLES[kind]
    path = tmp_path / name
    path.write_bytes(data)
    from_file = read(SourceSpec(kind, path, options))
    assert from_file["events"], f"the {kind} sample reads as no event"
    given = SourceSpec.of(kind, as_input(how, str(path), data), options)
    assert given.path is None and given.label == str(path)
    assert read(given) == from_file


def test_the_name_of_bytes_stands_for_a_file_name(tmp_path):
    path = tmp_path / "deploys.yaml"
    path.write_bytes(YAML_DEPLOYS)
    given = SourceSpec.of("deploys", SourceInput.from_bytes(str(path), YAML_DEPLOYS))
    assert read(given) == read(SourceSpec("deploys", path)) and read(given)["events"]


def test_bytes_are_named_with_or_without_their_kind():
    spec = SourceSpec.given("alertmanager[zone=UTC]:hooks.jsonl", HOOKS)
    assert (spec.kind, spec.options, spec.label, spec.path) == (
        "alertmanager",
        {"zone": "UTC"},
        "hooks.jsonl",
        None,
    )
    assert SourceSpec.given("hooks.jsonl", HOOKS).kind == "auto"
    stream = SourceSpec.given("syslog:-", io.BytesIO(b""))
    assert stream.input.stream is not None and stream.label == "-"


@pytest.mark.skipif(not PAYLOADS.is_dir(), reason=f"{PAYLOADS} is absent: no payload fixtures")
@pytest.mark.parametrize("how", ["bytes", "stream"])
def test_real_payloads_read_from_memory_as_from_their_files(how):
    checked = 0
    for path in sorted(PAYLOADS.iterdir()):
        spec = fixture_spec(path)
        if spec is None:
            continue
        given = SourceSpec.of(spec.kind, as_input(how, str(path), path.read_bytes()), spec.options)
        assert reading(given) == reading(spec), path.name
        checked += 1
    assert checked > 20


def test_a_timeline_is_built_from_bytes_without_touching_disk(tmp_path, monkeypatch):
    files = []
    for kind in ("alertmanager", "pagerduty", "jsonl", "deploys"):
        name, data, options = SAMPLES[kind]
        (tmp_path / name).write_bytes(data)
        files.append(SourceSpec(kind, tmp_path / name, options))
    expected = build_timeline(files, SourceRegistry.discover(), BuildOptions())

    def no_files(path: Path) -> BinaryIO:
        raise AssertionError(f"opened {path}")

    monkeypatch.setattr("afteraction.timeline.inputs.open_input", no_files)
    given = use.source_specs(
        [
            (str(tmp_path / "hooks.jsonl"), HOOKS),  # no kind: told from the bytes
            (f"pagerduty:{tmp_path / 'log_entries.json'}", SAMPLES["pagerduty"][1]),
            (f"jsonl:{tmp_path / 'app.log'}", io.BytesIO(SAMPLES["jsonl"][1])),
            (f"deploys[zone=Europe/Paris]:{tmp_path / 'deploys.csv'}", CSV.encode()),
        ]
    )
    workspace = Workspace.open(tmp_path)
    built = use.build_timeline(workspace, given, BuildOptions())
    assert [e.to_dict() for e in built.events] == [e.to_dict() for e in expected.events]
    assert built.notes() == expected.notes()
    keyed = use.key_timeline(workspace, use.source_specs([("hooks.jsonl", HOOKS)]), BuildOptions())
    assert use.key_times(keyed).times["detected"].event is not None


def test_a_stream_of_no_named_kind_is_refused_since_it_is_read_once():
    spec = SourceSpec.given("hooks.jsonl", io.BytesIO(HOOKS))
    with pytest.raises(UsageError, match="cannot tell what kind of input this is"):
        build_timeline([spec], SourceRegistry.discover(), BuildOptions())


def test_a_stream_is_read_from_where_it_stands_and_left_open():
    stream = io.BytesIO(b"skipped\n" + SAMPLES["jsonl"][1])
    stream.readline()
    spec = SourceSpec.of("jsonl", SourceInput.from_stream("app.log", stream))
    events = read(spec)["events"]
    assert [e["origin"] for e in events] == ["app.log:1", "app.log:3"]
    assert not stream.closed


def test_bytes_over_the_size_limit_are_refused_as_a_file_would_be(monkeypatch):
    monkeypatch.setattr("afteraction.timeline.inputs.MAX_INPUT_BYTES", 100)
    with pytest.raises(TooLargeError, match=r"^hook\.json: is larger than the 0 MiB") as caught:
        read(SourceSpec.given("alertmanager:hook.json", b" " * 101))
    assert caught.value.problem()["status"] == 413


# Bounded decompression ------------------------------------------------------------------


def write_gzip(path: Path, size: int, byte: bytes = b"\0") -> Path:
    """Write ``size`` bytes of one byte value gzip-compressed, a mebibyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = byte * MIB
    with path.open("wb") as out:
        for _ in range(size // MIB):
            out.write(packer.compress(block))
        out.write(packer.flush())
    return path


class Counted(io.RawIOBase):
    """A file's bytes, counting how many were read."""

    def __init__(self, path: Path) -> None:
        self.data = path.read_bytes()
        self.at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.data[self.at : self.at + len(buffer)]
        buffer[: len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MiB of zeros in about 200 KB: a gzip bomb, with no line end."""
    return write_gzip(tmp_path_factory.mktemp("bomb") / "app.log.gz", 200 * MIB)


@pytest.fixture(scope="module")
def line_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MiB of line ends in about 200 KB: a gzip bomb of empty lines."""
    return write_gzip(tmp_path_factory.mktemp("bomb") / "lines.log.gz", 200 * MIB, b"\n")


def test_a_gzip_bomb_read_whole_stops_at_the_limit(bomb):
    counted = Counted(bomb)
    with pytest.raises(TooLargeError) as caught:
        read_bytes(SourceInput.from_stream(str(bomb), counted), limit=MIB)
    assert str(caught.value) == (
        f"{bomb}: unpacks to more than 1 MiB (the most an input may be): reading stopped there;"
        " unpack it yourself if it is genuine"
    )
    assert counted.at < len(counted.data) // 2  # stopped long before the end


def test_a_gzip_bomb_read_by_line_stops_at_the_line_limit(bomb):
    with pytest.raises(TooLargeError, match=r":1: is longer than the 1 MiB a line may be$"):
        list(read_lines(bomb, limit=MIB))


def test_a_gzip_bomb_of_short_lines_stops_at_its_cap(line_bomb):
    cap = GZIP_RATIO * line_bomb.stat().st_size
    assert cap < 200 * MIB  # the cap falls inside the bomb
    read = 0
    with pytest.raises(TooLargeError) as caught:
        for _ in read_lines(line_bomb, limit=MIB):
            read += 1
    # One empty line a byte, up to the cap (less what the last read held) and not one more.
    assert cap - 65536 <= read <= cap
    assert str(caught.value).startswith(
        f"{line_bomb}: unpacks to more than {cap / MIB:.1f} MiB (gzip input may unpack to"
        f" {GZIP_RATIO} times its size, 1 MiB at least)"
    )


def test_a_gzip_stream_of_unknown_size_is_capped_by_what_was_read_of_it(line_bomb):
    counted = Counted(line_bomb)
    with pytest.raises(TooLargeError, match="100 times what was read of it, 1 MiB at least"):
        for _ in read_lines(SourceInput.from_stream("lines.log.gz", counted), limit=MIB):
            pass
    assert counted.at < len(counted.data)


def test_genuine_gzip_logs_over_the_limit_are_read(tmp_path):
    text = b"".join(
        b'{"time":"2026-11-03T14:%02d:%02dZ","level":"info","msg":"request %d handled"}\n'
        % (n // 60 % 60, n % 60, n)
        for n in range(40_000)
    )
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(text))
    assert len(text) > 2 * MIB
    assert sum(1 for _ in read_lines(path, limit=MIB)) == 40_000


def test_a_gzip_bomb_is_one_error_line_from_the_cli(bomb):
    result = aar("timeline", "build", "--from", f"jsonl:{bomb}")
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: {bomb}: unpacks to more than 64 MiB (gzip input may unpack to 100 times its"
        " size, 64 MiB at least): reading stopped there; unpack it yourself if it is genuine\n"
    )


def test_errors_of_gzip_input_are_errors_of_the_tree():
    assert issubclass(TooLargeError, UsageError) and issubclass(TooLargeError, AfteractionError)


def test_a_spec_makes_its_input_once_since_every_event_is_named_by_it(tmp_path):
    spec = SourceSpec("jsonl", tmp_path / "app.log")
    assert spec.input is spec.input and spec.label == str(tmp_path / "app.log")
    given = SourceSpec.given("jsonl:app.log", b"")
    assert given.input is given.content and given.label == "app.log"
