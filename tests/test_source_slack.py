"""The Slack source: export folders, channel folders and message files, names, threads, moments."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from afteraction.errors import ParseError, UsageError
from afteraction.timeline.event import Event, Kind
from afteraction.timeline.problems import Problems
from afteraction.timeline.registry import SourceRegistry
from afteraction.timeline.sources.slack import Slack
from afteraction.timeline.sources.slack_markup import plain, snippet
from afteraction.timeline.spec import SourceSpec
from tests.conftest import shared_folder

PREFIX = "slack__zulip__zulip__zerver__tests__fixtures__slack_fixtures__"
THREAD = PREFIX + "exported_messages_fixtures__normal_thread.json"
DAY_2017 = PREFIX + "test_slack_importer__random__2017-06-25.json"
DAY_2018 = PREFIX + "test_slack_importer__random__2018-01-20.json"
CHANNELS = PREFIX + "channels.json"
USERS = [
    {"id": "U6006P1CN", "name": "kai", "profile": {"real_name": "Kai Lund", "display_name": "k"}},
    {"id": "U8VAHEVUY", "name": "steve", "real_name": "Steve Park"},
    {"id": "U8W3QFGQ5", "name": "ana", "profile": {"display_name": "ana.b"}},
]


def fixture(name: str) -> Path:
    return shared_folder("fixtures") / "payloads" / name


def read(path: Path | None, strict: bool = False, **options: str) -> tuple[list[Event], Problems]:
    spec = SourceSpec("slack", path, options)
    problems = Problems(spec.label, strict=strict)
    return list(Slack(spec, problems).events()), problems


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def at(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """An export assembled from the real day files, the real channels.json and our users.json."""
    root = tmp_path / "export"
    (root / "random").mkdir(parents=True)
    shutil.copy(fixture(DAY_2017), root / "random" / "2017-06-25.json")
    shutil.copy(fixture(DAY_2018), root / "random" / "2018-01-20.json")
    shutil.copy(fixture(CHANNELS), root / "channels.json")
    write(root / "users.json", USERS)
    write(root / "general" / "2018-01-21.json", [{"user": "U8VAHEVUY", "text": "hi", "ts": "1"}])
    return root


# The real fixtures ------------------------------------------------------------------------


def test_a_thread_file_keeps_replies_and_says_which_thread_they_answer():
    events, problems = read(fixture(THREAD))
    assert [e.time for e in events] == [
        at("1434139102.000002"),
        at("1439868294.000007"),
        at("1539868294.000007"),
        at("1449868294.000007"),  # a reply earlier than its parent: kept, the builder sorts
    ]
    assert events[0].time == datetime(2015, 6, 12, 19, 58, 22, 2, tzinfo=UTC)
    assert {e.kind for e in events} == {Kind.MESSAGE}
    assert [e.actor for e in events] == ["U061A5N1G", "U061A5N1G", "U061A1R2R", "U061A1R2R"]
    assert {e.component for e in events} == {"random"}
    assert events[1].text == '(in thread "message body text") random'
    assert events[3].text == '(in thread "another thread message") another reply'
    assert problems.count == 0


def test_a_day_file_skips_joins_in_a_note():
    events, problems = read(fixture(DAY_2017))
    assert [(e.time, e.actor, e.text) for e in events] == [
        (datetime(2017, 6, 25, 14, 31, 11, 279035, tzinfo=UTC), "U6006P1CN", "edfadfa")
    ]
    assert problems.notes == ["1 message skipped: channel_join 1"]


def test_a_real_day_file_reads_mentions_files_and_channel_calls():
    events, problems = read(fixture(DAY_2018))
    assert len(events) == 8
    assert problems.count == 0
    assert problems.notes == ["3 messages skipped: channel_join 3"]
    share = events[1]
    assert share.text.startswith("@U6006P1CN uploaded a file: dirac72.md (https://plan8team")
    assert share.link == "https://plan8team.slack.com/files/U6006P1CN/F8VSW87RR/dirac72.md"
    assert [e.text for e in events[-2:]] == ["@channel", "@channel"]
    assert events[0].origin == str(fixture(DAY_2018))


def test_channels_json_alone_is_not_a_message_file():
    with pytest.raises(UsageError, match="not Slack messages"):
        read(fixture(CHANNELS))


def test_slack_is_registered():
    assert SourceRegistry.discover().get("slack") is Slack


# Export folders ---------------------------------------------------------------------------


def test_an_export_names_people_and_channels(export):
    events, problems = read(export)
    random = [e for e in events if e.component == "random"]
    assert len(random) == 9
    assert random[0].actor == "Kai Lund"  # the profile's real name
    assert random[1].actor == "Steve Park"
    assert {e.actor for e in random} == {"Kai Lund", "Steve Park", "ana.b"}
    assert random[2].text.startswith("@Kai Lund uploaded a file: dirac72.md")
    assert random[0].origin == str(export / "random" / "2017-06-25.json")
    assert [e.text for e in events if e.component == "general"] == ["hi"]
    assert problems.notes == ["4 messages skipped: channel_join 4"]


def test_channel_picks_channels_by_name_or_id(export):
    by_name, _ = read(export, channel="#general")
    assert [e.component for e in by_name] == ["general"]
    by_id, _ = read(export, channel="C061A0WJG|general")
    assert {e.component for e in by_id} == {"random", "general"}
    with pytest.raises(
        UsageError, match=r"no channel 'ops' in the export \(channels: general, random\)"
    ):
        read(export, channel="ops")


def test_a_channel_folder_or_day_file_of_an_export_uses_its_names(export):
    events, _ = read(export / "random")
    assert events[0].actor == "Kai Lund"
    assert {e.component for e in events} == {"random"}
    events, _ = read(export / "random" / "2018-01-20.json")
    assert (events[0].actor, events[0].component) == ("Steve Park", "random")
    with pytest.raises(UsageError, match="picks channels of an export folder"):
        read(export / "random", channel="random")


def test_a_lone_channel_folder_and_a_users_file(tmp_path, export):
    folder = tmp_path / "incident-42"
    write(
        folder / "2026-11-03.json", [{"user": "U6006P1CN", "text": "<@U8VAHEVUY> ack", "ts": "1"}]
    )
    events, _ = read(folder)
    assert (events[0].actor, events[0].text, events[0].component) == (
        "U6006P1CN",
        "@U8VAHEVUY ack",
        "incident-42",
    )
    events, _ = read(folder, users=str(export / "users.json"))
    assert (events[0].actor, events[0].text) == ("Kai Lund", "@Steve Park ack")


def test_a_folder_that_is_no_export_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match="not a Slack export") as caught:
        read(tmp_path)
    assert caught.value.file == str(tmp_path)


def test_malformed_export_lists_are_refused(export):
    write(export / "users.json", {"members": []})
    with pytest.raises(UsageError, match=r"not a Slack users\.json"):
        read(export)
    (export / "users.json").write_text("[")
    with pytest.raises(UsageError, match="not JSON"):
        read(export)
    write(export / "users.json", USERS)
    write(export / "channels.json", {"channels": []})
    with pytest.raises(UsageError, match=r"not a Slack channels\.json"):
        read(export)


def test_bad_day_files_are_counted_and_the_rest_read(export):
    (export / "random" / "2019-01-01.json").write_text("[{")
    write(export / "random" / "2019-01-02.json", {"ts": "1"})
    events, problems = read(export)
    assert len(events) == 10
    assert problems.count == 2
    assert [str(p) for p in problems.first] == [
        f"{export}: random/2019-01-01.json: not JSON: unexpected end of data (line 1)",
        f"{export}: random/2019-01-02.json: not a list of messages",
    ]


# Messages ---------------------------------------------------------------------------------


def test_names_come_from_user_profiles_bots_and_attachments(tmp_path):
    path = write(
        tmp_path / "messages.json",
        [
            {"user": "U1", "text": "db down", "ts": "10", "user_profile": {"real_name": "Mo"}},
            {"user": "U2", "text": "cc <@U1>", "ts": "11"},
            {"subtype": "bot_message", "username": "PagerDuty", "ts": "12", "text": "",
             "attachments": [{"fallback": "Triggered #42 &lt;db&gt;"}]},
            {"bot_id": "B1", "bot_profile": {"name": "deploybot"}, "ts": "13",
             "attachments": [{"title": "Deploy api", "text": "v2 <https://ci/1|build>"}]},
            {"user": "U2", "ts": "14", "text": "log", "files": [{"title": "trace.txt"}]},
            {"user": "U2", "ts": "15", "text": ""},
        ],
    )  # fmt: skip
    events, problems = read(path)
    assert [(e.actor, e.text) for e in events] == [
        ("Mo", "db down"),
        ("U2", "cc @Mo"),
        ("PagerDuty", "Triggered #42 <db>"),
        ("deploybot", "Deploy api: v2 build (https://ci/1)"),
        ("U2", "log [file: trace.txt]"),
    ]
    assert problems.notes == ["1 message skipped: empty 1"]


def test_replies_name_their_thread_even_without_its_parent(tmp_path):
    path = write(
        tmp_path / "messages.json",
        [
            {"user": "U1", "text": "x", "ts": "20", "thread_ts": "10", "parent_user_id": "U9"},
            {"user": "U1", "text": "y", "ts": "21", "thread_ts": "11"},
            {"user": "U1", "text": "Is the " + "very " * 10 + "long parent", "ts": "30",
             "thread_ts": "30"},
            {"user": "U1", "text": "z", "ts": "31", "thread_ts": "30"},
        ],
    )  # fmt: skip
    events, _ = read(path, users=str(write(tmp_path / "u.json", [{"id": "U9", "name": "nina"}])))
    assert [e.text for e in events] == [
        "(in thread of nina) x",
        "(in thread) y",
        "Is the " + "very " * 10 + "long parent",
        '(in thread "Is the very very very very very very...") z',
    ]


def test_an_api_response_and_message_lines_are_read(tmp_path):
    response = write(
        tmp_path / "history.json", {"ok": True, "messages": [{"text": "a", "ts": "1"}]}
    )
    assert [e.text for e in read(response)[0]] == ["a"]
    lines = tmp_path / "messages.jsonl"
    lines.write_text(
        '{"text": "a", "ts": "1"}\n{"text": "b", "ts": "2", "permalink": "https://s/p"}\n'
    )
    events, _ = read(lines)
    assert [(e.text, e.link, e.origin) for e in events] == [
        ("a", None, f"{lines}:1"),
        ("b", "https://s/p", f"{lines}:2"),
    ]


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("<@U1> and <@U2|bob> and <@U3>", "@Ann and @bob and @U3"),
        ("<#C1> <#C2|ops> <#C3>", "#general #ops #C3"),
        (
            "<!here> <!channel> <!everyone> <!subteam^S1|@oncall>",
            "@here @channel @everyone @oncall",
        ),
        (
            "<https://x.io/a?b=1&amp;c=2|the graph> <https://x.io>",
            "the graph (https://x.io/a?b=1&c=2) https://x.io",
        ),
        ("<mailto:a@b.io|a@b.io> <!date^1392734382^{date}|Feb 18>", "a@b.io Feb 18"),
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
    ],
)
def test_markup_reads_as_plain_text(markup, shown):
    assert plain(markup, {"U1": "Ann"}, {"C1": "general"}) == shown


def test_snippets_cut_long_first_lines_at_a_word():
    assert snippet("short\nsecond line") == "short"
    assert snippet("x" * 50) == "x" * 40 + "..."


# Key moments ------------------------------------------------------------------------------

MOMENTS = [
    {"user": "U1", "text": "pinned", "ts": "1", "pinned_to": ["C1"]},
    {"user": "U1", "text": "siren", "ts": "2", "reactions": [{"name": "rotating_light"}]},
    {"user": "U1", "text": "thanks", "ts": "3", "reactions": [{"name": "+1::skin-tone-2"}]},
    {"user": "U1", "text": "plain", "ts": "4"},
]


@pytest.mark.parametrize(
    ("moments", "marked"),
    [
        (None, ["pinned"]),
        ("none", []),
        ("reacted", ["siren", "thanks"]),
        ("reaction::rotating_light:", ["siren"]),
        ("pinned|reaction:+1", ["pinned", "thanks"]),
    ],
)
def test_moments_mark_pinned_or_reacted_messages(tmp_path, moments, marked):
    options = {"moments": moments} if moments else {}
    events, _ = read(write(tmp_path / "m.json", MOMENTS), **options)
    assert [e.text for e in events if e.key_moment] == marked


def test_channel_pins_of_an_export_are_key_moments(export):
    channels = json.loads((export / "channels.json").read_text())
    channels[0]["pins"] = [{"id": "1516457212.000035", "type": "C", "user": "U6006P1CN"}]
    write(export / "channels.json", channels)
    events, _ = read(export)
    assert [e.text for e in events if e.key_moment] == [
        "Huh this is very useful being able to see the snippet of text files"
    ]


def test_an_unknown_moment_is_refused(tmp_path):
    with pytest.raises(UsageError, match="'starred' is not pinned, reacted"):
        read(write(tmp_path / "m.json", MOMENTS), moments="starred")


# Bad input --------------------------------------------------------------------------------


def test_bad_messages_are_counted_with_their_json_path(tmp_path):
    path = write(tmp_path / "m.json", [{"text": "ok", "ts": "1"}, "text", {"text": "x"},
                                       {"text": "y", "ts": "soon"}])  # fmt: skip
    events, problems = read(path)
    assert [e.text for e in events] == ["ok"]
    assert [p.message for p in problems.first] == [
        "[1] is not an object",
        "[2] has no ts",
        "[3].ts: not a time: 'soon'",
    ]


def test_a_bad_line_is_counted_with_its_number_and_strict_raises(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"text": "a", "ts": "1"}\n{"text": \n{"text": "c", "ts": "3"}\n')
    events, problems = read(path)
    assert [e.text for e in events] == ["a", "c"]
    assert (problems.count, problems.first[0].line) == (1, 2)
    with pytest.raises(ParseError) as caught:
        read(path, strict=True)
    assert (caught.value.file, caught.value.line) == (str(path), 2)


def test_other_payloads_are_refused_naming_the_file(tmp_path):
    path = write(tmp_path / "alert.json", {"version": "4", "alerts": []})
    with pytest.raises(UsageError, match="not Slack messages") as caught:
        read(path)
    assert caught.value.file == str(path)
    with pytest.raises(UsageError, match="picks channels of an export folder"):
        read(path, channel="ops")
