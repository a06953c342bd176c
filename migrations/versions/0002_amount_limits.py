"""amount limits and book dates

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07

Issue 10: every money column gets a named CHECK that it holds an amount a book
takes (at most R 100 000 000,00 either way; balances, which add many amounts
up, at most R 100 000 000 000,00), and the main date columns one that they lie
within the book's years (2000-01-01 to 2099-12-31). The figures are those of
``domain.money`` and ``domain.dates`` when this revision was written, frozen
here on purpose: changing them takes a new revision.

A book that already holds a value outside them (written before the limits
existed) is not upgraded: the upgrade stops before it changes anything, names
each table, row and column at fault, and the book stays as it was (a SQLite
book has been copied to the backups folder as well).

SQLite cannot add a constraint to a table; batch mode copies each table into
a new one with it. The ledger's append-only triggers go with the old table, so
they are made again afterwards (``migrations/env.py`` turns foreign keys off
while tables are copied, as SQLite's own procedure for this says).
"""

from alembic import op
from sqlalchemy import text

from crechebooks_desktop.errors import UserFacingError

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

AMOUNT_LIMIT = 10_000_000_000
BALANCE_LIMIT = 1_000 * AMOUNT_LIMIT
FIRST_DAY, LAST_DAY = '2000-01-01', '2099-12-31'
AMOUNT, BALANCE, DATE = 'amount', 'balance', 'date'

# Each table's key (to name a row) and its columns with what they hold.
CHECKED: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    'bank_accounts': ('id', (('opening_balance_cents', AMOUNT), ('opening_as_of', DATE))),
    'bank_imports': ('id', (('opening_balance_cents', BALANCE), ('closing_balance_cents', BALANCE))),
    'bank_lines': ('id', (('amount_cents', AMOUNT), ('line_date', DATE))),
    'reconciliations': ('id', (('statement_balance_cents', AMOUNT), ('statement_date', DATE))),
    'fee_structures': ('id', (
        ('amount_cents', AMOUNT),
        ('registration_fee_cents', AMOUNT),
        ('re_registration_fee_cents', AMOUNT),
    )),
    'enrolments': ('id', (
        ('custom_amount_cents', AMOUNT), ('start_date', DATE), ('end_date', DATE),
    )),
    'enrolment_extras': ('id', (('amount_cents', AMOUNT),)),
    'charges': ('id', (('amount_cents', AMOUNT), ('charge_date', DATE))),
    'invoices': ('id', (
        ('subtotal_cents', AMOUNT),
        ('vat_cents', AMOUNT),
        ('total_cents', AMOUNT),
        ('amount_paid_cents', AMOUNT),
        ('balance_due_cents', AMOUNT),
        ('issue_date', DATE),
        ('billing_month', DATE),
    )),
    'invoice_lines': ('id', (
        ('unit_cents', AMOUNT), ('net_cents', AMOUNT), ('vat_cents', AMOUNT), ('gross_cents', AMOUNT),
    )),
    'payments': ('id', (('amount_cents', AMOUNT), ('payment_date', DATE))),
    'allocations': ('id', (('amount_cents', AMOUNT),)),
    'ledger_entries': ('id', (
        ('amount_cents', AMOUNT), ('balance_after_cents', BALANCE), ('entry_date', DATE),
    )),
    'household_balances': ('household_id', (('balance_cents', BALANCE), ('credit_cents', BALANCE))),
}
_SHOWN = 10  # offending values named one by one; the rest are counted


def _condition(column: str, kind: str) -> str:
    if kind == DATE:
        return f"{column} BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}'"
    limit = AMOUNT_LIMIT if kind == AMOUNT else BALANCE_LIMIT
    return f'{column} BETWEEN {-limit} AND {limit}'


def _name(table: str, column: str, kind: str) -> str:
    return f"ck_{table}_{column}_{'in_book_years' if kind == DATE else 'within_limit'}"


def _allowed(kind: str) -> str:
    if kind == DATE:
        return f'from {FIRST_DAY} to {LAST_DAY}'
    limit = AMOUNT_LIMIT if kind == AMOUNT else BALANCE_LIMIT
    return f'at most {limit} cents either way'


def _values_outside() -> list[str]:
    """``table row N: column is V (allowed: ...)`` for each value a CHECK would refuse."""
    found: list[str] = []
    bind = op.get_bind()
    for table, (key, columns) in CHECKED.items():
        for column, kind in columns:
            rows = bind.execute(
                text(
                    f'SELECT {key}, {column} FROM {table} '
                    f'WHERE NOT ({_condition(column, kind)}) ORDER BY {key}'
                )
            )
            found += [
                f'{table} row {row_key}: {column} is {value} (allowed: {_allowed(kind)})'
                for row_key, value in rows
            ]
    return found


def _refuse_values_outside() -> None:
    found = _values_outside()
    if not found:
        return
    more = len(found) - _SHOWN
    listed = found[:_SHOWN] + ([f'and {more} more'] if more > 0 else [])
    raise UserFacingError(
        'this book cannot be upgraded to this version of CrecheBooks: it holds amounts or dates '
        'that a book no longer takes (an amount over R 100 000 000,00, a date outside '
        f'{FIRST_DAY} to {LAST_DAY}); nothing was changed. Open it with the version that wrote '
        'it, or restore a backup from before these were entered.\n  ' + '\n  '.join(listed)
    )


def upgrade() -> None:
    _refuse_values_outside()
    for table, (_key, columns) in CHECKED.items():
        with op.batch_alter_table(table) as batch_op:
            for column, kind in columns:
                batch_op.create_check_constraint(
                    op.f(_name(table, column, kind)), _condition(column, kind)
                )
    _remake_sqlite_ledger_triggers()


def downgrade() -> None:
    for table, (_key, columns) in CHECKED.items():
        with op.batch_alter_table(table) as batch_op:
            for column, kind in columns:
                batch_op.drop_constraint(op.f(_name(table, column, kind)), type_='check')
    _remake_sqlite_ledger_triggers()


def _remake_sqlite_ledger_triggers() -> None:
    """The ledger's append-only triggers, as 0001 made them (SQLite drops them with the copied table)."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    for verb in ('UPDATE', 'DELETE'):
        op.execute(
            f'CREATE TRIGGER ledger_entries_no_{verb.lower()} BEFORE {verb} ON ledger_entries '
            f"BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: {verb} refused'); END"
        )
