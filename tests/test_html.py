"""The HTML page: remote images are links unless asked for, and its CSP says the same."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest

from afteraction.document.html import is_remote, nesting_depth, render_html
from afteraction.document.render import render_markdown
from afteraction.model import Incident
from tests.test_cli import aar

REMOTE = [
    "https://grafana.example.com/render/latency.png",
    "http://tracker.example.com/pixel.gif",
    "//cdn.example.com/diagram.png",
]
SUMMARY = (
    "Latency rose. ![latency graph](https://grafana.example.com/render/latency.png)"
    " ![](http://tracker.example.com/pixel.gif) ![local diagram](img/diagram.png)\n\n"
    '<img src="//cdn.example.com/diagram.png" alt="raw &amp; &quot;quoted&quot;">'
)


class Page(HTMLParser):
    """What a page asks a browser to load and link to, and its Content-Security-Policy."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.policy: str | None = None
        self._href: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "img":
            self.images.append(found.get("src") or "")
        elif tag == "a":
            self._href, self._text = found.get("href"), []
        elif tag == "meta" and (found.get("http-equiv") or "").lower() == (
            "content-security-policy"
        ):
            self.policy = found.get("content")

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text)))
            self._href = None


def directives(policy: str | None) -> dict[str, list[str]]:
    assert policy is not None
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.fixture
def record() -> Incident:
    return Incident(id="INC-1", title="Feed down", summary=SUMMARY)


def test_by_default_remote_images_are_links_and_the_policy_loads_nothing_remote(record, registry):
    page = render_html(record, registry.get("default"))
    seen = Page(page)
    assert seen.images == ["img/diagram.png"]  # a relative image still shows
    assert '<img src="http' not in page and '<img src="//' not in page
    assert (REMOTE[0], "latency graph") in seen.links
    assert (REMOTE[1], REMOTE[1]) in seen.links  # no alt text: the URL is the link's text
    assert (REMOTE[2], 'raw & "quoted"') in seen.links
    policy = directives(seen.policy)
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["style-src"] == ["'unsafe-inline'"]  # the page's own <style>; no scripts
    assert "script-src" not in policy
    assert page.index("Content-Security-Policy") < page.index("<style>")  # applies to it


def test_with_the_option_remote_images_stay_and_the_policy_allows_them(record, registry):
    seen = Page(render_html(record, registry.get("default"), remote_images=True))
    assert seen.images == [REMOTE[0], REMOTE[1], "img/diagram.png", REMOTE[2]]
    assert directives(seen.policy)["img-src"] == ["'self'", "data:", "https:", "http:"]


@pytest.mark.parametrize(
    ("url", "remote"),
    [
        ("https://example.com/a.png", True),
        ("HTTP://example.com/a.png", True),
        ("//example.com/a.png", True),
        ("/\\example.com/a.png", True),  # browsers read a backslash as a slash
        (" \thtt\nps://example.com/a.png", True),  # tabs and newlines are dropped
        ("ftp://example.com/a.png", True),
        ("data:image/png;base64,AAAA", False),
        ("img/a.png", False),
        ("/img/a.png", False),
        ("a.png?x=http://example.com", False),
    ],
)
def test_what_counts_as_a_remote_image(url, remote):
    assert is_remote(url) is remote


def test_the_render_command_takes_remote_images(tmp_path: Path, registry):
    source = tmp_path / "pm.md"
    source.write_text(
        render_markdown(Incident(title="Feed down", summary=SUMMARY), registry.get("default"))
    )
    plain = aar("render", str(source), "--format", "html")
    assert plain.returncode == 0, plain.stderr
    assert Page(plain.stdout).images == ["img/diagram.png"]
    shown = aar("render", str(source), "--format", "html", "--remote-images")
    assert shown.returncode == 0, shown.stderr
    assert REMOTE[0] in Page(shown.stdout).images
    markdown = aar("render", str(source), "--remote-images")
    assert markdown.returncode == 2
    assert markdown.stderr.startswith("Error: ") and "--format html" in markdown.stderr


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<p>a<br>b<img src=x><br/></p>", 1),
        ("<div><ul><li>a</li><li>b</li></ul></div>", 3),
        ("<div><div><p>left open", 3),
        ("</div></div><p>x</p>", 1),  # a stray end tag does not go below the top
        ('<a title="<b>">x</a>', 1),
    ],
)
def test_nesting_depth_counts_what_holds_what(html: str, depth: int):
    assert nesting_depth(html) == depth


@pytest.mark.parametrize("unit", ["> ", "<div>", "<ul><li>", "<blockquote>"])
def test_a_megabyte_nested_as_deep_as_it_goes_is_shown_as_written(registry, unit: str):
    # nh3 takes time growing with the square of the depth: 1 MB of "> " took half an hour.
    hostile = unit * ((1 << 20) // len(unit))
    page = render_html(Incident(id="INC-1", title="Deep", summary=hostile), registry.get("default"))
    assert "<pre>" in page and html.escape(unit) * 100 in page
    assert unit not in page.replace("<pre>", "").replace("</pre>", "")


def test_nesting_the_page_can_hold_is_written_as_html(registry):
    quoted = "\n".join("> " * depth + f"level {depth}" for depth in range(1, 21))
    page = render_html(
        Incident(id="INC-1", title="Quoted", summary=quoted), registry.get("default")
    )
    assert page.count("<blockquote>") >= 20 and "<pre>" not in page
