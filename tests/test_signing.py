"""Setting a document's status and signing its sign-offs changes those values and no other byte."""

from __future__ import annotations

import difflib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from afteraction.demo import demo_record
from afteraction.document.parse import read_document
from afteraction.document.render import render_markdown
from afteraction.errors import InvalidValueError, UsageError
from afteraction.followup.signing import MAX_TEXT, SignerInfo, sign
from afteraction.followup.status import set_document_status
from afteraction.model import Incident
from afteraction.profiles import Profile
from tests.conftest import BUILTIN

# Profiles whose documents give the status no place the reader reads it from: the
# renderer writes it under "Additional information", which reads back as text.
PLACELESS = {"trading-invariants", "trading-resilience"}
AT = datetime(2026, 11, 7, 15, 45, 31, tzinfo=UTC)
ADA = SignerInfo(name="Ada Lovelace", signer="ada@example.com", at=AT)


def _read(text: str, profile: Profile) -> Incident:
    return read_document(text, profile, file="pm.md", strict=False, collect=True).record


def _changed(before: str, after: str) -> tuple[list[str], list[str]]:
    """Return the lines taken out and the lines put in."""
    diff = list(difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=0))
    body = [d for d in diff if not d.startswith(("---", "+++", "@@"))]
    return [d[1:] for d in body if d[0] == "-"], [d[1:] for d in body if d[0] == "+"]


def _drafts(profile: Profile) -> dict[str, str]:
    blank = Incident(profile=profile.name)
    return {
        "demo": render_markdown(demo_record(profile, 1), profile),
        "blank": render_markdown(blank, profile, hints=True),
    }


def _rest(record: Incident, *exclude: str) -> dict[str, object]:
    return record.model_dump(exclude={"readings", *exclude})


# --- status, every built-in profile -------------------------------------------------------


@pytest.mark.parametrize("draft", ["demo", "blank"])
@pytest.mark.parametrize("name", BUILTIN)
def test_status_moves_through_every_status_changing_one_line(name, draft, registry):
    profile = registry.get(name)
    text = _drafts(profile)[draft]
    if name in PLACELESS:  # the format has no place for it: the front matter holds it
        last = profile.statuses[-1].name
        changed = set_document_status(text, "pm.md", profile, last)
        assert changed == f"---\nstatus: {last}\n---\n" + text
        assert _read(changed, profile).status == last
        text = changed
    before = _read(text, profile)
    for spec in [*profile.statuses, *reversed(profile.statuses)]:
        changed = set_document_status(text, "pm.md", profile, spec.name.lower())
        after = _read(changed, profile)
        assert after.status == spec.name
        if name in PLACELESS:  # the front matter that holds the status changes with it
            after.fields.pop("front_matter")
            before.fields.pop("front_matter", None)
        assert _rest(after, "status") == _rest(before, "status")
        if changed != text:
            removed, added = _changed(text, changed)
            assert len(removed) == len(added) == 1
            assert added[0].rstrip().endswith(spec.name)
        assert changed.count("\n") == text.count("\n")
        text = changed


@pytest.mark.parametrize("name", sorted(PLACELESS))
def test_front_matter_status_is_set_where_the_profile_has_no_place(name, registry):
    profile = registry.get(name)
    text = "---\nstatus: Draft\n---\n" + _drafts(profile)["demo"]
    for spec in profile.statuses:
        changed = set_document_status(text, "pm.md", profile, spec.name)
        assert _changed(text, changed) in ((["status: Draft"], [f"status: {spec.name}"]), ([], []))
    final = set_document_status(text, "pm.md", profile, "final")
    assert final.split("\n")[1] == "status: Final"
    assert final.split("\n")[2:] == text.split("\n")[2:]


# --- status, written by hand --------------------------------------------------------------

BODY = "\n## Summary\n\nThe gateway rejected orders.\n"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("**Status:** Draft", "**Status:** Final"),
        ("**Status**: Draft", "**Status**: Final"),
        ("- **Status:** WIP  ", "- **Status:** Final  "),
        ("Status: In review", "Status: Final"),
        ("**Status:**", "**Status:** Final"),
    ],
)
def test_status_line_value_alone_is_replaced(written, expected, registry):
    profile = registry.get("default")
    text = f"# Postmortem: Gateway\n\n{written}\n{BODY}"
    changed = set_document_status(text, "pm.md", profile, "FINAL")
    assert changed == text.replace(written, expected)
    assert _read(changed, profile).status == "Final"


def test_status_in_a_field_table_rewrites_its_cell_only(registry):
    profile = registry.get("default")
    text = (
        "# Postmortem: Gateway\n\n| Field | Value |\n|-------|-------|\n"
        "| Severity | SEV2 |\n|  Status  |   Draft   |\n" + BODY
    )
    changed = set_document_status(text, "pm.md", profile, "in review")
    assert _changed(text, changed) == (
        ["|  Status  |   Draft   |"],
        ["|  Status  |   In review   |"],
    )
    assert _read(changed, profile).status == "In review"


