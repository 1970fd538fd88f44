"""rewards options and cashback redemptions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:10:00

Rewards get an optional minimum order and the lifetime of the code they issue; a coupon carries
the minimum it was made with (reward coupons, and cashback spent as a fixed-amount code).
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rewards") as batch:
        batch.add_column(sa.Column("min_order", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("expires_days", sa.Integer(), nullable=False, server_default="90"))
    with op.batch_alter_table("coupons") as batch:
        batch.add_column(sa.Column("min_order", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coupons") as batch:
        batch.drop_column("min_order")
    with op.batch_alter_table("rewards") as batch:
        batch.drop_column("expires_days")
        batch.drop_column("min_order")
