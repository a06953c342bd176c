"""Categorisation: the bookkeeper's rules, each line's categories, and learned choices.

A categorisation run may write 50,000 lines' categories at once, so those are
written in bulk (``db.repositories.bulk.copy_rows``), as statement lines are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from crechebooks_desktop.db.repositories.bulk import copy_rows, table_of
from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Account,
    CategorisationRule,
    CategoryMemory,
    LineCategory,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.categories import CategoryPart, NewPart, PartRow, Remembered
from crechebooks_desktop.domain.categorise import Direction, Rule, SplitShare, TextField
from crechebooks_desktop.domain.enums import VatType

_CATEGORIES = table_of(LineCategory)
# Bound parameters per IN (...) list: SQLite allows 32,766 in all; stay well under.
_CHUNK = 900
# The columns of a PartRow's values, in its order.
_ROW_COLUMNS = (
    "bank_line_id",
    "part_no",
    "account_id",
    "amount_cents",
    "vat_type",
    "vat_cents",
    "source",
    "confidence",
    "reason",
    "rule_id",
)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _rule(row: CategorisationRule) -> Rule:
    return Rule(
        name=row.name,
        position=row.position,
        text_field=TextField(row.text_field),
        contains=row.text_contains,
        starts=row.text_starts,
        regex=row.text_regex,
        amount_min_cents=row.amount_min_cents,
        amount_max_cents=row.amount_max_cents,
        direction=Direction(row.direction) if row.direction else None,
        bank_account_id=row.bank_account_id,
        account_id=row.account_id,
        vat_type=row.vat_type,
        split=tuple(
            SplitShare(int(part["account_id"]), int(part["basis_points"]))
            for part in row.split or ()
        ),
        rule_id=row.id,
    )


class CategoryRepository(TenantScoped):
    """The creche's categorisation rules, line categories and learned choices."""

    # ------------------------------------------------------------------ rules

    def _rules(self) -> Any:
        return select(CategorisationRule).where(CategorisationRule.tenant_id == self.tenant_id)

    def rules(self) -> list[Rule]:
        """Every rule, by position."""
        rows = self.session.scalars(self._rules().order_by(CategorisationRule.position))
        return [_rule(row) for row in rows]

    def rule_named(self, name: str) -> Rule | None:
        """The rule with this name, without regard to case."""
        row = self.session.scalars(
            self._rules().where(func.lower(CategorisationRule.name) == name.strip().lower())
        ).first()
        return None if row is None else _rule(row)

    def add_rule(self, rule: Rule, created_by: int | None) -> int:
        """Insert a rule (its position as given); returns its id."""
        values = {
            "tenant_id": self.tenant_id,
            "name": rule.name,
            "position": rule.position,
            "text_field": rule.text_field.value,
            "text_contains": rule.contains,
            "text_starts": rule.starts,
            "text_regex": rule.regex,
            "amount_min_cents": rule.amount_min_cents,
            "amount_max_cents": rule.amount_max_cents,
            "direction": rule.direction.value if rule.direction else None,
            "bank_account_id": rule.bank_account_id,
            "account_id": rule.account_id,
            "vat_type": rule.vat_type,
            "split": [
                {"account_id": s.account_id, "basis_points": s.basis_points} for s in rule.split
            ]
            or None,
            "created_at": utc_now(),
            "created_by": created_by,
        }
        result = self.session.execute(
            insert(CategorisationRule).returning(CategorisationRule.id), [values]
        )
        return int(result.scalar_one())

    def set_positions(self, positions: Mapping[int, int]) -> None:
        """Move rules (rule id -> position)."""
        for rule_id, position in positions.items():
            self.session.execute(
                update(CategorisationRule)
                .where(
                    CategorisationRule.tenant_id == self.tenant_id,
                    CategorisationRule.id == rule_id,
                )
                .values(position=position)
                .execution_options(synchronize_session=False)
            )

    def remove_rule(self, rule_id: int) -> None:
        """Delete a rule; lines it categorised keep their categories (its name in the reason)."""
        self.session.execute(
            update(LineCategory)
            .where(LineCategory.tenant_id == self.tenant_id, LineCategory.rule_id == rule_id)
            .values(rule_id=None)
            .execution_options(synchronize_session=False)
        )
        self.session.execute(
            delete(CategorisationRule)
            .where(CategorisationRule.tenant_id == self.tenant_id, CategorisationRule.id == rule_id)
            .execution_options(synchronize_session=False)
        )

    def rules_using(self, account_id: int) -> list[str]:
        """The names of the rules that send lines to an account (alone or in a split)."""
        return [
            rule.name
            for rule in self.rules()
            if rule.account_id == account_id
            or any(share.account_id == account_id for share in rule.split)
        ]

    # ------------------------------------------------------------------ line categories

    def parts_of(self, line_ids: Iterable[int]) -> dict[int, tuple[CategoryPart, ...]]:
        """The categories of these lines (only the categorised ones appear), parts in order."""
        query = (
            select(
                LineCategory.bank_line_id,
                LineCategory.part_no,
                LineCategory.account_id,
                Account.code,
                Account.name,
                LineCategory.amount_cents,
                LineCategory.vat_type,
                LineCategory.vat_cents,
                LineCategory.source,
                LineCategory.confidence,
                LineCategory.reason,
                LineCategory.rule_id,
            )
            .join(Account, Account.id == LineCategory.account_id)
            .where(LineCategory.tenant_id == self.tenant_id)
            .order_by(LineCategory.bank_line_id, LineCategory.part_no)
        )
        found: dict[int, list[CategoryPart]] = defaultdict(list)
        for chunk in _chunks(sorted(set(line_ids))):
            for line_id, *values in self.session.execute(
                query.where(LineCategory.bank_line_id.in_(chunk))
            ):
                found[int(line_id)].append(CategoryPart(*values))
        return {line_id: tuple(parts) for line_id, parts in found.items()}

    def write(self, parts: Mapping[int, Sequence[NewPart]], created_by: int | None) -> None:
        """Write lines' categories in bulk (line id -> its parts); the lines have none yet."""
        self.write_rows(
            [
                (line_id, part_no, *part)
                for line_id, line_parts in parts.items()
                for part_no, part in enumerate(line_parts, start=1)
            ],
            created_by,
        )

    def write_rows(self, rows: Sequence[PartRow], created_by: int | None) -> None:
        """Write lines' categories in bulk, as rows (``domain.categories.PartRow``).

        The form a run builds (50,000 lines in one go): no per-line mapping or
        named tuple on the way to the database's bulk insert.
        """
        copy_rows(
            self.session,
            _CATEGORIES,
            _ROW_COLUMNS,
            rows,
            {"tenant_id": self.tenant_id, "created_at": utc_now(), "created_by": created_by},
        )

    def remove(self, line_ids: Sequence[int]) -> None:
        """Drop the categories of these lines."""
        for chunk in _chunks(list(line_ids)):
            self.session.execute(
                delete(LineCategory)
                .where(
                    LineCategory.tenant_id == self.tenant_id,
                    LineCategory.bank_line_id.in_(chunk),
                )
                .execution_options(synchronize_session=False)
            )

    # ------------------------------------------------------------------ learned choices

    def remember(
        self, text_key: str, account_id: int, vat_type: VatType, line_id: int | None
    ) -> None:
        """Remember that a person sent a line with this key to this account."""
        self.session.execute(
            insert(CategoryMemory),
            [
                {
                    "tenant_id": self.tenant_id,
                    "text_key": text_key,
                    "account_id": account_id,
                    "vat_type": vat_type,
                    "bank_line_id": line_id,
                    "created_at": utc_now(),
                }
            ],
        )

    def unremember_line(self, line_id: int) -> None:
        """Drop what a line's earlier choice taught (it was replaced or taken back)."""
        self.session.execute(
            delete(CategoryMemory)
            .where(
                CategoryMemory.tenant_id == self.tenant_id, CategoryMemory.bank_line_id == line_id
            )
            .execution_options(synchronize_session=False)
        )

    def remembered(self, keys: Iterable[str] | None = None) -> list[Remembered]:
        """What was learned (not forgotten), by key and account; only these keys if given."""
        newest = func.max(CategoryMemory.id)
        query = (
            select(
                CategoryMemory.text_key,
                CategoryMemory.account_id,
                CategoryMemory.vat_type,
                func.count(),
                func.max(CategoryMemory.created_at),
                newest,
            )
            .where(
                CategoryMemory.tenant_id == self.tenant_id, CategoryMemory.forgotten_at.is_(None)
            )
            .group_by(CategoryMemory.text_key, CategoryMemory.account_id, CategoryMemory.vat_type)
        )
        if keys is None:
            rows = list(self.session.execute(query))
        else:
            rows = []
            for chunk in _chunks(sorted(set(keys))):
                rows.extend(self.session.execute(query.where(CategoryMemory.text_key.in_(chunk))))
        return _merged(rows)

    def forget_key(self, text_key: str) -> int:
        """Stop using what was learned for a key; returns how many choices were forgotten."""
        result = self.session.execute(
            update(CategoryMemory)
            .where(
                CategoryMemory.tenant_id == self.tenant_id,
                CategoryMemory.text_key == text_key,
                CategoryMemory.forgotten_at.is_(None),
            )
            .values(forgotten_at=utc_now())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _merged(rows: Iterable[Sequence[Any]]) -> list[Remembered]:
    """Rows per (key, account, VAT type) as one per (key, account), the latest VAT type kept."""
    merged: dict[tuple[str, int], tuple[VatType, int, Any]] = {}
    # Oldest first, so the VAT type of the newest choice is the one that stays.
    for key, account_id, vat_type, count, last_used, _newest in sorted(rows, key=lambda r: r[5]):
        _vat, seen, last = merged.get((key, account_id), (vat_type, 0, last_used))
        merged[(key, account_id)] = (vat_type, seen + int(count), max(last, last_used))
    return [
        Remembered(key, account_id, vat_type, count, last_used)
        for (key, account_id), (vat_type, count, last_used) in sorted(merged.items())
    ]
