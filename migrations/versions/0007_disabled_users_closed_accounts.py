"""administration: users disabled in a creche, bank accounts closed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14

A user is never deleted (the audit log names them): an administrator disables
them in one creche (``tenant_users.disabled_at``), and they can no longer sign
in there or act in it. Their role in other creches of the book is untouched.

A bank account is never deleted either (its lines are history): a closed one
(``bank_accounts.closed_at``) takes no more statements.
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tenant_users') as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('bank_accounts') as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bank_accounts') as batch_op:
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('tenant_users') as batch_op:
        batch_op.drop_column('disabled_at')
