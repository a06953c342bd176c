"""Households' balances: listing them (now or as of a date) and importing opening ones.

**Now**: the stored balance and unused credit (``household_balances``) and the
balance due on non-VOID invoices.

**As of a date** D (the end of that day, by business dates):

- balance = the sum of the household's ledger entries dated on or before D.
  That is the last such entry's ``balance_after`` whenever entries were
  posted in date order, and stays right when one was back-dated (an entry
  dated D-1 posted after one dated D+1 would make "the last entry's
  balance_after" include the later entry);
- outstanding = what the invoices issued by D (and not voided by D) still
  owed at D: their totals less the money allocated to them by D (a
  payment's allocations count from its payment date until its reversal's
  date; credit and adjustment allocations from the day they were recorded);
- credit = outstanding - balance, the invariant read backwards: credit that
  had not reached an invoice by D.

**Opening balances** (``balances import``) come from a file read by
``importers.balances_csv``; every row is checked against the book and, only
if nothing at all is wrong, each goes through
``services.ledger.opening_balance_posting.post_opening_balance`` in the caller's one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance

__all__ = [
    "HouseholdBalance",
    "ImportedBalance",
    "OpeningBalanceRow",
    "household_balances",
    "import_opening_balances",
]


@dataclass(frozen=True, slots=True)
class HouseholdBalance:
    """A household's money position.

    Attributes:
        household_ref: the household's account reference.
        balance_cents: owed to the creche (negative = in credit).
        outstanding_cents: balance due on its invoices.
        credit_cents: unused credit.
    """

    household_ref: str
    balance_cents: int
    outstanding_cents: int
    credit_cents: int

    def as_json(self) -> dict[str, object]:
        """The household as ``balances --json`` lists it."""
        return {
            "household_ref": self.household_ref,
            "balance_cents": self.balance_cents,
            "outstanding_cents": self.outstanding_cents,
            "credit_cents": self.credit_cents,
        }


def household_balances(uow: UnitOfWork, as_of: dt.date | None = None) -> list[HouseholdBalance]:
    """Every household's balance, outstanding and credit, by account reference.

    Args:
        uow: a (read-only) transaction.
        as_of: the end of which day; None for the book as it stands.

    Returns:
        One value per household, households with nothing included.
    """
    if as_of is None:
        return [
            HouseholdBalance(s.account_ref, s.balance_cents, s.outstanding_cents, s.credit_cents)
            for s in uow.roster.household_summaries()
        ]
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()).astimezone()
    return [
        HouseholdBalance(ref, balance, outstanding, outstanding - balance)
        for ref, balance, outstanding in uow.payments.balances_as_of(as_of, end)
    ]


@dataclass(frozen=True, slots=True)
class OpeningBalanceRow:
    """One line of an opening-balances file.

    Attributes:
        line: its physical line in the file.
        household_ref: the household.
        amount_cents: positive = owed to the creche, negative = in credit.
        as_of: the date the balance was taken.
    """

    line: int
    household_ref: str
    amount_cents: int
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class ImportedBalance:
    """An opening balance brought in.

    Attributes:
        invoice: the opening invoice's number (None for a credit).
    """

    household_ref: str
    amount_cents: int
    as_of: dt.date
    invoice: str | None

    def as_json(self) -> dict[str, object]:
        """The row as ``balances import --json`` lists it."""
        return {
            "household_ref": self.household_ref,
            "amount_cents": self.amount_cents,
            "as_of": self.as_of.isoformat(),
            "invoice": self.invoice,
        }


def import_opening_balances(
    uow: UnitOfWork,
    actor: Actor,
    rows: Sequence[OpeningBalanceRow],
    file: str,
    problems: Sequence[ImportProblem] = (),
) -> list[ImportedBalance]:
    """Bring in opening balances, all or nothing.

    Args:
        uow: the transaction all rows are written in.
        actor: who imports (needs to post money).
        rows: the file's good rows.
        file: the file's name, for problems.
        problems: what reading the file found wrong already.

    Returns:
        What each row did, in file order.

    Raises:
        PermissionDenied: the actor may not post money.
        ProblemsError: the file had problems, names an unknown household or
            one that already has an opening balance (importing a file twice
            must not double it); every problem is listed and nothing was
            written.
    """
    audit.require(actor, Permission.POST_MONEY)
    found = list(problems)
    households: dict[int, tuple[int, str]] = {}
    for row in rows:
        household = uow.payments.household(row.household_ref)
        if household is None:
            found.append(
                ImportProblem(
                    file, row.line, "household_ref", f"no household {row.household_ref!r}"
                )
            )
        else:
            households[row.line] = household
    opened = uow.payments.with_opening_balance(h for h, _ref in households.values())
    found += [
        ImportProblem(
            file,
            line,
            "household_ref",
            f"{ref} already has an opening balance; correct it with 'adjust' instead",
        )
        for line, (household_id, ref) in households.items()
        if household_id in opened
    ]
    if found:
        raise ProblemsError(found, file)
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise ProblemsError([ImportProblem(file, 0, "file", "the creche no longer exists")], file)
    done = []
    for row in rows:
        household_id, ref = households[row.line]
        number = post_opening_balance(uow, actor, creche, household_id, row.amount_cents, row.as_of)
        done.append(ImportedBalance(ref, row.amount_cents, row.as_of, number))
    audit.record(
        uow,
        actor,
        "balances.import",
        "file",
        file,
        None,
        {"rows": len(done), "total_cents": sum(row.amount_cents for row in rows)},
    )
    return done
