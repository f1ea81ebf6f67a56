"""`aar timeline`: build, keytimes and sources from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import aar


def _webhooks(tmp_path: Path) -> Path:
    """Write an Alertmanager payload log: the alert firing, then resolved, one per line."""
    alert = {
        "labels": {"alertname": "CheckoutLatency", "service": "checkout", "severity": "critical"},
        "annotations": {"summary": "p99 above 2s"},
        "startsAt": "2026-11-03T14:02:05Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": "f1",
        "status": "firing",
    }
    resolved = {**alert, "status": "resolved", "endsAt": "2026-11-03T14:31:40Z"}
    path = tmp_path / "hooks.jsonl"
    lines = [
        json.dumps({"version": "4", "status": "firing", "alerts": [alert]}),
        "{not json",
        json.dumps({"version": "4", "status": "resolved", "alerts": [resolved]}),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_build_prints_json_with_local_times_and_reports_bad_lines(tmp_path):
    path = _webhooks(tmp_path)
    result = aar("timeline", "build", "--from", f"alertmanager:{path}", "--json", "--zone", "COT")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [e["kind"] for e in data["events"]] == ["alert.firing", "alert.resolved"]
    assert data["events"][-1]["local_time"] == "2026-11-03T09:31:40-05:00"
    assert data["left_out"] == {"duplicate": 1}  # the firing alert, sent again
    assert data["sources"][0]["malformed"] == 1
    assert f"{path}:2: not JSON" in result.stderr


def test_build_writes_the_profile_timeline_section(tmp_path):
    path = _webhooks(tmp_path)
    result = aar("timeline", "build", "--from", f"alertmanager:{path}", "--md", "-p", "trading-cot")
    assert result.returncode == 0, result.stderr
    assert "| 09:02:05 | Alert CheckoutLatency firing: p99 above 2s |" in result.stdout


def test_strict_stops_at_the_first_bad_line(tmp_path):
    path = _webhooks(tmp_path)
    result = aar("timeline", "build", "--from", f"alertmanager:{path}", "--strict")
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: {path}:2: not JSON")


def test_keytimes_infers_and_the_postmortem_overrides(tmp_path):
    path = _webhooks(tmp_path)
    result = aar("timeline", "keytimes", "--from", f"alertmanager:{path}", "--json")
    data = json.loads(result.stdout)
    assert data["key_times"]["detected"]["time"] == "2026-11-03T14:02:05Z"
    assert data["key_times"]["resolved"]["how"] == "every alert that fired had resolved"
    assert data["metrics"]["time_to_resolve"] == 29 * 60 + 35
    postmortem = tmp_path / "pm.md"
    draft = aar("new", "--started", "2026-11-03 13:55", "-o", str(postmortem))
    assert draft.returncode == 0, draft.stderr
    result = aar(
        "timeline",
        "keytimes",
        "--from",
        f"alertmanager:{path}",
        "--postmortem",
        str(postmortem),
        "--json",
    )
    data = json.loads(result.stdout)
    assert data["key_times"]["started"]["overridden"] is True
    assert data["metrics"]["time_to_detect"] == 7 * 60 + 5


def test_usage_errors_are_one_line(tmp_path):
    for args, said in [
        (["--from", "nagios:x"], "unknown source kind 'nagios' (kinds:"),
        (["--from", "alertmanager:missing.json"], "missing.json: no such file"),
        (["--from", "alertmanager:x", "--window", "soon"], "'soon' is not START..END"),
        (["--from", "alertmanager:x", "--min-level", "loud"], "unknown level 'loud'"),
        ([], "give at least one source"),
    ]:
        result = aar("timeline", "build", *args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert said in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_sources_lists_every_kind_with_its_options():
    result = aar("timeline", "sources", "--json")
    kinds = {row["kind"]: row for row in json.loads(result.stdout)}
    assert "alertmanager" in kinds
    assert all("zone" in row["options"] for row in kinds.values())
