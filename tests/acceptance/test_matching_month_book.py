"""A realistic month in a real book: billed, its OFX imported, ``match run`` in its own process.

The families of ``tests/matching_month.py`` (about 120, with siblings, shared
surnames and second parents) become a real creche: households, children and
enrolments on their fees, a 10% discount from the second child, March billed
by the invoice run and sent. A few families paid part of an invoice in cash
earlier. The month's bank credits (family payments in their habits, two
children paid at once, partial payments, wrong references, unrelated money)
are written as an OFX file and go through ``bank import`` and ``match run``
as a bookkeeper runs them. No line may be applied to the wrong household,
and the ledger must stay whole.

Each household has its cell number on the roster: a family that pays with
only that number in the text finds its household first.

A person then decides what was left for review (accepting the right
household, rejecting unrelated money), which teaches payer aliases (a
family's bank account number among them, listed by ``match aliases``);
April, billed on top of March's arrears, then applies more lines by itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Payment
from crechebooks_desktop.domain.enums import FeeType, PaymentMethod
from crechebooks_desktop.domain.matching import MatchLine
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.checks import check_creche
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.settings import Settings
from tests.billing_fixtures import invoices as find_invoices
from tests.billing_fixtures import new_creche, run_month
from tests.matching_month import (
    FEES,
    PAID_BEFORE,
    Family,
    Invoices,
    Month,
    build_month,
    national,
)
from tests.matching_month import build_roster as roster_of

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
SEED = 7
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
TERM = dt.date(2026, 1, 14)
ACCOUNT = "Cheque"
MIN_AUTO_RATE = 0.5
MIN_OFFERED_RATE = 0.85


@dataclass
class MonthBook:
    """The book's URL, its creche and the families it was built from."""

    url: str
    files: Path
    tenant: int
    actor: Actor
    families: tuple[Family, ...]

    def open(self) -> Book:
        return Book.open(Settings(self.url, self.files / "book-files"))[0]

    @property
    def db(self) -> tuple[str, str]:
        return ("--db", self.url)

    def ref(self, household_id: int | None) -> str | None:
        """A family's account reference (None stays None: unrelated money)."""
        return None if household_id is None else self.families[household_id - 1].ref


def build_book(url: str, files: Path) -> MonthBook:
    """The families as a creche: fees, households, children, enrolments, a bank account."""
    families = roster_of(SEED)
    book = Book.open(Settings(url, files / "book-files"))[0]
    try:
        settings, actor = new_creche(book, sibling_discounts="0,10")
        with book.write(settings.tenant_id) as uow:
            fees = {
                cents: uow.roster.add_fee_structure(
                    f"Full day R{cents // 100}", FeeType.FULL_DAY, cents
                )
                for cents in sorted(set(FEES))
            }
            for family in families:
                second = family.parents[1] if len(family.parents) > 1 else None
                household = uow.roster.add_household(
                    family.ref, family.parents[0], second_parent_name=second, phone=family.phone
                )
                for position, kid in enumerate(family.kids):
                    first, last = kid.split(" ", 1)
                    # The eldest is the first child: the sibling discount goes to the others.
                    born = dt.date(2020 + position, 6, 1)
                    child = uow.roster.add_child(
                        household, f"{family.ref}-{position + 1}", first, last, born
                    )
                    uow.roster.add_enrolment(child, fees[family.fee_cents], TERM)
            bank.add_account(uow, actor, ACCOUNT, "fnb")
    finally:
        book.close()
    return MonthBook(url, files, settings.tenant_id, actor, families)


def bill(setup: MonthBook, month: dt.date) -> Invoices:
    """Run and send the month; each child's invoice as the month builder wants it."""
    book = setup.open()
    try:
        run_month(book, setup.actor, month)
        with book.write(setup.tenant) as uow:
            send_month(uow, setup.actor, month)
        found = find_invoices(book, setup.tenant, month=month)
    finally:
        book.close()
    position = {
        f"{family.ref}-{n + 1}": (family.household_id, n)
        for family in setup.families
        for n in range(len(family.kids))
    }
    return {position[str(inv.child_ref)]: (inv.number, inv.total_cents) for inv in found}


