"""Events far from the incident are left out of timelines, counted and named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from afteraction.model import KeyTimes
from afteraction.timeline.build import BuildOptions, build_timeline
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.far import Span, bulk_span, incident_span, split_far
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.spec import SourceSpec
from tests.test_cli import aar

DAY = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
SAID = ["orders rejected", "alert fired", "limits reloaded", "rejections stop", "orders flow"]


def event(at: datetime, text: str = "x") -> Event:
    return Event(time=at, source="logfmt", kind=Kind.LOG, text=text, origin=f"app.log:{text}")


def log(tmp_path: Path) -> Path:
    """A logfmt log of the incident's hour, with one line from four years before."""
    lines = [
        f'time="2026-11-03T14:0{2 * n}:00Z" level=error msg="{text}"' for n, text in enumerate(SAID)
    ]
    lines.insert(2, 'time="2022-11-03T14:02:00Z" level=error msg="clock of a host reset"')
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_incident_span_is_its_key_times_else_its_timeline():
    times = KeyTimes(started=DAY, resolved=DAY + timedelta(hours=2))
    assert incident_span(times, [DAY - timedelta(days=30)]) == Span(
        DAY, DAY + timedelta(hours=2), "key times"
    )
    assert incident_span(KeyTimes(), [None, DAY, DAY + timedelta(hours=1)]) == Span(
        DAY, DAY + timedelta(hours=1), "timeline"
    )
    assert incident_span(KeyTimes(), []) is None


def test_events_more_than_the_days_from_the_span_are_far():
    span = Span(DAY, DAY + timedelta(hours=1), "key times")
    near = [event(DAY + timedelta(days=6, hours=23), "a"), event(DAY - timedelta(days=6), "b")]
    far = [event(DAY + timedelta(days=8), "c"), event(DAY - timedelta(days=4 * 365), "d")]
    kept, left, used = split_far([*near, *far], span, 7)
    assert (kept, left, used) == (near, far, span)
    assert split_far([*near, *far], span, 0) == ([*near, *far], [], span)


def test_without_a_span_the_bulk_of_the_events_decides():
    month = [event(DAY + timedelta(days=d), str(d)) for d in range(30)]
    assert split_far(month, None, 7)[1] == []  # a long log keeps its whole month
    outlier = event(DAY - timedelta(days=4 * 365), "old")
    kept, left, used = split_far([outlier, *month[:4]], None, 7)
    assert left == [outlier] and kept == month[:4]
    assert used is not None and used.basis == "events"
    assert bulk_span([month[0], outlier]) == Span(outlier.time, month[0].time, "events")


def test_a_built_timeline_names_the_far_events(tmp_path):
    timeline = build_timeline(
        [SourceSpec("logfmt", log(tmp_path))], SourceRegistry.discover(), BuildOptions()
    )
    assert [e.text for e in timeline.events] == SAID
    assert timeline.left_out["far"] == 1
    assert timeline.notes() == [
        "1 more than 7 days from the incident (2026-11-03 14:00 to 2026-11-03 14:06 UTC, from"
        f" its events): {tmp_path / 'app.log'}:3 at 2022-11-03 14:02 (--far-days 0 keeps them)"
    ]


def test_timeline_add_refuses_an_event_four_years_away(tmp_path):
    draft = tmp_path / "pm.md"
    assert aar("new", "-o", str(draft)).returncode == 0  # no key times, no timeline yet
    result = aar("timeline", "add", str(draft), "--from", f"logfmt:{log(tmp_path)}")
    assert result.returncode == 0, result.stderr
    assert "added 5 event(s)" in " ".join(result.stdout.split())
    assert "1 more than 7 days from the incident" in result.stderr
    assert "app.log:3 at 2022-11-03 14:02" in result.stderr
    assert "clock of a host reset" not in draft.read_text()
    other = tmp_path / "other.md"
    assert aar("new", "-o", str(other)).returncode == 0
    kept = aar(
        "timeline", "add", str(other), "--from", f"logfmt:{log(tmp_path)}", "--far-days", "0"
    )
    assert kept.returncode == 0, kept.stderr
    assert "clock of a host reset" in other.read_text()


def test_a_negative_number_of_days_is_a_usage_error(tmp_path):
    result = aar("timeline", "build", "--from", f"logfmt:{log(tmp_path)}", "--far-days", "-1")
    assert result.returncode == 2
    assert "--far-days" in result.stderr and "Traceback" not in result.stderr
