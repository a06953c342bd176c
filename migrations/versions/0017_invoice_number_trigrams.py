"""invoices: a trigram index on the number, on PostgreSQL (quick find)

Revision ID: 0017
Revises: 0016
Create Date: 2027-01-07

Issue 16. Quick find looks for a part of an invoice number typed in any
case. On PostgreSQL a case-blind match (ILIKE) over 200,000 numbers takes
65-85 ms; a GIN index of the numbers' trigrams (the ``pg_trgm`` extension
that ships with PostgreSQL) answers it in under 20 ms. SQLite needs no index:
its LIKE walks the ``(tenant_id, number)`` index in about 20 ms.

The extension is created only where the server offers it and this user may
create it (any database owner may, from PostgreSQL 13, for this "trusted"
extension); otherwise the book is upgraded without the index and quick find
still works, more slowly. The attempt runs in a savepoint, so a refusal
leaves the upgrade's transaction usable. Downgrading drops the index and
keeps the extension (something else may use it).
"""

from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEX = "ix_invoices_number_trgm"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    offered = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).first()
    if offered is None:
        return
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        bind.execute(
            sa.text(f"CREATE INDEX IF NOT EXISTS {INDEX} ON invoices USING gin (number gin_trgm_ops)")
        )
    except sa.exc.DBAPIError:
        savepoint.rollback()  # not allowed here: quick find reads without it
    else:
        savepoint.commit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