def pay_earlier_parts(setup: MonthBook, month: Month, day: dt.date) -> None:
    """The cash some families paid at the office before the statement's credits."""
    book = setup.open()
    try:
        with book.write(setup.tenant) as uow:
            for household in month.households:
                for child in household.children:
                    if child.balance_due_cents < child.total_cents:
                        add_payment(
                            uow,
                            setup.actor,
                            household.ref,
                            PAID_BEFORE,
                            day,
                            PaymentMethod.CASH,
                            requested=[(child.invoice_number, PAID_BEFORE)],
                        )
    finally:
        book.close()


def _rands(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def write_ofx(path: Path, lines: Sequence[MatchLine], tag: str) -> None:
    """The lines as an FNB OFX 1.x download: NAME is the payer, MEMO the bank's text."""
    transactions = []
    for line in lines:
        parts = [
            "<STMTTRN><TRNTYPE>CREDIT",
            f"<DTPOSTED>{line.date:%Y%m%d}120000[+2:SAST]",
            f"<TRNAMT>{_rands(line.amount_cents)}",
            f"<FITID>{tag}{line.line_id:05d}",
        ]
        if line.payer:
            parts.append(f"<NAME>{line.payer}")
        parts.append(f"<MEMO>{line.description}")
        if line.reference:
            parts.append(f"<REFNUM>{line.reference}")
        transactions.append("\n".join([*parts, "</STMTTRN>"]))
    first, last = min(x.date for x in lines), max(x.date for x in lines)
    path.write_text(
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>ZAR\n"
        "<BANKACCTFROM><BANKID>250655<ACCTID>62000000001<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>{first:%Y%m%d}<DTEND>{last:%Y%m%d}\n"
        + "\n".join(transactions)
        + "\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n",
        encoding="cp1252",
    )


def ok_json(result: Any) -> Any:
    assert result.code == 0, result
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Outcome:
    """What ``match run`` decided for one month, line by line, beside the truth."""

    truth: dict[int, str | None]  # bank line id -> the paying household's ref, or None
    decided: dict[int, dict[str, Any]]  # bank line id -> its ``match run --json`` entry
    kinds: dict[int, str]  # bank line id -> how it was paid (the family's habit)

    def rate(self) -> float:
        auto: int = sum(d["decision"] == "AUTO_APPLIED" for d in self.decided.values())
        return auto / len(self.decided)


def import_and_match(cli: Cli, setup: MonthBook, month: Month, path: Path) -> Outcome:
    """``bank import`` the month's OFX, then ``match run``, each in its own process."""
    write_ofx(path, month.lines, path.stem)
    imported = ok_json(cli(*setup.db, "bank", "import", str(path), "--account", ACCOUNT, "--json"))
    assert imported["imported"] == len(month.lines)
    assert imported["duplicates"] == 0
    truth, kinds = {}, {}
    for line, stored in zip(month.lines, imported["lines"], strict=True):
        assert (stored["date"], stored["amount_cents"]) == (
            line.date.isoformat(),
            line.amount_cents,
        )
        assert stored["payer"] == line.payer
        truth[stored["id"]] = setup.ref(month.truth[line.line_id])
        kinds[stored["id"]] = month.kinds[line.line_id]
    run = ok_json(cli(*setup.db, "match", "run", "--json"))
    decided = {entry["line_id"]: entry for entry in run["lines"]}
    assert set(decided) == set(truth)  # every credit of the month was scored
    return Outcome(truth, decided, kinds)


def wrong_auto(setup: MonthBook, outcome: Outcome) -> list[dict[str, Any]]:
    return [
        entry
        for line_id, entry in outcome.decided.items()
        if entry["decision"] == "AUTO_APPLIED" and entry["household_ref"] != outcome.truth[line_id]
    ]


def check_book(setup: MonthBook, applied_cents: int) -> None:
    """The ledger is whole, and the money applied is the money of the applied lines."""
    book = setup.open()
    try:
        with book.read(setup.tenant) as uow:
            assert check_creche(uow).violations == ()
            from_bank = uow._session.scalar(
                select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
                    Payment.bank_line_id.is_not(None), Payment.reversed_at.is_(None)
                )
            )
        assert from_bank == applied_cents
    finally:
        book.close()


