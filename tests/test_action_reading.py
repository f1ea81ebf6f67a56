"""Reading action items as teams write them: done marks, owners, priorities, horizons, legends."""

from __future__ import annotations

import time

import pytest

from afteraction.document.blocks import Block, ListItem, split_blocks
from afteraction.document.kinds.action_groups import (
    action_heading,
    horizon_of,
    is_legend,
    lead_in,
    stated_item,
)
from afteraction.document.kinds.action_marks import STATE_WORDS, is_owner_name, read_marks
from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.model import ActionItem
from afteraction.service import documents as service
from tests.conftest import SHARED, shared_folder
from tests.test_fixtures import words

POSTMORTEMS = SHARED / "fixtures" / "postmortems"
# Words a reading turns into structure: state marks (written back as the profile's
# state names) and the labels that make a line an item.
TRANSLATED = words(" ".join([*STATE_WORDS, "action items point"]))


def items(body: str, registry, heading: str = "## Action items") -> list[ActionItem]:
    """Read a small document (lenient, default profile) and return its action items."""
    text = f"# Outage\n\n## Summary\n\nThe feed stopped.\n\n{heading}\n\n{body}\n"
    record = read_document(text, registry.get("default"), strict=False).record
    written = render_markdown(record, registry.get("default"))
    assert words(text) <= words(written) | TRANSLATED, "a word was lost on rendering"
    return record.action_items


def brief(item: ActionItem) -> tuple[str, str | None, str | None, str | None]:
    return item.title, item.owner, item.priority, item.status


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("**DONE** Revert the driver", ("Revert the driver", None, None, "done")),
        ("Revert the driver (done)", ("Revert the driver", None, None, "done")),
        ("Revert the driver **Done**", ("Revert the driver", None, None, "done")),
        ("DONE: Revert the driver", ("Revert the driver", None, None, "done")),
        ("[WIP] Revert the driver", ("Revert the driver", None, None, "in_progress")),
        ("~~Drop the cache~~", ("~~Drop the cache~~", None, None, "done")),
        (
            "Rotated the keys, done during this incident",
            ("Rotated the keys, done during this incident", None, None, "done"),
        ),
        ("✅ Add the alert", ("Add the alert", None, None, "done")),
        ("Add the alert ✅", ("Add the alert", None, None, "done")),
    ],
)
def test_done_marks_set_the_status(line, expected, registry):
    assert [brief(i) for i in items(f"- {line}", registry)] == [expected]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Hypha: upgrade the hub", ("upgrade the hub", "Hypha", None, None)),
        ("Platform Team: add a runbook", ("add a runbook", "Platform Team", None, None)),
        ("@alice rotate the keys", ("rotate the keys", "@alice", None, None)),
        ("@alice: rotate the keys", ("rotate the keys", "@alice", None, None)),
        ("[Hypha] upgrade the hub", ("upgrade the hub", "Hypha", None, None)),
        ("Upgrade the hub (owner: bob)", ("Upgrade the hub", "bob", None, None)),
        ("Upgrade the hub. Owner: @lucas", ("Upgrade the hub", "@lucas", None, None)),
        ("Upgrade the hub — @alice", ("Upgrade the hub", "@alice", None, None)),
        ("Upgrade the hub `@dma`", ("Upgrade the hub", "@dma", None, None)),
        ("**HIGH** Add an alert", ("Add an alert", None, "HIGH", None)),
        ("P1: Add an alert", ("Add an alert", None, "P1", None)),
        ("[P2] Add an alert", ("Add an alert", None, "P2", None)),
        ("Add an alert (P3)", ("Add an alert", None, "P3", None)),
        ("[P1] Hypha: add an alert (done)", ("add an alert", "Hypha", "P1", "done")),
    ],
)
def test_owner_and_priority_marks_leave_the_title(line, expected, registry):
    assert [brief(i) for i in items(f"- {line}", registry)] == [expected]


