"""Key facts a document does not state in its fields: inferred key times, mapped scales."""

from __future__ import annotations

import json
import time as clock
from datetime import UTC, datetime
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afteraction.document import moments
from afteraction.document.infer import labelled_times
from afteraction.document.moments import moments_in
from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.document.scales import map_onto_scale
from afteraction.model import KeyTimes, out_of_order
from tests.test_cli import aar


def generic(registry, text: str):
    return read_document(dedent(text), registry.get("default"), strict=False)


def utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else None


@pytest.mark.parametrize(
    ("text", "moments"),
    [
        ("PagerDuty alert fired for checkout latency", ["detected"]),
        ("On-call engineer paged", ["detected"]),
        ("Users reported 500s on the dashboard", ["detected", "started"]),
        ("Report from customer that the API is failing", ["detected", "started"]),
        ("Security team becomes aware of an odd transaction", ["detected"]),
        ("Incident declared", ["acknowledged", "detected"]),
        ("Alice acknowledged the page", ["acknowledged"]),
        ("Sam began investigating", ["acknowledged"]),
        ("Rolled back to v41", ["mitigated"]),
        ("Workaround applied: traffic pinned to the old pool", ["mitigated"]),
        ("Reverts deployed, issue mitigated", ["mitigated"]),
        ("Everything went back to normal", ["resolved"]),
        ("All clear given", ["resolved"]),
        ("Incident resolved and communicated", ["resolved"]),
        ("Service fully restored", ["resolved", "mitigated"]),
        ("Incident closed, post-mortem phase begins", ["closed"]),
        ("Writer database begins experiencing connection saturation", ["started"]),
        ("Ticket https://desk.example.com/t/3310 is opened about slow starts", ["detected"]),
        ("ianh reports that Travis is upset", ["detected"]),
        ("A user notified us that reviews no longer open", ["detected"]),
        ("Team Payments was made aware of the problem", ["detected"]),
        ("The website monitor triggered an alert on a server issue", ["detected"]),
        ("The responsible team of the service provider responded", ["acknowledged"]),
        ("At 12:50:07 UTC, issue exploited", ["started"]),
        ("Another user posts a temporary fix", ["mitigated"]),
        ("Production is monkey-patched", ["mitigated"]),
        ("Fix lands. <END OF OUTAGE>", ["resolved", "started"]),
        # Negated, tried, planned or told after the fact: no moment.
        ("Checked the dashboards and found no alerts triggered", []),
        ("Rollback attempted", []),
        ("Rollback fails due to ArgoCD configuration issues", ["started"]),
        ("Hot fix prepared for internal review", []),
        ("Tech Lead believes the change fixed it", []),
        ("Formal incident declared retroactively", []),
        ("A war room is created to mitigate the issue", ["acknowledged"]),
        ("We deployed a change set to production", []),
    ],
)
def test_timeline_words_mark_key_moments(text, moments):
    assert sorted(moments_in(text)) == sorted(moments)


def test_the_vocabulary_reads_a_long_adversarial_line_in_linear_time():
    for line in (
        "no " * 300_000,
        "alert " * 200_000,
        "ticket " + "a" * 1_000_000,
        " " * 1_000_000 + "x",
        "1 " * 500_000,
    ):
        began = clock.perf_counter()
        moments_in(line)
        labelled_times([(f"**Duration:** {line}", 1), (f"Date: {line}", 2)], None, UTC)
        assert clock.perf_counter() - began < 1.0


TIMELINE_ONLY = """\
    # Checkout outage

    ## Summary

    Checkout failed for an hour.

    ## Timeline

    All times in UTC.

    - 2026-03-14 09:58: deploy of v42 finished
    - 2026-03-14 10:02: checkout error rate rose to 30%
    - 2026-03-14 10:05: alert fired for checkout errors
    - 2026-03-14 10:09: Alice acknowledged the page
    - 2026-03-14 10:31: rolled back to v41
    - 2026-03-14 11:02: error rate back to normal, incident resolved
    """


def test_key_times_are_inferred_from_the_timeline_with_their_lines(registry):
    parsed = generic(registry, TIMELINE_ONLY)
    times = parsed.record.times
    assert [utc(times.started), utc(times.detected), utc(times.acknowledged)] == [
        "2026-03-14 10:02",
        "2026-03-14 10:05",
        "2026-03-14 10:09",
    ]
    assert [utc(times.mitigated), utc(times.resolved), times.closed] == [
        "2026-03-14 10:31",
        "2026-03-14 11:02",
        None,
    ]
    detected = parsed.record.reading("times.detected")
    assert detected is not None and detected.how == "inferred"
    assert (detected.line, detected.written) == (13, "alert fired for checkout errors")
    assert parsed.record.incident_date() is not None


