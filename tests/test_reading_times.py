"""Every timeline time placed where the document says: dates, day headings, zones, entry forms."""

from __future__ import annotations

import json
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from textwrap import dedent

import pytest

from afteraction.document.kinds.timeline import GENERIC_COLUMNS
from afteraction.document.kinds.timeline_shapes import header_day, line_text
from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.document.timetext import (
    date_heading,
    leading_moment,
    opening_clock,
    unknown_moment,
)
from afteraction.document.zones import document_zone, document_zones, resolve_zone, stated_zone
from afteraction.model import Incident, TimelineEvent
from afteraction.service import documents as service
from tests.conftest import shared_folder
from tests.test_cli import aar


def generic(registry, text: str, file: str | None = None) -> Incident:
    """Read ``text`` the way an unknown shape is read: default profile, lenient."""
    return read_document(dedent(text), registry.get("default"), file=file, strict=False).record


def utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else None


def times(record: Incident) -> list[str | None]:
    return [utc(e.time) for e in record.timeline]


# --- the moment a line starts with ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clock", "rest"),
    [
        ("*06:00*: wire.com down", time(6, 0), "wire.com down"),
        ("[13:26] deploy starts", time(13, 26), "deploy starts"),
        ("[1:26 PM] deploy starts", time(13, 26), "deploy starts"),
        ("**[12:22PM]**: Report from customer", time(12, 22), "Report from customer"),
        ("**12:00am**: Server restart", time(0, 0), "Server restart"),
        ("~9:43 AM: Identifying the issue", time(9, 43), "Identifying the issue"),
        ("13:14 EDT (17:14 UTC): A user emails", time(13, 14), "A user emails"),
    ],
)
def test_entry_forms_give_their_clock_and_text(text, clock, rest):
    moment = leading_moment(text)
    assert moment is not None
    assert (moment.clock, moment.rest) == (clock, rest)


@pytest.mark.parametrize(
    ("text", "start", "span", "rest"),
    [
        ("10:07-10:29 AM: Emergency call", time(10, 7), "10:07-10:29 AM", "Emergency call"),
        ("**12:22** to **13:00** We investigate", time(12, 22), "12:22 to 13:00", "We investigate"),
        ("10:01-10:02: Please do not deploy", time(10, 1), "10:01-10:02", "Please do not deploy"),
        ("5:38-10:57 PM: Retrospective", time(17, 38), "5:38-10:57 PM", "Retrospective"),
        ("11:57-12:08 PM: Decoding", time(11, 57), "11:57-12:08 PM", "Decoding"),
    ],
)
def test_a_range_gives_its_start_and_keeps_what_was_written(text, start, span, rest):
    moment = leading_moment(text)
    assert moment is not None
    assert (moment.clock, moment.span, moment.rest) == (start, span, rest)


def test_a_day_then_a_clock_is_not_a_year():
    moment = leading_moment("Feb 7 1506 UTC: failover")
    assert moment is not None
    assert (moment.month_day, moment.day, moment.clock) == ((2, 7), None, time(15, 6))
    bold = leading_moment("Feb 28th **01:52** `@nova` First report")
    assert bold is not None
    assert (bold.month_day, bold.clock, bold.rest) == ((2, 28), time(1, 52), "`@nova` First report")


def test_words_that_start_like_months_are_not_dates():
    assert leading_moment("Decided 12 servers were enough") is None
    assert leading_moment("Marketing 3 pm sync") is None


# --- zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("All times in UTC+14.", 14),
        ("All times are GMT+1", 1),
        ("All times UTC+05:30", 5.5),
        ("all times in UTC-3", -3),
        ("_All times in EEST_", 3),
        ("Timeline (times in BST)", 1),
        ("All events are documented in [UTC](https://example.org/utc) time.", 0),
        ("All times US/Pacific", -8),
        ("_All times in Pacific Time (PT)_", -8),
        ("All times are in America/New_York", -5),
    ],
)
def test_stated_zones_are_read_as_written(text, hours):
    name = stated_zone(text)
    assert name is not None
    offset = datetime(2026, 1, 15, 12, 0, tzinfo=resolve_zone(name)).utcoffset()
    assert offset == timedelta(hours=hours)


