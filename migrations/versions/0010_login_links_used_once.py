"""login links used once

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'used_login_links',
        sa.Column('link_id', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('link_id', name=op.f('pk_used_login_links')),
    )
    op.create_index(op.f('ix_used_login_links_expires_at'), 'used_login_links', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_used_login_links_expires_at'), table_name='used_login_links')
    op.drop_table('used_login_links')