def test_a_stated_key_time_wins_over_an_inferred_one(registry):
    text = TIMELINE_ONLY.replace(
        "## Timeline", "## Key times\n\n    - **Detected:** 2026-03-14 10:04\n\n    ## Timeline"
    )
    record = generic(registry, text).record
    assert utc(record.times.detected) == "2026-03-14 10:04"
    assert record.reading("times.detected") is None
    assert record.reading("times.resolved") is not None


def test_inferred_times_are_not_written_as_stated_and_read_back_the_same(registry):
    profile = registry.get("default")
    record = generic(registry, TIMELINE_ONLY).record
    written = render_markdown(record, profile)
    assert "**Detected:** 2026" not in written and "alert fired for checkout errors" in written
    assert generic(registry, written).record == record


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Start time: 2025-03-12 18:00 UTC"], {"started": "2025-03-12 18:00"}),
        (["**First detected:** 2025-07-23 15:35"], {"detected": "2025-07-23 15:35"}),
        (
            ["**Date:** 2025-07-23", "Detected: 15:35", "**Resolved:** 17:10"],
            {"detected": "2025-07-23 15:35", "resolved": "2025-07-23 17:10"},
        ),
        (
            ["**Date:** 2025-04-27", "**Duration:** 12:00am to 9:00am"],
            {"started": "2025-04-27 00:00", "resolved": "2025-04-27 09:00"},
        ),
        (
            ["**Date:** 2025-04-27", "**Duration:** 11:00pm to 2:00am"],
            {"started": "2025-04-27 23:00", "resolved": "2025-04-28 02:00"},
        ),
        (["Date: Mar 12, 2025, 18:00 UTC"], {"started": "2025-03-12 18:00"}),
        (["**Date:** 2025-04-27", "**Duration:** 3 hours"], {}),
        (["Detected: soon after lunch"], {}),
    ],
)
def test_labelled_lines_give_key_times(lines, expected):
    found = labelled_times([(text, n) for n, text in enumerate(lines, 1)], None, UTC)
    assert {name: utc(f.time) for name, f in found.items()} == expected


def test_labelled_lines_in_the_preamble_give_key_times_in_the_documents_zone(registry):
    record = generic(
        registry,
        """\
        # Clickhouse took a nap

        **Date:** 2025-04-27

        **Duration:** 12:00am to 9:00am

        ## Timeline

        _All times in Pacific Time (PT)_

        - **2:00am**: Discord community began reporting issues
        """,
    ).record
    assert utc(record.times.started) == "2025-04-27 07:00"
    assert utc(record.times.resolved) == "2025-04-27 16:00"
    assert utc(record.times.detected) == "2025-04-27 09:00"
    started = record.reading("times.started")
    assert started is not None and started.line == 5


def test_out_of_order_key_times_are_found_once_each():
    times = KeyTimes(
        started=datetime(2026, 1, 1, 10, tzinfo=UTC),
        detected=datetime(2026, 1, 1, 9, tzinfo=UTC),
        mitigated=datetime(2026, 1, 1, 12, tzinfo=UTC),
        resolved=datetime(2026, 1, 1, 11, tzinfo=UTC),
    )
    found = out_of_order(times)
    assert [(w.name, w.before) for w in found] == [
        ("detected", "started"),
        ("resolved", "mitigated"),
    ]
    assert "detected (2026-01-01 09:00 UTC) is before started" in str(found[0])
    assert out_of_order(KeyTimes(started=times.started, resolved=times.resolved)) == []


def _disordered(tmp_path: Path) -> Path:
    path = tmp_path / "pm.md"
    path.write_text(
        "# Late detection\n\n## Key times\n\n- **Impact started:** 2026-03-14 10:00\n"
        "- **Detected:** 2026-03-14 09:00\n- **Resolved:** 2026-03-14 11:00\n"
    )
    return path