def test_yaml_front_matter_status_keeps_its_quotes_and_comment(registry):
    profile = registry.get("default")
    text = (
        "---\ntitle: Gateway\nstatus: 'draft'  # set by the bot\n---\n# Postmortem: Gateway\n"
        + BODY
    )
    changed = set_document_status(text, "pm.md", profile, "in review")
    assert _changed(text, changed) == (
        ["status: 'draft'  # set by the bot"],
        ["status: 'In review'  # set by the bot"],
    )


def test_front_matter_and_body_both_change_when_both_state_it(registry):
    profile = registry.get("default")
    text = "---\nstatus: draft\n---\n# Postmortem: Gateway\n\n**Status:** Draft\n" + BODY
    changed = set_document_status(text, "pm.md", profile, "Final")
    assert _changed(text, changed) == (
        ["status: draft", "**Status:** Draft"],
        ["status: Final", "**Status:** Final"],
    )


def test_toml_front_matter_status(registry):
    profile = registry.get("default")
    text = '+++\ntitle = "Gateway"\nstatus = "draft"\n+++\n# Postmortem: Gateway\n' + BODY
    changed = set_document_status(text, "pm.md", profile, "final")
    assert _changed(text, changed) == (['status = "draft"'], ['status = "Final"'])


def test_a_missing_status_is_inserted_where_the_profile_writes_it(registry):
    profile = registry.get("default")
    text = f"# Postmortem: Gateway\n\n**Incident ID:** INC-1\n**Severity:** SEV2\n{BODY}"
    changed = set_document_status(text, "pm.md", profile, "draft")
    assert _changed(text, changed) == ([], ["**Status:** Draft"])
    assert changed.split("\n")[3] == "**Status:** Draft"
    assert _rest(_read(changed, profile), "status") == _rest(_read(text, profile), "status")


def test_a_missing_status_with_no_place_goes_to_the_front_matter(registry):
    profile = registry.get("trading-invariants")
    text = "# Incident Postmortem: INC-1\n" + BODY
    changed = set_document_status(text, "pm.md", profile, "in review")
    assert changed == "---\nstatus: In review\n---\n" + text
    kept = "---\ntags: [db]\n---\n" + text
    assert set_document_status(kept, "pm.md", profile, "Final") == (
        "---\ntags: [db]\nstatus: Final\n---\n" + text
    )


def test_an_unknown_status_is_refused_listing_the_statuses(registry):
    profile = registry.get("default")
    with pytest.raises(InvalidValueError) as caught:
        set_document_status("**Status:** Draft\n", "pm.md", profile, "Closed")
    assert caught.value.field == "status"
    assert "Draft, In review, Final" in str(caught.value)


def test_a_status_written_twice_differently_is_refused(registry):
    profile = registry.get("default")
    text = (
        "# Postmortem: Gateway\n\n**Status:** Draft\n\n| Field | Value |\n|---|---|\n"
        "| Status | Final |\n" + BODY
    )
    with pytest.raises(UsageError, match="written twice") as caught:
        set_document_status(text, "pm.md", profile, "In review")
    assert caught.value.line == 3


# --- sign-offs, every built-in profile ----------------------------------------------------


@pytest.mark.parametrize("draft", ["demo", "blank"])
@pytest.mark.parametrize("name", [n for n in BUILTIN if n != "trading-cot"])
def test_every_required_role_signs_one_row_at_a_time(name, draft, registry):
    profile = registry.get(name)
    assert profile.sign_off_roles
    text = _drafts(profile)[draft]
    start = _read(text, profile)
    for role in profile.sign_off_roles:
        changed = sign(text, "pm.md", profile, role.upper(), ADA)
        removed, added = _changed(text, changed)
        assert len(removed) == len(added) == 1
        assert role in removed[0] and role in added[0]
        assert "Ada Lovelace" in added[0] and "2026-11-07 15:45" in added[0]
        text = changed
    after = _read(text, profile)
    signed = {s.role: s for s in after.sign_offs}
    assert sorted(signed) == sorted(profile.sign_off_roles)
    for entry in signed.values():
        assert entry.signed and entry.name == "Ada Lovelace"
        assert (entry.date, entry.signed_at) == (date(2026, 11, 7), AT.replace(second=0))
    assert not profile.missing_sign_offs(profile.final_statuses()[0], after.sign_offs)
    assert _rest(after, "sign_offs") == _rest(start, "sign_offs")