def test_offsets_past_the_real_ones_are_no_zone():
    assert stated_zone("All times in UTC+99.") is None
    assert stated_zone("All times are +99:00") is None
    with pytest.raises(ValueError, match="unknown time zone"):
        resolve_zone("UTC+15")
    moment = leading_moment("10:05 +99:00 deploy")
    assert moment is not None
    assert (moment.zone, moment.rest) == (None, "+99:00 deploy")


def test_a_document_with_an_impossible_offset_reads_without_error(registry):
    record = generic(
        registry,
        """
        # Outage

        Date: 2024-03-05

        ## Timeline

        All times in UTC+99.

        - 10:02 Deploy starts
        - 10:05 +99:00 Alert fires
        """,
    )
    assert times(record) == ["2024-03-05 10:02", "2024-03-05 10:05"]
    assert record.timeline[1].text == "+99:00 Alert fires"


@pytest.mark.parametrize(
    "line",
    [
        "all times " * 100_000,
        "in [" * 250_000,
        "(" * 1_000_000,
        "A/" * 500_000,
        "10:00-" * 160_000,
        "**[" * 300_000,
        "Feb 1 " * 160_000,
        "10:00" + " " * 1_000_000 + "AM",
        "2019-12-03 " + "-" * 1_000_000,
        "2X:XX (" + "a" * 1_000_000,
        "--:--" + " " * 1_000_000 + ":",
        "At 12:50" + " " * 1_000_000 + "x",
        "Timeline " + "1." * 500_000,
        "<br" + " " * 1_000_000 + "x",
        "\\" * 1_000_000 + "x",
    ],
)
def test_adversarial_lines_are_read_in_linear_time(line):
    started = clock.perf_counter()
    stated_zone(line)
    document_zone(line)
    leading_moment(line)
    date_heading(line)
    unknown_moment(line)
    opening_clock(line)
    line_text(line)
    header_day([line], [None], GENERIC_COLUMNS, dayfirst=False)
    assert clock.perf_counter() - started < 1.5


# --- the document's date -------------------------------------------------------------------

_TIMELINE = """
## Timeline

- 10:00 Deploy starts
- 10:20 Alert fires
"""


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ("# Cache outage\n\nDate: 2024-03-05\n", "2024-03-05"),
        ("# Cache outage\n\n**Date**: 27.11.2023\n", "2023-11-27"),
        ("# Cache outage\n\n**Date:** 2025-07-16\n", "2025-07-16"),
        ("# Cache outage\n\nDate: Mar 12, 2025, 18:00 UTC\n", "2025-03-12"),
        ("# Cache outage\n\n## Incident date(s)\n\n2019-07-25 - 2019-10-10\n", "2019-07-25"),
        ("# 2023-01-04 - Outage of the website\n", "2023-01-04"),
        ("# Incident report July 11 2025 - Health check fails\n", "2025-07-11"),
        ("---\ndate: 2022-12-13\ntitle: Outage\n---\n\n# Outage\n", "2022-12-13"),
        ("# Cache outage\n\n2015-10-21 (all times UTC)\n", "2015-10-21"),
    ],
)
def test_bare_times_take_the_date_the_document_states(registry, head, day):
    record = generic(registry, head + _TIMELINE)
    assert times(record) == [f"{day} 10:00", f"{day} 10:20"]


def test_a_date_in_a_code_sample_is_not_the_documents(registry):
    record = generic(
        registry,
        """
        # Config rollout of 2024-03-05

        ```yaml
        date: 2019-01-01
        ```

        ## Timeline

        - 10:00 Deploy starts
        """,
    )
    assert times(record) == ["2024-03-05 10:00"]


def test_bare_times_roll_over_midnight(registry):
    record = generic(
        registry,
        """
        # Queue backlog

        Date: 2024-03-05

        ## Timeline

        - 23:50 Backlog grows
        - 00:10 Consumers restarted
        - 00:40 Backlog drained
        """,
    )
    assert times(record) == ["2024-03-05 23:50", "2024-03-06 00:10", "2024-03-06 00:40"]