def test_import_and_show_warn_of_key_times_out_of_order(tmp_path):
    path = _disordered(tmp_path)
    imported = aar("import", str(path), "--json")
    assert imported.returncode == 0, imported.stderr
    assert "line 6: times.detected: detected (2026-03-14 09:00 UTC) is before started" in (
        imported.stderr
    )
    shown = aar("show", str(path))
    assert "is before started" in shown.stderr and "out of order" in shown.stdout
    data = json.loads(aar("show", str(path), "--json").stdout)
    assert data["warnings"] and data["metrics"]["time_to_detect"] == -3600


def test_show_marks_inferred_key_times(tmp_path):
    path = tmp_path / "pm.md"
    path.write_text(dedent(TIMELINE_ONLY))
    shown = aar("show", str(path))
    assert "inferred (line 13)" in shown.stdout
    data = json.loads(aar("show", str(path), "--json").stdout)
    assert data["inferred"] == [
        "times.acknowledged",
        "times.detected",
        "times.mitigated",
        "times.resolved",
        "times.started",
    ]
    assert data["record"]["readings"][1]["line"] == 13
    assert data["warnings"] == []


def test_keytimes_warns_when_the_postmortem_puts_the_start_after_detection(tmp_path):
    from tests.test_cli_timeline import _webhooks

    hooks = _webhooks(tmp_path)
    postmortem = tmp_path / "pm.md"
    assert aar("new", "--started", "2026-11-03 15:00", "-o", str(postmortem)).returncode == 0
    args = ["timeline", "keytimes", "--from", f"alertmanager:{hooks}", "--postmortem"]
    result = aar(*args, str(postmortem))
    assert "Warning: times.detected: detected (2026-11-03 14:02 UTC) is before started" in (
        result.stderr
    )
    assert "out of order" in result.stdout
    data = json.loads(aar(*args, str(postmortem), "--json").stdout)
    assert data["warnings"] and data["metrics"]["time_to_detect"] < 0


@pytest.mark.parametrize(
    ("path", "written", "mapped"),
    [
        ("severity", "Critical", "SEV1"),
        ("severity", "Highest", "SEV1"),
        ("severity", "P0", "SEV1"),
        ("severity", "[High]", "SEV2"),
        ("severity", "SEV-2", "SEV2"),
        ("severity", "Minor", "SEV3"),
        ("severity", "Low", "SEV4"),
        ("severity", "Sort of bad", None),
        ("status", "Resolved", "Final"),
        ("status", "Closed", "Final"),
        ("status", "Draft", "Draft"),
        ("status", "Under review", "In review"),
        ("status", "Complete, action items in progress", None),
    ],
)
def test_written_words_map_onto_the_default_scales(registry, path, written, mapped):
    assert map_onto_scale(path, written, registry.get("default")) == mapped


def test_a_long_severity_is_not_a_level_and_is_read_quickly(registry):
    began = clock.perf_counter()
    assert map_onto_scale("severity", "(" * 1_000_000, registry.get("default")) is None
    assert clock.perf_counter() - began < 1.0


def test_a_generic_reading_maps_real_words_and_warns_of_none(registry):
    parsed = generic(
        registry,
        """\
        # Outage

        **Severity:** Critical
        Status: Resolved

        ## Impact

        - **Users affected:** All
        """,
    )
    record = parsed.record
    assert (record.severity, record.status) == ("SEV1", "Final")
    assert [(r.field, r.written, r.how) for r in record.readings] == [
        ("severity", "Critical", "mapped"),
        ("status", "Resolved", "mapped"),
    ]
    assert parsed.problems == []
    written = render_markdown(record, registry.get("default"))
    assert "**Severity:** Critical" in written and "Users affected:** All" in written
    assert generic(registry, written).record == record


def test_a_word_of_the_scales_own_family_is_still_warned(registry):
    parsed = generic(registry, "# Outage\n\n**Severity:** SEV9\n")
    assert [p.value for p in parsed.problems] == ["SEV9"]


def test_a_field_written_twice_has_one_reading_for_its_last_value(registry):
    record = generic(registry, "# Outage\n\n**Severity:** Minor\n**Severity:** Critical\n").record
    assert record.severity == "SEV1"
    assert [(r.field, r.written) for r in record.readings] == [("severity", "Critical")]
    written = render_markdown(record, registry.get("default"))
    assert generic(registry, written).record == record


