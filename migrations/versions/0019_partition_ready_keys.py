"""ledger_entries, orders: unique indexes on (shop_id, id), the primary keys a table partitioned by
shop will need (docs/scaling.md, "Partitioning"). Built CONCURRENTLY on PostgreSQL, so that adding
them takes no lock that stops writes; the later switch of primary key is then
`ALTER TABLE ... ADD PRIMARY KEY USING INDEX`, a catalogue change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 03:55:00
"""

from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = (("ux_ledger_entries_shop_id_id", "ledger_entries"), ("ux_orders_shop_id_id", "orders"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, table in INDEXES:
                op.create_index(
                    name, table, ["shop_id", "id"], unique=True, postgresql_concurrently=True, if_not_exists=True
                )
    else:
        for name, table in INDEXES:
            op.create_index(name, table, ["shop_id", "id"], unique=True)


def downgrade() -> None:
    concurrently = op.get_bind().dialect.name == "postgresql"
    if concurrently:
        with op.get_context().autocommit_block():
            for name, table in INDEXES:
                op.drop_index(name, table, postgresql_concurrently=True)
    else:
        for name, table in INDEXES:
            op.drop_index(name, table)
