"""How the importer reads the shapes real postmortems come in (our own examples)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from textwrap import dedent

import pytest

from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.document.timetext import date_heading, guess_dayfirst, leading_moment, place_day
from afteraction.document.zones import resolve_zone, stated_zone


def generic(registry, text: str):
    """Read ``text`` the way an unknown shape is read: default profile, lenient."""
    return read_document(dedent(text), registry.get("default"), strict=False).record


def utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else None


@pytest.mark.parametrize(
    ("text", "day", "clock", "rest"),
    [
        ("**Feb 05, 2021:** Disclosure", date(2021, 2, 5), None, "Disclosure"),
        ("2022-02-02 1430: deploy", date(2022, 2, 2), time(14, 30), "deploy"),
        ("17:00-18:00 heavy load", None, time(17, 0), "heavy load"),
        ("2023-06-06T10:23:00Z - user report", date(2023, 6, 6), time(10, 23), "user report"),
        ("**21:17 UTC: published**", None, time(21, 17), "published**"),
    ],
)
def test_leading_moment_reads_the_written_forms(text, day, clock, rest):
    moment = leading_moment(text)
    assert moment is not None
    assert (moment.day, moment.clock, moment.rest) == (day, clock, rest)


def test_a_range_is_not_read_as_a_zone_offset():
    moment = leading_moment("10:00-11:00 text")
    assert moment is not None and moment.zone is None


def test_a_date_without_its_year_takes_the_nearest_year():
    moment = leading_moment("Jan 14, 10:18 AM")
    assert moment is not None and moment.month_day == (1, 14) and moment.day is None
    assert place_day((1, 14), date(2026, 1, 17)) == date(2026, 1, 14)
    assert place_day((12, 30), date(2026, 1, 2)) == date(2025, 12, 30)
    assert place_day((1, 14), None) is None


def test_day_first_dates_are_recognised_from_the_document():
    assert guess_dayfirst("#### 29-09-2021\n### 03-10-2021")
    assert not guess_dayfirst("10/29/2021 and 11/03/2021")
    assert date_heading("03-10-2021 (All times CEST)", dayfirst=True) == date(2021, 10, 3)


def test_stated_zones_include_regions_with_summer_time():
    assert stated_zone("Timeline (all times in PST/PDT)") == "PST/PDT"
    assert stated_zone("All times CEST") == "CEST"
    assert stated_zone("times that matter") is None
    pacific = resolve_zone("PST/PDT")
    assert datetime(2016, 11, 2, 15, 11, tzinfo=pacific).utcoffset().total_seconds() == -7 * 3600
    assert datetime(2016, 11, 8, 14, 15, tzinfo=pacific).utcoffset().total_seconds() == -8 * 3600


def test_bullet_timeline_with_day_headings_and_bold_entries(registry):
    record = generic(
        registry,
        """
        # Registry outage

        ## Timeline of events

        ### 2020-02-20

        - **21:17 UTC: crates published**
        - 21:28 UTC: issue reported

        ### 2020-02-21

        - 09:27 UTC: another report
        """,
    )
    assert [(utc(e.time), e.text) for e in record.timeline] == [
        ("2020-02-20 21:17", "crates published"),
        ("2020-02-20 21:28", "issue reported"),
        ("2020-02-21 09:27", "another report"),
    ]


def test_entries_in_one_paragraph_and_a_day_line(registry):
    record = generic(
        registry,
        """
        # Build breakage

        ## Timeline (all times in PST/PDT)

        ### 2016-11-07

        **16:27** tag cut<br>
        **21:36** all PRs failing

        2016-11-08

        **07:52** still failing<br>
        """,
    )
    assert [(utc(e.time), e.text) for e in record.timeline] == [
        ("2016-11-08 00:27", "tag cut"),
        ("2016-11-08 05:36", "all PRs failing"),
        ("2016-11-08 15:52", "still failing"),
    ]


def test_time_headings_go_on_as_sibling_sections(registry):
    record = generic(
        registry,
        """
        # Traffic spike

        ## Timeline

        All times in UTC

        ### Feb 20 2018 14:17

        Post goes live.

        ### 22:52

        Pods deleted.

        ## Feb 21, 13:00

        Permanent fix applied.

        ### 15:15

        Route updated.

        ## Conclusions

        Capacity.
        """,
    )
    assert [(utc(e.time), e.text) for e in record.timeline] == [
        ("2018-02-20 14:17", "Post goes live."),
        ("2018-02-20 22:52", "Pods deleted."),
        ("2018-02-21 13:00", "Permanent fix applied."),
        ("2018-02-21 15:15", "Route updated."),
    ]
    assert [s.heading for s in record.sections if s.key is None] == ["Conclusions"]


def test_table_dates_without_year_and_extra_columns_are_kept(registry):
    record = generic(
        registry,
        """
        # Account suspended

        ## Timeline (all times UTC)

        | Day | Date (2022) | Time (UTC) | Event |
        |-----|-------------|-----------|-------|
        | Thur | Jan 20 | 23:55 | Call with the admin.
        | Fri | Jan 21 | 16:49 | Account enabled.
        """,
    )
    assert [utc(e.time) for e in record.timeline] == ["2022-01-20 23:55", "2022-01-21 16:49"]
    assert record.timeline[1].extra == {"Day": "Fri"}
    assert "| Day |" in render_markdown(record, registry.get("default"))


def test_action_items_grouped_under_category_headings(registry):
    record = generic(
        registry,
        """
        # Build breakage 2016-11-08

        ## Action items

        ### Prevention

        | Action Item | Owner | Tracking bug | Notes |
        |-------------|-------|--------------|-------|
        | Pin dependencies | chinmay | #6767 | |

        ### Detection

        | Action Item | Owner | Tracking bug | Notes |
        |-------------|-------|--------------|-------|
        | Monitoring bot | ianh | #6777 | Done |

        ### Mitigation

        None.

        ### Fixes

        - ✅ Update package:args
        """,
    )
    items = [(a.title, a.owner, a.category, a.status, a.extra) for a in record.action_items]
    assert items == [
        ("Pin dependencies", "chinmay", "Prevention", None, {}),
        ("Monitoring bot", "ianh", "Detection", "done", {"Notes": "Done"}),
        ("Update package:args", None, "Fixes", "done", {}),
    ]
    note = next(s for s in record.sections if s.key == "action_items")
    assert "### Mitigation" in note.body and "None." in note.body
    assert not any(s.key == "detection" for s in record.sections)


def test_root_cause_keeps_its_unnamed_subsections(registry):
    record = generic(
        registry,
        """
        # Ingestion delays

        ## Root cause analysis

        ### Primary issue: OID exhaustion

        Writes waited for free OIDs.

        ## Timeline

        - 10:00 start
        """,
    )
    assert record.root_cause is not None
    assert record.root_cause.startswith("### Primary issue: OID exhaustion")
    assert "Writes waited" in record.root_cause


def test_a_document_written_as_labelled_bullets(registry):
    record = generic(
        registry,
        """
        # Incident on 2023-06-06 - User services down

        - **Key events**
          - First detected: 2023-06-06 10:26
          - Repaired: 2023-06-06 11:21

        - **Impact**: User services were down for a few minutes

        - **Context**:
          - 2023-06-06 10:23 - User reported pods deleted
          - 2023-06-06 11:00 - Incident declared
          - 2023-06-06 13:11 - Incident resolved

        - **Review actions**:
          - Add a runbook
        """,
    )
    assert utc(record.times.detected) == "2023-06-06 10:26"
    assert utc(record.times.mitigated) == "2023-06-06 11:21"
    assert [utc(e.time) for e in record.timeline] == [
        "2023-06-06 10:23",
        "2023-06-06 11:00",
        "2023-06-06 13:11",
    ]
    assert [a.title for a in record.action_items] == ["Add a runbook"]


def test_front_matter_is_written_back_verbatim_and_read(registry):
    text = dedent(
        """\
        ---
        title: S3 outage
        start_time: 2017-02-28T17:37:00Z
        end_time: 2017-02-28T21:54:00Z
        summary: Human error.
        categories:
        - automation
        ---

        The article.
        """
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert record.title == "S3 outage"
    assert utc(record.times.started) == "2017-02-28 17:37"
    assert utc(record.times.resolved) == "2017-02-28 21:54"
    assert record.summary == "Human error."
    rendered = render_markdown(record, registry.get("default"))
    assert rendered.startswith(text.split("\n\n")[0])
    assert "- automation" in rendered


def test_untitled_opening_prose_is_the_summary(registry):
    record = generic(
        registry,
        """
        On 18th April 2021 a researcher found a flaw.

        ### What was impacted

        One cask.
        """,
    )
    assert record.summary == "On 18th April 2021 a researcher found a flaw."


def test_related_incidents_written_as_bullets_bind_to_related(registry):
    sre = registry.get("sre")
    text = render_markdown(read_document("# Postmortem: Cache outage\n", sre).record, sre)
    text = text.replace(
        "## Related Incidents\n",
        "## Related Incidents\n\n- INC-2025-014: the same cache filled up\n- INC-2025-020\n",
    )
    record = read_document(text, sre).record
    assert [(r.id, r.note) for r in record.related] == [
        ("INC-2025-014", "the same cache filled up"),
        ("INC-2025-020", None),
    ]
    assert "- INC-2025-014: the same cache filled up\n- INC-2025-020\n" in render_markdown(
        record, sre
    )