def _real_shaped(folder: Path) -> Path:
    """Write three small postmortems stating no key time in a header, only a timeline."""
    folder.mkdir()
    for day, name in (("2026-01-12", "a"), ("2026-01-28", "b"), ("2026-03-03", "c")):
        (folder / f"{name}.md").write_text(
            f"# Incident {name}\n\n## What happened\n\nThe API failed.\n\n## Timeline\n\n"
            f"- {day} 10:00: users reported errors on the API\n"
            f"- {day} 10:20: rolled back the release\n"
            f"- {day} 11:00: all clear\n"
        )
    return folder


def test_report_groups_real_shaped_documents_by_month_and_since(tmp_path):
    folder = _real_shaped(tmp_path / "pms")
    result = aar("report", str(folder), "--today", "2026-04-01", "-f", "json", "--by", "month")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(m["month"], m["incidents"]) for m in data["incidents_by_month"]] == [
        ("2026-01", 2),
        ("2026-03", 1),
    ]
    assert [g["group"] for g in data["groups"]] == ["2026-01", "2026-03"]
    assert data["overall"]["time_to_resolve"]["median"] == 3600
    args = ["report", str(folder), "--today", "2026-04-01", "-f", "json"]
    since = aar(*args, "--since", "2026-02-01")
    assert json.loads(since.stdout)["overall"]["incidents"] == 1


BOLD_LABELS = """\
    # Incident Post-Mortem: KNative Net Controller issues

    **Date:** 2025-07-16  
    **Duration:** 12:22pm PST to 3:00pm PST  
    **Impact:** Cloud services could not be routed to, causing API downtime.  
    **Severity:** Critical 
    **First detected:** 2025-07-16 12:30 PST  
    **Prepared by:** Abhi, Ose

    The net controller crash-looped.

    ## Timeline

    - 2025-07-16 13:32 PST: identified the crash loop
    """  # noqa: W291 - the trailing spaces are the layout under test


def test_bold_label_lines_are_read_as_fields_not_as_the_summary(registry):
    parsed = generic(registry, BOLD_LABELS)
    record = parsed.record
    assert record.summary == "The net controller crash-looped."
    assert record.severity == "SEV1" and parsed.problems == []
    assert (
        record.impact.description == "Cloud services could not be routed to, causing API downtime."
    )
    assert utc(record.times.started) == "2025-07-16 20:22"
    assert utc(record.times.detected) == "2025-07-16 20:30"
    assert utc(record.times.resolved) == "2025-07-16 23:00"
    assert {r.field: r.line for r in record.readings} == {
        "impact.description": 5,
        "severity": 6,
        "times.detected": 7,
        "times.resolved": 4,
        "times.started": 4,
    }
    profile = registry.get("default")
    written = render_markdown(record, profile)
    assert "**Prepared by:** Abhi, Ose" in written
    assert generic(registry, written).record == record


def test_the_impact_section_gives_the_description(registry):
    record = generic(
        registry,
        """\
        # Outage

        ## Impact

        About a third of checkouts failed for forty minutes.

        - **Users affected:** 1,200
        """,
    ).record
    assert record.impact.users == 1200
    assert record.impact.description == "About a third of checkouts failed for forty minutes."
    reading = record.reading("impact.description")
    assert reading is not None and reading.how == "inferred" and reading.line == 3


def test_the_severity_of_a_field_table_is_mapped(registry):
    record = generic(
        registry, "# Outage\n\n| Field | Value |\n|---|---|\n| Severity | High |\n"
    ).record
    assert record.severity == "SEV2"


@pytest.mark.parametrize(
    "text",
    [
        "# Outage\n\n## Five Whys\n\n1. Why? The disk filled.\n2. Why? No rotation.\n\n"
        "## Root Causes\n\nLog rotation was off.\n",
        "# Outage\n\n# Causes\n\nLog rotation was off.\n\n# Timeline\n\n- 2020-04-08 11:11 x\n",
        "# Outage\n\n## Cause\n\nLog rotation was off.\n",
    ],
    ids=["after-five-whys", "top-level-causes", "cause"],
)
def test_the_root_cause_comes_from_its_own_section(registry, text):
    record = generic(registry, text).record
    assert record.root_cause == "Log rotation was off."


def test_text_before_the_title_and_a_template_prompt_are_kept(registry):
    profile = registry.get("default")
    text = (
        "> Based on the template by Example Corp (CC-BY 4.0).\n\n# Postmortem: cache outage\n\n"
        "Status: {draft|final}\n\n## Summary\n\nThe cache died.\n"
    )
    record = generic(registry, text).record
    assert record.status is None and record.summary == "The cache died."
    written = render_markdown(record, profile)
    assert written.startswith(
        "> Based on the template by Example Corp (CC-BY 4.0).\n\n# Postmortem"
    )
    assert "Status: {draft|final}" in written
    assert generic(registry, written).record == record
    html = aar_html(tmp_text=text)
    assert "Example Corp" in html and "draft|final" in html