def test_a_time_after_midnight_under_a_day_heading_is_the_next_day(registry):
    record = generic(
        registry,
        """
        # 2025-05-12 Resource provisioning

        ## Timeline

        _All times in EEST_

        ## May 12

        ### 23:00

        Logs show nothing wrong.

        ### 00:40

        Nothing wrong with the hub.

        ## May 13

        ### 14:30

        The cause is found.
        """,
    )
    assert times(record) == ["2025-05-12 20:00", "2025-05-12 21:40", "2025-05-13 11:30"]


# --- day headings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    ["### October 24, 2025", "## Oct 24", "Oct 24", "## 24 Oct", "### 24th October"],
)
def test_day_headings_in_written_forms_give_their_day(registry, heading):
    record = generic(
        registry,
        f"""
        # Outage of 2025-10-20

        ## Timeline (UTC)

        ### 2025-10-20

        - 09:00 First alert

        {heading}

        - 10:00 Fix deployed
        - 10:20 Recovery confirmed
        """,
    )
    assert times(record) == ["2025-10-20 09:00", "2025-10-24 10:00", "2025-10-24 10:20"]


def test_a_day_heading_with_a_title_and_a_moment_heading(registry):
    record = generic(
        registry,
        """
        # Testnet incident

        Date: Mar 12, 2025, 18:00 UTC

        ## Timeline of events

        ### March 5, 2025: Testnet issue timeline

        ### ~9:43 AM: Identifying the issue
        - 9:44: Issue reported
        - 11:57-12:08: Discussion about decoding
        - 1:17: Updated test shared

        ### 1:42-1:59 PM: Client releases
        - 1:42: Release passes

        ### July 11, 2025, 12:42 PM
        Incident declared
        """,
    )
    # The "### ~9:43 AM" and "### 1:42-1:59 PM" headings title the entries under them.
    assert times(record) == [
        "2025-03-05 09:44",
        "2025-03-05 11:57",
        "2025-03-05 13:17",
        "2025-03-05 13:42",
        "2025-07-11 12:42",
    ]
    assert record.timeline[1].extra == {"Range": "11:57-12:08"}
    assert record.timeline[3].extra == {"Group": "1:42-1:59 PM: Client releases"}
    kept = next(s for s in record.sections if s.key == "timeline")
    assert "### March 5, 2025: Testnet issue timeline" in kept.body


def test_day_lines_start_days_and_their_untimed_entries_keep_the_day(registry):
    record = generic(
        registry,
        """
        # Security release

        ## Timeline

        All times US/Pacific

        2019-10-07:
        * Patch sets assembled as manual patches.

        2019-10-08:
        * Last minute patch fixup.
        * 11:20 AM v1.11.2 pushed
        """,
    )
    assert [(e.date, utc(e.time), e.text) for e in record.timeline] == [
        (date(2019, 10, 7), None, "Patch sets assembled as manual patches."),
        (date(2019, 10, 8), None, "Last minute patch fixup."),
        (None, "2019-10-08 18:20", "v1.11.2 pushed"),
    ]


def test_a_clock_written_hhmm_after_a_day_is_not_a_year(registry):
    record = generic(
        registry,
        """
        # Failover of 2024-02-06

        ## Timeline

        - Feb 7 1506 UTC: failover starts
        - Feb 7 1530 UTC: failover done
        """,
    )
    assert times(record) == ["2024-02-07 15:06", "2024-02-07 15:30"]


def test_a_month_first_date_line_stays_that_date(registry):
    record = generic(
        registry,
        """
        # Outage

        Reported on 29-01-2024 by support.

        ## Timeline (UTC)

        01-31-2024

        - 10:00 Deploy starts
        """,
    )
    assert times(record) == ["2024-01-31 10:00"]


def test_a_bullet_that_writes_its_month_and_day_before_a_bold_clock(registry):
    record = generic(
        registry,
        """
        ---
        date: 2023-02-27
        ---

        # Certificates expire

        ### Timeline

        - Feb 28th **01:52** `@quintessence` First report of media outages
        - Feb 28th **02:30** `@nova` Live streaming the fix
        """,
    )
    assert times(record) == ["2023-02-28 01:52", "2023-02-28 02:30"]
    assert record.timeline[0].text == "`@quintessence` First report of media outages"


