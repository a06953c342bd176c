"""bank statements: column mappings saved as named CSV profiles

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-22

A creche whose bank's CSV layout no built-in profile reads maps its columns
once and saves the mapping under a name (``bank profiles add``, or the import
dialog's mapping step); files with the same header are read with it from then
on (issue 14). ``mapping`` is the mapping as JSON text; ``name_key`` the name
case-folded, unique in the creche.
"""

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'bank_csv_profiles',
        sa.Column('id', _big(), nullable=False),
        sa.Column('tenant_id', _big(), nullable=False),
        sa.Column('name', sa.String(length=30), nullable=False),
        sa.Column('name_key', sa.String(length=120), nullable=False),
        sa.Column('mapping', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', _big(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by'],
            ['users.id'],
            name=op.f('fk_bank_csv_profiles_created_by_users'),
            ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['tenant_id'],
            ['tenants.id'],
            name=op.f('fk_bank_csv_profiles_tenant_id_tenants'),
            ondelete='RESTRICT',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_csv_profiles')),
        sa.UniqueConstraint(
            'tenant_id', 'name_key', name=op.f('uq_bank_csv_profiles_tenant_id_name_key')
        ),
    )
    op.create_index(op.f('ix_bank_csv_profiles_tenant_id'), 'bank_csv_profiles', ['tenant_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_bank_csv_profiles_tenant_id'), table_name='bank_csv_profiles')
    op.drop_table('bank_csv_profiles')
