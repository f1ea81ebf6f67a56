"""Who sent an alert delivery: PagerDuty's signature, or a receiver's shared secret.

Both compare in constant time, so the time an answer takes says nothing of
how much of a secret was right.
"""

from __future__ import annotations

import hashlib
import hmac


def pagerduty_signature_ok(body: bytes, header: str | None, secret: str) -> bool:
    """Say whether an ``X-PagerDuty-Signature`` header signs ``body`` with ``secret``.

    The header lists ``v1=<hex HMAC-SHA256>`` signatures, comma-separated (two
    while a secret is being rotated); one match is enough. No header, or no
    secret, is never a match.
    """
    if not header or not secret:
        return False
    digest = hmac.new(_bytes(secret), body, hashlib.sha256).hexdigest().encode()
    signatures = (part.strip().partition("=") for part in header.split(","))
    # Every v1 signature is compared (a list, not any()), so the time says nothing of which.
    matches = [
        hmac.compare_digest(digest, _bytes(signature.strip().lower()))
        for version, _, signature in signatures
        if version.strip() == "v1"
    ]
    return any(matches)


def shared_secret_ok(given: str | None, secret: str) -> bool:
    """Say whether ``given`` is ``secret``, in constant time; none or empty is never it."""
    if not given or not secret:
        return False
    return hmac.compare_digest(_bytes(given), _bytes(secret))


def _bytes(value: str) -> bytes:
    """Return text as bytes to compare: any text (a header's odd characters too) encodes."""
    return value.encode("utf-8", "surrogatepass")
