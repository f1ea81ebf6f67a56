"""The log of changes is append-only: the database refuses to update or delete an entry.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "the log of changes is append-only"


def upgrade() -> None:
    """Refuse UPDATE and DELETE on the changes table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION aar_changes_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER aar_changes_append_only BEFORE UPDATE OR DELETE ON changes"
            " FOR EACH ROW EXECUTE FUNCTION aar_changes_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER aar_changes_no_{event.lower()} BEFORE {event} ON changes"
            f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    """Allow UPDATE and DELETE on the changes table again."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER aar_changes_append_only ON changes")
        op.execute("DROP FUNCTION aar_changes_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER aar_changes_no_{event}")
