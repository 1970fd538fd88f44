"""unboxing cards: scan tokens, scans, printing; the card logo

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 03:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'unboxing_cards',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('shop_id', BigId, nullable=False),
        sa.Column('coupon_id', BigId, nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('scans', sa.Integer(), nullable=False),
        sa.Column('last_scan_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('printed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('prints', sa.Integer(), nullable=False),
        sa.Column('redeemed_order', sa.String(length=64), nullable=True),
        sa.Column('redeemed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_unboxing_cards_coupon_id_coupons'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_unboxing_cards_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unboxing_cards')),
        sa.UniqueConstraint('coupon_id', name=op.f('uq_unboxing_cards_coupon_id')),
        sa.UniqueConstraint('token', name=op.f('uq_unboxing_cards_token')),
    )
    op.create_index('ix_unboxing_cards_shop', 'unboxing_cards', ['shop_id'], unique=False)
    op.create_table(
        'unboxing_scans',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('shop_id', BigId, nullable=False),
        sa.Column('card_id', BigId, nullable=False),
        sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['card_id'], ['unboxing_cards.id'], name=op.f('fk_unboxing_scans_card_id_unboxing_cards'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_unboxing_scans_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unboxing_scans')),
    )
    op.create_index(op.f('ix_unboxing_scans_card_id'), 'unboxing_scans', ['card_id'], unique=False)
    op.create_index('ix_unboxing_scans_shop_at', 'unboxing_scans', ['shop_id', 'scanned_at'], unique=False)
    op.create_table(
        'shop_logos',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('shop_id', BigId, nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_logos_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_logos')),
        sa.UniqueConstraint('shop_id', name=op.f('uq_shop_logos_shop_id')),
    )


def downgrade() -> None:
    op.drop_table('shop_logos')
    op.drop_index('ix_unboxing_scans_shop_at', table_name='unboxing_scans')
    op.drop_index(op.f('ix_unboxing_scans_card_id'), table_name='unboxing_scans')
    op.drop_table('unboxing_scans')
    op.drop_index('ix_unboxing_cards_shop', table_name='unboxing_cards')
    op.drop_table('unboxing_cards')
