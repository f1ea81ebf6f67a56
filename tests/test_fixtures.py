"""Every real postmortem in ../shared/fixtures imports, and rendering it back loses no text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest

from afteraction import service
from afteraction.document.blocks import markdown_parser
from afteraction.model import Incident
from afteraction.profiles import Profile
from tests.conftest import SHARED, shared_folder

# Without the shared folder, one case stands in for all and skips, saying why.
FIXTURES = sorted((SHARED / "fixtures" / "postmortems").rglob("*.md")) or [
    SHARED / "fixtures" / "postmortems" / "absent.md"
]
# Times are kept as datetimes and written back in one form, so the words of
# their old notation (month names, zone abbreviations) are not text.
TIME_WORDS = {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "utc",
    "gmt",
    "cet",
    "cest",
    "pst",
    "pdt",
    "est",
    "edt",
}


def words(markdown: str) -> set[str]:
    """The words a reader sees: rendered text, lower-cased, without markup or numbers."""
    html = markdown_parser().render(markdown)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return {w for w in re.findall(r"[a-z][a-z']+", text.lower()) if len(w) > 2} - TIME_WORDS


def record_text(record: Incident) -> str:
    """Every string the record holds (keys of extra columns included), one per line."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                found.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(record.model_dump(mode="json"))
    return "\n\n".join(found)


def vocabulary(profile: Profile) -> str:
    """The words a profile supplies: headings, labels, column headers and their aliases.

    A label read through an alias ("First detected" for "Detected") is written
    back in the profile's words: normalised, not lost.
    """
    parts = [w for f in profile.header for w in (f.label, *f.aliases)]
    for spec in profile.sections:
        parts += [spec.heading, spec.text or "", *spec.aliases]
        parts += [w for f in spec.fields for w in (f.label, *f.aliases)]
        parts += [w for c in spec.columns for w in (c.header, *c.aliases)]
    return "\n\n".join(parts)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name[:60])
def test_real_postmortem_imports_without_losing_text(path: Path, registry):
    shared_folder("fixtures")
    loaded = service.load(path, registry)
    rendered = service.render(loaded.record, loaded.profile, "md")
    source = words(path.read_text(encoding="utf-8"))
    not_kept = source - words(record_text(loaded.record)) - words(vocabulary(loaded.profile))
    assert not not_kept, f"words not kept in the record: {sorted(not_kept)[:20]}"
    not_written = source - words(rendered) - words(vocabulary(loaded.profile))
    assert not not_written, f"words lost on rendering: {sorted(not_written)[:20]}"


@dataclass(frozen=True)
class Expected:
    """What a careful reader finds in one fixture (read by hand from the file)."""

    title: str
    events: int = 0  # timeline entries with a full time
    first: str | None = None  # the first timed entry, in UTC
    last: str | None = None  # the last timed entry, in UTC
    actions: int = 0
    owners: tuple[str, ...] = ()  # owners of the action items, in order, where written
    root_cause: str | None = None  # text the root cause contains
    summary: str | None = None  # text the summary starts with
    times: tuple[tuple[str, str], ...] = ()  # key times stated outside the timeline


