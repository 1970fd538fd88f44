"""ways to earn: birthdays, custom actions and their credits; pending from fulfilment; shop time zone

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 03:40:00

Bonus entries themselves are ledger entries keyed per member, action and period (no table).
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'member_birthdays',
        sa.Column('member_id', ID, nullable=False),
        sa.Column('shop_id', ID, nullable=False),
        sa.Column('month', sa.SmallInteger(), nullable=False),
        sa.Column('day', sa.SmallInteger(), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['member_id'], ['members.id'], name=op.f('fk_member_birthdays_member_id_members'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['shop_id'], ['shops.id'], name=op.f('fk_member_birthdays_shop_id_shops'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_birthdays')),
    )
    op.create_index(op.f('ix_member_birthdays_shop_id'), 'member_birthdays', ['shop_id'], unique=False)
    op.create_table(
        'custom_actions',
        sa.Column('id', ID, nullable=False),
        sa.Column('shop_id', ID, nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('limit', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['shop_id'], ['shops.id'], name=op.f('fk_custom_actions_shop_id_shops'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_actions')),
        sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_custom_actions_shop_id_name')),
    )
    op.create_table(
        'action_credits',
        sa.Column('id', ID, nullable=False),
        sa.Column('shop_id', ID, nullable=False),
        sa.Column('member_id', ID, nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('idempotency_key', sa.String(length=100), nullable=False),
        sa.Column('entry_id', ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['shop_id'], ['shops.id'], name=op.f('fk_action_credits_shop_id_shops'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['members.id'], name=op.f('fk_action_credits_member_id_members'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['ledger_entries.id'], name=op.f('fk_action_credits_entry_id_ledger_entries'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_credits')),
        sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_action_credits_shop_id_idempotency_key')),
    )
    op.create_index(op.f('ix_action_credits_member_id'), 'action_credits', ['member_id'], unique=False)
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('pending_from', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('shops') as batch:
        batch.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shops') as batch:
        batch.drop_column('timezone')
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('fulfilled_at')
        batch.drop_column('pending_from')
    op.drop_index(op.f('ix_action_credits_member_id'), table_name='action_credits')
    op.drop_table('action_credits')
    op.drop_table('custom_actions')
    op.drop_index(op.f('ix_member_birthdays_shop_id'), table_name='member_birthdays')
    op.drop_table('member_birthdays')
