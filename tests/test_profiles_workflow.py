"""A profile's status workflow: transitions, the sign-offs each status needs, their defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from afteraction.errors import ProfileError
from afteraction.model import SignOff
from afteraction.profiles import ProfileRegistry
from afteraction.profiles.loader import load_profile
from afteraction.profiles.schema import Profile, unsigned_roles

ROLES = ["Author", "Incident Commander", "Risk / Compliance"]


def profile_yaml(statuses: str, roles: list[str] = ROLES) -> str:
    """Return a small profile file with these ``statuses:`` lines."""
    return (
        "name: small\n"
        "description: A small format.\n"
        'title: "Postmortem: {title}"\n'
        "severity:\n"
        "  - {name: SEV1, rank: 1}\n"
        f"statuses:\n{statuses}"
        f"sign_off_roles: [{', '.join(roles)}]\n"
        "sections:\n"
        "  - {key: summary, heading: Summary, kind: prose, bind: summary}\n"
    )


PLAIN = "  - {name: Draft}\n  - {name: In review}\n  - {name: Final, final: true}\n"


def load(tmp_path: Path, text: str) -> Profile:
    path = tmp_path / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return load_profile(path)


def signed(*roles: str) -> list[SignOff]:
    return [SignOff(role=role, name="Ana") for role in roles]


def test_a_profile_without_workflow_keys_moves_forward_one_step_and_back_for_rework(
    tmp_path: Path,
) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    assert [s.moves_to for s in profile.statuses] == [None, None, None]
    assert profile.next_statuses("Draft") == ["In review"]
    assert profile.next_statuses("In review") == ["Final", "Draft"]
    assert profile.next_statuses("Final") == ["Draft", "In review"]


def test_by_default_only_a_final_status_needs_sign_off_from_every_role(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    assert profile.required_sign_offs("Draft") == []
    assert profile.required_sign_offs("In review") == []
    assert profile.required_sign_offs("Final") == ROLES


def test_a_move_is_refused_naming_the_roles_that_have_not_signed(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    reason = profile.move_refusal("In review", "Final", signed("Author"))
    assert reason == "Final needs the sign-off of Incident Commander, Risk / Compliance first"
    assert profile.move_refusal("In review", "Final", signed(*ROLES)) is None


def test_a_move_the_workflow_does_not_allow_is_refused_naming_the_allowed_ones(
    tmp_path: Path,
) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    assert profile.move_refusal("Draft", "Final", signed(*ROLES)) == (
        "Draft may move only to In review, not Final"
    )
    assert profile.move_refusal("Draft", "In review") is None
    assert profile.move_refusal("Final", "Draft") is None  # reopened for rework


def test_statuses_match_in_any_case_and_staying_put_is_no_move(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    assert profile.move_refusal("draft", "IN REVIEW") is None
    assert profile.move_refusal("Final", "final") is None


def test_a_document_with_no_status_or_an_unknown_one_stands_at_the_first(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    assert profile.move_refusal(None, "In review") is None
    assert profile.move_refusal("Closed", "Draft") is None
    assert profile.move_refusal(None, "Final", signed(*ROLES)) == (
        "Draft may move only to In review, not Final"
    )


def test_moving_to_a_status_the_profile_lacks_is_refused(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    assert profile.move_refusal("Draft", "Published") == (
        "'Published' is not a status of profile small (statuses: Draft, In review, Final)"
    )


def test_an_unsigned_or_refused_entry_does_not_count(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    entries = [
        SignOff(role="Author"),  # the blank row of the template
        SignOff(role="Incident Commander", name="Sam", approved=False),
        SignOff(role="Risk / Compliance", signer="li@example.com"),
    ]
    assert profile.missing_sign_offs("Final", entries) == ["Author", "Incident Commander"]


def test_roles_match_in_any_case_and_punctuation(tmp_path: Path) -> None:
    profile = load(tmp_path, profile_yaml(PLAIN))
    entries = signed("author", "Incident commander (IC)", "Risk/Compliance")
    assert profile.missing_sign_offs("Final", entries) == []


def test_roles_match_as_the_final_unsigned_rule_matches_them(tmp_path: Path) -> None:
    # One matching for the workflow and AAR402: headings' and labels' norm.
    roles = ["Post-Mortem Author", "Risk & Compliance"]
    profile = load(tmp_path, profile_yaml(PLAIN, roles))
    entries = signed("**Postmortem author**", "1. Risk and Compliance")
    assert profile.missing_sign_offs("Final", entries) == []
    assert unsigned_roles(roles, entries) == []
    assert unsigned_roles(roles, entries[:1]) == ["Risk & Compliance"]


def test_a_long_role_of_open_brackets_is_matched_in_linear_time() -> None:
    # A regex dropping "(...)" rescans from each "(": minutes for a 1 MB cell.
    entries = [SignOff(role="(" * 1_000_000, name="Ana")]
    assert unsigned_roles(["Author"], entries) == ["Author"]


def test_declared_transitions_and_sign_offs_replace_the_defaults(tmp_path: Path) -> None:
    statuses = (
        "  - {name: Draft}\n"
        "  - {name: In review, requires_sign_off: [Author]}\n"
        "  - {name: Final, final: true, moves_to: [In review], requires_sign_off: [Author]}\n"
    )
    profile = load(tmp_path, profile_yaml(statuses))
    assert profile.required_sign_offs("In review") == ["Author"]
    assert profile.required_sign_offs("Final") == ["Author"]
    assert profile.move_refusal("Draft", "In review") == (
        "In review needs the sign-off of Author first"
    )
    assert profile.move_refusal("In review", "Final", signed("Author")) is None
    assert profile.move_refusal("Final", "Draft") == ("Final may move only to In review, not Draft")


def test_an_end_state_may_move_nowhere(tmp_path: Path) -> None:
    statuses = "  - {name: Open}\n  - {name: Closed, final: true, moves_to: []}\n"
    profile = load(tmp_path, profile_yaml(statuses))
    assert profile.move_refusal("Closed", "Open") == (
        "Closed is the end of the workflow: it may not move to Open"
    )


@pytest.mark.parametrize(
    ("statuses", "field", "message"),
    [
        (
            "  - {name: Draft, moves_to: [Review]}\n  - {name: Final, final: true}\n",
            "statuses.0.moves_to",
            "'Review' is not a status (statuses: Draft, Final)",
        ),
        (
            "  - {name: Draft}\n  - {name: Final, final: true, requires_sign_off: [CFO]}\n",
            "statuses.1.requires_sign_off",
            "'CFO' is not one of the sign_off_roles (Author, Incident Commander,"
            " Risk / Compliance)",
        ),
    ],
)
def test_a_bad_workflow_is_one_line_naming_the_file_line_and_field(
    tmp_path: Path, statuses: str, field: str, message: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        load(tmp_path, profile_yaml(statuses))
    error = caught.value
    assert (error.field, error.message) == (field, message)
    assert error.file == str(tmp_path / "small.yaml")
    assert error.line is not None and error.line >= 6
    assert "\n" not in str(error)
    assert str(error).startswith(f"{tmp_path / 'small.yaml'}:{error.line}: field '{field}': ")


def test_a_required_role_needs_the_profile_to_declare_it(tmp_path: Path) -> None:
    statuses = "  - {name: Draft}\n  - {name: Final, final: true, requires_sign_off: [Author]}\n"
    with pytest.raises(ProfileError, match="none declared"):
        load(tmp_path, profile_yaml(statuses, roles=[]))


def test_the_lending_governance_profile_needs_every_reviewer_before_final(
    registry: ProfileRegistry,
) -> None:
    profile = registry.get("lending-governance")
    roles = profile.sign_off_roles
    assert len(roles) == 5
    assert profile.required_sign_offs("FINAL") == roles
    assert profile.move_refusal("UNDER REVIEW", "FINAL", signed(*roles[:4])) == (
        "FINAL needs the sign-off of Engineering Manager first"
    )
    assert profile.move_refusal("UNDER REVIEW", "FINAL", signed(*roles)) is None


def test_every_builtin_profile_has_a_workflow_that_reaches_a_final_status(
    registry: ProfileRegistry,
) -> None:
    for name in registry.names():
        profile = registry.get(name)
        reached = {profile.statuses[0].name}
        for _ in profile.statuses:
            reached |= {n for s in reached for n in profile.next_statuses(s)}
        assert set(profile.final_statuses()) <= reached, name
        for status in profile.final_statuses():
            assert profile.required_sign_offs(status) == profile.sign_off_roles, name


def test_final_unsigned_asks_only_for_the_roles_the_final_status_requires(registry):
    from datetime import date

    from afteraction.demo import demo_record
    from afteraction.document.render import render_markdown
    from afteraction.lint.document import read_for_lint
    from afteraction.lint.rule import RuleContext
    from afteraction.lint.rules.final_unsigned import FinalUnsigned

    default = registry.get("default")
    record = demo_record(default)
    record.status = "Final"
    record.sign_offs = [SignOff(role="Incident Commander", name="A. Chen")]
    text = render_markdown(record, default)
    rule, context = FinalUnsigned(), RuleContext(today=date(2026, 12, 1))

    def unsigned(profiles: ProfileRegistry) -> list[str]:
        doc = read_for_lint(text, "pm.md", profiles, "default")
        return [f.message.split(" as ")[1].split(":")[0] for f in rule.check(doc, context)]

    assert unsigned(registry) == ["Author", "Engineering Lead"]  # every role by default
    statuses = [
        s.model_copy(update={"requires_sign_off": ["incident commander"]}) if s.final else s
        for s in default.statuses
    ]
    narrowed = ProfileRegistry()
    narrowed.add(default.model_copy(update={"statuses": statuses}), registry.sources["default"])
    assert unsigned(narrowed) == []
