"""Sealing the book's history into hash chains, and reading the chains back.

Audit records and ledger entries are inserted unsealed, and the repositories
note what they inserted on the session. When the write transaction ends,
``seal_pending`` locks each chain's head (one row per history table and
creche), gives the new rows their places and hashes, and moves the head.
Sealing last, with nothing else to wait for while the heads are held, keeps two
PCs writing to one book from ever waiting on each other in a circle; the chain
order is the order in which transactions committed.

The append-only triggers let an UPDATE through only when it seals a row: the
hash goes from NULL to a value and nothing else changes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, select, text, update
from sqlalchemy.orm import Session

from crechebooks_desktop.db.repositories.bulk import table_of
from crechebooks_desktop.db.tables import AuditRecord, HistoryHead, LedgerEntry
from crechebooks_desktop.db.types import json_text
from crechebooks_desktop.domain import history
from crechebooks_desktop.domain.history import ChainedRow, ChainHead

_PENDING = "crechebooks_unsealed"
BOOK_WIDE = 0
"""The ``tenant_key`` of the chain of audit records that belong to no creche."""


@dataclass(frozen=True, slots=True)
class Chain:
    """One history table and the columns its hash covers (hashed form ``cb1``).

    Attributes:
        table: the table.
        content: the hashed columns, in order; the first two are ``id`` and ``tenant_id``.
        documents: those of them that hold JSON documents.
    """

    table: Table
    content: tuple[str, ...]
    documents: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The table's name (also the chain's key in ``history_heads``)."""
        return self.table.name


AUDIT = Chain(
    table_of(AuditRecord),
    (
        "id", "tenant_id", "user_id", "username", "at", "action",
        "entity", "entity_id", "before", "after",
    ),
    frozenset({"before", "after"}),
)  # fmt: skip
LEDGER = Chain(
    table_of(LedgerEntry),
    (
        "id", "tenant_id", "household_id", "entry_date", "entry_type", "amount_cents",
        "balance_after_cents", "source_type", "source_id", "description", "created_at",
        "created_by",
    ),
)  # fmt: skip
CHAINS = (AUDIT, LEDGER)
"""Sealed in this order in every transaction, so heads are always locked in one order."""

_HEADS = table_of(HistoryHead)

# The triggers that keep the history append-only (migration 0003), by backend.
PROTECTIONS = {
    backend: tuple(f"{chain.name}_{verb}" for chain in CHAINS for verb in verbs)
    for backend, verbs in (
        ("sqlite", ("no_update", "no_delete", "no_replace")),
        ("postgresql", ("no_update", "no_delete", "no_truncate")),
    )
}

Content = tuple[Any, ...]
"""A row's hashed columns, in its chain's order."""


def note_written(session: Session, chain: Chain, rows: Iterable[Mapping[str, Any]]) -> None:
    """Remember rows inserted in this transaction, to seal them when it ends.

    The rows are hashed as they were inserted (every hashed column must be
    given), with each JSON document as the book stores it and reads it back,
    so sealing needs no second read of what was just written.
    """
    pending = session.info.setdefault(_PENDING, {}).setdefault(chain.name, [])
    documents = chain.documents
    pending.extend(
        tuple(
            _as_stored(row[column]) if column in documents else row[column]
            for column in chain.content
        )
        for row in rows
    )


def _as_stored(document: Any) -> Any:
    return None if document is None else json.loads(json_text(document))


def seal_pending(session: Session) -> None:
    """Seal the rows this transaction wrote into their chains (call just before commit)."""
    pending: dict[str, list[Content]] = session.info.pop(_PENDING, {})
    for chain in CHAINS:
        contents = pending.get(chain.name)
        if contents:
            by_tenant: dict[int, list[Content]] = defaultdict(list)
            for content in contents:
                by_tenant[_tenant_key(content[1])].append(content)
            for tenant_key in sorted(by_tenant):
                rows = sorted(by_tenant[tenant_key], key=itemgetter(0))
                _seal(session.connection(), chain, tenant_key, rows)


def seal_everything(connection: Connection, batch: int = 20_000) -> None:
    """Seal every unsealed row of the book, per creche in id order, read back in batches.

    This builds the chains of a book written before they existed (migration 0003).
    """
    for chain in CHAINS:
        table = chain.table
        owners = connection.execute(
            select(table.c.tenant_id).where(table.c.chain_hash.is_(None)).distinct()
        ).scalars()
        for tenant_id in sorted(owners, key=_tenant_key):
            owner = _owned_by(table, tenant_id)
            columns = [table.c[name] for name in chain.content]
            last = 0
            while True:  # keyset batches: a million rows are never held at once
                rows = connection.execute(
                    select(*columns)
                    .where(owner, table.c.chain_hash.is_(None), table.c.id > last)
                    .order_by(table.c.id)
                    .limit(batch)
                ).all()
                if not rows:
                    break
                _seal(connection, chain, _tenant_key(tenant_id), [tuple(r) for r in rows])
                last = rows[-1][0]


