"""credit in Xero: which allocations an adjustment made, and credit drawn from overpayments

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

Issue 15. A household's credit goes to Xero as Xero models it: a payment's
excess is an overpayment there, and credit used on an invoice, refunded, or
taken back by a reversed payment draws on those overpayments.

``allocations.adjustment_entry_id`` tells an allocation a negative adjustment
made (it reduces an invoice without using credit) from one that used credit;
both have no payment. Allocations made before this revision have it empty.

``xero_credit_draws`` keeps which source of credit in Xero each use of credit
draws on (``source_kind`` "payment": the overpayment of that payment's excess)
and how much, decided once and kept, so a rerun sends the very same requests;
its ``xero_id`` is set when Xero has it.
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_LIMIT = 10_000_000_000


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adjustment_entry_id", _big(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_allocations_adjustment_entry_id_ledger_entries"),
            "ledger_entries",
            ["adjustment_entry_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    op.create_table(
        "xero_credit_draws",
        sa.Column("id", _big(), nullable=False),
        sa.Column("tenant_id", _big(), nullable=False),
        sa.Column("use_kind", sa.String(length=10), nullable=False),
        sa.Column("use_id", _big(), nullable=False),
        sa.Column("source_kind", sa.String(length=12), nullable=False),
        sa.Column("source_id", _big(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("xero_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_xero_credit_draws_amount_positive")),
        sa.CheckConstraint(
            f"amount_cents BETWEEN {-_LIMIT} AND {_LIMIT}",
            name=op.f("ck_xero_credit_draws_amount_cents_within_limit"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_xero_credit_draws_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xero_credit_draws")),
        sa.UniqueConstraint(
            "tenant_id",
            "use_kind",
            "use_id",
            "source_kind",
            "source_id",
            name=op.f("uq_xero_credit_draws_tenant_id_use_kind_use_id_source_kind_source_id"),
        ),
    )
    op.create_index(op.f("ix_xero_credit_draws_tenant_id"), "xero_credit_draws", ["tenant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_xero_credit_draws_tenant_id"), table_name="xero_credit_draws")
    op.drop_table("xero_credit_draws")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_allocations_adjustment_entry_id_ledger_entries"), type_="foreignkey"
        )
        batch_op.drop_column("adjustment_entry_id")