def aar_html(tmp_text: str) -> str:
    from afteraction.document.html import render_html
    from afteraction.profiles import ProfileRegistry

    profile = ProfileRegistry.discover().get("default")
    record = read_document(tmp_text, profile, strict=False).record
    return render_html(record, profile)


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("**Date:** 2025-04-27", "2025-04-27"),
        ("Date: Mar 12, 2025, 18:00 UTC", "2025-03-12"),
        ("**Date:** January 14-19, 2026", None),
        ("Date: last Tuesday", None),
    ],
)
def test_a_date_line_gives_the_documents_day_only_when_it_is_one_day(line, day):
    from afteraction.document.infer import stated_day

    found = stated_day([line])
    assert (found.isoformat() if found else None) == day


@pytest.mark.parametrize(
    ("body", "cause", "line"),
    [
        (
            "## Notifications stopped on the 27th\n\n**Date**: 27.11.2023\n\n"
            "**Root Causes**: the notifications job crashed.\n"
            "It failed on a group's RSS secret.\n**Trigger**: A deployment.\n",
            "the notifications job crashed.\nIt failed on a group's RSS secret.",
            7,
        ),
        (
            "**Date:** 2025-07-16  \n**Cause:** the net controller crash-looped  \n",
            "the net controller crash-looped",
            4,
        ),
        (
            "## Context\n\nImages failed to load.\n\nWe were able to quickly identify the root"
            " cause as\nexpired TLS certificates. Renewing them fixed it.\n",
            "We were able to quickly identify the root cause as expired TLS certificates.",
            7,
        ),
        (
            "## Conclusions\n\nLoad was high. The ultimate cause of this incident was a bug"
            " in the spawner. It is fixed now.\n",
            "The ultimate cause of this incident was a bug in the spawner.",
            5,
        ),
        ("The root cause was not identified until the next day.\n", None, None),
        ("The root cause is still unknown. We keep looking.\n", None, None),
        ("It is believed to be the root cause of most of our issues.\n", None, None),
        ("## Contributing factors\n\n1. The slippage check was too loose\n", None, None),
    ],
)
def test_a_root_cause_is_read_from_a_cause_label_or_a_sentence_naming_it(
    registry, body, cause, line
):
    record = generic(registry, "# Outage\n\n" + body).record
    assert record.root_cause == cause
    reading = record.reading("root_cause")
    assert (reading.line, reading.how) == (line, "inferred") if cause else reading is None
    written = render_markdown(record, registry.get("default"))
    assert generic(registry, written).record == record


def test_a_root_cause_section_wins_over_a_sentence_naming_one(registry):
    record = generic(
        registry,
        "# Outage\n\nThe root cause was a full disk.\n\n## Root cause\n\nA runaway log.\n",
    ).record
    assert record.root_cause == "A runaway log." and record.reading("root_cause") is None


def test_root_cause_sentences_are_read_in_linear_time(registry):
    for text in ("the root cause of " * 60_000, "identified the root cause as " + "a" * 1_000_000):
        began = clock.perf_counter()
        generic(registry, f"# Outage\n\n{text}\n")
        assert clock.perf_counter() - began < 2.0


def test_a_root_cause_named_before_the_first_heading_is_read(registry):
    text = (
        "Media failed to load.\n\nWe identified the root cause as expired certificates.\n\n"
        "# Context\n\nCertificates are renewed by hand.\n"
    )
    record = generic(registry, text).record
    assert record.root_cause == "We identified the root cause as expired certificates."
    assert record.reading("root_cause").line == 3
    written = render_markdown(record, registry.get("default"))
    assert generic(registry, written).record == record


@pytest.mark.parametrize("name", sorted(moments._SIGNS))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_phrase_of_a_moment_holds_one_of_its_signs(name: str, data: st.DataObject) -> None:
    # The signs let entries skip the pattern: one missing would hide a phrase.
    pattern = moments._PHRASES[name]
    text = data.draw(st.from_regex(pattern))
    found = pattern.search(text)
    assert found is not None
    assert any(sign in found.group(0) for sign in moments._SIGNS[name]), found.group(0)
