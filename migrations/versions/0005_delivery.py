"""delivery: the outbox of messages to households, and the creche's SMTP settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14

Invoices, statements and reminders go out through an outbox in the book
(issue 12): each message has an idempotency key per document and recipient,
unique within its creche, so a crash and a rerun never send twice. Each
attachment keeps the SHA-256 its file must still have when the message is
sent. Creches gain their SMTP server's settings; its password is kept in the
operating system's keyring, never in the book.
"""

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

STATUSES = "'QUEUED', 'SENDING', 'SENT', 'FAILED', 'PRINTED'"


def _id() -> sa.Column:
    return sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)


def _fk(table: str, column: str, target: str, nullable: bool = True, ondelete: str = 'RESTRICT') -> sa.Column:
    return sa.Column(
        column,
        sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
        sa.ForeignKey(
            target,
            name=op.f(f'fk_{table}_{column}_{target.split(".")[0]}'),
            ondelete=ondelete,
        ),
        nullable=nullable,
    )


def upgrade() -> None:
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.add_column(sa.Column('smtp_host', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('smtp_port', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('smtp_security', sa.String(length=10), nullable=False, server_default='starttls')
        )
        batch_op.add_column(sa.Column('smtp_user', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('smtp_from', sa.String(length=200), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_tenants_smtp_port_range'), 'smtp_port BETWEEN 1 AND 65535'
        )
        batch_op.create_check_constraint(
            op.f('ck_tenants_smtp_security_known'), "smtp_security IN ('none', 'starttls', 'ssl')"
        )
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.alter_column('smtp_security', server_default=None)
    op.create_table(
        'outbox_messages',
        _id(),
        _fk('outbox_messages', 'tenant_id', 'tenants.id', nullable=False),
        sa.Column('idempotency_key', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        _fk('outbox_messages', 'household_id', 'households.id'),
        sa.Column('recipients', sa.String(length=1000), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=7), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=1000), nullable=True),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        _fk('outbox_messages', 'created_by', 'users.id'),
        sa.CheckConstraint(f'status IN ({STATUSES})', name=op.f('ck_outbox_messages_outbox_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint(
            'tenant_id', 'idempotency_key', name=op.f('uq_outbox_messages_tenant_id_idempotency_key')
        ),
    )
    op.create_index(op.f('ix_outbox_messages_tenant_id'), 'outbox_messages', ['tenant_id'])
    op.create_index(op.f('ix_outbox_messages_household_id'), 'outbox_messages', ['household_id'])
    op.create_index(op.f('ix_outbox_messages_status'), 'outbox_messages', ['status'])
    op.create_table(
        'outbox_attachments',
        _id(),
        _fk('outbox_attachments', 'message_id', 'outbox_messages.id', nullable=False, ondelete='CASCADE'),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        _fk('outbox_attachments', 'document_id', 'documents.id'),
        sa.Column('local_path', sa.String(length=500), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments')),
    )
    op.create_index(op.f('ix_outbox_attachments_message_id'), 'outbox_attachments', ['message_id'])
    op.create_index(op.f('ix_outbox_attachments_document_id'), 'outbox_attachments', ['document_id'])


def downgrade() -> None:
    op.drop_table('outbox_attachments')
    op.drop_table('outbox_messages')
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.drop_constraint(op.f('ck_tenants_smtp_security_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_tenants_smtp_port_range'), type_='check')
        for column in ('smtp_from', 'smtp_user', 'smtp_security', 'smtp_port', 'smtp_host'):
            batch_op.drop_column(column)
