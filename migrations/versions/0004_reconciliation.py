"""chart of accounts, categorisation, links and bank reconciliation

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

Every creche gets the default chart of accounts (frozen below as it was when
this revision was written) and an asset account for each of its bank
accounts. ``categorisation_rules`` and ``reconciliations`` were placeholders
that nothing wrote, so they are made again in their new shape. Bank lines keep
the statement's running balance; a file whose balances do not add up says so
on its import. Matching gains the LINKED decision (a bank line linked to a
payment recorded by hand).
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LIMIT = 10_000_000_000
BALANCE_LIMIT = 1_000 * LIMIT
FIRST_DAY, LAST_DAY = '2000-01-01', '2099-12-31'
VAT_TYPES = "'STANDARD', 'ZERO_RATED', 'EXEMPT', 'NO_VAT'"
OUTCOMES = (
    "'AUTO_APPLIED', 'REVIEW_REQUIRED', 'NO_MATCH', 'ACCEPTED', 'REJECTED', 'PARKED', 'UNDONE'"
)

# code, name, type, VAT type, system role: the default chart of this revision.
CHART = (
    ('1100', "Parents' debtors control", 'ASSET', 'NO_VAT', 'DEBTORS_CONTROL'),
    ('1200', 'VAT input', 'ASSET', 'NO_VAT', 'VAT_INPUT'),
    ('2000', "Parents' credits held", 'LIABILITY', 'NO_VAT', 'PARENT_CREDITS'),
    ('2100', 'VAT output', 'LIABILITY', 'NO_VAT', 'VAT_OUTPUT'),
    ('2200', 'Loans', 'LIABILITY', 'NO_VAT', None),
    ('3000', "Owner's equity", 'EQUITY', 'NO_VAT', 'OWNER_EQUITY'),
    ('4000', 'School fees', 'INCOME', 'EXEMPT', 'SCHOOL_FEES'),
    ('4010', 'Registration fees', 'INCOME', 'EXEMPT', None),
    ('4020', 'Extra-murals', 'INCOME', 'EXEMPT', None),
    ('4030', 'Meals', 'INCOME', 'STANDARD', None),
    ('4040', 'Transport', 'INCOME', 'STANDARD', None),
    ('4050', 'Sales of books and uniforms', 'INCOME', 'STANDARD', None),
    ('4100', 'Interest received', 'INCOME', 'EXEMPT', None),
    ('5000', 'Salaries and wages', 'EXPENSE', 'NO_VAT', None),
    ('5010', 'UIF, PAYE and SDL', 'EXPENSE', 'NO_VAT', None),
    ('5100', 'Food', 'EXPENSE', 'STANDARD', None),
    ('5110', 'Educational supplies', 'EXPENSE', 'STANDARD', None),
    ('6000', 'Rent', 'EXPENSE', 'STANDARD', None),
    ('6100', 'Repairs and maintenance', 'EXPENSE', 'STANDARD', None),
    ('6200', 'Utilities', 'EXPENSE', 'STANDARD', None),
    ('6300', 'Insurance', 'EXPENSE', 'STANDARD', None),
    ('6400', 'Transport costs', 'EXPENSE', 'STANDARD', None),
    ('6500', 'Bank charges', 'EXPENSE', 'STANDARD', None),
)


def _id() -> sa.Column:
    return sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)


def _fk(table: str, column: str, target: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        column,
        sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
        sa.ForeignKey(
            target,
            name=op.f(f'fk_{table}_{column}_{target.split(".")[0]}'),
            ondelete='RESTRICT',
        ),
        nullable=nullable,
    )


def _when() -> sa.Column:
    return sa.Column('created_at', sa.DateTime(timezone=True), nullable=False)


def _limit(column: str, limit: int = LIMIT) -> str:
    return f'{column} BETWEEN {-limit} AND {limit}'


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.add_column(
            sa.Column('vat_type', sa.String(length=10), nullable=False, server_default='NO_VAT')
        )
        batch_op.add_column(sa.Column('system_role', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_accounts_vat_type'), f'vat_type IN ({VAT_TYPES})')
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.alter_column('vat_type', server_default=None)
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.add_column(
            sa.Column('categorise_confidence', sa.SmallInteger(), nullable=False, server_default='80')
        )
        batch_op.create_check_constraint(
            op.f('ck_tenants_categorise_confidence_percent'),
            'categorise_confidence BETWEEN 0 AND 100',
        )
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.alter_column('categorise_confidence', server_default=None)
    with op.batch_alter_table('bank_imports') as batch_op:
        batch_op.add_column(sa.Column('balance_problem', sa.String(length=500), nullable=True))
    with op.batch_alter_table('bank_lines') as batch_op:
        batch_op.add_column(sa.Column('balance_cents', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_bank_lines_balance_cents_within_limit'),
            _limit('balance_cents', BALANCE_LIMIT),
        )
        batch_op.create_index(
            'ix_bank_lines_account_date', ['bank_account_id', 'line_date'], unique=False
        )
        # Lines waiting in review, found when an invoice they name changes (issue 11).
        batch_op.create_index('ix_bank_lines_tenant_status', ['tenant_id', 'status'], unique=False)
    with op.batch_alter_table('match_decisions') as batch_op:
        batch_op.drop_constraint(op.f('ck_match_decisions_match_outcome'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_match_decisions_match_outcome'), f"outcome IN ({OUTCOMES}, 'LINKED')"
        )
    op.drop_table('categorisation_rules')
    op.drop_table('reconciliations')
    _create_tables()
    _seed_charts()


def _create_tables() -> None:
    op.create_table(
        'categorisation_rules',
        _id(),
        _fk('categorisation_rules', 'tenant_id', 'tenants.id', nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text_field', sa.String(length=12), nullable=False),
        sa.Column('text_contains', sa.String(length=200), nullable=True),
        sa.Column('text_starts', sa.String(length=200), nullable=True),
        sa.Column('text_regex', sa.String(length=300), nullable=True),
        sa.Column('amount_min_cents', sa.BigInteger(), nullable=True),
        sa.Column('amount_max_cents', sa.BigInteger(), nullable=True),
        sa.Column('direction', sa.String(length=3), nullable=True),
        _fk('categorisation_rules', 'bank_account_id', 'bank_accounts.id'),
        _fk('categorisation_rules', 'account_id', 'accounts.id'),
        sa.Column('vat_type', sa.String(length=10), nullable=True),
        sa.Column('split', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=True),
        _when(),
        _fk('categorisation_rules', 'created_by', 'users.id'),
        sa.CheckConstraint(_limit('amount_min_cents'), name=op.f('ck_categorisation_rules_amount_min_cents_within_limit')),
        sa.CheckConstraint(_limit('amount_max_cents'), name=op.f('ck_categorisation_rules_amount_max_cents_within_limit')),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_categorisation_rules_direction_known')),
        sa.CheckConstraint(
            "text_field IN ('any', 'description', 'payer', 'reference')",
            name=op.f('ck_categorisation_rules_text_field_known'),
        ),
        sa.CheckConstraint('account_id IS NOT NULL OR split IS NOT NULL', name=op.f('ck_categorisation_rules_has_action')),
        sa.CheckConstraint(f'vat_type IN ({VAT_TYPES})', name=op.f('ck_categorisation_rules_vat_type')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_categorisation_rules')),
        sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_categorisation_rules_tenant_id_name')),
    )
    op.create_index(op.f('ix_categorisation_rules_tenant_id'), 'categorisation_rules', ['tenant_id'])
    op.create_table(
        'line_categories',
        _id(),
        _fk('line_categories', 'tenant_id', 'tenants.id', nullable=False),
        _fk('line_categories', 'bank_line_id', 'bank_lines.id', nullable=False),
        sa.Column('part_no', sa.SmallInteger(), nullable=False),
        _fk('line_categories', 'account_id', 'accounts.id', nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('vat_type', sa.String(length=10), nullable=False),
        sa.Column('vat_cents', sa.BigInteger(), nullable=False),
        sa.Column('source', sa.String(length=13), nullable=False),
        sa.Column('confidence', sa.SmallInteger(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=True),
        _fk('line_categories', 'rule_id', 'categorisation_rules.id'),
        _when(),
        _fk('line_categories', 'created_by', 'users.id'),
        sa.CheckConstraint(_limit('amount_cents'), name=op.f('ck_line_categories_amount_cents_within_limit')),
        sa.CheckConstraint(_limit('vat_cents'), name=op.f('ck_line_categories_vat_cents_within_limit')),
        sa.CheckConstraint('confidence BETWEEN 0 AND 100', name=op.f('ck_line_categories_confidence_percent')),
        sa.CheckConstraint(f'vat_type IN ({VAT_TYPES})', name=op.f('ck_line_categories_vat_type')),
        sa.CheckConstraint(
            "source IN ('RULE_BASED', 'SUGGESTED', 'USER_OVERRIDE')",
            name=op.f('ck_line_categories_category_source'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_line_categories')),
        sa.UniqueConstraint('bank_line_id', 'part_no', name=op.f('uq_line_categories_bank_line_id_part_no')),
    )
    op.create_index(op.f('ix_line_categories_tenant_id'), 'line_categories', ['tenant_id'])
    # No index of its own on bank_line_id: the unique (bank_line_id, part_no) leads with it.
    op.create_index(op.f('ix_line_categories_account_id'), 'line_categories', ['account_id'])
    op.create_table(
        'category_memory',
        _id(),
        _fk('category_memory', 'tenant_id', 'tenants.id', nullable=False),
        sa.Column('text_key', sa.String(length=200), nullable=False),
        _fk('category_memory', 'account_id', 'accounts.id', nullable=False),
        sa.Column('vat_type', sa.String(length=10), nullable=False),
        _fk('category_memory', 'bank_line_id', 'bank_lines.id'),
        _when(),
        sa.Column('forgotten_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f'vat_type IN ({VAT_TYPES})', name=op.f('ck_category_memory_vat_type')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_category_memory')),
    )
    op.create_index(op.f('ix_category_memory_tenant_id'), 'category_memory', ['tenant_id'])
    op.create_index(op.f('ix_category_memory_text_key'), 'category_memory', ['text_key'])
    op.create_table(
        'reconciliations',
        _id(),
        _fk('reconciliations', 'tenant_id', 'tenants.id', nullable=False),
        _fk('reconciliations', 'bank_account_id', 'bank_accounts.id', nullable=False),
        sa.Column('statement_date', sa.Date(), nullable=False),
        sa.Column('statement_balance_cents', sa.BigInteger(), nullable=False),
        sa.Column('opening_balance_cents', sa.BigInteger(), nullable=False),
        sa.Column('file_balance_cents', sa.BigInteger(), nullable=True),
        sa.Column('status', sa.String(length=11), nullable=False),
        _when(),
        _fk('reconciliations', 'created_by', 'users.id'),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        _fk('reconciliations', 'finished_by', 'users.id'),
        sa.Column('unlocked_at', sa.DateTime(timezone=True), nullable=True),
        _fk('reconciliations', 'unlocked_by', 'users.id'),
        sa.Column('unlock_reason', sa.String(length=500), nullable=True),
        sa.CheckConstraint(_limit('statement_balance_cents', BALANCE_LIMIT), name=op.f('ck_reconciliations_statement_balance_cents_within_limit')),
        sa.CheckConstraint(_limit('opening_balance_cents', BALANCE_LIMIT), name=op.f('ck_reconciliations_opening_balance_cents_within_limit')),
        sa.CheckConstraint(_limit('file_balance_cents', BALANCE_LIMIT), name=op.f('ck_reconciliations_file_balance_cents_within_limit')),
        sa.CheckConstraint(
            f"statement_date BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}'",
            name=op.f('ck_reconciliations_statement_date_in_book_years'),
        ),
        sa.CheckConstraint(
            "status IN ('IN_PROGRESS', 'FINISHED', 'UNLOCKED')",
            name=op.f('ck_reconciliations_reconciliation_status'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliations')),
    )
    op.create_index(op.f('ix_reconciliations_tenant_id'), 'reconciliations', ['tenant_id'])
    op.create_index('ix_reconciliations_account_date', 'reconciliations', ['bank_account_id', 'statement_date'])
    op.create_table(
        'refund_links',
        _id(),
        _fk('refund_links', 'tenant_id', 'tenants.id', nullable=False),
        _fk('refund_links', 'ledger_entry_id', 'ledger_entries.id', nullable=False),
        _fk('refund_links', 'bank_line_id', 'bank_lines.id', nullable=False),
        _when(),
        _fk('refund_links', 'created_by', 'users.id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_links')),
        sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_refund_links_ledger_entry_id')),
        sa.UniqueConstraint('bank_line_id', name=op.f('uq_refund_links_bank_line_id')),
    )
    op.create_index(op.f('ix_refund_links_tenant_id'), 'refund_links', ['tenant_id'])


def _seed_charts() -> None:
    """The default chart for every creche, and an asset account for each bank account."""
    bind = op.get_bind()
    accounts = sa.table(
        'accounts',
        sa.column('tenant_id'), sa.column('code'), sa.column('name'), sa.column('account_type'),
        sa.column('vat_type'), sa.column('is_default'), sa.column('system_role'),
    )  # fmt: skip
    tenants = [row[0] for row in bind.execute(sa.text('SELECT id FROM tenants ORDER BY id'))]
    for tenant_id in tenants:
        taken = {
            row[0]
            for row in bind.execute(
                sa.text('SELECT code FROM accounts WHERE tenant_id = :t'), {'t': tenant_id}
            )
        }
        rows = [
            {
                'tenant_id': tenant_id, 'code': code, 'name': name, 'account_type': kind,
                'vat_type': vat, 'is_default': True, 'system_role': role,
            }
            for code, name, kind, vat, role in CHART
            if code not in taken
        ]  # fmt: skip
        if rows:
            bind.execute(sa.insert(accounts), rows)
        banks = bind.execute(
            sa.text(
                'SELECT id, name FROM bank_accounts WHERE tenant_id = :t AND account_id IS NULL '
                'ORDER BY id'
            ),
            {'t': tenant_id},
        ).all()
        codes = iter(str(n) for n in range(1000, 1100) if str(n) not in taken)
        for bank_id, name in banks:
            code = next(codes)
            bind.execute(
                sa.insert(accounts),
                [{
                    'tenant_id': tenant_id, 'code': code, 'name': name, 'account_type': 'ASSET',
                    'vat_type': 'NO_VAT', 'is_default': False, 'system_role': 'BANK',
                }],
            )  # fmt: skip
            account_id = bind.execute(
                sa.text('SELECT id FROM accounts WHERE tenant_id = :t AND code = :c'),
                {'t': tenant_id, 'c': code},
            ).scalar_one()
            bind.execute(
                sa.text('UPDATE bank_accounts SET account_id = :a WHERE id = :b'),
                {'a': account_id, 'b': bank_id},
            )


def downgrade() -> None:
    for table in ('refund_links', 'reconciliations', 'category_memory', 'line_categories', 'categorisation_rules'):
        op.drop_table(table)
    op.create_table(
        'categorisation_rules',
        _id(),
        _fk('categorisation_rules', 'tenant_id', 'tenants.id', nullable=False),
        sa.Column('pattern', sa.String(length=200), nullable=False),
        _fk('categorisation_rules', 'account_id', 'accounts.id', nullable=False),
        sa.Column('vat_treatment', sa.String(length=8), nullable=False),
        sa.Column('priority', sa.Integer(), nullable=False),
        sa.CheckConstraint("vat_treatment IN ('STANDARD', 'EXEMPT')", name=op.f('ck_categorisation_rules_vat_treatment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_categorisation_rules')),
    )
    op.create_index(op.f('ix_categorisation_rules_tenant_id'), 'categorisation_rules', ['tenant_id'])
    op.create_index(op.f('ix_categorisation_rules_account_id'), 'categorisation_rules', ['account_id'])
    op.create_table(
        'reconciliations',
        _id(),
        _fk('reconciliations', 'tenant_id', 'tenants.id', nullable=False),
        _fk('reconciliations', 'bank_account_id', 'bank_accounts.id', nullable=False),
        sa.Column('statement_date', sa.Date(), nullable=False),
        sa.Column('statement_balance_cents', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=11), nullable=False),
        _when(),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        _fk('reconciliations', 'finished_by', 'users.id'),
        sa.CheckConstraint(_limit('statement_balance_cents'), name=op.f('ck_reconciliations_statement_balance_cents_within_limit')),
        sa.CheckConstraint(
            f"statement_date BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}'",
            name=op.f('ck_reconciliations_statement_date_in_book_years'),
        ),
        sa.CheckConstraint("status IN ('IN_PROGRESS', 'FINISHED')", name=op.f('ck_reconciliations_reconciliation_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliations')),
    )
    op.create_index(op.f('ix_reconciliations_tenant_id'), 'reconciliations', ['tenant_id'])
    op.create_index(op.f('ix_reconciliations_bank_account_id'), 'reconciliations', ['bank_account_id'])
    with op.batch_alter_table('match_decisions') as batch_op:
        batch_op.drop_constraint(op.f('ck_match_decisions_match_outcome'), type_='check')
        batch_op.create_check_constraint(op.f('ck_match_decisions_match_outcome'), f'outcome IN ({OUTCOMES})')
    with op.batch_alter_table('bank_lines') as batch_op:
        batch_op.drop_index('ix_bank_lines_tenant_status')
        batch_op.drop_index('ix_bank_lines_account_date')
        batch_op.drop_constraint(op.f('ck_bank_lines_balance_cents_within_limit'), type_='check')
        batch_op.drop_column('balance_cents')
    with op.batch_alter_table('bank_imports') as batch_op:
        batch_op.drop_column('balance_problem')
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.drop_constraint(op.f('ck_tenants_categorise_confidence_percent'), type_='check')
        batch_op.drop_column('categorise_confidence')
    op.execute("UPDATE bank_accounts SET account_id = NULL")
    op.execute("DELETE FROM accounts")
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.drop_constraint(op.f('ck_accounts_vat_type'), type_='check')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('system_role')
        batch_op.drop_column('vat_type')
