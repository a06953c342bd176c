"""history hash chains, and append-only triggers that REPLACE cannot slip past

Every audit record and ledger entry gets its place in its creche's hash chain
(``chain_seq``) and its hash (``chain_hash``); ``history_heads`` keeps where each
chain ended. The rows a book already holds are sealed into their chains here.

SQLite: ``INSERT OR REPLACE`` with an existing id deleted the old row without
firing the DELETE triggers; an INSERT trigger now refuses an id that exists.
On both backends an UPDATE is let through only when it seals a row (its hash
goes from NULL to a value and nothing else changes).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Every column of the two tables but the chain's own (as of this revision).
COLUMNS = {
    "audit_log": (
        "id", "tenant_id", "user_id", "username", "at", "action",
        "entity", "entity_id", "before", "after",
    ),
    "ledger_entries": (
        "id", "tenant_id", "household_id", "entry_date", "entry_type", "amount_cents",
        "balance_after_cents", "source_type", "source_id", "description", "created_at",
        "created_by",
    ),
}  # fmt: skip


def upgrade() -> None:
    for table in COLUMNS:
        op.add_column(table, sa.Column('chain_seq', sa.BigInteger(), nullable=True))
        op.add_column(table, sa.Column('chain_hash', sa.String(length=64), nullable=True))
        op.create_index(op.f(f'ix_{table}_tenant_id_chain_seq'), table, ['tenant_id', 'chain_seq'])
    op.create_table('history_heads',
    sa.Column('chain', sa.String(length=30), nullable=False),
    sa.Column('tenant_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain', 'tenant_key', name=op.f('pk_history_heads'))
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    # The app's own sealing, so old rows hash exactly as new ones will.
    from crechebooks_desktop.db.history import seal_everything

    seal_everything(op.get_bind())


def _sealing(table: str, old: str, new: str, same: str) -> str:
    """SQL that is true when an UPDATE only seals the row."""
    unchanged = " AND ".join(f"{new}.{c} {same} {old}.{c}" for c in COLUMNS[table])
    return f"{old}.chain_hash IS NULL AND {new}.chain_hash IS NOT NULL AND {unchanged}"


def _sqlite_triggers() -> None:
    for table in COLUMNS:
        # IF EXISTS: an earlier batch migration may have rebuilt the table without them.
        for verb in ("update", "delete", "replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"WHEN NOT ({_sealing(table, 'OLD', 'NEW', 'IS')}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: REPLACE refused'); END"
        )


def _postgresql_triggers() -> None:
    for table in COLUMNS:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN (NOT ({_sealing(table, 'OLD', 'NEW', 'IS NOT DISTINCT FROM')})) "
            "EXECUTE FUNCTION refuse_append_only_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH ROW "
            "EXECUTE FUNCTION refuse_append_only_change()"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in COLUMNS:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_no_update ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_delete ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
            )
        else:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_replace")
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
            )
        op.drop_index(op.f(f'ix_{table}_tenant_id_chain_seq'), table_name=table)
        # SQLite drops a column in place (3.35+): the table and its triggers stay.
        op.drop_column(table, 'chain_hash')
        op.drop_column(table, 'chain_seq')
    op.drop_table('history_heads')
