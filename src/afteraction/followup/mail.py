"""Mail through the SMTP settings of ``[digest]``: the digest, and postmortems made final."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from afteraction.errors import UsageError
from afteraction.followup.config import DigestConfig


def send_mail(
    config: DigestConfig,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    *,
    what: str = "mail",
) -> None:
    """Send a message (text, HTML as its alternative) to ``to``; ``what`` names it in errors."""
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())[:300]
    message["From"] = config.sender
    message["To"] = ", ".join(to)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    password = config.password.get_secret_value() if config.password else ""
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=30) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise UsageError(
            f"could not send {what} through {config.smtp_host}:{config.smtp_port}: {exc}"
        ) from None
