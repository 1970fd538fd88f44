"""VIP tiers, campaigns, tier changes; members' tier; what an order's earning fixed (multiplier,
bonus, tier, campaigns, products, qualifying basis); rewards for one tier; the shop's time zone

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 03:23:04.488991
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tiers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('threshold', sa.String(length=32), nullable=False),
    sa.Column('multiplier', sa.String(length=32), nullable=False),
    sa.Column('birthday_multiplier', sa.String(length=32), nullable=False),
    sa.Column('entry_reward_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_tiers_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tiers'))
    )
    with op.batch_alter_table('tiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tiers_shop_id'), ['shop_id'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('multiplier', sa.String(length=32), nullable=False),
    sa.Column('bonus_points', sa.BigInteger(), nullable=False),
    sa.Column('tier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('min_order', sa.String(length=32), nullable=True),
    sa.Column('product_ids', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_campaigns_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_campaigns_tier_id_tiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_shop_ends_at', ['shop_id', 'ends_at'], unique=False)

    op.create_table('tier_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_tier', sa.String(length=60), nullable=True),
    sa.Column('to_tier', sa.String(length=60), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_tier_changes_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_tier_changes_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_changes'))
    )
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tier_changes_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('tier_qualified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_members_tier_id_tiers'), 'tiers', ['tier_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('multiplier', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('bonus_points', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('tier_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('campaign_ids', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('product_ids', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('qualifying_minor', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.create_index('ix_orders_member_paid_at', ['member_id', 'paid_at'], unique=False)

    with op.batch_alter_table('rewards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rewards_tier_id_tiers'), 'tiers', ['tier_id'], ['id'], ondelete='SET NULL')

    # shops.timezone comes with 0014 (the ways to earn read the shop's days too).


def downgrade() -> None:
    with op.batch_alter_table('rewards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rewards_tier_id_tiers'), type_='foreignkey')
        batch_op.drop_column('tier_id')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_member_paid_at')
        batch_op.drop_column('qualifying_minor')
        batch_op.drop_column('product_ids')
        batch_op.drop_column('campaign_ids')
        batch_op.drop_column('tier_id')
        batch_op.drop_column('bonus_points')
        batch_op.drop_column('multiplier')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_members_tier_id_tiers'), type_='foreignkey')
        batch_op.drop_column('tier_qualified_at')
        batch_op.drop_column('tier_id')

    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tier_changes_member_id'))

    op.drop_table('tier_changes')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_shop_ends_at')

    op.drop_table('campaigns')
    with op.batch_alter_table('tiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tiers_shop_id'))

    op.drop_table('tiers')