# --- zones in documents --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "first"),
    [
        ("All times in UTC+14.", "2024-03-04 20:02"),
        ("All times are GMT+1", "2024-03-05 09:02"),
        ("All times US/Pacific", "2024-03-05 18:02"),
        ("_All times in Pacific Time (PT)_", "2024-03-05 18:02"),
        ("All events are documented in [UTC](https://example.org) time.", "2024-03-05 10:02"),
    ],
)
def test_the_stated_zone_places_the_times(registry, statement, first):
    record = generic(
        registry,
        f"""
        # Outage

        Date: 2024-03-05

        ## Timeline

        {statement}

        - 10:02 Deploy starts
        """,
    )
    assert times(record) == [first]


def test_a_zone_in_the_timeline_heading(registry):
    record = generic(
        registry,
        """
        # Incident report July 11 2025 - Health check fails

        ## Timeline (times in BST)

        ### 12:49 PM
        PR reverted.
        """,
    )
    assert times(record) == ["2025-07-11 11:49"]


def test_a_builtin_document_honours_a_zone_stated_elsewhere(registry, tmp_path):
    profile = registry.get("default")
    record = Incident(
        profile="default",
        title="Cache outage",
        summary="The cache failed.",
        timeline=[TimelineEvent(time=datetime(2026, 3, 1, 10, 0, tzinfo=UTC), text="Deploy")],
    )
    record.times.started = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    text = render_markdown(record, profile)
    assert "All times in UTC.\n" in text
    text = text.replace("All times in UTC.\n", "").replace(
        "The cache failed.", "The cache failed. All times are in PST."
    )
    path = tmp_path / "pst.md"
    path.write_text(text, encoding="utf-8")
    loaded = service.load(path, registry)
    assert loaded.recognized
    assert times(loaded.record) == ["2026-03-01 18:00"]
    assert utc(loaded.record.times.started) == "2026-03-01 18:00"


# --- chat-style entries, 12-hour clocks, ranges --------------------------------------------


def test_chat_entries_in_12_hour_time(registry):
    record = generic(
        registry,
        """
        # Net controller issues

        **Date:** 2025-07-16

        ## Timeline

        _All times in Pacific Time (PT)_

        - **[12:22PM]**: Report from customer
        - **[1:32PM]**: Controller is crash looping
        - [13:40] Probe modified
        - **12:00am**: unrelated restart noted
        """,
    )
    assert times(record)[:3] == ["2025-07-16 19:22", "2025-07-16 20:32", "2025-07-16 20:40"]


def test_a_bold_range_keeps_its_text(registry):
    record = generic(
        registry,
        """
        # Deployment of 2020-04-08

        ## Timeline (times in UTC)

        - **12:22** We made this a P1 priority
        - **12:22** to **13:00** We looked why the UI showed no check marks
        - **13:00** We informed users
        """,
    )
    assert times(record) == ["2020-04-08 12:22", "2020-04-08 12:22", "2020-04-08 13:00"]
    entry = record.timeline[1]
    assert (entry.text, entry.extra) == (
        "We looked why the UI showed no check marks",
        {"Range": "12:22 to 13:00"},
    )


# --- a timeline in a section of another name -----------------------------------------------


def test_a_section_of_clock_led_paragraphs_is_the_timeline(registry):
    record = generic(
        registry,
        """
        # Cache outage on 2026-03-01

        ## Summary

        The cache tier failed after a deploy.

        ## Context

        10:00 \u2013 Cache v2 deployed to the first region.

        10:05 \u2013 Cache hit rate drops below 40%.

        10:20 \u2013 Error-rate alert fires.

        10:40 \u2013 Cache v1 restored; errors stop.
        """,
    )
    assert times(record) == [
        "2026-03-01 10:00",
        "2026-03-01 10:05",
        "2026-03-01 10:20",
        "2026-03-01 10:40",
    ]
    assert record.timeline[1].text == "Cache hit rate drops below 40%."


def test_clock_led_paragraphs_are_not_taken_when_a_timeline_exists(registry):
    record = generic(
        registry,
        """
        # Cache outage on 2026-03-01

        ## Timeline

        - 09:00 Deploy

        ## Context

        10:00 \u2013 One.

        10:05 \u2013 Two.

        10:20 \u2013 Three.
        """,
    )
    assert times(record) == ["2026-03-01 09:00"]


# --- entries with a day and no time --------------------------------------------------------


