"""A postmortem's text and record move to ``postmortem_bodies``: list rows stay small.

A list or a count of 10,000 postmortems read every row of ``postmortems``
whole, each a page or more with its text and record; without them a row is
a few hundred bytes. The texts, records and brief records move as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MOVED = ("text", "record", "brief", "warnings", "disorder")


def upgrade() -> None:
    """Make the bodies table, move every postmortem's body into it, drop the moved columns."""
    op.create_table(
        "postmortem_bodies",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("disorder", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_bodies_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("postmortem_id", name=op.f("pk_postmortem_bodies")),
    )
    columns = ", ".join(MOVED)
    op.execute(
        f"INSERT INTO postmortem_bodies (postmortem_id, {columns}) SELECT id, {columns}"
        " FROM postmortems"
    )
    for column in MOVED:
        op.drop_column("postmortems", column)  # SQLite 3.35 and later drop a column in place


def downgrade() -> None:
    """Put each body back in its postmortem's row and drop the bodies table."""
    for column in MOVED:
        kind = sa.JSON() if column in ("warnings", "disorder") else sa.Text()
        empty = "'[]'" if column in ("warnings", "disorder") else "''"
        op.add_column(
            "postmortems", sa.Column(column, kind, nullable=False, server_default=sa.text(empty))
        )
        op.execute(
            f"UPDATE postmortems SET {column} = (SELECT b.{column} FROM postmortem_bodies b"
            " WHERE b.postmortem_id = postmortems.id)"
        )
    op.drop_table("postmortem_bodies")
