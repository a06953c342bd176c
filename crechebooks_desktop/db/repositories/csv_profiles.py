"""The creche's saved CSV column mappings (``bank_csv_profiles``, issue 14)."""

from __future__ import annotations

import json

from sqlalchemy import Select, delete, insert, select

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import BankCsvProfile, User
from crechebooks_desktop.db.types import json_text, utc_now
from crechebooks_desktop.domain.column_mapping import ColumnMapping, CsvProfileRecord


def name_key(name: str) -> str:
    """A profile's name as compared: stripped and case-folded."""
    return name.strip().casefold()


class CsvProfileRepository(TenantScoped):
    """Saved column mappings, by name."""

    def _select(self) -> Select[BankCsvProfile, str]:
        return (
            select(BankCsvProfile, User.username)
            .outerjoin(User, User.id == BankCsvProfile.created_by)
            .where(BankCsvProfile.tenant_id == self.tenant_id)
        )

    @staticmethod
    def _record(row: BankCsvProfile, username: str | None) -> CsvProfileRecord:
        mapping = ColumnMapping.from_json(json.loads(row.mapping))
        return CsvProfileRecord(row.id, row.name, mapping, row.created_at, username)

    def all(self) -> list[CsvProfileRecord]:
        """Every saved mapping, by name without regard to case."""
        rows = self.session.execute(self._select().order_by(BankCsvProfile.name_key))
        return [self._record(row, username) for row, username in rows]

    def named(self, name: str) -> CsvProfileRecord | None:
        """The mapping saved under this name (case does not matter), if any."""
        found = self.session.execute(
            self._select().where(BankCsvProfile.name_key == name_key(name))
        ).first()
        return None if found is None else self._record(found[0], found[1])

    def add(self, name: str, mapping: ColumnMapping, created_by: int | None) -> int:
        """Save a mapping under a name (not taken: the service checks); its id."""
        now = utc_now()
        new_id = self.session.scalar(
            insert(BankCsvProfile)
            .values(
                tenant_id=self.tenant_id,
                name=name,
                name_key=name_key(name),
                mapping=json_text(mapping.as_json()),
                created_at=now,
                created_by=created_by,
                updated_at=now,
            )
            .returning(BankCsvProfile.id)
        )
        assert new_id is not None  # noqa: S101 - RETURNING gives the new row's id
        return int(new_id)

    def remove(self, profile_id: int) -> None:
        """Delete a saved mapping (imports read with it keep its name)."""
        self.session.execute(
            delete(BankCsvProfile)
            .where(BankCsvProfile.tenant_id == self.tenant_id, BankCsvProfile.id == profile_id)
            .execution_options(synchronize_session=False)
        )
