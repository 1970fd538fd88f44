"""analytics daily aggregates

Orders remember the discount codes they used; per-shop daily aggregates and an "as of now" snapshot
for the dashboard; indexes that let the aggregation job read one window of days.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
DAY_COUNTS = (
    'members_enrolled', 'members_buying', 'member_orders', 'member_revenue', 'guest_orders', 'guest_revenue',
    'reward_orders', 'reward_revenue', 'unboxing_orders', 'unboxing_revenue', 'points_issued', 'points_redeemed',
    'points_expired', 'points_net', 'cashback_issued', 'cashback_spent', 'cashback_net', 'redemptions',
)


def upgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('discount_codes', sa.JSON(), nullable=True))
    op.create_index('ix_orders_shop_paid_at', 'orders', ['shop_id', 'paid_at'], unique=False)
    op.create_index('ix_ledger_entries_shop_created_at', 'ledger_entries', ['shop_id', 'created_at'], unique=False)
    op.create_index('ix_members_shop_created_at', 'members', ['shop_id', 'created_at'], unique=False)
    op.create_table(
        'analytics_days',
        sa.Column('shop_id', BigId, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in DAY_COUNTS],
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['shop_id'], ['shops.id'], name=op.f('fk_analytics_days_shop_id_shops'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('shop_id', 'day', name=op.f('pk_analytics_days')),
    )
    op.create_table(
        'analytics_snapshots',
        sa.Column('shop_id', BigId, nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['shop_id'], ['shops.id'], name=op.f('fk_analytics_snapshots_shop_id_shops'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('shop_id', name=op.f('pk_analytics_snapshots')),
    )


def downgrade() -> None:
    op.drop_table('analytics_snapshots')
    op.drop_table('analytics_days')
    op.drop_index('ix_members_shop_created_at', table_name='members')
    op.drop_index('ix_ledger_entries_shop_created_at', table_name='ledger_entries')
    op.drop_index('ix_orders_shop_paid_at', table_name='orders')
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('discount_codes')
