"""invoices: imported from a previous system (when, and the hash of the row)

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-06

Issue 16. ``invoices import`` brings in invoices issued by the creche's
previous system. ``invoices.imported_at`` is when one was imported (NULL for
the book's own invoices); ``invoices.import_hash`` is the SHA-256 of the
file's row it came from (``importers.invoice_history_csv``), unique in the
creche, so importing the same file again adds nothing. Several NULLs do not
collide: a unique index lets any number of them through on both backends.
The index is partial (imported invoices only): a whole one, led by
``tenant_id``, is what SQLite's planner took for every ``tenant_id = ?``
query on invoices, reading them all instead of a household's or a month's.

Existing invoices get NULL in both. Downgrading drops the index and columns.
"""

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("import_hash", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_invoices_import_hash",
        "invoices",
        ["tenant_id", "import_hash"],
        unique=True,
        sqlite_where=sa.text("import_hash IS NOT NULL"),
        postgresql_where=sa.text("import_hash IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_invoices_import_hash", table_name="invoices")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("import_hash")
        batch_op.drop_column("imported_at")
