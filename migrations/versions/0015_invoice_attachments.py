"""documents: invoice attachments (a name as attached, hidden instead of deleted)

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-05

Issue 16. Files kept with an invoice (PDF, images, office documents) are
``documents`` rows of kind ``attachment`` for the entity ``invoice``.
``documents.name`` is the file's name as it was attached (NULL for the
generated PDFs archived before); ``documents.hidden_at`` is when it was
detached: the row and the file stay, only hidden from the list.

Existing rows get NULL in both. Downgrading drops the two columns.
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("name")