def test_day_only_entries_keep_their_day_and_no_time(registry):
    record = generic(
        registry,
        """
        # Minority split 2021-08-27

        ## Timeline

        - 2021-08-17: Bounty report submitted.
        - 2021-08-24: Released v1.10.8 with the fix.
        """,
    )
    assert [(e.date, e.time, e.extra) for e in record.timeline] == [
        (date(2021, 8, 17), None, {}),
        (date(2021, 8, 24), None, {}),
    ]


def test_a_dated_entry_whose_text_opens_with_a_clock_and_zone_is_timed(registry):
    record = generic(
        registry,
        """
        # Minority split 2021-08-27

        ## Timeline

        - 2021-08-24: At 10:00 we released v1.10.8, no zone written.
        - 2021-08-27: At 12:50:07 UTC, issue exploited.
        - 2021-08-28: around 9:15 CEST the fix was confirmed.
        """,
    )
    assert [(e.date, utc(e.time)) for e in record.timeline] == [
        (date(2021, 8, 24), None),
        (None, "2021-08-27 12:50"),
        (None, "2021-08-28 07:15"),
    ]
    assert record.timeline[1].text == "At 12:50:07 UTC, issue exploited."


def test_a_date_column_without_times(registry):
    record = generic(
        registry,
        """
        # Log4Shell

        ## Timeline (UTC)

        | Date | Event |
        |------|-------|
        | 2021-12-10 | The vulnerability is published |
        | 2021-12-17 | log4j 2.17 published |
        """,
    )
    assert [(e.date, e.time, e.text) for e in record.timeline] == [
        (date(2021, 12, 10), None, "The vulnerability is published"),
        (date(2021, 12, 17), None, "log4j 2.17 published"),
    ]


def test_a_month_alone_is_no_day_and_stays_as_written(registry):
    record = generic(
        registry,
        """
        # Regression

        ## Timeline

        Date | PR | Change
        --- | --- | ---
        Jul 2024 | #15181 | Introduced the B-stream
        2024-09-12 | #17706 | Wrote constraints to it
        """,
    )
    assert [(e.date, e.time, e.extra) for e in record.timeline] == [
        (None, None, {"PR": "#15181", "Change": "Introduced the B-stream", "Time": "Jul 2024"}),
        (date(2024, 9, 12), None, {"PR": "#17706", "Change": "Wrote constraints to it"}),
    ]


def test_day_only_entries_are_written_back_with_their_day(registry, tmp_path):
    profile = registry.get("default")
    record = Incident(
        profile="default",
        title="Minority split",
        timeline=[
            TimelineEvent(date=date(2021, 8, 17), text="Bounty report submitted"),
            TimelineEvent(time=datetime(2021, 8, 27, 12, 50, tzinfo=UTC), text="Exploited"),
        ],
    )
    record.times.started = datetime(2021, 8, 27, 12, 50, tzinfo=UTC)
    text = render_markdown(record, profile)
    assert "| 2021-08-17 | Bounty report submitted |" in text
    assert read_document(text, profile).record.timeline == record.timeline
    path = tmp_path / "split.md"
    path.write_text(text, encoding="utf-8")
    shown = aar("show", str(path))
    assert shown.returncode == 0, shown.stderr
    assert "2021-08-17" in shown.stdout
    imported = json.loads(aar("import", str(path), "--json").stdout)
    assert imported["timeline"][0]["date"] == "2021-08-17"
    assert imported["timeline"][0]["time"] is None


# --- times nobody knew, odd separators ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "unknown", "rest"),
    [
        ("2019-12-03 --:--", date(2019, 12, 3), "--:--", ""),
        ("--:--", None, "--:--", ""),
        ("2X:XX (not sure exact time)", None, "2X:XX (not sure exact time)", ""),
        ("**??:??** - Pager goes off", None, "??:??", "Pager goes off"),
    ],
)
def test_a_placeholder_clock_is_an_unknown_time(text, day, unknown, rest):
    moment = unknown_moment(text)
    assert moment is not None
    assert (moment.day, moment.clock, moment.unknown, moment.rest) == (day, None, unknown, rest)


@pytest.mark.parametrize(
    "text", ["10:15 deploy", "2019-12-03 10:15", "The --:-- row", "X marks", "-1:30 offset"]
)
def test_a_real_clock_or_prose_is_no_unknown_time(text):
    assert unknown_moment(text) is None


