"""A document of no known profile is read without loss and written back in its own shape."""

from __future__ import annotations

from datetime import date
from textwrap import dedent

from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.service import documents as service
from tests.conftest import shared_folder
from tests.roundtrip_support import as_content


def generic(registry, text: str):
    """Read ``text`` the way an unknown shape is read: default profile, lenient."""
    return read_document(dedent(text), registry.get("default"), strict=False).record


PAGE = """\
---
title: "Global outage"
resources:
- src: "**.png"
---

On Tuesday the service was unresponsive around the globe.

![graph](graph.png)

# Timeline

- **18:53** first report
"""


def test_opening_text_before_a_first_heading_is_kept(registry):
    record = generic(registry, PAGE)
    assert record.summary is not None
    assert "unresponsive around the globe" in record.summary
    assert "![graph](graph.png)" in record.summary
    assert record.title == "Global outage"  # the front matter's: "# Timeline" is a section
    assert [e.text for e in record.timeline] == ["first report"]


def test_a_first_heading_after_a_comment_is_still_the_title(registry):
    record = generic(registry, "<!-- draft -->\n\n# Disk full\n\n## Summary\n\nIt filled.\n")
    assert record.title == "Disk full"
    assert record.summary == "It filled."


def test_a_bracketed_value_in_a_generic_reading_is_kept_as_written(registry):
    text = "# Nap\n\n**Severity:** [High]\n\n**Status:** Final\n\n## Summary\n\nDown.\n"
    record = generic(registry, text)
    assert record.status == "Final"
    preamble = next(s for s in record.sections if s.key == "preamble")
    assert preamble.body == "**Severity:** [High]"


def test_crlf_line_endings_read_as_plain_newlines(registry):
    text = "# Nap\n\n**Severity:** [High]\n\n## Summary\n\nDown for\nan hour.\n"
    assert generic(registry, text.replace("\n", "\r\n")) == generic(registry, text)


def own_shape(registry, text: str) -> tuple[str, object]:
    """Read ``text`` generically and write it back; return the text and the first reading."""
    profile = registry.get("default")
    record = generic(registry, text)
    return render_markdown(record, profile), record


def reread(registry, written: str):
    return read_document(written, registry.get("default"), strict=False).record


NOTES = """\
# Cache stampede

## What happened

The cache expired for every key at once.

## Timeline (times in PST)

| Time | Event |
|------|-------|
| 2026-03-14 10:00 | Deploy |
| 2026-03-14 10:05 | Errors |

## Follow-ups

- add jitter
"""


def test_only_the_sections_the_document_had_in_its_order(registry):
    written, record = own_shape(registry, NOTES)
    headings = [line for line in written.split("\n") if line.startswith("#")]
    assert headings == [
        "# Cache stampede",
        "## What happened",
        "## Timeline (times in PST)",
        "## Follow-ups",
    ]
    assert "**Severity:**" not in written  # no empty header fields
    assert reread(registry, written) == record


def test_a_zone_stated_by_the_heading_is_the_only_statement_and_the_times_keep_it(registry):
    written, record = own_shape(registry, NOTES)
    assert "All times in UTC" not in written
    assert "10:00 | Deploy |" in written  # still Pacific time, as the heading says
    assert record.timeline[0].time is not None
    assert record.timeline[0].time.hour == 18  # 10:00 PST (UTC-8) is 18:00 UTC
    assert reread(registry, written).timeline == record.timeline


BLOCKS = """\
# Disk full

## Timeline

- **2026-03-14 18:59** redis cannot persist
- **2026-03-14 19:02** root cause found

### 2026-03-14 19:04

Ran the clean-up:

```
kubectl -n db delete pod archive-0
```

- freed 187 GB
- restarted redis
"""


def test_an_entry_with_a_code_block_and_a_list_is_no_table_row(registry):
    written, record = own_shape(registry, BLOCKS)
    entry = record.timeline[2]
    assert "kubectl -n db delete pod archive-0" in entry.text
    assert "- freed 187 GB" in entry.text
    assert "```\nkubectl -n db delete pod archive-0\n```" in written
    assert not any(line.startswith("|") and "kubectl" in line for line in written.split("\n"))
    assert "\n- freed 187 GB\n- restarted redis" in written
    assert reread(registry, written) == record


