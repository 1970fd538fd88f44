"""onboarding: widget seen

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 08:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('widget_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('earning_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_webhook_events_shop_received', 'webhook_events', ['shop_id', 'received_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_webhook_events_shop_received', table_name='webhook_events')
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_column('earning_confirmed_at')
        batch_op.drop_column('widget_seen_at')