@pytest.mark.parametrize(
    "line",
    [
        "Note: the cache must be warmed first",
        "Root cause: the cache was cold",
        "Root Cause: the cache was cold",
        "Monitoring: add an alert on lag",
        "Documentation: write the runbook",
        "Step 1: drain the node",
        "Next steps: decide in the review",
        "Short-term: add an alert",
        "**Read/write path separation**: split the pools",
        "Need to add an alert on lag",
        "Migrate to the new cluster",
        "Upgrade to version 2",
        "Due to the outage, add a check",
        "The team will add alerts",
        "[P1 fix] the alert",
        "Fixed: the cache warms itself now",
        "We should have been done by noon",
        "We should have added alerts",
        "Re-enable the check that has been disabled",
        "Alerts have not been configured",
        "All pull requests will require a review",
        "Investigate when certificates are renewed",
        "Add metric for jobs failed",
        "Updated docs",
    ],
)
def test_false_friends_are_not_owners_or_marks(line, registry):
    (item,) = items(f"- {line}", registry)
    assert (item.title, item.owner, item.priority) == (line, None, None)
    assert item.status is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[#2226]: Add simple logging", ("Add simple logging", "#2226")),
        ("[OPS-12] Add simple logging", ("Add simple logging", "OPS-12")),
        (
            "[KM484](https://trello.com/c/KFY52VE3) - Add the blog to the feeds",
            ("Add the blog to the feeds", "[KM484](https://trello.com/c/KFY52VE3)"),
        ),
        (
            "Improve stop handling (https://example.org/issues/1677)",
            ("Improve stop handling", "https://example.org/issues/1677"),
        ),
        (
            "Improve stop handling https://example.org/pull/8",
            ("Improve stop handling", "https://example.org/pull/8"),
        ),
    ],
)
def test_issue_references_and_closing_links_are_the_tracking_link(line, expected, registry):
    (item,) = items(f"- {line}", registry)
    assert (item.title, item.link) == expected


@pytest.mark.parametrize("line", ["[Q3] Migrate the database", "[EC2] Resize the instances"])
def test_a_bracketed_label_is_not_an_issue_reference(line):
    assert "link" not in read_marks(line)


def test_an_issue_reference_links_to_the_url_the_document_defines(registry):
    body = "- [#7]: Add an alert\n- [#8]: Add a runbook\n\n[#7]: https://example.org/issues/7\n"
    assert [(i.title, i.link) for i in items(body, registry)] == [
        ("Add an alert", "[#7](https://example.org/issues/7)"),
        ("Add a runbook", "#8"),
    ]
    table = (
        "| Action | Tracking |\n|---|---|\n| Add an alert | [#9] |\n\n[#9]: https://example.org/9"
    )
    assert [i.link for i in items(table, registry)] == ["[#9](https://example.org/9)"]


def test_a_title_keeps_its_link_when_the_table_has_a_tracking_column(registry):
    table = (
        "| Action | Tracking |\n|---|---|\n| [#7]: Add an alert | https://example.org/issues/8 |"
    )
    (item,) = items(table, registry)
    assert (item.title, item.link) == ("[#7]: Add an alert", "https://example.org/issues/8")


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("Nóva to send the list of domains", "Nóva"),
        ("Kris Nóva to send the list of domains", "Kris Nóva"),
        ("The IPS team is reviewing the response process", "IPS team"),
        ("Our Platform team will add a runbook", "Platform team"),
    ],
)
def test_the_subject_of_an_item_sentence_is_its_owner(line, owner, registry):
    (item,) = items(f"- {line}", registry)
    assert (item.title, item.owner) == (line, owner)


@pytest.mark.parametrize(
    "line",
    [
        "The review action has been disabled and removed from all repositories.",
        "We have removed the ability for our bots to commit.",
        "The key has been rotated",
        "Cron cleanup scheduled",
        "Alerts configured",
        "Postmortem written.",
    ],
)
def test_items_that_say_they_are_done_are_done(line, registry):
    (item,) = items(f"- {line}", registry)
    assert (item.title, item.status) == (line, "done")


def test_a_document_in_a_known_format_says_owner_and_state_in_its_columns(registry):
    profile = registry.get("default")
    record = read_document(
        "# Outage\n\n## Summary\n\nThe feed stopped.\n", profile, strict=False
    ).record
    record.action_items = [
        ActionItem(title="Alerts configured"),
        ActionItem(title="Nóva to send the list"),
        ActionItem(title="The key has been rotated"),
    ]
    again = read_document(render_markdown(record, profile), profile).record
    assert again.action_items == record.action_items


