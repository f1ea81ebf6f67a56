"""A demo team for ``make run``: people in every role, postmortems in every built-in profile.

Each postmortem has a timeline, action items and revisions made by the demo
people through the same use cases the API calls; some are under review, some
signed off and final. Everyone's password is :data:`DEMO_PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from afteraction.demo import demo_record
from afteraction.document.render import render_markdown
from afteraction.errors import ConflictError, RefusedError
from afteraction.profiles.ids import format_id
from afteraction.service.team import hooks, parts, postmortems, review, users
from afteraction.service.team.context import SYSTEM, Actor, Team, sql
from afteraction.store.sql.tables import PostmortemRow, UserRow

DEMO_PASSWORD = "demo-password"
DEMO_HOOK_SECRET = "demo-alertmanager-secret"
# name, role, display name, sign-off roles (as the built-in profiles name them)
PEOPLE = [
    ("ana", "admin", "Ana Admin", []),
    ("ian", "reviewer", "Ian Park", ["Incident Commander", "Reviewer", "Technical Lead"]),
    (
        "rosa",
        "reviewer",
        "Rosa Diaz",
        ["Risk / Compliance", "Risk Owner", "Engineering Manager", "Business Owner"],
    ),
    ("alex", "author", "Alex Kim", ["Author", "Post-Mortem Author", "Engineering Lead"]),
    ("vic", "viewer", "Vic Shah", []),
]
# title, weeks before the demo incident, what happens in review
VARIANTS = [
    ("", 0, "final"),
    (" (second occurrence)", 3, "changes requested"),
    (" (first seen)", 9, "draft"),
]


@dataclass
class Seeded:
    """What the demo made: the people, their password, the postmortems, the webhook."""

    people: list[tuple[str, str]] = field(default_factory=list)
    postmortems: list[str] = field(default_factory=list)
    final: list[str] = field(default_factory=list)
    hook: str = "alertmanager"
    hook_secret: str = DEMO_HOOK_SECRET


def seed_demo(team: Team, today: date) -> Seeded:
    """Fill an empty team's database with the demo; a database with anyone in it is refused."""
    with team.reading() as space:
        session = sql(space).session
        taken = session.scalar(select(func.count()).select_from(UserRow)) or 0
        taken += session.scalar(select(func.count()).select_from(PostmortemRow)) or 0
    if taken:
        raise ConflictError("the demo fills only an empty database", field="server.database_url")
    seeded = Seeded()
    actors: dict[str, Actor] = {}
    for name, role, shown, sign_roles in PEOPLE:
        users.add_user(team, SYSTEM, name, role=role, password=DEMO_PASSWORD, display_name=shown)
        for sign_role in sign_roles:
            users.grant(team, SYSTEM, name, sign_role)
        actors[name] = users.password_actor(team, name, DEMO_PASSWORD)
        seeded.people.append((name, role))
    for number, name in enumerate(team.workspace.profiles.names(), 1):
        for variant, (suffix, weeks, fate) in enumerate(VARIANTS):
            ref = _postmortem(team, actors, name, number * 10 + variant, suffix, weeks)
            seeded.postmortems.append(ref)
            if _review(team, actors, ref, fate, today):
                seeded.final.append(ref)
    hooks.add_hook(team, SYSTEM, seeded.hook, "alertmanager", secret=DEMO_HOOK_SECRET)
    return seeded


def _postmortem(
    team: Team, actors: dict[str, Actor], profile_name: str, number: int, suffix: str, weeks: int
) -> str:
    profile = team.workspace.profiles.get(profile_name)
    record = demo_record(profile, 1)
    shift = timedelta(weeks=weeks)
    for key in ("started", "detected", "acknowledged", "mitigated", "resolved", "closed"):
        moment = getattr(record.times, key)
        if moment is not None:
            setattr(record.times, key, moment - shift)
    for event in record.timeline:
        if event.time is not None:
            event.time -= shift
    record.title += suffix
    first = record.times.started or record.times.detected
    day = first.date() if first is not None else None
    record.id = format_id(profile.id_pattern, day or date(2026, 11, 3) - shift, number)
    if "date" in record.fields and day is not None:
        record.fields["date"] = day.isoformat()
    text = render_markdown(record, profile).encode("utf-8")
    made = postmortems.import_postmortem(team, actors["alex"], text, message="first draft")
    ref = str(made.data["id"])
    started = record.times.detected or record.times.started
    if started is not None:
        note = parts.NewEvent(started + timedelta(minutes=7), "Status page updated", "ian")
        parts.append_events(team, actors["ian"], ref, [note])
    parts.add_comment(team, actors["rosa"], ref, "Was the limits change reviewed?")
    return ref


def _review(team: Team, actors: dict[str, Actor], ref: str, fate: str, today: date) -> bool:
    """Take a postmortem as far as its fate says; return whether it became final."""
    if fate == "draft":
        return False
    profile = team.workspace.profiles.get(
        postmortems.get_postmortem(team, SYSTEM, ref).data["profile"]
    )
    middle = [s for s in profile.statuses if not s.final][1:2]
    try:
        for status in middle:
            review.move_status(team, actors["alex"], ref, status.name, today)
    except RefusedError:
        return False  # a profile whose document has no place for its status stays a draft
    if fate == "changes requested":
        review.review(team, actors["ian"], ref, "changes_requested", "Name the deploy that failed.")
        return False
    review.review(team, actors["ian"], ref, "approved", "Clear and blameless.")
    final = next((s.name for s in profile.statuses if s.final), None)
    if final is None:
        return False
    for role in profile.required_sign_offs(final):
        signer = next(a for a in actors.values() if a.holds(role))
        review.sign_off(team, signer, ref, role)
    try:
        review.move_status(team, actors["ian"], ref, final, today)
    except RefusedError:
        return False
    return True
