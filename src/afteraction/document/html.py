"""Record -> HTML: the profile's Markdown, rendered and sanitised, in a page."""

from __future__ import annotations

import nh3
from jinja2 import Environment, PackageLoader

from afteraction.document.blocks import markdown_parser
from afteraction.document.render import render_markdown
from afteraction.model import Incident
from afteraction.profiles.schema import Profile

_ENV = Environment(loader=PackageLoader("afteraction.document", "templates"), autoescape=True)


def render_html(record: Incident, profile: Profile) -> str:
    """Write ``record`` as a self-contained HTML page; user text is sanitised with nh3."""
    body = nh3.clean(markdown_parser().render(render_markdown(record, profile, front_matter=False)))
    return _ENV.get_template("postmortem.html.j2").render(record=record, profile=profile, body=body)
