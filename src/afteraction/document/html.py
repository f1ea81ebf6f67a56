"""Record -> HTML: the profile's Markdown, rendered and sanitised, in a page.

The page loads nothing from other hosts unless asked to. A remote image
(``http:``, ``https:``, ``//host``, any scheme but ``data:``) becomes a link to
it, its alt text as the link's text, and the page's Content-Security-Policy
lets it load no remote resource: opening a postmortem tells no one it was
opened. With ``remote_images`` the images stay and the policy allows them.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from afteraction.document.render import render_markdown
from afteraction.model import Incident
from afteraction.profiles.schema import Profile

_ENV = Environment(loader=PackageLoader("afteraction.document", "templates"), autoescape=True)

# The page needs its own <style> element and nothing else: no scripts, fonts or
# frames. Images may come from the page's own folder or site ('self', for a
# document's relative images) or be inline (data:); remote ones only on request.
# base-uri and form-action are not covered by default-src.
_POLICY = "default-src 'none'; img-src {images}; style-src 'unsafe-inline'; "
_POLICY += "base-uri 'none'; form-action 'none'"
LOCAL_IMAGES = "'self' data:"
REMOTE_IMAGES = "'self' data: https: http:"

# nh3 writes every attribute as name="value" with &, <, > and " escaped, and
# every < of text as &lt;: a "<img" in its output always starts an image tag,
# and a tag ends at the first > outside quotes.
_IMG = re.compile(r'<img\s(?:[^">]|"[^"]*")*>')
_ATTR = re.compile(r'([^\s"=/>]+)="([^"]*)"')
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
# URL parsers drop tabs and newlines anywhere and trim controls and spaces.
_DROPPED = re.compile(r"[\t\n\r]")
_TRIMMED = "".join(map(chr, range(0x21)))  # C0 controls and the space


def content_security_policy(remote_images: bool = False) -> str:
    """Return the page's Content-Security-Policy: remote images allowed only when asked."""
    return _POLICY.format(images=REMOTE_IMAGES if remote_images else LOCAL_IMAGES)


def is_remote(url: str) -> bool:
    r"""Return whether ``url`` (as written in a ``src``) loads from another host.

    Protocol-relative URLs (``//host``, or ``/\host``, which browsers read the
    same) and any scheme but ``data:`` count as remote; a relative path does not.
    """
    url = _DROPPED.sub("", url).strip(_TRIMMED).replace("\\", "/").lower()
    if url.startswith("//"):
        return True
    scheme = _SCHEME.match(url)
    return scheme is not None and scheme[0] != "data:"


def link_remote_images(body: str) -> str:
    """Return sanitised HTML with each remote ``<img>`` made a link to its URL (text: its alt)."""

    def linked(match: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(match[0]))
        src = attrs.get("src")
        if src is None or not is_remote(html.unescape(src)):
            return match[0]
        text = attrs.get("alt") or src  # both already escaped, as attribute values
        return f'<a href="{src}" rel="noopener noreferrer">{text}</a>'

    return _IMG.sub(linked, body)


def markdown_to_html(text: str) -> str:
    """Return CommonMark with GFM tables as HTML, raw HTML kept as written (not yet sanitised).

    cmark-gfm, in C, renders a postmortem about 20 times faster than markdown-it-py
    (bench/render_html.py); reading documents stays with markdown-it-py.
    """
    html: str = cmarkgfm.markdown_to_html_with_extensions(
        text, options=Options.CMARK_OPT_UNSAFE, extensions=["table"]
    )
    return html


# HTML elements that never hold others, so never nest.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")
MAX_DEPTH = 100
"""Deepest nesting of elements a page is written with; deeper, its Markdown is shown as text."""


def nesting_depth(html: str) -> int:
    """Return how deep the elements of ``html`` nest at most (unclosed ones stay open).

    One pass over the tags; it reads HTML as nh3 will, closely enough to bound the work.
    """
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def clean_body(markdown: str) -> str:
    """Return ``markdown`` as sanitised HTML, in time linear in its length.

    nh3's parser takes time that grows with the square of how deep elements
    nest (a megabyte of ``> `` quotes, or of raw ``<div>``, took half an
    hour): a text nested deeper than ``MAX_DEPTH`` is shown as it is
    written, escaped, instead.
    """
    body = markdown_to_html(markdown)
    if nesting_depth(body) > MAX_DEPTH:
        return f"<pre>{html.escape(markdown)}</pre>"
    return nh3.clean(body)


def render_html(record: Incident, profile: Profile, *, remote_images: bool = False) -> str:
    """Write ``record`` as a self-contained HTML page; user text is sanitised with nh3.

    Remote images are links unless ``remote_images`` is set (see the module's docstring).
    """
    body = clean_body(render_markdown(record, profile, front_matter=False))
    if not remote_images:
        body = link_remote_images(body)
    return _ENV.get_template("postmortem.html.j2").render(
        record=record,
        profile=profile,
        body=body,
        policy=Markup(content_security_policy(remote_images)),  # our own text, no quote in it
    )
