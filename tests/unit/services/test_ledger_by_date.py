"""A household's ledger, read by date, agrees with its balance as of any date (issue #10).

Random books with back-dated entries: opening balances, adjustments up and
down, payments and refunds, each dated at random and posted in random order
through the real services, one transaction each, on a real book (SQLite and
PostgreSQL). Then for every household and every date D around the entries:
the last running balance of ``ledger --to D`` (with or without a from-date and
its balance brought forward) equals ``balances --as-of D``, and the last
running balance of the whole ledger equals the household's balance.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.account_statement import AccountLine
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.ledger import adjustments, payments
from crechebooks_desktop.services.ledger import credits as credit
from crechebooks_desktop.services.ledger import household_balances as balances
from crechebooks_desktop.services.ledger.household_balances import OpeningBalanceRow
from crechebooks_desktop.services.ledger.posting import household_ledger
from crechebooks_desktop.services.roster.household_view import household_summaries
from tests.billing_fixtures import new_creche

START = dt.date(2026, 1, 1)
FAMILIES = ("ADAMS01", "BOTHA02", "CELE03")
KINDS = ("opening", "adjust", "pay", "refund")

postings = st.lists(
    st.tuples(
        st.sampled_from(FAMILIES),
        st.sampled_from(KINDS),
        st.integers(-400_000, 400_000).filter(bool),
        st.integers(0, 120),  # days after START
    ),
    min_size=1,
    max_size=10,
)


def _post(book: Book, tenant: int, actor: Actor, posting: tuple[str, str, int, int]) -> None:
    """One posting in its own transaction; one the rules refuse changes nothing."""
    ref, kind, amount, days = posting
    day = START + dt.timedelta(days=days)
    try:
        with book.write(tenant) as uow:
            if kind == "opening":  # a household's second one is refused
                row = OpeningBalanceRow(2, ref, amount, day)
                balances.import_opening_balances(uow, actor, [row], "opening.csv")
            elif kind == "adjust":
                adjustments.adjust_balance(uow, actor, ref, amount, day, "Correction")
            elif kind == "pay":
                payments.add_payment(uow, actor, ref, abs(amount), day, PaymentMethod.EFT, "EFT")
            else:  # refused without enough credit
                credit.refund_credit(uow, actor, ref, abs(amount), day, "Paid back")
    except UserFacingError:
        pass


def _check_every_date(book: Book, tenant: int, since: dt.date) -> None:
    """Every household, every date around its entries; ``since`` starts a window too."""
    with book.read(tenant) as uow:
        whole = {ref: household_ledger(uow, ref) for ref in FAMILIES}
        now = {s.account_ref: s.balance_cents for s in household_summaries(uow)}
        dates = {line.entry_date for statement in whole.values() for line in statement.lines}
        days = {START - dt.timedelta(days=1)} | dates | {d - dt.timedelta(1) for d in dates}
        days.add(max(days) + dt.timedelta(days=1))
        as_of = {
            day: {b.household_ref: b.balance_cents for b in balances.household_balances(uow, day)}
            for day in sorted(days)
        }
        for ref, statement in whole.items():
            assert statement.closing_balance_cents == now[ref]
            _check_lines(statement.lines, {day: as_of[day][ref] for day in days})
            for day in sorted(days):
                up_to = household_ledger(uow, ref, date_to=day)
                shown = up_to.lines[-1].running_balance_cents if up_to.lines else 0
                assert shown == up_to.closing_balance_cents == as_of[day][ref], (ref, day)
                if since <= day:  # brought forward from before ``since``, then by date
                    window = household_ledger(uow, ref, since, day)
                    assert window.closing_balance_cents == as_of[day][ref], (ref, since, day)


def _check_lines(lines: Sequence[AccountLine], as_of: dict[dt.date, int]) -> None:
    """By (date, id); a day's last line shows the balance as of that day."""
    assert [(e.entry_date, e.id) for e in lines] == sorted((e.entry_date, e.id) for e in lines)
    for line, after in itertools.zip_longest(lines, lines[1:]):
        if after is None or after.entry_date != line.entry_date:
            assert line.running_balance_cents == as_of[line.entry_date], line


def test_the_ledger_up_to_any_date_agrees_with_the_balance_as_of_it(
    book: Book, backend: str
) -> None:
    names = (f"Creche {n}" for n in itertools.count())

    @settings(
        max_examples=20 if backend == "sqlite" else 8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(postings=postings, since=st.integers(0, 120))
    def books_with_back_dated_entries(
        postings: list[tuple[str, str, int, int]], since: int
    ) -> None:
        creche, actor = new_creche(book, next(names))  # a fresh creche: examples stay apart
        with book.write(creche.tenant_id) as uow:
            for ref in FAMILIES:
                uow.roster.add_household(ref, f"Parent of {ref}")
        for posting in postings:
            _post(book, creche.tenant_id, actor, posting)
        _check_every_date(book, creche.tenant_id, START + dt.timedelta(days=since))

    books_with_back_dated_entries()