def _seal(connection: Connection, chain: Chain, tenant_key: int, rows: Sequence[Content]) -> None:
    """Seal rows (in id order) after the chain's head, then move the head."""
    head = _lock_head(connection, chain, tenant_key)
    sealed = history.seal(head, rows)
    _store_seals(connection, chain, [row[0] for row in rows], sealed)
    connection.execute(
        update(_HEADS)
        .where(_HEADS.c.chain == chain.name, _HEADS.c.tenant_key == tenant_key)
        .values(last_seq=sealed[-1].last_seq, last_hash=sealed[-1].last_hash)
    )


def _tenant_key(tenant_id: int | None) -> int:
    return BOOK_WIDE if tenant_id is None else tenant_id


def _owned_by(table: Table, tenant_id: int | None) -> Any:
    """The condition for a creche's rows (None: the book-wide ones)."""
    return table.c.tenant_id.is_(None) if tenant_id is None else table.c.tenant_id == tenant_id


def _lock_head(connection: Connection, chain: Chain, tenant_key: int) -> ChainHead | None:
    """The chain's head, locked until commit (created, unlocked, on first use)."""
    query = (
        select(_HEADS.c.last_seq, _HEADS.c.last_hash)
        .where(_HEADS.c.chain == chain.name, _HEADS.c.tenant_key == tenant_key)
        .with_for_update()
    )
    found = connection.execute(query).first()
    if found is None:
        # Two PCs sealing a new creche's first rows: one inserts, the other waits, then finds it.
        connection.execute(
            text(
                "INSERT INTO history_heads (chain, tenant_key, last_seq, last_hash) "
                "VALUES (:chain, :tenant_key, 0, :genesis) ON CONFLICT DO NOTHING"
            ),
            {"chain": chain.name, "tenant_key": tenant_key, "genesis": history.GENESIS},
        )
        found = connection.execute(query).one()
    if found.last_seq == 0:
        return None
    return ChainHead(int(found.last_seq), str(found.last_hash))


def _store_seals(
    connection: Connection, chain: Chain, ids: Sequence[int], sealed: Sequence[ChainHead]
) -> None:
    name = chain.name
    if connection.dialect.name == "postgresql":
        # One statement over arrays: an executemany of 20,000 updates is ten times slower.
        connection.execute(
            text(
                f"UPDATE {name} SET chain_seq = v.seq, chain_hash = v.hash "
                "FROM unnest(CAST(:ids AS bigint[]), CAST(:seqs AS bigint[]), "
                "CAST(:hashes AS text[])) AS v(id, seq, hash) WHERE "
                f"{name}.id = v.id"
            ),
            {
                "ids": list(ids),
                "seqs": [s.last_seq for s in sealed],
                "hashes": [s.last_hash for s in sealed],
            },
        )
        return
    connection.exec_driver_sql(
        f"UPDATE {name} SET chain_seq = ?, chain_hash = ? WHERE id = ?",
        [(s.last_seq, s.last_hash, row_id) for row_id, s in zip(ids, sealed, strict=True)],
    )


# --------------------------------------------------------------------------- reading


def chain_rows(
    connection: Connection, chain: Chain, tenant_id: int | None, batch: int = 5_000
) -> Iterator[ChainedRow]:
    """A chain's rows in chain order, then its unsealed rows, streamed."""
    table = chain.table
    owner = _owned_by(table, tenant_id)
    columns = [table.c.chain_seq, table.c.chain_hash, *(table.c[n] for n in chain.content)]
    sealed = (
        select(*columns)
        .where(owner, table.c.chain_seq.is_not(None))
        .order_by(table.c.chain_seq, table.c.id)
    )
    unsealed = select(*columns).where(owner, table.c.chain_seq.is_(None)).order_by(table.c.id)
    for query in (sealed, unsealed):
        result = connection.execution_options(yield_per=batch).execute(query)
        for row in result:
            yield ChainedRow(row[2], row[0], row[1], tuple(row[2:]))


def chain_head(connection: Connection, chain: Chain, tenant_id: int | None) -> ChainHead | None:
    """Where the chain ended when last sealed (None: never sealed)."""
    found = connection.execute(
        select(_HEADS.c.last_seq, _HEADS.c.last_hash).where(
            _HEADS.c.chain == chain.name, _HEADS.c.tenant_key == _tenant_key(tenant_id)
        )
    ).first()
    if found is None or found.last_seq == 0:
        return None
    return ChainHead(int(found.last_seq), str(found.last_hash))


def missing_protections(connection: Connection) -> list[str]:
    """The append-only triggers that are missing (or switched off, on PostgreSQL)."""
    expected = PROTECTIONS[connection.dialect.name]
    if connection.dialect.name == "postgresql":
        present = set(
            connection.scalars(
                text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                    "AND tgenabled <> 'D' AND tgrelid = ANY(CAST(:tables AS regclass[]))"
                ),
                {"tables": [chain.name for chain in CHAINS]},
            )
        )
    else:
        present = set(
            connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        )
    return [name for name in expected if name not in present]
