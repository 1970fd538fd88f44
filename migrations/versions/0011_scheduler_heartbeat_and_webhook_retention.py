"""scheduler heartbeat and webhook retention

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'periodic_marks',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_periodic_marks')),
    )


def downgrade() -> None:
    op.drop_table('periodic_marks')
