"""invoices: free-text notes

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-04

Issue 16. An invoice carries notes for the office (``invoices.notes``): free
text of several lines, at most 2,000 characters (``domain.notes``), editable
whatever the invoice's status. They are not part of the tax invoice: an
archived or sent PDF never shows them, and changing them leaves the invoice's
version and document hash as they were.

Existing invoices get NULL (no notes). Downgrading drops the notes.
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("notes")