def review_as_a_person(setup: MonthBook, outcome: Outcome) -> int:
    """Accept each family line left for review to its household, reject the rest; cents accepted."""
    book = setup.open()
    accepted = 0
    try:
        with book.write(setup.tenant) as uow:
            for line_id, entry in outcome.decided.items():
                if entry["decision"] == "AUTO_APPLIED":
                    continue
                ref = outcome.truth[line_id]
                if ref is None:
                    payment_matching.reject(uow, setup.actor, line_id)
                else:
                    payment_matching.accept(uow, setup.actor, line_id, ref)
                    accepted += entry["amount_cents"]
    finally:
        book.close()
    return accepted


def auto_cents(outcome: Outcome) -> int:
    return sum(
        entry["amount_cents"]
        for entry in outcome.decided.values()
        if entry["decision"] == "AUTO_APPLIED"
    )


def test_a_real_month_then_the_next(cli: Cli, book_url: str, tmp_path: Path) -> None:
    setup = build_book(book_url, tmp_path)

    march = build_month(SEED, 3, invoices=bill(setup, MARCH))
    pay_earlier_parts(setup, march, dt.date(2026, 3, 2))
    first = import_and_match(cli, setup, march, tmp_path / "march.ofx")

    assert wrong_auto(setup, first) == []
    unrelated = [i for i in first.decided if first.truth[i] is None]
    assert unrelated
    assert all(first.decided[i]["decision"] != "AUTO_APPLIED" for i in unrelated)
    review = [
        (i, entry)
        for i, entry in first.decided.items()
        if entry["decision"] == "REVIEW_REQUIRED" and first.truth[i] is not None
    ]
    offered = sum(
        first.truth[i] in {c["household_ref"] for c in entry["candidates"]} for i, entry in review
    )
    print(  # noqa: T201 - the figures to watch
        f"\nMarch in a real book: {len(first.decided)} lines, auto-applied {first.rate():.0%}, "
        f"right household offered for {offered} of {len(review)} lines to review"
    )
    assert first.rate() >= MIN_AUTO_RATE
    assert offered >= MIN_OFFERED_RATE * len(review)
    # A line whose only clue is the family's own cell number finds its household first.
    holders = Counter(national(f.phone) for f in setup.families)
    phones = {f.ref: national(f.phone) for f in setup.families}
    by_phone = [i for i, kind in first.kinds.items() if kind == "phone"]
    own = [i for i in by_phone if holders[phones[str(first.truth[i])]] == 1]
    assert own
    assert all(first.decided[i]["candidates"][0]["household_ref"] == first.truth[i] for i in own)
    assert all(first.decided[i]["decision"] != "AUTO_APPLIED" for i in set(by_phone) - set(own))
    check_book(setup, auto_cents(first))

    accepted = review_as_a_person(setup, first)
    check_book(setup, auto_cents(first) + accepted)

    april = build_month(SEED, 4, invoices=bill(setup, APRIL))
    pay_earlier_parts(setup, april, dt.date(2026, 4, 2))
    second = import_and_match(cli, setup, april, tmp_path / "april.ofx")
    print(  # noqa: T201
        f"April, with what March's decisions taught: auto-applied {second.rate():.0%}"
    )
    assert wrong_auto(setup, second) == []
    assert second.rate() >= first.rate() + 0.1
    taught = [
        entry
        for entry in second.decided.values()
        if entry["decision"] == "AUTO_APPLIED"
        and any("before (alias" in reason for reason in entry["candidates"][0]["reasons"])
    ]
    assert taught  # explanations name the alias that drove them
    # A family paying with only its account number is known by it in April...
    by_account = [i for i, kind in second.kinds.items() if kind == "account_no"]
    assert by_account
    for i in by_account:
        assert second.decided[i]["decision"] == "AUTO_APPLIED"
        assert second.decided[i]["household_ref"] == second.truth[i]
    # ...and ``match aliases`` lists the account number it was learned as.
    listed = ok_json(cli(*setup.db, "match", "aliases", "--json"))["aliases"]
    learned = {(a["payer_key"], a["household_ref"]) for a in listed}
    numbers = {f.ref: f.account_number for f in setup.families}
    table = cli(*setup.db, "match", "aliases")
    assert table.code == 0, table
    for i in by_account:
        ref = second.truth[i]
        assert ref is not None
        assert (f"acct:{numbers[ref]}", ref) in learned
        assert f"acct:{numbers[ref]}" in table.stdout
    check_book(setup, auto_cents(first) + accepted + auto_cents(second))
