"""`aar digest`: overdue and soon-due items by owner, as Markdown and HTML, mailed over SMTP."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from afteraction.errors import UsageError
from afteraction.followup.config import DigestConfig
from afteraction.followup.digest import (
    build_digest,
    digest_html,
    digest_markdown,
    send_digest,
)
from afteraction.followup.items import action_rows
from afteraction.profiles.due import DuePolicy
from afteraction.service.reading import read_all
from tests.conftest import open_workspace
from tests.test_actions import corpus
from tests.test_cli import aar

TODAY = date(2026, 11, 20)


@pytest.fixture
def digest(tmp_path, registry):
    folder = corpus(tmp_path, ["default", "trading-cot"])
    path = folder / "default.md"
    path.write_text(path.read_text().replace("li.wei", "<b>li.wei</b> & co"))
    read = read_all(open_workspace(folder, registry), (str(folder),))
    found, _ = read.documents, read.unreadable
    return build_digest(action_rows(found, DuePolicy(soon=DuePolicy().soon * 2), TODAY), TODAY)


def test_items_are_grouped_by_owner_most_overdue_first(digest):
    assert digest.week == date(2026, 11, 16)
    owners = [(o.owner, len(o.overdue), len(o.soon)) for o in digest.owners]
    assert owners == [("sam.okafor", 2, 0), ("<b>li.wei</b> & co", 0, 1), ("li.wei", 0, 1)]
    assert digest.subject == "Action items, week of 2026-11-16: 2 overdue, 2 due soon"


def test_markdown_has_a_table_per_owner_with_how_late(digest):
    text = digest_markdown(digest)
    assert text.startswith("# Action items, week of 2026-11-16: 2 overdue, 2 due soon\n")
    assert "## sam.okafor" in text
    assert "| INC-20261103-001#2 | Alert on order-rejection rate per venue | 2026-11-17 |" in text
    assert "3 days late" in text and "in 13 days" in text


def test_html_escapes_what_people_wrote(digest):
    page = digest_html(digest)
    assert "<h2>&lt;b&gt;li.wei&lt;/b&gt; &amp; co</h2>" in page
    assert "<b>li.wei</b>" not in page
    assert 'class="late">3 days late' in page


def test_the_digest_goes_through_a_real_smtp_server(digest):
    received: list[email.message.EmailMessage] = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(email.message.EmailMessage), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = DigestConfig(to=["leads@example.com"], smtp_host="127.0.0.1", smtp_port=port)
        send_digest(digest, config)
    finally:
        controller.stop()
    [message] = received
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == digest.subject
    assert parsed["To"] == "leads@example.com"
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None and "## sam.okafor" in plain.get_content()
    assert html is not None and "<h2>sam.okafor</h2>" in html.get_content()


def test_sending_without_recipients_or_server_says_why(digest):
    with pytest.raises(UsageError, match="no recipients"):
        send_digest(digest, DigestConfig())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = DigestConfig(to=["a@example.com"], smtp_host="127.0.0.1", smtp_port=closed)
    with pytest.raises(UsageError, match=f"could not send the digest through 127.0.0.1:{closed}"):
        send_digest(digest, config)


def test_the_command_writes_markdown_and_html(tmp_path):
    folder = corpus(tmp_path, ["default", "trading-cot"])
    md, html = tmp_path / "out" / "digest.md", tmp_path / "out" / "digest.html"
    result = aar(
        "digest", str(folder), "--today", "2026-11-20", "--md", str(md), "--html", str(html)
    )
    assert result.returncode == 0, result.stderr
    text = md.read_text()
    assert text.startswith("# Action items, week of 2026-11-16: 2 overdue, 0 due soon\n")
    assert "| INC-20261103-002#2 | Alert on order-rejection rate per venue | 2026-11-17 |" in text
    assert "3 days late" in text
    page = html.read_text()
    assert page.startswith("<!doctype html>")
    assert "<h2>sam.okafor</h2>" in page and 'class="late">3 days late' in page
