"""spare for hardening

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
