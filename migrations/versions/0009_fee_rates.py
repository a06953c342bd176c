"""fee structures: dated amounts (a change applies from a month on)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-21

A fee's monthly amount (or hourly rate) and its registration fees move from
``fee_structures`` to ``fee_structure_rates``, one row per version, each from
the 1st of a month. The monthly run bills a month at the version in force on
its first day; invoices already made keep their own line amounts. Every
existing fee gets one version from the book's first day (2000-01-01), so
nothing a book bills changes with the upgrade.

Downgrading keeps each fee's latest version only.
"""

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_LIMIT = 10_000_000_000  # domain.money.MAX_AMOUNT_CENTS
_FIRST_DAY = '2000-01-01'  # domain.dates.FIRST_BOOK_DAY
_AMOUNTS = ('amount_cents', 'registration_fee_cents', 're_registration_fee_cents')
_NOT_NEGATIVE = {
    'amount_cents': 'amount_not_negative',
    'registration_fee_cents': 'registration_not_negative',
    're_registration_fee_cents': 're_registration_not_negative',
}


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _checks(table: str) -> list[sa.CheckConstraint]:
    checks = []
    for column in _AMOUNTS:
        checks.append(
            sa.CheckConstraint(
                f'{column} IS NULL OR {column} >= 0',
                name=op.f(f'ck_{table}_{_NOT_NEGATIVE[column]}'),
            )
        )
        checks.append(
            sa.CheckConstraint(
                f'{column} BETWEEN -{_LIMIT} AND {_LIMIT}',
                name=op.f(f'ck_{table}_{column}_within_limit'),
            )
        )
    return checks


def upgrade() -> None:
    op.create_table(
        'fee_structure_rates',
        sa.Column('id', _big(), nullable=False),
        sa.Column('tenant_id', _big(), nullable=False),
        sa.Column('fee_structure_id', _big(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=True),
        sa.Column('registration_fee_cents', sa.BigInteger(), nullable=True),
        sa.Column('re_registration_fee_cents', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        *_checks('fee_structure_rates'),
        sa.CheckConstraint(
            f"effective_from BETWEEN '{_FIRST_DAY}' AND '2099-12-31'",
            name=op.f('ck_fee_structure_rates_effective_from_in_book_years'),
        ),
        sa.ForeignKeyConstraint(
            ['fee_structure_id'],
            ['fee_structures.id'],
            name=op.f('fk_fee_structure_rates_fee_structure_id_fee_structures'),
            ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['tenant_id'],
            ['tenants.id'],
            name=op.f('fk_fee_structure_rates_tenant_id_tenants'),
            ondelete='RESTRICT',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_structure_rates')),
        sa.UniqueConstraint(
            'fee_structure_id',
            'effective_from',
            name=op.f('uq_fee_structure_rates_fee_structure_id_effective_from'),
        ),
    )
    op.create_index(
        op.f('ix_fee_structure_rates_tenant_id'), 'fee_structure_rates', ['tenant_id']
    )
    op.execute(
        'INSERT INTO fee_structure_rates (tenant_id, fee_structure_id, effective_from, '
        'amount_cents, registration_fee_cents, re_registration_fee_cents, created_at) '
        f"SELECT tenant_id, id, '{_FIRST_DAY}', amount_cents, registration_fee_cents, "
        're_registration_fee_cents, created_at FROM fee_structures ORDER BY id'
    )
    with op.batch_alter_table('fee_structures') as batch_op:
        for column in _AMOUNTS:
            batch_op.drop_constraint(
                op.f(f'ck_fee_structures_{_NOT_NEGATIVE[column]}'), type_='check'
            )
            batch_op.drop_constraint(
                op.f(f'ck_fee_structures_{column}_within_limit'), type_='check'
            )
        for column in _AMOUNTS:
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table('fee_structures') as batch_op:
        for column in _AMOUNTS:
            batch_op.add_column(sa.Column(column, sa.BigInteger(), nullable=True))
        for check in _checks('fee_structures'):
            batch_op.create_check_constraint(check.name, check.sqltext)
    latest = (
        'SELECT {column} FROM fee_structure_rates r WHERE r.fee_structure_id = fee_structures.id '
        'ORDER BY r.effective_from DESC LIMIT 1'
    )
    op.execute(
        'UPDATE fee_structures SET '
        + ', '.join(f'{column} = ({latest.format(column=column)})' for column in _AMOUNTS)
    )
    op.drop_index(op.f('ix_fee_structure_rates_tenant_id'), table_name='fee_structure_rates')
    op.drop_table('fee_structure_rates')