def test_rows_with_an_unknown_time_keep_their_day_and_the_written_cell(registry):
    record = generic(
        registry,
        """
        # IP starvation

        ## Timeline

        | Date and Time | Event |
        |---|---|
        | 2019-12-02 04:30 | Scaling down |
        | 2019-12-03 --:-- | Surge of new deployments |

        ### 2021-09-1

        | time | description |
        |---|---|
        | --:-- | Upstream releases a blog post |
        | 03:35 | Nightly fails |
        """,
    )
    assert [(e.date, utc(e.time), e.extra) for e in record.timeline] == [
        (None, "2019-12-02 04:30", {}),
        (date(2019, 12, 3), None, {"Time": "--:--"}),
        (date(2021, 9, 1), None, {"Time": "--:--"}),
        (None, "2021-09-01 03:35", {}),
    ]
    profile = registry.get("default")
    again = read_document(render_markdown(record, profile), profile, strict=False).record
    assert again.timeline == record.timeline


def test_a_heading_with_an_unknown_time_is_an_entry_on_its_day(registry):
    record = generic(
        registry,
        """
        # JupyterLab announcement

        ## Timeline

        ### Feb 20 2018 19:52

        Launch success rate is back up.

        ### 2X:XX (not sure exact time)

        Same errors popping up as before.

        ### 21:57

        The hub pod is overwhelmed.
        """,
    )
    assert [(e.date, utc(e.time), e.extra.get("Time")) for e in record.timeline] == [
        (None, "2018-02-20 19:52", None),
        (date(2018, 2, 20), None, "2X:XX (not sure exact time)"),
        (None, "2018-02-20 21:57", None),
    ]
    assert record.timeline[1].text == "Same errors popping up as before."


@pytest.mark.parametrize(
    ("above", "day"),
    [
        # No day written above it: the entries above it are on the document's date.
        (["19:52"], date(2018, 2, 20)),
        # Past midnight: the entry above it rolled over to the next day.
        (["23:52", "00:30"], date(2018, 2, 21)),
    ],
)
def test_an_unknown_time_takes_the_day_of_the_entry_above_it(registry, above, day):
    entries = "".join(f"### {clock}\n\nLaunch success rate is back up.\n\n" for clock in above)
    text = (
        "# 2018-02-20, JupyterLab announcement\n\n## Timeline\n\n"
        f"{entries}### 2X:XX (not sure exact time)\n\nSame errors popping up as before.\n\n"
        "### 01:57\n\nThe hub pod is overwhelmed.\n"
    )
    record = generic(registry, text)
    unknown = record.timeline[len(above)]
    assert (unknown.date, unknown.time) == (day, None)
    assert unknown.extra == {"Time": "2X:XX (not sure exact time)"}
    profile = registry.get("default")
    again = read_document(render_markdown(record, profile), profile, strict=False).record
    assert again.timeline == record.timeline


def test_a_date_and_clock_joined_by_a_slash_and_backslash_separators(registry):
    record = generic(
        registry,
        r"""
        # 2023-01-04 - Outage

        ## Timeline

        *2023-01-04 05:13*: The monitor triggered an alert.<br />
        \\\\
        *2023-01-04/11:34*: The provider blocked the address.<br />
        \\\\
        *2023-01-18 09:53*: Report received.\\
        """,
    )
    assert times(record) == ["2023-01-04 05:13", "2023-01-04 11:34", "2023-01-18 09:53"]
    assert [e.text for e in record.timeline] == [
        "The monitor triggered an alert.",
        "The provider blocked the address.",
        "Report received.",
    ]


@pytest.mark.parametrize(
    ("header", "first"),
    [
        ("Timeline 20.04.22", "2022-04-20 11:28"),
        ("Time 2022-04-20", "2022-04-20 11:28"),
        ("Time 04/20/2022", "2022-04-20 11:28"),
    ],
)
def test_a_time_column_header_that_states_the_day(registry, header, first):
    record = generic(
        registry,
        f"""
        # Loki disk full

        ## Timeline

        | {header} | Event |
        |---|---|
        | 11:28 | The team was made aware |
        | 2022-04-21 09:00 | Retention configured |
        """,
    )
    assert times(record) == [first, "2022-04-21 09:00"]
    assert [e.text for e in record.timeline] == ["The team was made aware", "Retention configured"]