def test_an_unplaced_time_goes_in_the_one_time_column(registry):
    text = """\
    # Outage

    ## Timeline

    | Time | Event |
    |------|-------|
    | 2026-03-14 10:00 | Deploy |
    | later that day | Rollback |
    """
    written, record = own_shape(registry, text)
    assert record.timeline[1].extra == {"Time": "later that day"}
    header = next(line for line in written.split("\n") if line.startswith("| Time"))
    assert header.count("Time") == 1
    assert "| later that day | Rollback |" in written
    assert reread(registry, written) == record


def test_no_title_is_invented_and_the_front_matter_title_is_not_repeated(registry):
    written, record = own_shape(registry, "## Summary\n\nUsers could not deploy.\n")
    assert written == "## Summary\n\nUsers could not deploy.\n"
    written, record = own_shape(registry, PAGE)
    assert "# Global outage" not in written
    assert written.startswith(PAGE.split("\n\n")[0])  # the front matter, verbatim
    assert reread(registry, written) == record


def test_a_document_in_a_known_profile_keeps_its_profile_layout(registry):
    profile = registry.get("default")
    record = read_document("# Outage\n\n## Summary\n\nDown.\n", profile).record
    assert record.layout == "profile"
    written = render_markdown(record, profile)
    assert "## Root causes" in written  # the profile's skeleton, as before
    assert "All times in UTC." in written


def test_real_generic_readings_read_back_as_they_were(registry):
    folder = shared_folder("fixtures") / "postmortems"
    for path in sorted(folder.glob("*.md")):
        loaded = service.load(path, registry)
        if loaded.recognized:
            continue
        written = service.render(loaded.record, loaded.profile, "md")
        again = read_document(written, loaded.profile, strict=False).record
        assert as_content(again) == as_content(loaded.record), path.name
        # Every heading written is one the document wrote (no skeleton sections).
        source = path.read_text(encoding="utf-8")
        for line in written.split("\n"):
            if line.startswith("#") and not line.startswith("#!"):
                title = line.lstrip("#").strip()
                assert title in source or "20" in title, (path.name, line)


def test_a_list_after_the_factors_stays_after_them(registry):
    text = """\
    # Exploit

    ## Contributing factors

    - slippage set too loose
    - fee set to zero

    The combination made the attack profitable.

    #### Additional resources

    - simulation of the attack
    """
    written, record = own_shape(registry, text)
    assert [f.title for f in record.contributing_factors] == [
        "slippage set too loose",
        "fee set to zero",
    ]
    assert written.index("- fee set to zero") < written.index("#### Additional resources")
    assert reread(registry, written) == record


GROUPED = """\
# Feed outage

The feed stopped for an hour.

## Remediation

### Immediate actions (completed)

- Rolled back the parser
- Paged the data team `@dana`

**Action item:** Start incidents earlier. Owner: @lucas

### Long-term

- Fuzz the parser
- Alert on feed lag

We will review these in January.

## Lessons learned

The rollback took too long.

Action point: write the rollback runbook.
"""


def test_items_go_back_where_the_document_listed_them(registry):
    record = generic(registry, GROUPED)
    assert [(i.title, i.status, i.owner, i.horizon) for i in record.action_items] == [
        ("Rolled back the parser", "done", None, "immediate"),
        ("Paged the data team", "done", "@dana", "immediate"),
        ("Start incidents earlier", None, "@lucas", None),
        ("Fuzz the parser", None, None, "long_term"),
        ("Alert on feed lag", None, None, "long_term"),
        ("write the rollback runbook.", None, None, None),
    ]
    written = render_markdown(record, registry.get("default"))
    # Under their own headings, with the owner the title no longer says as a mark; the
    # lines that stated items stay in their text; no table of the same items is added.
    assert "### Immediate actions (completed)\n\n- Rolled back the parser\n" in written
    assert "- Paged the data team (owner: @dana)" in written
    assert "**Action item:** Start incidents earlier. Owner: @lucas" in written
    assert "- Fuzz the parser\n- Alert on feed lag\n\nWe will review these in January." in written
    assert written.count("write the rollback runbook") == 1
    assert "| Action item |" not in written
    again = generic(registry, written)
    assert as_content(again) == as_content(record)


