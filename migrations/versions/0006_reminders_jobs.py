"""reminders and scheduled jobs: the reminder policy, holds, reminders sent, job runs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Each invoice gets each reminder level at most once: ``reminder_invoices`` is
unique on (invoice, level), so the database itself refuses a second. A
scheduled job runs once per period (``job_runs`` unique on creche, job and
period). Creches gain the minimum amount for a reminder and the day of the
month on which the month's invoices are made.
"""

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_LIMIT = 10_000_000_000  # domain.money.MAX_AMOUNT_CENTS


def _id() -> sa.Column:
    return sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)


def _fk(table: str, column: str, target: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        column,
        sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
        sa.ForeignKey(
            target, name=op.f(f'fk_{table}_{column}_{target.split(".")[0]}'), ondelete='RESTRICT'
        ),
        nullable=nullable,
    )


def _within(table: str, column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f'{column} BETWEEN -{_LIMIT} AND {_LIMIT}', name=op.f(f'ck_{table}_{column}_within_limit')
    )


def upgrade() -> None:
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.add_column(
            sa.Column('reminder_min_cents', sa.BigInteger(), nullable=False, server_default='5000')
        )
        batch_op.add_column(sa.Column('billing_day', sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_tenants_reminder_min_not_negative'), 'reminder_min_cents >= 0'
        )
        batch_op.create_check_constraint(
            op.f('ck_tenants_reminder_min_cents_within_limit'),
            f'reminder_min_cents BETWEEN -{_LIMIT} AND {_LIMIT}',
        )
        batch_op.create_check_constraint(
            op.f('ck_tenants_billing_day_in_month'), 'billing_day BETWEEN 1 AND 28'
        )
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.alter_column('reminder_min_cents', server_default=None)
    op.create_table(
        'reminder_levels',
        _id(),
        _fk('reminder_levels', 'tenant_id', 'tenants.id', nullable=False),
        sa.Column('number', sa.SmallInteger(), nullable=False),
        sa.Column('days', sa.SmallInteger(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('wording', sa.Text(), nullable=False),
        sa.CheckConstraint('days > 0', name=op.f('ck_reminder_levels_days_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_levels')),
        sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_reminder_levels_tenant_id_number')),
    )
    op.create_index(op.f('ix_reminder_levels_tenant_id'), 'reminder_levels', ['tenant_id'])
    op.create_table(
        'reminder_holds',
        _id(),
        _fk('reminder_holds', 'tenant_id', 'tenants.id', nullable=False),
        _fk('reminder_holds', 'household_id', 'households.id', nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('until', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _fk('reminder_holds', 'created_by', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_holds')),
        sa.UniqueConstraint(
            'tenant_id', 'household_id', name=op.f('uq_reminder_holds_tenant_id_household_id')
        ),
    )
    op.create_index(op.f('ix_reminder_holds_tenant_id'), 'reminder_holds', ['tenant_id'])
    op.create_table(
        'reminders',
        _id(),
        _fk('reminders', 'tenant_id', 'tenants.id', nullable=False),
        _fk('reminders', 'household_id', 'households.id', nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('level', sa.SmallInteger(), nullable=False),
        sa.Column('total_cents', sa.BigInteger(), nullable=False),
        sa.Column('delivery', sa.String(length=10), nullable=False),
        _fk('reminders', 'document_id', 'documents.id'),
        _fk('reminders', 'outbox_message_id', 'outbox_messages.id'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _fk('reminders', 'created_by', 'users.id'),
        _within('reminders', 'total_cents'),
        sa.CheckConstraint(
            "delivery IN ('email', 'print')", name=op.f('ck_reminders_delivery_known')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    )
    op.create_index(op.f('ix_reminders_tenant_id'), 'reminders', ['tenant_id'])
    op.create_index(op.f('ix_reminders_household_id'), 'reminders', ['household_id'])
    op.create_table(
        'reminder_invoices',
        _id(),
        _fk('reminder_invoices', 'tenant_id', 'tenants.id', nullable=False),
        _fk('reminder_invoices', 'reminder_id', 'reminders.id', nullable=False),
        _fk('reminder_invoices', 'invoice_id', 'invoices.id', nullable=False),
        sa.Column('level', sa.SmallInteger(), nullable=False),
        sa.Column('owed_cents', sa.BigInteger(), nullable=False),
        _within('reminder_invoices', 'owed_cents'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_invoices')),
        sa.UniqueConstraint(
            'invoice_id', 'level', name=op.f('uq_reminder_invoices_invoice_id_level')
        ),
    )
    op.create_index(op.f('ix_reminder_invoices_tenant_id'), 'reminder_invoices', ['tenant_id'])
    op.create_index(op.f('ix_reminder_invoices_reminder_id'), 'reminder_invoices', ['reminder_id'])
    op.create_table(
        'job_runs',
        _id(),
        _fk('job_runs', 'tenant_id', 'tenants.id', nullable=False),
        sa.Column('job', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column(
            'result', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'),
            nullable=True,
        ),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        _fk('job_runs', 'created_by', 'users.id'),
        sa.CheckConstraint(
            "status IN ('RUNNING', 'DONE', 'FAILED')", name=op.f('ck_job_runs_job_status')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
        sa.UniqueConstraint('tenant_id', 'job', 'period', name=op.f('uq_job_runs_tenant_id_job_period')),
    )
    op.create_index(op.f('ix_job_runs_tenant_id'), 'job_runs', ['tenant_id'])


def downgrade() -> None:
    op.drop_table('job_runs')
    op.drop_table('reminder_invoices')
    op.drop_table('reminders')
    op.drop_table('reminder_holds')
    op.drop_table('reminder_levels')
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.drop_constraint(op.f('ck_tenants_billing_day_in_month'), type_='check')
        batch_op.drop_constraint(op.f('ck_tenants_reminder_min_cents_within_limit'), type_='check')
        batch_op.drop_constraint(op.f('ck_tenants_reminder_min_not_negative'), type_='check')
        batch_op.drop_column('billing_day')
        batch_op.drop_column('reminder_min_cents')