def test_a_time_heading_over_timed_entries_titles_them(registry):
    record = generic(
        registry,
        """
        # Sepolia incident

        ## Timeline

        ### March 5, 2025: Testnet issue

        ### ~9:43 AM: Identifying the issue
        - 9:44: First report in chat
        - 9:51: A warning about the fix

        ### 1:42-1:59 PM: Client releases
        - 1:42: Geth passes
        - 1:59: Releases announced

        ### 2:05 PM

        A call starts; no entries under this heading.
        """,
    )
    assert times(record) == [
        "2025-03-05 09:44",
        "2025-03-05 09:51",
        "2025-03-05 13:42",
        "2025-03-05 13:59",
        "2025-03-05 14:05",
    ]
    assert record.timeline[-1].text == "A call starts; no entries under this heading."
    assert [e.extra.get("Group") for e in record.timeline] == [
        "~9:43 AM: Identifying the issue",
        None,
        "1:42-1:59 PM: Client releases",
        None,
        None,
    ]
    profile = registry.get("default")
    again = read_document(render_markdown(record, profile), profile, strict=False).record
    assert again.timeline == record.timeline


def test_a_timed_heading_with_its_own_text_stays_an_entry_over_timed_subheadings(registry):
    record = generic(
        registry,
        """
        # Binder outage

        ## Timeline

        ### Feb 20 2018 14:17

        The announcement goes out.

        ## Feb 21, 13:00

        Traffic is still high.

        ### 15:15

        Pods restarted.
        """,
    )
    assert times(record) == ["2018-02-20 14:17", "2018-02-21 13:00", "2018-02-21 15:15"]


def test_prose_under_a_day_heading_without_times_is_that_days_entry(registry):
    record = generic(
        registry,
        """
        # Build breakage

        ## Timeline (all times in UTC)

        ### 2016-10-24

        A change to package:args is committed.

        ### 2016-11-02

        **15:11** The change is merged.

        ### 2016-11-07

        Events of the day, in order:

        - **16:27** The tag is cut.
        """,
    )
    assert [(e.date, utc(e.time), e.text) for e in record.timeline] == [
        (date(2016, 10, 24), None, "A change to package:args is committed."),
        (None, "2016-11-02 15:11", "The change is merged."),
        (None, "2016-11-07 16:27", "The tag is cut."),
    ]
    kept = "\n".join(s.body for s in record.sections)
    assert "Events of the day, in order:" in kept


def test_prose_opening_a_day_is_its_entry_whatever_follows(registry):
    record = generic(
        registry,
        """
        # Crates outage

        ## Timeline of events

        ### 2020-02-20

        Events as they happened.

        ### 2020-02-20 21:17

        The crates are published.

        ### 2020-02-21

        Figures are provisional.

        - 09:27 UTC: the author reports it.

        ### 2020-02-22

        Quiet day.

        ### 11:00 AM

        The fix is confirmed.
        """,
    )
    assert [(e.date, utc(e.time), e.text) for e in record.timeline] == [
        (date(2020, 2, 20), None, "Events as they happened."),
        (None, "2020-02-20 21:17", "The crates are published."),
        (date(2020, 2, 21), None, "Figures are provisional."),
        (None, "2020-02-21 09:27", "the author reports it."),
        (date(2020, 2, 22), None, "Quiet day."),
        (None, "2020-02-22 11:00", "The fix is confirmed."),
    ]
    profile = registry.get("default")
    again = read_document(render_markdown(record, profile), profile, strict=False).record
    assert again.timeline == record.timeline
    assert again.sections == record.sections


# --- the real postmortems ------------------------------------------------------------------


def fixture(registry, start: str) -> Incident:
    folder = shared_folder("fixtures") / "postmortems"
    path = next(p for p in sorted(folder.glob("*.md")) if p.name.startswith(start))
    return service.load(Path(path), registry).record