def test_an_item_changed_after_reading_is_written_in_a_table_under_its_heading(registry):
    # A due date has no mark in a list line: the group's items are written as a table
    # under the group's heading instead, and still read back the same.
    record = generic(registry, GROUPED)
    record.action_items[3].due = date(2027, 1, 15)
    written = render_markdown(record, registry.get("default"))
    group = written[written.index("### Long-term") : written.index("## Lessons learned")]
    assert "| Fuzz the parser |" in group and "2027-01-15" in group
    assert "We will review these in January." in group
    assert as_content(generic(registry, written)) == as_content(record)


def test_a_day_heading_with_no_entries_stays_where_it_was(registry):
    # A day heading written twice: the first has no entries and is kept as text. Written
    # before the table it would take the entries in as its day's; it goes after them.
    text = """\
    # Build breakage

    ## Timeline (all times in UTC)

    ### 2016-11-07
    ### 2016-11-07

    **16:27** Tag 0.13.6+1 is pushed<br>
    **21:36** Travis fails every PR

    ### 2016-11-08

    **07:52** Travis still fails
    """
    record = generic(registry, text)
    timeline = next(s for s in record.sections if s.key == "timeline")
    assert timeline.body == "### 2016-11-07"
    written = render_markdown(record, registry.get("default"))
    assert as_content(generic(registry, written)) == as_content(record)


def test_a_code_fence_left_open_is_written_after_the_entries_it_followed(registry):
    # The open fence takes in the rest of the document; written before the entries it
    # would take them in too.
    text = """\
    # Flags are down

    ## Timeline

    - **16:58 UTC** - The writer database saturates
    - **17:05 UTC** - Pods fail their connections

    ```
    thread 'main' panicked
    ```
    ```

    - **17:12 UTC** - Retries overwhelm the database

    ## Impact

    Flags failed.
    """
    record = generic(registry, text)
    assert len(record.timeline) == 2
    written = render_markdown(record, registry.get("default"))
    assert written.index("17:05") < written.rindex("```") < written.index("17:12")
    assert as_content(generic(registry, written)) == as_content(record)


def test_a_group_under_another_group_is_written_back_under_its_own_heading(registry):
    text = GROUPED.replace("### Immediate actions (completed)", "## Immediate actions (completed)")
    record = generic(registry, text)
    assert [i.horizon for i in record.action_items[:2]] == ["immediate", "immediate"]
    assert [i.horizon for i in record.action_items[3:5]] == ["long_term", "long_term"]
    written = render_markdown(record, registry.get("default"))
    assert "### Long-term\n\n- Fuzz the parser\n- Alert on feed lag" in written
    assert "| Action item |" not in written
    assert as_content(generic(registry, written)) == as_content(record)


def test_a_group_heading_written_twice_keeps_its_items_under_the_second(registry):
    text = GROUPED.replace("### Long-term\n", "### Long-term\n### Long-term\n")
    record = generic(registry, text)
    written = render_markdown(record, registry.get("default"))
    assert "### Long-term\n\n### Long-term\n\n- Fuzz the parser" in written
    assert as_content(generic(registry, written)) == as_content(record)


def test_a_title_the_front_matter_repeats_is_written_before_a_first_level_section(registry):
    # The title heading repeats the front matter's title, and a first-level section comes
    # right after it: without the title written, the reader would take that section's
    # heading for the title.
    text = "---\ntitle: Users down\n---\n\n# Users down\n\n# Users down\n\nSee the runbook.\n"
    written, record = own_shape(registry, text)
    assert written.count("# Users down") == 2
    assert reread(registry, written) == record


def test_text_before_a_title_the_front_matter_repeats_keeps_the_title(registry):
    text = "---\ntitle: Users down\n---\n---\n\n# Users down\n\n- **Impact**: users down\n"
    written, record = own_shape(registry, text)
    assert "# Users down" in written
    assert reread(registry, written) == record