def test_a_word_is_an_owner_when_the_document_names_that_owner():
    assert read_marks("Monitoring: add an alert")["title"] == "Monitoring: add an alert"
    known = read_marks("Monitoring: add an alert", known={"monitoring"})
    assert (known["owner"], known["title"]) == ("Monitoring", "add an alert")
    assert is_owner_name("Nóva") and is_owner_name("O'Neil")
    assert not is_owner_name("Alerting") and not is_owner_name("The team")


def test_a_strict_reading_keeps_priorities_outside_the_scale_in_the_title():
    assert read_marks("**HIGH** Add an alert", scale=["P0", "P1"]) == {
        "title": "**HIGH** Add an alert"
    }
    assert read_marks("[p1] Add an alert", scale=["P0", "P1"])["priority"] == "P1"


def test_boxes_in_tables_headings_and_nested_lists(registry):
    table = "| Action | Status |\n|---|---|\n| Add an alert | [x] |\n| Write docs | **TODO** |"
    assert [brief(i) for i in items(table, registry)] == [
        ("Add an alert", None, None, "done"),
        ("Write docs", None, None, "open"),
    ]
    struck = "| Action | Owner |\n|---|---|\n| ~~Drop the cache~~ | bob |"
    assert [i.status for i in items(struck, registry)] == ["done"]
    headed = "### [x] Add an alert\n\nIt pages on lag.\n\n### [ ] Write the runbook"
    assert [brief(i) for i in items(headed, registry)] == [
        ("Add an alert", None, None, "done"),
        ("Write the runbook", None, None, "open"),
    ]
    nested = "- Monitoring\n  - [x] Add an alert\n  - [ ] Add a dashboard"
    found = items(nested, registry)
    assert [(i.title, i.status, i.category) for i in found] == [
        ("Add an alert", "done", "Monitoring"),
        ("Add a dashboard", "open", "Monitoring"),
    ]


@pytest.mark.parametrize("heading", ["## TODO", "## Follow-up", "## Follow-ups", "## Next steps"])
def test_todo_and_follow_up_lists_are_action_items(heading, registry):
    found = items("- [ ] Tell the customers\n- Risk Desk: add a limit alert", registry, heading)
    assert [brief(i) for i in found] == [
        ("Tell the customers", None, None, "open"),
        ("add a limit alert", "Risk Desk", None, None),
    ]


def test_a_numbered_heading_is_an_item_with_its_owner(registry):
    body = "#### 1) Cron cleanup scheduled `@malte_j`\n\nCron removes old archives.\n\n" + (
        "#### 2) Alerts configured `@dma`"
    )
    found = items(body, registry, heading="# Resulting Action")
    assert [(i.id, i.title, i.owner) for i in found] == [
        ("1", "Cron cleanup scheduled", "@malte_j"),
        ("2", "Alerts configured", "@dma"),
    ]


def test_a_priority_legend_is_not_items(registry):
    body = (
        "| Action | Priority |\n|---|---|\n| Add an alert | P1 |\n\n"
        "- P0 - Critical: fix now\n- P1 - High: this week\n- P2 - Medium: this month\n"
        "- P3 - Low: when there is time"
    )
    assert [i.title for i in items(body, registry)] == ["Add an alert"]
    blocks = split_blocks("- **P0**: now\n- **P1**: soon\n")
    assert is_legend(blocks[0])
    assert not is_legend(split_blocks("- P1: add an alert\n- P1: add a dashboard\n")[0])


def test_horizon_headings_and_labels_group_the_items(registry):
    body = (
        "### Immediate Actions (0-7 days)\n\n- [ ] Add retries\n\n"
        "**Long-term:**\n\n- Move to a managed queue\n\n### Short-term\n\n- Add an alert"
    )
    found = items(body, registry)
    assert [(i.title, i.horizon, i.extra.get("Group")) for i in found] == [
        ("Add retries", "immediate", "Immediate Actions (0-7 days)"),
        ("Move to a managed queue", "long_term", None),
        ("Add an alert", "short_term", None),
    ]