@pytest.mark.parametrize("draft", ["demo", "blank"])
def test_a_profile_without_roles_gets_a_row_appended_in_its_zone(draft, registry):
    profile = registry.get("trading-cot")  # its reviewers table names no roles; times in COT
    text = _drafts(profile)[draft]
    changed = sign(text, "pm.md", profile, "Risk Manager", ADA)
    assert _changed(text, changed) == (
        [],
        ["| Ada Lovelace | Risk Manager | 2026-11-07 10:45 | Yes |"],
    )
    (entry,) = _read(changed, profile).sign_offs
    assert entry.signed_at == AT.replace(second=0) and entry.date == date(2026, 11, 7)


# --- sign-offs, written by hand -----------------------------------------------------------

TABLE = """# Postmortem: Gateway

**Status:** In review

## Sign-off

| Role | Name | Signature | Date | Approved | Signer | Signed at | Comments |
|------|------|-----------|------|----------|--------|-----------|----------|
| Author | J. Rivera | /s/ JR | 2026-11-06 | Yes | jr | 2026-11-06 09:00 | first pass |
| Incident Commander | | | | | | | keep me |
"""


def test_a_wide_table_gets_every_cell_it_has_room_for(registry):
    profile = registry.get("default")
    changed = sign(TABLE, "pm.md", profile, "incident commander", ADA)
    assert _changed(TABLE, changed) == (
        ["| Incident Commander | | | | | | | keep me |"],
        [
            "| Incident Commander | Ada Lovelace | | 2026-11-07 | Yes | ada@example.com"
            " | 2026-11-07 15:45 | keep me |"
        ],
    )
    entry = _read(changed, profile).sign_offs[1]
    assert (entry.signer, entry.date, entry.signed_at) == (
        "ada@example.com",
        date(2026, 11, 7),
        AT.replace(second=0),
    )


def test_a_signed_row_is_re_signed_and_its_old_signature_cleared(registry):
    profile = registry.get("default")
    changed = sign(TABLE, "pm.md", profile, "Author", ADA)
    removed, added = _changed(TABLE, changed)
    assert removed == [TABLE.split("\n")[8]]
    assert added == [
        "| Author | Ada Lovelace |  | 2026-11-07 | Yes | ada@example.com"
        " | 2026-11-07 15:45 | first pass |"
    ]
    assert _read(changed, profile).sign_offs[0].signature is None


def test_a_row_is_appended_for_a_profile_role_the_table_lacks(registry):
    profile = registry.get("default")
    changed = sign(TABLE, "pm.md", profile, "engineering-lead", ADA)
    removed, added = _changed(TABLE, changed)
    assert removed == []
    assert added == [
        "| Engineering Lead | Ada Lovelace |  | 2026-11-07 | Yes | ada@example.com"
        " | 2026-11-07 15:45 |  |"
    ]
    assert changed.split("\n")[10] == added[0]  # right below the last row


def test_a_name_with_a_pipe_and_a_line_end_stays_in_its_cell(registry):
    profile = registry.get("default")
    who = SignerInfo(name="Rivera | Ops\nLead", signer="a|b", at=AT)
    changed = sign(TABLE, "pm.md", profile, "Incident Commander", who)
    (row,) = _changed(TABLE, changed)[1]
    assert "Rivera \\| Ops<br>Lead" in row and "a\\|b" in row
    entry = _read(changed, profile).sign_offs[1]
    assert (entry.name, entry.signer) == ("Rivera | Ops\nLead", "a|b")


def test_not_approved_is_written_as_an_unticked_box(registry):
    profile = registry.get("sre")
    text = _drafts(profile)["blank"]
    who = SignerInfo(name="Ada", signer="ada", at=AT, approved=False)
    changed = sign(text, "pm.md", profile, "Reviewer", who)
    assert _changed(text, changed)[1] == ["| Reviewer | Ada | 2026-11-07 15:45 | [ ] |"]
    (entry,) = _read(changed, profile).sign_offs
    assert entry.approved is False and not entry.signed


def test_not_approved_without_an_approved_column_is_refused(registry):
    profile = registry.get("lending-governance")
    who = SignerInfo(name="Ada", signer="ada", at=AT, approved=False)
    with pytest.raises(UsageError, match="no Approved column"):
        sign(_drafts(profile)["blank"], "pm.md", profile, "Technical Lead", who)


def test_a_zone_in_the_date_header_is_the_zone_written(registry):
    profile = registry.get("default")
    text = "# Postmortem: X\n\n## Sign-off\n\n| Role | Name | Date (CET) |\n|---|---|---|\n"
    changed = sign(text, "pm.md", profile, "Author", ADA)
    assert changed.endswith("| Author | Ada Lovelace | 2026-11-07 16:45 |\n")
    (entry,) = _read(changed, profile).sign_offs
    assert entry.signed_at == AT.replace(second=0)


