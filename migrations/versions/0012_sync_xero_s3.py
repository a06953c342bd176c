"""sync: the outbox's items, Xero's connection, ids and mappings, the S3 archive settings

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-28

Issue 15. ``sync_outbox`` had no rows (nothing synced before), so it is made
again in its working shape: an action per item, an idempotency key sent with
its request (unique, so a rerun sends the same key and Xero does not apply it
twice), and at most one unfinished item per thing and action (a partial unique
index), so a change that happens while an item waits updates that item.

``xero_connections`` holds the creche's chosen organisation (never a token: those
live in the keyring); ``xero_links`` the id Xero gave each of our rows and the
digest of what was last sent; ``xero_mappings`` the account codes the user chose.
The creche's S3 bucket, region and prefix are settings on ``tenants``.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"],
        ["tenants.id"],
        name=op.f(f"fk_{table}_tenant_id_tenants"),
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("s3_bucket", sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column("s3_region", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("s3_prefix", sa.String(length=200), nullable=True))

    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_outbox_tenant_id"))
    op.drop_table("sync_outbox")
    op.create_table(
        "sync_outbox",
        sa.Column("id", _big(), nullable=False),
        sa.Column("tenant_id", _big(), nullable=False),
        sa.Column(
            "target",
            sa.Enum("XERO", "S3", name="sync_target", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", _big(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "DONE",
                "FAILED",
                name="sync_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        _tenant_fk("sync_outbox"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_sync_outbox_idempotency_key")),
    )
    op.create_index(
        op.f("ix_sync_outbox_tenant_id_target_status"),
        "sync_outbox",
        ["tenant_id", "target", "status"],
    )
    op.create_index(
        "uq_sync_outbox_unfinished",
        "sync_outbox",
        ["tenant_id", "target", "entity", "entity_id", "action"],
        unique=True,
        sqlite_where=sa.text("status <> 'DONE'"),
        postgresql_where=sa.text("status <> 'DONE'"),
    )

    op.create_table(
        "xero_connections",
        sa.Column("tenant_id", _big(), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("xero_tenant_id", sa.String(length=64), nullable=False),
        sa.Column("xero_tenant_name", sa.String(length=200), nullable=False),
        sa.Column("connection_id", sa.String(length=64), nullable=True),
        sa.Column("sync_from", sa.Date(), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connected_by", _big(), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("day_remaining", sa.Integer(), nullable=True),
        sa.Column("resume_after", sa.DateTime(timezone=True), nullable=True),
        _tenant_fk("xero_connections"),
        sa.ForeignKeyConstraint(
            ["connected_by"],
            ["users.id"],
            name=op.f("fk_xero_connections_connected_by_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_xero_connections")),
    )

    op.create_table(
        "xero_links",
        sa.Column("id", _big(), nullable=False),
        sa.Column("tenant_id", _big(), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", _big(), nullable=False),
        sa.Column("xero_id", sa.String(length=64), nullable=False),
        sa.Column("sent_digest", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("xero_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xero_links")),
        sa.UniqueConstraint(
            "tenant_id",
            "entity",
            "entity_id",
            name=op.f("uq_xero_links_tenant_id_entity_entity_id"),
        ),
    )
    op.create_index(op.f("ix_xero_links_tenant_id"), "xero_links", ["tenant_id"])

    op.create_table(
        "xero_mappings",
        sa.Column("id", _big(), nullable=False),
        sa.Column("tenant_id", _big(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ours", sa.String(length=100), nullable=False),
        sa.Column("xero_code", sa.String(length=50), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("xero_mappings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xero_mappings")),
        sa.UniqueConstraint(
            "tenant_id", "kind", "ours", name=op.f("uq_xero_mappings_tenant_id_kind_ours")
        ),
    )
    op.create_index(op.f("ix_xero_mappings_tenant_id"), "xero_mappings", ["tenant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_xero_mappings_tenant_id"), table_name="xero_mappings")
    op.drop_table("xero_mappings")
    op.drop_index(op.f("ix_xero_links_tenant_id"), table_name="xero_links")
    op.drop_table("xero_links")
    op.drop_table("xero_connections")
    op.drop_index("uq_sync_outbox_unfinished", table_name="sync_outbox")
    op.drop_index(op.f("ix_sync_outbox_tenant_id_target_status"), table_name="sync_outbox")
    op.drop_table("sync_outbox")
    op.create_table(
        "sync_outbox",
        sa.Column("id", _big(), nullable=False),
        sa.Column("tenant_id", _big(), nullable=False),
        sa.Column(
            "target",
            sa.Enum("XERO", "S3", name="sync_target", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", _big(), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "DONE",
                "FAILED",
                name="sync_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        _tenant_fk("sync_outbox"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_outbox_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("s3_prefix")
        batch_op.drop_column("s3_region")
        batch_op.drop_column("s3_bucket")
