"""The follow-up's HTML pages (digest, report): one template environment, every value escaped."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader

_ENV = Environment(loader=PackageLoader("afteraction.followup", "templates"), autoescape=True)


def render_page(template: str, **context: Any) -> str:
    """Render one of the follow-up's page templates."""
    return _ENV.get_template(template).render(**context)