LINES = """# Incident Post-Mortem: Gateway

## Approval

**Incident Commander**: J. Rivera Date: 2026-11-06  
**Technical Lead**: ____________________ Date: ________
"""  # noqa: W291 - the hard break is what the profile writes


def test_lines_form_sign_offs_fill_their_line(registry):
    profile = registry.get("trading-resilience")
    changed = sign(LINES, "pm.md", profile, "Technical Lead", ADA)
    assert _changed(LINES, changed) == (
        ["**Technical Lead**: ____________________ Date: ________"],
        ["**Technical Lead**: Ada Lovelace Date: 2026-11-07 15:45 Signer: ada@example.com"],
    )


def test_lines_form_gets_a_line_appended_that_does_not_join_the_last(registry):
    profile = registry.get("trading-resilience")
    changed = sign(LINES, "pm.md", profile, "Business Owner", ADA)
    removed, added = _changed(LINES, changed)
    assert removed == ["**Technical Lead**: ____________________ Date: ________"]
    assert added == [
        "**Technical Lead**: ____________________ Date: ________  ",
        "**Business Owner**: Ada Lovelace Date: 2026-11-07 15:45 Signer: ada@example.com",
    ]
    roles = [s.role for s in _read(changed, profile).sign_offs]
    assert roles == ["Incident Commander", "Business Owner"]


def test_a_line_end_in_a_name_on_a_sign_off_line_is_refused(registry):
    profile = registry.get("trading-resilience")
    who = SignerInfo(name="Ada\nLovelace", signer="ada", at=AT)
    with pytest.raises(InvalidValueError, match="line end"):
        sign(LINES, "pm.md", profile, "Technical Lead", who)


# --- refusals -----------------------------------------------------------------------------


def test_a_document_without_a_sign_off_section_is_refused_naming_the_role(registry):
    profile = registry.get("default")
    with pytest.raises(UsageError, match="no sign-off section to sign 'Author'") as caught:
        sign("# Postmortem: X\n\n**Status:** Draft\n" + BODY, "pm.md", profile, "Author", ADA)
    assert caught.value.file == "pm.md"


def test_a_role_neither_in_the_document_nor_the_profile_is_refused(registry):
    profile = registry.get("default")
    with pytest.raises(InvalidValueError, match="Author, Incident Commander") as caught:
        sign(TABLE, "pm.md", profile, "Chief Vibes Officer", ADA)
    assert caught.value.field == "role"


def test_a_role_written_twice_is_refused_with_both_lines(registry):
    profile = registry.get("default")
    text = TABLE + "| Author | | | | | | | |\n"
    with pytest.raises(UsageError, match="lines 9, 11"):
        sign(text, "pm.md", profile, "Author", ADA)


def test_a_megabyte_name_is_refused(registry):
    profile = registry.get("default")
    who = SignerInfo(name="A" * 1_000_000, signer="ada", at=AT)
    with pytest.raises(InvalidValueError, match=f"at most {MAX_TEXT}") as caught:
        sign(TABLE, "pm.md", profile, "Author", who)
    assert caught.value.field == "name"


@pytest.mark.parametrize("role", ["", "   ", "--", "a\nb", "R" * (MAX_TEXT + 1), "{Role}"])
def test_a_role_that_is_no_role_name_is_refused(role, registry):
    with pytest.raises(InvalidValueError) as caught:
        sign(TABLE, "pm.md", registry.get("default"), role, ADA)
    assert caught.value.field == "role"


@pytest.mark.parametrize("name", ["", "[Name]", "____"])
def test_a_name_that_reads_as_a_prompt_is_refused(name, registry):
    who = SignerInfo(name=name, signer="ada", at=AT)
    with pytest.raises(InvalidValueError):
        sign(TABLE, "pm.md", registry.get("default"), "Author", who)


def test_a_naive_moment_is_refused(registry):
    who = SignerInfo(name="Ada", signer="ada", at=datetime(2026, 11, 7, 15, 45))
    with pytest.raises(InvalidValueError, match="aware"):
        sign(TABLE, "pm.md", registry.get("default"), "Author", who)


def test_an_aware_moment_in_another_zone_is_written_as_the_same_moment(registry):
    profile = registry.get("default")
    local = AT.astimezone(timezone(timedelta(hours=-5)))
    changed = sign(TABLE, "pm.md", profile, "Author", SignerInfo("Ada", "ada", local))
    assert _read(changed, profile).sign_offs[0].signed_at == AT.replace(second=0)


def test_a_front_matter_status_that_is_no_scalar_is_refused(registry):
    profile = registry.get("default")
    text = "---\nstatus:\n  state: draft\n---\n# Postmortem: Gateway\n" + BODY
    with pytest.raises(UsageError, match="cannot be read back") as caught:
        set_document_status(text, "pm.md", profile, "Final")
    assert caught.value.line == 2