def test_remediation_plans_outside_the_action_items_are_items(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n## Remediation\n\nWe reverted it.\n\n"
        "### Immediate Actions (Completed)\n\n- Raised the timeouts\n\n"
        "### Long-term Improvements (Q1 2026)\n\n- Load test the pools\n\n"
        "### Planned actions\n\n- Write a runbook\n\n## Follow-ups\n\n- [ ] Tell the customers\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [(i.title, i.horizon, i.status) for i in record.action_items] == [
        ("Raised the timeouts", "immediate", "done"),
        ("Load test the pools", "long_term", None),
        ("Write a runbook", None, None),
        ("Tell the customers", None, "open"),
    ]
    assert "We reverted it." in next(s.body for s in record.sections if s.key == "resolution")
    written = render_markdown(record, registry.get("default"))
    assert words(text) <= words(written)


def test_sections_headed_as_remediations_hold_items(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n"
        "## Root cause\n\nThe parser broke.\n\n### Root Cause Remediations\n\n"
        "- Clients fixed the parser\n- Tests are updated\n\n"
        "## What we're doing about it\n\n- The old action has been removed.\n"
        "- All pull requests will require a review.\n\n"
        "## Corrective and Preventative Measures\n\n"
        "The IPS team is improving the response process.\n\n"
        "## Lessons learned\n\n- Test with real data\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [(i.title, i.owner, i.status) for i in record.action_items] == [
        ("Clients fixed the parser", None, None),
        ("Tests are updated", None, None),
        ("The old action has been removed.", None, "done"),
        ("All pull requests will require a review.", None, None),
        ("The IPS team is improving the response process.", "IPS team", None),
    ]
    assert record.root_cause == "The parser broke."
    assert words(text) <= words(render_markdown(record, registry.get("default"))) | TRANSLATED


def test_a_list_introduced_as_done_work_is_done_items(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n## Details of Fix\n\n"
        "The following fixes were implemented:\n\n1. Enable the health check\n"
        "1. Refund the vault\n\n## Action items\n\n"
        "The following actions are planned:\n\n- Add an alert\n\n"
        "The following steps have been taken:\n\n- Paused the harvests\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [(i.title, i.status) for i in record.action_items] == [
        ("Enable the health check", "done"),
        ("Refund the vault", "done"),
        ("Add an alert", None),
        ("Paused the harvests", "done"),
    ]
    fix = next(s for s in record.sections if s.heading == "Details of Fix")
    # The items stay in the text they were stated in, which writes them back once.
    assert fix.body.startswith("The following fixes were implemented:\n\n1. Enable")
    assert words(text) <= words(render_markdown(record, registry.get("default"))) | TRANSLATED
    assert items("The following services were affected:\n\n- The API", registry)[0].status is None


@pytest.mark.parametrize("section", ["Summary", "Lessons learned"])
def test_a_known_section_stating_items_keeps_them_in_its_text_in_place(registry, section):
    text = (
        f"# Outage\n\n## {section}\n\nThe feed stopped.\n\n"
        "The following fixes were implemented:\n\n1. Enable the health check\n"
        "1. Refund the vault\n\nNo funds were lost.\n\n"
        "Action point: add an alert.\n- This has been done.\n"
    )
    profile = registry.get("default")
    record = read_document(text, profile, strict=False).record
    assert [(i.title, i.status) for i in record.action_items] == [
        ("Enable the health check", "done"),
        ("Refund the vault", "done"),
        ("add an alert.\nThis has been done.", "done"),
    ]
    # The text keeps its order and its lines; the items are written once, in it.
    written = render_markdown(record, profile)
    assert "implemented:\n\n1. Enable the health check\n1. Refund the vault\n\nNo funds" in written
    assert "Action point: add an alert.\n- This has been done." in written
    again = read_document(written, profile, strict=False).record
    assert again.action_items == record.action_items
    assert again.summary == record.summary