def test_fixture_earthscope_day_headings_zone_and_midnight(registry):
    record = fixture(registry, "2i2c-org__incident-reports__reports__2025-05-12")
    got = times(record)
    assert got[0] == "2025-05-12 17:15"  # 20:15 EEST
    assert "2025-05-12 21:40" in got  # ### 00:40 under ## May 12 is May 13, 00:40 EEST
    assert got[-1] == "2025-05-16 08:00"  # ## 16 May
    assert got == sorted(got)


def test_fixture_sepolia_headings_ranges_and_12_hour_wrap(registry):
    record = fixture(registry, "ethereum__pm__Network-Upgrade-Archive__Pectra__sepolia")
    got = times(record)
    assert got[0] == "2025-03-05 09:44"  # the "### ~9:43 AM" heading titles the entries under it
    assert got == sorted(got)
    assert got[-1] == "2025-03-05 22:57"
    wrapped = next(e for e in record.timeline if e.text.startswith("Mario Vega shares updated"))
    assert utc(wrapped.time) == "2025-03-05 13:17"


def test_fixture_envoy_day_lines(registry):
    record = fixture(registry, "envoyproxy__envoy__security__postmortems")
    days = [e.date for e in record.timeline if e.date is not None]
    assert days[0] == date(2019, 7, 25) and days[-1] == date(2019, 10, 10)
    assert days == sorted(days)
    assert times(record).count("2019-10-08 18:20") == 1  # 11:20 AM US/Pacific


def test_fixture_geth_day_only_bullets_and_one_timed_in_its_text(registry):
    record = fixture(registry, "ethereum__go-ethereum__docs__postmortems__2021-08-22")
    assert [e.date for e in record.timeline] == [
        date(2021, 8, 17),
        date(2021, 8, 18),
        date(2021, 8, 24),
        None,
    ]
    assert utc(record.timeline[-1].time) == "2021-08-27 12:50"
    assert all("Time" not in e.extra for e in record.timeline)


@pytest.mark.parametrize(
    ("start", "first", "last"),
    [
        ("mastra-ai__mastra__communications__postmortems__2025-07-16", "2025-07-16 19:22", None),
        ("openSUSE__obs-landing___posts__deployments__2023-12-01", "2023-11-27 08:32", None),
        ("wireapp__wire-docs__src__security-responses__2022-05-23", "2022-05-23 06:00", None),
        ("wireapp__wire-docs__src__security-responses__2023-01-04", "2023-01-04 05:13", None),
        (
            "pypi__warehouse__docs__blog__posts__2025-07-31",
            "2025-07-26 17:14",
            "2025-07-28 16:54",
        ),
        (
            "hachyderm__community__community.hachyderm.io__content__en__blog__incidents__2023",
            "2023-02-28 01:52",
            "2023-02-28 02:30",
        ),
        ("2i2c-org__incident-reports__reports__2025-07-11", "2025-07-11 11:42", None),
    ],
)
def test_fixture_first_and_last_times(registry, start, first, last):
    got = times(fixture(registry, start))
    assert got[0] == first
    if last is not None:
        assert got[-1] == last


def test_fixture_opensuse_range_keeps_its_text(registry):
    record = fixture(registry, "openSUSE__obs-landing___posts__deployments__2020-04-08")
    ranged = [e for e in record.timeline if "Range" in e.extra]
    assert [(utc(e.time), e.extra["Range"]) for e in ranged] == [
        ("2020-04-08 12:22", "12:22 to 13:00")
    ]
    assert ranged[0].text.startswith("We started out with looking")


@pytest.mark.parametrize(
    "text",
    [
        "Timeline (CET)\n\nAll times are in PST.",
        "Times in UTC. Later: all times US/Pacific",
        "The time in UTC+2 was noted; (EEST) later.",
        "No zone here at all, overall times vary.",
        "small times in PST",
        "All time in CET, then (UTC).",
        "ALL TIMES ARE IN the GMT+1 zone",
    ],
)
def test_document_zones_gives_what_the_two_searches_give(text: str) -> None:
    # One pass over the document answers both questions as the two searches would.
    whole = document_zone(text)
    assert document_zones(text) == (whole, None if whole else stated_zone(text))


@pytest.mark.parametrize("text", ["TIMES IN CET", "Times are in the CET zone", "all Time CET"])
def test_stated_zone_reads_the_statement_in_any_case(text: str) -> None:
    assert stated_zone(text) == "CET"
