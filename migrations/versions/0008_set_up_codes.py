"""sign-in: one-time set-up codes for users added without a password

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-21

A user an administrator adds without a password gets a one-time set-up code,
kept only as a hash (``users.setup_code_hash``) with the moment it stops
working (``users.setup_code_expires_at``). Their first sign-in needs the code,
so nobody claims an account by reaching the sign-in dialog first.
"""

from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('setup_code_hash', sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column('setup_code_expires_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('setup_code_expires_at')
        batch_op.drop_column('setup_code_hash')
