"""The creche's chart of accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, insert, or_, select, update

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Account,
    BankAccount,
    CategorisationRule,
    CategoryMemory,
    LineCategory,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.chart import DEFAULT_CHART, AccountRecord, SystemRole
from crechebooks_desktop.domain.enums import AccountType, VatType

_COLUMNS = (
    Account.id,
    Account.code,
    Account.name,
    Account.account_type,
    Account.vat_type,
    Account.system_role,
    Account.archived_at.is_not(None),
    Account.is_default,
)


def _record(row: Any) -> AccountRecord:
    return AccountRecord(*row)


class ChartRepository(TenantScoped):
    """Accounts of one creche."""

    def add_default_chart(self) -> list[int]:
        """Add the accounts of ``DEFAULT_CHART`` the creche lacks (by code); returns their ids."""
        taken = set(self.session.scalars(select(Account.code).where(self._mine())))
        rows = [
            {
                "tenant_id": self.tenant_id,
                "code": a.code,
                "name": a.name,
                "account_type": a.account_type,
                "vat_type": a.vat_type,
                "is_default": True,
                "system_role": a.system_role.value if a.system_role else None,
            }
            for a in DEFAULT_CHART
            if a.code not in taken
        ]
        if not rows:
            return []
        return list(self.session.scalars(insert(Account).returning(Account.id), rows))

    def _mine(self) -> Any:
        return Account.tenant_id == self.tenant_id

    def accounts(self, *, include_archived: bool = True) -> list[AccountRecord]:
        """The chart by code."""
        query = select(*_COLUMNS).where(self._mine()).order_by(Account.code)
        if not include_archived:
            query = query.where(Account.archived_at.is_(None))
        return [_record(row) for row in self.session.execute(query)]

    def by_code(self, code: str) -> AccountRecord | None:
        """The account with this code (exactly, after trimming)."""
        row = self.session.execute(
            select(*_COLUMNS).where(self._mine(), Account.code == code.strip())
        ).first()
        return None if row is None else _record(row)

    def by_id(self, account_id: int) -> AccountRecord | None:
        """The account with this id, if it is the creche's."""
        row = self.session.execute(
            select(*_COLUMNS).where(self._mine(), Account.id == account_id)
        ).first()
        return None if row is None else _record(row)

    def with_role(self, role: SystemRole) -> list[AccountRecord]:
        """The accounts the book uses for ``role``, by code."""
        query = (
            select(*_COLUMNS)
            .where(self._mine(), Account.system_role == role.value)
            .order_by(Account.code)
        )
        return [_record(row) for row in self.session.execute(query)]

    def add(
        self,
        code: str,
        name: str,
        account_type: AccountType,
        vat_type: VatType,
        system_role: SystemRole | None = None,
    ) -> int:
        """Insert an account; returns its id."""
        return int(
            self.session.execute(
                insert(Account).returning(Account.id),
                [
                    {
                        "tenant_id": self.tenant_id,
                        "code": code,
                        "name": name,
                        "account_type": account_type,
                        "vat_type": vat_type,
                        "is_default": False,
                        "system_role": system_role.value if system_role else None,
                    }
                ],
            ).scalar_one()
        )

    def archive(self, account_id: int) -> None:
        """Stop offering an account (it stays, with everything that used it)."""
        self.session.execute(
            update(Account)
            .where(self._mine(), Account.id == account_id)
            .values(archived_at=utc_now())
            .execution_options(synchronize_session=False)
        )

    def is_used(self, account_id: int) -> bool:
        """Whether anything refers to the account: a categorised line, a rule, a bank account."""
        used = select(
            or_(
                exists().where(LineCategory.account_id == account_id),
                exists().where(CategoryMemory.account_id == account_id),
                exists().where(CategorisationRule.account_id == account_id),
                exists().where(BankAccount.account_id == account_id),
            )
        )
        if self.session.scalar(used):
            return True
        splits = self.session.scalars(
            select(CategorisationRule.split).where(
                CategorisationRule.tenant_id == self.tenant_id,
                CategorisationRule.split.is_not(None),
            )
        )
        return any(
            int(part.get("account_id", 0)) == account_id for split in splits for part in split or ()
        )

    def link_bank_account(self, bank_account_id: int, account_id: int) -> None:
        """Point a bank account at its asset account in the chart."""
        self.session.execute(
            update(BankAccount)
            .where(BankAccount.tenant_id == self.tenant_id, BankAccount.id == bank_account_id)
            .values(account_id=account_id)
            .execution_options(synchronize_session=False)
        )
