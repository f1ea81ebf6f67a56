"""AAR402: a final postmortem is signed off by every required role."""

from __future__ import annotations

from collections.abc import Iterator

from afteraction.lint.document import LintDocument
from afteraction.lint.finding import Finding
from afteraction.lint.rule import Rule, RuleContext
from afteraction.profiles import Profile
from afteraction.profiles.schema import unsigned_roles


class FinalUnsigned(Rule):
    """A document marked final that a required reviewer has not signed."""

    id = "AAR402"
    name = "final-unsigned"
    blocks_final = True
    summary = "A postmortem marked final has a sign-off from every required role."
    rationale = (
        "Marking a postmortem final says the people accountable for it have read it and"
        " agree with its findings and follow-up. A final status without their sign-off"
        " skips that review: the analysis may be incomplete and nobody has committed to the"
        " action items. Get each role's sign-off (a name, signature or date; an explicit 'No'"
        " does not count) or keep the document in review. The roles are those the profile's"
        " workflow requires for that status (its `requires_sign_off`, else every one of"
        " `sign_off_roles`) or the `roles` option; in a document that follows no known"
        " profile, the roles its own sign-off list names."
    )
    options = {"roles": []}

    def check(self, doc: LintDocument, ctx: RuleContext) -> Iterator[Finding]:
        """Report, at the status line, each required role with no sign-off."""
        del ctx
        record = doc.record
        status = (record.status or "").strip()
        finals = {s.lower() for s in doc.profile.final_statuses()}
        if not status or status.lower() not in finals:
            return
        roles = [str(r) for r in self.settings["roles"]]
        if not roles:
            roles = (
                doc.profile.required_sign_offs(status)
                if doc.recognized
                else list(dict.fromkeys(s.role for s in record.sign_offs if s.role.strip()))
            )
        line = doc.line_of("status")
        back = _before_final(doc.profile)
        advice = f" or set the status back to {back}" if back else ""
        for role in unsigned_roles(roles, record.sign_offs):
            yield self.finding(
                doc,
                line,
                f"status is {status} but nobody has signed off as {role}: get that sign-off"
                f" (name and date){advice}",
                needle=status,
            )


def _before_final(profile: Profile) -> str | None:
    """Return the last status before the first final one (where a document waits for review)."""
    earlier = None
    for spec in profile.statuses:
        if spec.final:
            return earlier
        earlier = spec.name
    return earlier
