"""A hypothesis state machine over a bank account: the reconciliation always adds up.

Whatever order lines are imported, matched, linked to payments recorded by
hand, categorised, split and undone in, a reconciliation to the last line's
date keeps ``opening + cleared + uncleared = the statement's running
balance``: the difference is exactly what is not accounted for yet, and a
line is never counted twice (a split's parts instead of the line, a linked
payment as the line, not beside it). Every example works on a bank account
of its own in one book per backend; the ledger's invariants hold at the end.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import BankLineStatus, PaymentMethod
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.admin import checks
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching, review_queue
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.reconciliation import categorise, links, reconcile
from tests.billing_fixtures import new_creche

HOUSEHOLDS = ("DLAMINI01", "NAIDOO01")
ACCOUNTS = ("5000", "6200", "6500", "4100")
FIRST_DAY = dt.date(2026, 3, 1)
OPENING = 500_000
CLEARED = (BankLineStatus.MATCHED, BankLineStatus.CATEGORISED)

amounts = st.integers(min_value=1, max_value=2_000_000).flatmap(
    lambda cents: st.sampled_from((cents, -cents))
)
picks = st.integers(min_value=0, max_value=10_000)


class BankMonth(RuleBasedStateMachine):
    """One bank account's month: its statement and what the book makes of it.

    The book, creche and acting user are set on a subclass per test (:func:`_machine`).
    """

    book: Book
    tenant: int
    actor: Actor
    numbers: Iterator[int]

    def __init__(self) -> None:
        super().__init__()
        self.account = f"Account {next(self.numbers)}"
        self.balance = OPENING
        self.day = FIRST_DAY
        self.files = 0
        self._do(
            lambda uow: bank.add_account(
                uow, self.actor, self.account, "fnb", None, OPENING, FIRST_DAY - dt.timedelta(1)
            )
        )

    # -- helpers ----------------------------------------------------------------------

    def _do(self, change: Callable[[UnitOfWork], object]) -> bool:
        """Run a change in its own transaction; a refusal changes nothing."""
        try:
            with self.book.write(self.tenant) as uow:
                change(uow)
        except UserFacingError:
            return False
        return True

    def _lines(self, *statuses: BankLineStatus) -> list[tuple[int, int]]:
        """(id, cents) of this account's leaf lines with one of these statuses."""
        with self.book.read(self.tenant) as uow:
            account_id = bank.require_account(uow, self.account).id
            return [
                (line.id, line.amount_cents)
                for line in uow.bank.lines(statuses or None)
                if line.account_id == account_id
            ]

    def _pick(
        self, n: int, *statuses: BankLineStatus, money_in: bool = False
    ) -> tuple[int, int] | None:
        """The n-th (modulo) line with one of these statuses; only money in if ``money_in``."""
        found = [line for line in self._lines(*statuses) if not money_in or line[1] > 0]
        return found[n % len(found)] if found else None

    # -- rules ------------------------------------------------------------------------

    @rule(cents=st.lists(amounts, min_size=1, max_size=4))
    def import_lines(self, cents: list[int]) -> None:
        """A statement of a few lines, each with the bank's running balance."""
        self.files += 1
        lines = []
        for n, amount in enumerate(cents, start=2):
            self.day += dt.timedelta(days=1)
            self.balance += amount
            lines.append(
                StatementLine(n, self.day, amount, f"LINE {self.files}-{n}", None,
                              balance_cents=self.balance)
            )  # fmt: skip
        statement = Statement(f"s{self.files}.csv", "csv", "fnb", tuple(lines))
        assert self._do(
            lambda uow: bank.import_statement(uow, self.actor, self.account, statement, "f")
        )

    @rule(n=picks, household=st.sampled_from(HOUSEHOLDS))
    def accept(self, n: int, household: str) -> None:
        """A credit is a household's payment."""
        line = self._pick(n, BankLineStatus.UNMATCHED, BankLineStatus.REVIEW, money_in=True)
        if line is not None:
            self._do(lambda uow: payment_matching.accept(uow, self.actor, line[0], household))

    @rule(n=picks, household=st.sampled_from(HOUSEHOLDS))
    def record_by_hand_and_link(self, n: int, household: str) -> None:
        """The payment was recorded by hand first; the credit is linked to it."""
        line = self._pick(n, BankLineStatus.UNMATCHED, BankLineStatus.REVIEW, money_in=True)
        if line is None:
            return
        line_id, cents = line

        def both(uow: UnitOfWork) -> None:
            paid = payments.add_payment(
                uow, self.actor, household, cents, self.day, PaymentMethod.EFT, "by hand"
            )
            links.link_payment(uow, self.actor, line_id, paid.payment_id)

        self._do(both)

    @rule(n=picks, code=st.sampled_from(ACCOUNTS))
    def categorise_line(self, n: int, code: str) -> None:
        """A line goes to an account."""
        line = self._pick(n, BankLineStatus.UNMATCHED, BankLineStatus.REJECTED)
        if line is not None:
            self._do(
                lambda uow: categorise.categorise_line(uow, self.actor, line[0], account_code=code)
            )

    @rule(n=picks, share=st.integers(min_value=1, max_value=99))
    def categorise_in_parts(self, n: int, share: int) -> None:
        """A line split across two accounts."""
        line = self._pick(n, BankLineStatus.UNMATCHED)
        if line is None or abs(line[1]) < 2:
            return
        first = max(1, abs(line[1]) * share // 100)
        if first >= abs(line[1]):
            first = abs(line[1]) - 1
        parts = [("6200", first), ("6500", abs(line[1]) - first)]
        self._do(lambda uow: categorise.categorise_line(uow, self.actor, line[0], parts=parts))

    @rule(n=picks, share=st.integers(min_value=1, max_value=99))
    def split(self, n: int, share: int) -> None:
        """A line split into two lines (a fee taken off a payment)."""
        line = self._pick(n, BankLineStatus.UNMATCHED, BankLineStatus.REVIEW)
        if line is None or abs(line[1]) < 2:
            return
        first = min(max(1, abs(line[1]) * share // 100), abs(line[1]) - 1)
        parts = [first, abs(line[1]) - first]
        self._do(lambda uow: bank.split_line(uow, self.actor, line[0], parts))

    @rule(n=picks)
    def reject(self, n: int) -> None:
        """A credit that is not a household's (interest)."""
        line = self._pick(n, BankLineStatus.UNMATCHED, BankLineStatus.REVIEW, money_in=True)
        if line is not None:
            self._do(lambda uow: payment_matching.reject(uow, self.actor, line[0]))

    @rule()
    def run_matching(self) -> None:
        """Matching scores the open credits (nothing here is certain enough to apply)."""
        self._do(lambda uow: payment_matching.run_matching(uow, self.actor))

    @rule(n=picks)
    def undo(self, n: int) -> None:
        """A decision, categorisation, link or split taken back."""
        line = self._pick(
            n,
            BankLineStatus.MATCHED,
            BankLineStatus.CATEGORISED,
            BankLineStatus.REJECTED,
            BankLineStatus.SPLIT,
        )
        if line is not None:
            self._do(lambda uow: review_queue.undo(uow, self.actor, line[0]))

    # -- what always holds ------------------------------------------------------------

    @invariant()
    def reconciliation_adds_up(self) -> None:
        if self.day == FIRST_DAY:
            return
        assert self._do(lambda uow: reconcile.start(uow, self.actor, self.account, self.day))
        with self.book.read(self.tenant) as uow:
            figures = reconcile.status(uow, self.account)
            account_id = bank.require_account(uow, self.account).id
            leaves = [
                line
                for line in uow.bank.lines()
                if line.account_id == account_id and line.status is not BankLineStatus.SPLIT
            ]
        assert figures.opening_cents == OPENING
        assert figures.closing_cents == self.balance
        uncleared = sum(line.amount_cents for line in leaves if line.status not in CLEARED)
        cleared = sum(line.amount_cents for line in leaves if line.status in CLEARED)
        assert figures.cleared_cents == cleared
        assert figures.difference_cents == uncleared
        assert figures.opening_cents + figures.cleared_cents + uncleared == self.balance
        assert {u.line_id for u in figures.uncleared_lines} == {
            line.id for line in leaves if line.status not in CLEARED
        }

    def teardown(self) -> None:
        with self.book.read(self.tenant) as uow:
            report = checks.check_creche(uow)
        assert report.ok, report.violations


def _machine(book: Book) -> type[BankMonth]:
    """The machine over a creche of its own in ``book``, with two households."""
    settings_, actor = new_creche(book)
    with book.write(settings_.tenant_id) as uow:
        for ref in HOUSEHOLDS:
            uow.roster.add_household(ref, f"Parent of {ref}")
    attributes = {
        "book": book,
        "tenant": settings_.tenant_id,
        "actor": actor,
        "numbers": itertools.count(1),
    }
    return type("BankMonthOfThisBook", (BankMonth,), attributes)


def test_opening_plus_cleared_is_the_statements_running_balance(book: Book) -> None:
    run_state_machine_as_test(
        _machine(book),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
