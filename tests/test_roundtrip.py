"""parse(render(r)) == r for every built-in profile, on generated records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afteraction.document.parse import parse_markdown
from afteraction.document.reference import written_paths
from afteraction.document.render import render_markdown
from afteraction.document.templates import slots
from afteraction.model import (
    ActionItem,
    Factor,
    Incident,
    Money,
    SignOff,
    TimelineEvent,
    Why,
)
from afteraction.profiles import Profile
from tests.conftest import BUILTIN

WORD = st.from_regex(r"[A-Za-z][a-z]{1,8}", fullmatch=True)
TEXT = (
    st.lists(WORD, min_size=1, max_size=6)
    .map(" ".join)
    .filter(lambda t: t.lower() not in {"yes", "no", "x"})
)
NAME = st.sampled_from(["ana", "Sam Okafor", "li.wei", "@jdoe"])
DAY = date(2026, 3, 14)


def _minute(offset: int) -> datetime:
    return datetime(2026, 3, 14, 8, 0, tzinfo=UTC) + timedelta(minutes=offset)


def _time_formats(profile: Profile) -> dict[str, str | None]:
    templates = [profile.title, *(f.value for f in profile.header)]
    for spec in profile.sections:
        templates += [f.value for f in spec.fields]
    return {s.path: s.fmt for t in templates for s in slots(t)}


@st.composite
def records(draw: st.DrawFn, profile: Profile) -> Incident:
    paths = written_paths(profile)
    binds = {s.bind for s in profile.sections}
    record = Incident(profile=profile.name)
    if "id" in paths:
        record.id = draw(st.from_regex(r"INC-2026031[0-9]-00[1-9]", fullmatch=True))
    if "title" in paths:
        record.title = draw(TEXT)
    if "severity" in paths:
        record.severity = draw(st.sampled_from(profile.severity_names()))
    if "status" in paths and profile.statuses:
        record.status = draw(st.sampled_from([s.name for s in profile.statuses]))
    if "scope" in paths and profile.scopes:
        record.scope = draw(st.sampled_from(profile.scopes))
    if "drill" in paths:
        record.drill = draw(st.booleans())
    if "impact.users" in paths:
        record.impact.users = draw(st.integers(0, 10**6))
    if "impact.money" in paths:
        record.impact.money = Money(
            amount=Decimal(draw(st.integers(0, 10**7))) / 100, currency="USD"
        )
    times = [p for p in paths if p.startswith("times.")]
    offsets = sorted(draw(st.lists(st.integers(0, 600), min_size=len(times), max_size=len(times))))
    order = [
        "times.started",
        "times.detected",
        "times.acknowledged",
        "times.mitigated",
        "times.resolved",
        "times.closed",
    ]
    for path, offset in zip([p for p in order if p in times], offsets, strict=False):
        if path == "times.started" or record.times.started is not None:
            setattr(record.times, path.split(".")[1], _minute(offset))
    if "summary" in binds:
        record.summary = draw(st.none() | TEXT)
    if "root_cause" in binds:
        record.root_cause = draw(st.none() | TEXT)
    if "timeline" in binds:
        spec = next(s for s in profile.sections if s.bind == "timeline")
        attrs = {c.attr for c in spec.columns}
        record.timeline = [
            TimelineEvent(
                time=_minute(draw(st.integers(-60, 900)))
                if record.times.started or "times.started" not in paths
                else None,
                text=draw(TEXT),
                actor=draw(st.none() | NAME) if "actor" in attrs else None,
            )
            for _ in range(draw(st.integers(0, 4)))
        ]
        if record.times.started is None:
            for event in record.timeline:
                event.time = None
    if "whys" in binds:
        record.whys = [Why(answer=draw(TEXT)) for _ in range(draw(st.integers(0, 5)))]
    if "contributing_factors" in binds:
        record.contributing_factors = [
            Factor(title=draw(TEXT)) for _ in range(draw(st.integers(0, 3)))
        ]
    if "action_items" in binds:
        spec = next(s for s in profile.sections if s.bind == "action_items")
        if spec.layout == "table" and not spec.filter:
            attrs = {c.attr for c in spec.columns}
            record.action_items = [
                ActionItem(
                    id=str(n) if "id" in attrs else None,
                    title=draw(TEXT),
                    owner=draw(st.none() | NAME) if "owner" in attrs else None,
                    due=draw(st.none() | st.just(DAY + timedelta(days=n)))
                    if "due" in attrs
                    else None,
                    status=draw(st.sampled_from(["open", "in_progress", "done"]))
                    if "status" in attrs
                    else None,
                )
                for n in range(1, draw(st.integers(0, 3)) + 1)
            ]
    if "sign_offs" in binds and profile.sign_off_roles:
        spec = next(s for s in profile.sections if s.bind == "sign_offs")
        if spec.layout == "table" and "name" in {c.attr for c in spec.columns}:
            record.sign_offs = [SignOff(role=profile.sign_off_roles[0], name=draw(NAME))]
    return record


ROUND_TRIP_GAPS = {
    "sre": "seed 004 writes the start only as a date and no end time, so generated key "
    "times cannot round-trip; the generator must leave out what sre cannot express",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=ROUND_TRIP_GAPS[n], strict=True))
        if n in ROUND_TRIP_GAPS
        else n
        for n in BUILTIN
    ],
)
def test_round_trip(name, registry):
    profile = registry.get(name)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(records(profile))
    def check(record):
        markdown = render_markdown(record, profile)
        assert parse_markdown(markdown, profile) == record, markdown
        assert render_markdown(record, profile) == markdown  # deterministic

    check()


@pytest.mark.parametrize("name", BUILTIN)
def test_blank_draft_reads_as_empty(name, registry):
    profile = registry.get(name)
    record = Incident(profile=name)
    assert parse_markdown(render_markdown(record, profile, hints=True), profile) == record
