"""bank lines: the transaction date beside the posting date

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-22

Some banks (Capitec, Investec) export both the day a payment was posted and
the day the payer made it (issue 14). The posting date stays the line's date
(``bank_lines.line_date``: the statement, its balance, dedup, locks); the
transaction date is kept beside it (``bank_lines.transaction_date``) to be
shown, NULL where the file gives none or it is the posting date. Like every
date of the book it lies within the book's years.

Existing lines get NULL: their files were read without it. Downgrading drops it.
"""

from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_IN_BOOK_YEARS = "transaction_date BETWEEN '2000-01-01' AND '2099-12-31'"  # domain.dates


def upgrade() -> None:
    with op.batch_alter_table('bank_lines') as batch_op:
        batch_op.add_column(sa.Column('transaction_date', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_bank_lines_transaction_date_in_book_years'), _IN_BOOK_YEARS
        )


def downgrade() -> None:
    with op.batch_alter_table('bank_lines') as batch_op:
        batch_op.drop_constraint(
            op.f('ck_bank_lines_transaction_date_in_book_years'), type_='check'
        )
        batch_op.drop_column('transaction_date')
