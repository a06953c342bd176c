"""Reading a creche's history chains and the triggers that guard them."""

from __future__ import annotations

from collections.abc import Iterator

from crechebooks_desktop.db import history
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.domain.history import ChainedRow, ChainHead

_CHAINS = {chain.name: chain for chain in history.CHAINS}


class HistoryRepository(TenantScoped):
    """The creche's audit and ledger chains (and the book-wide audit chain)."""

    def rows(self, chain: str, *, whole_book: bool = False) -> Iterator[ChainedRow]:
        """A chain's rows in chain order, then any unsealed rows (streamed).

        Args:
            chain: ``audit_log`` or ``ledger_entries``.
            whole_book: the chain of audit records that belong to no creche.
        """
        owner = None if whole_book else self.tenant_id
        return history.chain_rows(self.session.connection(), _CHAINS[chain], owner)

    def head(self, chain: str, *, whole_book: bool = False) -> ChainHead | None:
        """Where the chain ended when it was last sealed."""
        owner = None if whole_book else self.tenant_id
        return history.chain_head(self.session.connection(), _CHAINS[chain], owner)

    def missing_protections(self) -> list[str]:
        """Names of append-only triggers that are missing or switched off."""
        return history.missing_protections(self.session.connection())
