"""`--from auto:PATH`: the kind of input told from its first bytes, and errors that say it."""

from __future__ import annotations

import json
import subprocess

import pytest

from afteraction.errors import UsageError
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.detect import detect, detect_bytes
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from tools.golden_timelines import PAYLOADS, fixture_spec

FIXTURES = sorted(PAYLOADS.iterdir()) if PAYLOADS.is_dir() else []


@pytest.mark.skipif(not PAYLOADS.is_dir(), reason=f"{PAYLOADS} is absent: no payload fixtures")
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_real_payload_is_told_by_its_bytes(path):
    spec = fixture_spec(path)
    expected = spec.kind if spec is not None else None  # channels.json is no input alone
    assert detect(path) == expected


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'{"status":"success","data":{"resultType":"streams","result":[]}}', "loki"),
        (b'{"took":3,"hits":{"total":{"value":0},"hits":[]}}', "elasticsearch"),
        (b'{"responses":[{"hits":{"hits":[]}}]}', "elasticsearch"),
        (b'{"log_entries":[],"limit":25}', "pagerduty"),
        (b'{"data":[{"offset":"1","log":"Alert created","type":"system"}]}', "opsgenie"),
        (b'{"ok":true,"messages":[{"type":"message","ts":"1.0","text":"hi"}]}', "slack"),
        (b"commit 3f2a1b9c8d7e\nAuthor: Dana <d@x>\n", "git"),
        (b"<34>1 2026-11-03T14:02:11.003Z host app 1 - - boom\n", "syslog"),
        (b"Nov  3 14:02:11 web1 sshd[42]: Failed password\n", "syslog"),
        (b'time="2026-11-03T14:02:11Z" level=error msg="boom"\n', "logfmt"),
        (b"2026-11-03 14:02:11,003 ERROR boom\n", "plain"),
        (b"time,service,version\n2026-11-03T14:00:00Z,checkout,v42\n", "deploys"),
        (b'{"time":"2026-11-03T14:02:11Z","msg":"x"}\n{"time":', "jsonl"),
        (b"hello world\n", None),
    ],
)
def test_our_own_inputs_are_told_by_their_bytes(head, kind):
    assert detect_bytes(head) == kind


def test_folders_are_told_apart(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "users.json").write_text("[]")
    assert detect(export) == "slack"
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert detect(repo) == "git"
    assert detect(tmp_path / "export" / "users.json") is None


def test_auto_reads_with_the_kind_it_tells(tmp_path):
    path = tmp_path / "hook.json"
    alert = {"labels": {"alertname": "A"}, "startsAt": "2026-11-03T14:00:00Z"}
    path.write_text(json.dumps({"version": "4", "receiver": "r", "alerts": [alert]}))
    registry = SourceRegistry.discover()
    timeline = build_timeline([SourceSpec.parse(f"auto:{path}")], registry, BuildOptions())
    assert [(e.source, e.text) for e in timeline.events] == [("alertmanager", "Alert A firing")]
    unclear = tmp_path / "notes.txt"
    unclear.write_text("hello\n")
    with pytest.raises(UsageError, match=r"cannot tell what kind of input.*--from KIND:"):
        build_timeline([SourceSpec("auto", unclear)], registry, BuildOptions())


def test_the_wrong_kind_says_which_kind_it_looks_like(tmp_path):
    path = tmp_path / "pd.json"
    path.write_text(json.dumps({"event": {"event_type": "incident.triggered"}}))
    with pytest.raises(UsageError, match=r"it looks like pagerduty input: --from pagerduty:"):
        build_timeline(
            [SourceSpec("alertmanager", path)], SourceRegistry.discover(), BuildOptions()
        )
