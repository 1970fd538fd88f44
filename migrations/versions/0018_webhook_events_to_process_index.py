"""webhook_events: a partial index of the deliveries still to process, which the workers claim from
PostgreSQL (FOR UPDATE SKIP LOCKED) instead of a Redis list filled by every request (issue 20)

Built CONCURRENTLY on PostgreSQL: a large inbox keeps taking deliveries while it builds.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 03:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

WHERE = sa.text("status = 'received'")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_webhook_events_to_process",
                "webhook_events",
                ["id"],
                postgresql_where=WHERE,
                postgresql_concurrently=True,
                if_not_exists=True,
            )
    else:
        op.create_index("ix_webhook_events_to_process", "webhook_events", ["id"], sqlite_where=WHERE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index("ix_webhook_events_to_process", "webhook_events", postgresql_concurrently=True)
    else:
        op.drop_index("ix_webhook_events_to_process", "webhook_events")