EXPECTED = {
    "Chia-Network__post-mortem__2022-01": Expected(
        "Suspected Chia Employee Compromise",
        events=20,
        first="2022-01-20T22:40",
        last="2022-01-21T23:01",
        actions=1,  # the one sentence under "Corrective and Preventative Measure"
        owners=("IPS team",),
        root_cause="converted from a 1099 employee",
    ),
    "Homebrew__": Expected(
        "Security Incident Disclosure",
        actions=5,  # the list under "What we're doing about it"
        summary="On 18th April 2021",
    ),
    "PostHog__post-mortems__2025-09-29": Expected(
        "PostHog Feature Flags Service Outage - September 29, 2025",
        events=8,
        first="2025-09-29T16:58",
        last="2025-09-29T18:46",
        actions=9,  # Remediation: 2 immediate (completed), 4 short-term, 3 long-term
        root_cause="three compounding factors",
    ),
    "PostHog__post-mortems__2025-10-03": Expected(
        "PostHog Surveys SDK Bug - October 3, 2025",
        events=8,
        first="2025-10-03T10:45",
        last="2025-10-03T22:28",
        actions=10,  # Remediation: 3 immediate, an "Action item:" line, 3 + 3 later
        owners=("@lucasheriques",) * 4,
        root_cause="The culprit PR",
    ),
    "PostHog__post-mortems__2025-11-15": Expected(
        "PostHog Data Processing Delays - Events & Persons Ingestion (November 2025)",
        actions=11,  # Remediation: 7 immediate actions (completed), 4 planned
        root_cause="Postgres TOAST OID exhaustion",
        summary="From November 11, 4:02 PM UTC",
    ),
    "PostHog__post-mortems__2026-01-17": Expected(
        "Post-Mortem: Changes to SDK fetch() wrapper breaking client sites",
        events=10,
        first="2026-01-14T10:18",
        last="2026-01-19T16:04",
        actions=7,
        root_cause="SDK fetch wrapper being too simplistic",
    ),
    "dfds__postmortems__PM2019-009": Expected(
        "Kubernetes network infrastructure IP starvation",
        events=13,
        first="2019-11-29T11:00",  # 12:00 CET
        last="2019-12-05T11:00",
        actions=4,
    ),
    "dfds__postmortems__PM2021-011": Expected(
        "Log4Shell investigations",
        events=23,
        first="2021-12-10T15:40",
        last="2022-01-04T11:03",
        actions=6,
    ),
    "ethereum-optimism__": Expected(
        "Self-Destruct Inflation Vulnerability Postmortem",
        events=16,
        first="2022-02-02T16:25",
        last="2022-02-06T02:50",
        actions=16,  # "Actions planned:" / "Actions taken:" lists and lines in Lessons learned
    ),
    "flutter__": Expected(
        "Flutter postmortem: Build Breakage on 2016-11-08",
        events=10,
        first="2016-11-02T22:11",  # 15:11 PDT
        last="2016-11-08T22:15",  # 14:15 PST
        actions=4,
        owners=("chinmay", "ianh", "danrubel", "ianh"),
        root_cause="A bug was introduced in package:args",
    ),
    "fsharp__": Expected(
        "Regression: FS0229 B-Stream Misalignment in TypedTreePickle",
        root_cause="Dual-Stream Metadata Format",
    ),
    "icco__": Expected(
        "Amazon S3 US-EAST-1 outage of February 2017",
        summary="Human error.",
        times=(("started", "2017-02-28T17:37"), ("resolved", "2017-02-28T21:54")),
    ),
    "jupyterhub__mybinder.org-deploy__docs__source__incident-reports__2018-02-20": Expected(
        "2018-02-20, JupyterLab Announcement swamps Binder",
        events=40,
        first="2018-02-20T13:17",  # 14:17 CET
        last="2018-02-22T06:18",
        actions=22,  # 21 listed, and the "[Action Item]" line in the timeline at 15:08
    ),
    "jupyterhub__mybinder.org-deploy__docs__source__incident-reports__2018-03-26": Expected(
        '2018-03-26, "no space left on device"',
        events=3,
        first="2018-03-26T08:34",  # 10:34 CEST
        last="2018-03-26T13:00",
        actions=6,
    ),
    "jupyterhub__mybinder.org-deploy__docs__source__incident-reports__2022-01-27": Expected(
        "2022-01-27, stale prime version",
        events=5,
        first="2022-01-27T10:00",  # 11:00 CET
        last="2022-01-28T09:00",
        actions=4,
    ),
    "ministryofjustice__": Expected(
        "Incident on 2023-06-06 - User services down",
        events=8,
        first="2023-06-06T10:23",
        last="2023-06-06T13:11",
        actions=1,
        times=(("detected", "2023-06-06T10:26"), ("mitigated", "2023-06-06T11:21")),
    ),
    "openfoodfacts__": Expected(
        "[Postmortem] OpenFoodFacts.net down (#1)",
        events=10,
        first="2021-09-29T13:46",  # 15:46 CEST, a day-first date
        last="2021-10-07T08:20",
        actions=5,
        owners=(
            "olivier",
            "charles",
            "charles,olivier,stephane,christian",
            "charles",
            "olivier,charles,stephane,christian",
        ),
    ),
    "rust-lang__": Expected(
        "crates.io incident report for 2020-02-20",
        events=17,
        first="2020-02-20T21:17",
        last="2020-02-21T14:10",
        actions=5,
        root_cause="In some corner cases",
    ),
    "yearn__yearn-security__disclosures__2021-02-04": Expected(
        "Vulnerability disclosure 2021-02-04",
        events=5,
        first="2021-02-04T21:45",
        last="2021-02-04T22:09",
    ),
    "yearn__yearn-security__disclosures__2022-11-07": Expected(
        "Incident disclosure - 2022-11-07",
        events=4,
        first="2022-10-12T21:17",
        last="2022-10-12T22:51",
        actions=5,  # "The following fixes were implemented:" and its list
    ),
}


def _utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if value else None


FILLED_IN = [p for p in FIXTURES if p.parent.name == "postmortems"]


@pytest.mark.parametrize("path", FILLED_IN, ids=lambda p: p.name[:60])
def test_importer_finds_what_the_author_wrote(path: Path, registry):
    shared_folder("fixtures")
    expected = next((e for key, e in EXPECTED.items() if path.name.startswith(key)), None)
    assert expected is not None, f"{path.name}: a new fixture needs its expectations written"
    record = service.load(path, registry).record
    assert record.title == expected.title
    timed = [e for e in record.timeline if e.time is not None]
    assert len(timed) == expected.events
    assert _utc(timed[0].time if timed else None) == expected.first
    assert _utc(timed[-1].time if timed else None) == expected.last
    assert len(record.action_items) == expected.actions
    owners = tuple(a.owner for a in record.action_items if a.owner)
    assert owners == expected.owners
    if expected.root_cause:
        assert expected.root_cause in (record.root_cause or "")
    if expected.summary:
        assert (record.summary or "").startswith(expected.summary)
    for name, value in expected.times:
        assert _utc(getattr(record.times, name)) == value, name