def test_a_bracketed_action_item_label_in_the_timeline_is_an_item(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n## Timeline\n\n### 15:08\n\n"
        "The rate limit is hit.\n\n[Action Item] rejected launches count as failures.\n\n"
        "### 15:10\n\nThe limit is raised.\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [i.title for i in record.action_items] == ["rejected launches count as failures."]
    assert len(record.timeline) == 2


def test_a_state_word_alone_in_another_column_is_the_status(registry):
    table = (
        "| Action Item | Owner | Notes |\n|---|---|---|\n| Update the pin | dan | Done |\n"
        "| Add a bot | ian | Done when green |"
    )
    assert [(i.title, i.status) for i in items(table, registry)] == [
        ("Update the pin", "done"),
        ("Add a bot", None),
    ]


def test_action_point_lines_anywhere_are_items_with_their_notes(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n## Lessons learned\n\n"
        "### Disclosure path\n\nWe told the operators late.\n\n"
        "Action point: create an announcement list.\n- This has been done.\n\n"
        "**Action item:** Start incidents earlier. Owner: @lucas\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [(i.title.split("\n")[0], i.owner, i.status) for i in record.action_items] == [
        ("create an announcement list.", None, "done"),
        ("Start incidents earlier", "@lucas", None),
    ]
    assert words(text) <= words(render_markdown(record, registry.get("default"))) | TRANSLATED


def test_a_section_of_nothing_but_an_action_point_keeps_no_copy_of_it(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n"
        "## Disclosure\n\nAction point: tell the vendor.\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [i.title for i in record.action_items] == ["tell the vendor."]
    disclosure = [(s.heading, s.body) for s in record.sections if s.key is None]
    assert disclosure == [("Disclosure", "Action point: tell the vendor.")]
    written = render_markdown(record, registry.get("default"))
    assert written.count("tell the vendor") == 1


def test_labelled_lists_and_lines_in_any_section_are_items(registry):
    text = (
        "# Outage\n\n## Summary\n\nThe feed stopped.\n\n## Lessons learned\n\n"
        "### Reporting\n\nReports came late.\n\n**Actions taken:**\n\n- Widened the scope\n\n"
        "**Actions planned:**\n\n1. Alert on new reports\n\n"
        "**Action taken:**\n\nWe set criteria for pausing:\n\n- If an attack is ongoing: pause.\n\n"
        "**Action planned:** We will expand the checks.\n"
    )
    record = read_document(text, registry.get("default"), strict=False).record
    assert [
        (i.title.split("\n")[0], i.status, i.extra.get("Group")) for i in record.action_items
    ] == [
        ("Widened the scope", "done", "Actions taken"),
        ("Alert on new reports", None, "Actions planned"),
        ("We set criteria for pausing", "done", "Action taken"),
        ("We will expand the checks.", None, "Action planned"),
    ]
    assert "If an attack is ongoing" in record.action_items[2].title
    assert words(text) <= words(render_markdown(record, registry.get("default"))) | TRANSLATED


def test_a_link_in_the_status_cell_is_the_tracking_link(registry):
    table = "| Action | Status |\n|---|---|\n| Run on a VM | <https://example.org/issues/62> |"
    (item,) = items(table, registry)
    assert (item.status, item.link) == (None, "<https://example.org/issues/62>")


def test_one_line_paragraphs_are_items_when_the_section_has_nothing_else(registry):
    body = (
        "<!-- Describe the action items -->\n\nInvestigate why the marshalling changed.\n\n"
        "[KM676](https://trello.com/c/QIgNLSh1)"
    )
    assert [i.title for i in items(body, registry)] == [
        "Investigate why the marshalling changed.",
        "[KM676](https://trello.com/c/QIgNLSh1)",
    ]
    assert items("None.", registry) == []
    assert items("No action items needed", registry) == []
    assert items("We will do the following:\n\nTalk to the vendor.", registry) == []
    prose = "We will talk to the vendor\nand then decide what to change."
    assert items(prose, registry) == []


def test_headings_that_announce_items(registry):
    profile = registry.get("default")
    assert horizon_of("Short-term Improvements ([Follow along](x))", profile) == "short_term"
    assert horizon_of("Medium-term", profile) == "medium_term"
    assert horizon_of("Immediately after the incident", profile) is None
    assert action_heading("Planned actions (planned or in-progress)", profile)
    assert action_heading("TODO", profile) and action_heading("Follow-ups", profile)
    assert not action_heading("Actions taken during the incident", profile)
    for heading in (
        "What we're doing about it",
        "What we will change",
        "Root Cause Remediations",
        "Remediations",
        "Corrective and Preventative Measure",
        "Corrective and preventive measures",
        "Preventive measures",
        "Countermeasures",
    ):
        assert action_heading(heading, profile), heading
    for heading in (
        "Lessons learned",
        "What went well",
        "What we learned",
        "Moving forward",
        "Fix",
        "Details of Fix",
        "Remediation",
        "Preventive maintenance windows",
    ):
        assert not action_heading(heading, profile), heading
    assert horizon_of("Short term", registry.get("trading-invariants")) == "short_term"


@pytest.mark.parametrize(
    "line",
    [
        "a" * 1_000_000,
        "**" * 500_000,
        "[" * 1_000_000,
        "(" * 500_000 + ")" * 500_000,
        "owner: " * 150_000,
        " " * 1_000_000 + "x",
        "@" * 1_000_000,
        "~~" + "a" * 1_000_000,
        "has been " * 120_000,
        "P1 - " * 200_000,
        "1) " + "`@a`" * 250_000,
        "has " * 250_000,
        "have been " * 100_000 + "fixed",
        "A " * 500_000 + "team is",
        "Ab to " * 160_000,
        "[#" + "1" * 1_000_000,
        "x " + "https://" + "a" * 1_000_000,
        "x (https://" + "a" * 1_000_000,
        "following " * 100_000 + "fixes were implemented:",
    ],
    ids=lambda line: repr(line[:12]),
)
def test_marks_read_a_long_line_in_linear_time(line, registry):
    profile = registry.get("default")
    listed = Block(kind="list", source="", line=1, items=[ListItem(line, 1), ListItem(line, 2)])
    start = time.perf_counter()
    read_marks(line)
    horizon_of(line, profile)
    action_heading(line, profile)
    is_legend(listed)
    lead_in(Block(kind="paragraph", source="", line=1, text=line))
    stated_item(Block(kind="paragraph", source="", line=1, text="[Action item] " + line))
    assert time.perf_counter() - start < 1.0


def _fixture(name: str, registry) -> list[ActionItem]:
    shared_folder("fixtures")
    path = next(POSTMORTEMS.glob(f"{name}*.md"))
    return service.load(path, registry).record.action_items


def test_real_postmortems_items_read_as_written(registry):
    flags = _fixture("PostHog__post-mortems__2025-09-29", registry)
    assert [i.horizon for i in flags].count("short_term") == 4
    assert all(i.status == "done" for i in flags if i.horizon == "immediate")
    hachyderm = _fixture(
        "hachyderm__community__community.hachyderm.io__content__en__blog__incidents__2022", registry
    )
    assert [i.owner for i in hachyderm] == ["@malte_j", "@dma", "@nova"]
    geth = _fixture("ethereum__go-ethereum", registry)
    assert len(geth) == 3 and geth[0].status == "done"
    food = _fixture("openfoodfacts__", registry)
    assert [i.status for i in food][:4] == ["done", "FAILED", "in_progress", "open"]
    sdk = _fixture("PostHog__post-mortems__2025-10-03", registry)
    assert sum(i.owner == "@lucasheriques" for i in sdk) == 4
    crates = _fixture("rust-lang__", registry)
    assert [i.link for i in crates] == [
        f"[#{n}](https://github.com/rust-lang/crates.io/issues/{n})" for n in range(2226, 2231)
    ]
    assert crates[0].title.startswith("Add simple logging")
    brew = _fixture("Homebrew__", registry)
    assert [i.status for i in brew] == ["done", "done", "done", None, None]
    yearn = _fixture("yearn__yearn-security__disclosures__2022-11-07", registry)
    assert len(yearn) == 5 and all(i.status == "done" for i in yearn)
    tls = _fixture(
        "hachyderm__community__community.hachyderm.io__content__en__blog__incidents__2023", registry
    )
    assert tls[-1].owner == "Nóva"
    chia = _fixture("Chia-Network__", registry)
    assert [(i.owner, i.status) for i in chia] == [("IPS team", None)]
