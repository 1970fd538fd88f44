"""woocommerce: pending keys of a store connecting again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pending_connects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consumer_key_enc', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('consumer_secret_enc', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pending_connects', schema=None) as batch_op:
        batch_op.drop_column('consumer_secret_enc')
        batch_op.drop_column('consumer_key_enc')
