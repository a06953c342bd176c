"""A realistic month of bank credits for a creche, with the truth, for matching tests.

Pure data, seeded and deterministic. :func:`build_roster` makes about 120
households (several DLAMINI, NAIDOO, VAN DER MERWE, MOKOENA and PILLAY
households, second parents, siblings) with a fixed *habit* each: how that
family pays (invoice number as reference, account reference, a child's name,
only the payer's name, ...). Families keep their habit from month to month,
which is what lets learned aliases help in a second month.

Every family has a cell number on the roster (written as people type it:
``082 123 4567``, ``+27 82 123 4567``, ...) and a bank account it pays from;
every :data:`SHARED_PHONE_EVERY`-th family has the previous family's number
(a grandmother's, recorded for both). Drawn from their own random stream, so
the rest of the roster is the same as without them. Some families' habit is
to pay with only their cell number in the text (``MAGIC 0821234567``), or
only their account number (``IB PAYMENT FROM 62012345678``): see
:data:`NUMBER_HABITS`.

:func:`build_month` gives, for one billing month, each child's open invoice
(``INV-2026-000001`` on), the households as matching sees them (``payees``),
and the credit lines the bank shows: one per paying family (some pay twice,
some not at all) plus unrelated credits (interest, a supplier's refund, SARS,
a transfer from savings of exactly a common fee). ``truth`` maps each line to
its household id, or None for unrelated money. ``households`` holds the plain
roster (names, refs, invoice numbers, amounts and due dates) so that another
test can load the same month into a real book.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from crechebooks_desktop.domain.matching import (
    Candidate,
    LearnedAlias,
    LineMatch,
    MatchLine,
    OpenItem,
    Payee,
    match_lines,
)

SURNAMES = (
    *["Dlamini"] * 6,
    *["Naidoo"] * 4,
    *["van der Merwe"] * 3,
    *["Mokoena"] * 3,
    *["Pillay"] * 3,
    *["Nkosi"] * 2,
    *["Botha"] * 2,
    *["Khumalo"] * 2,
    *["Ndlovu"] * 2,
    "Smith", "Mthembu", "Zulu", "Sithole", "Mahlangu", "Moloi", "Petersen", "Jacobs",
    "Adams", "Williams", "Fourie", "du Plessis", "Nel", "Venter", "Coetzee", "Govender",
    "Reddy", "Moodley", "Naicker", "Patel", "Mohamed", "Essop", "Makhubele", "Shabalala",
    "Maseko", "Tshabalala", "Radebe", "Baloyi", "Mabaso", "le Roux", "Kruger", "Swanepoel",
    "Hendricks", "Daniels", "Mokwena", "Molefe", "Ngcobo", "Cele", "Mkhize", "Zwane",
)  # fmt: skip
WOMEN = (
    "Nomsa", "Nandi", "Thandi", "Zanele", "Lerato", "Precious", "Anika", "Marike", "Priya",
    "Kavitha", "Fatima", "Ayesha", "Sarah", "Michelle", "Nokuthula", "Palesa", "Refilwe",
    "Busisiwe", "Elna", "Charlene", "Naledi", "Mpho", "Karabo", "Lindiwe", "Sunita",
)  # fmt: skip
MEN = (
    "Sipho", "Thabo", "Themba", "Johan", "Pieter", "Ravi", "Suresh", "Yusuf", "Mandla",
    "Bongani", "Kabelo", "Tshepo", "Andile", "Francois", "Riaan", "Deon", "Vusi", "Sibusiso",
    "Mark", "Craig", "Nikhil", "Ashwin", "Lwazi", "Musa", "Jaco",
)  # fmt: skip
KIDS = (
    "Thabo", "Lwazi", "Amahle", "Lethabo", "Lesedi", "Minenhle", "Kea", "Ruben", "Mia",
    "Liam", "Zoe", "Aarav", "Anaya", "Zaid", "Imaan", "Jayden", "Ethan", "Ava", "Olwethu",
    "Siyabonga", "Karabo", "Oratile", "Naledi", "Emma", "Noah", "Kian", "Reya", "Ishaan",
)  # fmt: skip
# A family that paid part of its invoice earlier in the month paid this much.
PAID_BEFORE = 100_000
FEES = (350_000, 350_000, 350_000, 420_000, 240_000, 285_000, 485_000, 350_000)
BANK_PREFIXES = ("ACB CREDIT", "MAGTAPE CREDIT", "IB PAYMENT FROM", "FNB APP PAYMENT FROM", "")
HABITS = {
    "invoice_ref": 26,
    "account_ref": 20,
    "child_name": 10,
    "payer_only": 12,
    "truncated": 6,
    "typo_ref": 4,
    "ends_digits": 4,
    "grandparent": 4,
    "cash": 4,
    "both_invoices": 6,
    "partial": 4,
}
NUMBER_HABITS = (("phone", 0.08), ("account_no", 0.05))
"""Habits given instead of the drawn one, with their share of the families (exactly)."""
SHARED_PHONE_EVERY = 15


# (household id, child position) -> (invoice number, invoice total), from a real book.
Invoices = Mapping[tuple[int, int], tuple[str, int]]


@dataclass(frozen=True, slots=True)
class RosterChild:
    """A child with this month's invoice (plain data for a real book)."""

    name: str
    invoice_number: str
    total_cents: int
    balance_due_cents: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class RosterHousehold:
    """A household, its parents and children, and how it pays."""

    household_id: int
    ref: str
    parents: tuple[str, ...]
    children: tuple[RosterChild, ...]
    habit: str
    payer_style: int
    phone: str = ""
    account_number: str = ""

    @property
    def outstanding_cents(self) -> int:
        return sum(child.balance_due_cents for child in self.children)

    def payee(self) -> Payee:
        items = tuple(
            OpenItem(c.invoice_number, c.balance_due_cents, c.due_date) for c in self.children
        )
        kids = tuple(c.name for c in self.children)
        phones = (self.phone,) if self.phone else ()
        return Payee(
            self.household_id,
            self.ref,
            self.parents,
            kids,
            self.outstanding_cents,
            items,
            phones=phones,
        )


@dataclass(frozen=True, slots=True)
class Family:
    """The month-independent part of a household."""

    household_id: int
    ref: str
    parents: tuple[str, ...]
    kids: tuple[str, ...]
    fee_cents: int
    habit: str
    payer_style: int
    phone: str = ""
    """The cell number on the roster, as typed."""
    account_number: str = ""
    """The bank account the family pays from."""


@dataclass(frozen=True, slots=True)
class Month:
    """One month: the roster with invoices, payees, bank lines and the truth."""

    households: tuple[RosterHousehold, ...]
    payees: tuple[Payee, ...]
    lines: tuple[MatchLine, ...]
    truth: dict[int, int | None]
    kinds: dict[int, str]


def _ref_stem(surname: str) -> str:
    return "".join(c for c in surname.upper() if c.isalpha())[:10]


def build_roster(seed: int = 7, households: int = 120) -> tuple[Family, ...]:
    """The families, with a fixed habit and payer style each."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    counters: dict[str, int] = {}
    families = []
    for household_id in range(1, households + 1):
        surname = rng.choice(SURNAMES)
        stem = _ref_stem(surname)
        counters[stem] = counters.get(stem, 0) + 1
        parents = [f"{rng.choice(WOMEN)} {surname}"]
        if rng.random() < 0.65:
            other = surname if rng.random() < 0.85 else rng.choice(SURNAMES)
            parents.append(f"{rng.choice(MEN)} {other}")
        count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        kids = tuple(f"{name} {surname}" for name in rng.sample(KIDS, count))
        habit = rng.choices(list(HABITS), weights=list(HABITS.values()))[0]
        families.append(
            Family(
                household_id,
                f"{stem}{counters[stem]:02d}",
                tuple(parents),
                kids,
                rng.choice(FEES),
                habit,
                rng.randrange(6),
            )
        )
    return _with_numbers(seed, families)


def _with_numbers(seed: int, families: list[Family]) -> tuple[Family, ...]:
    """Give each family a cell number and an account, and some a number habit."""
    rng = random.Random(f"numbers-{seed}")  # noqa: S311 - its own stream (module docstring)
    order = rng.sample(range(len(families)), len(families))
    habits: dict[int, str] = {}
    for number_habit, share in NUMBER_HABITS:
        count = round(share * len(families))
        habits.update((index, number_habit) for index in order[len(habits) : len(habits) + count])
    out: list[Family] = []
    for index, family in enumerate(families):
        cell = f"0{rng.choice('678')}{rng.randrange(10)}{rng.randrange(10**7):07d}"
        if family.household_id % SHARED_PHONE_EVERY == 0 and out:
            cell = national(out[-1].phone)
        # FNB (11 digits), Capitec and ABSA (10 digits) account numbers.
        bank, width = rng.choice((("62", 9), ("1", 9), ("40", 8)))
        account = f"{bank}{rng.randrange(10**width):0{width}d}"
        habit = habits.get(index, family.habit)
        written = phone_as_typed(cell, family.household_id)
        out.append(replace(family, habit=habit, phone=written, account_number=account))
    return tuple(out)


def national(phone: str) -> str:
    """A typed cell number as ``0821234567``."""
    digits = "".join(c for c in phone if c.isdigit())
    return "0" + digits[-9:]


def phone_as_typed(cell: str, style: int) -> str:
    """``0821234567`` as a roster or a bank line may write it (five styles)."""
    spaced = f"{cell[:3]} {cell[3:6]} {cell[6:]}"
    styles = (spaced, cell, f"+27 {cell[1:3]} {cell[3:6]} {cell[6:]}", spaced.replace(" ", "-"),
              f"27{cell[1:]}")  # fmt: skip
    return styles[style % len(styles)]


def payer_text(parent: str, style: int) -> str:
    """A parent's name as a bank writes it, in one of six styles."""
    first, _, surname = parent.partition(" ")
    surname = surname.upper()
    styles = (
        f"MRS {first[0]} {surname}",
        f"{surname} {first[0]}",
        f"{first[0]} {surname} FEES",
        f"{first.upper()} {surname}",
        f"MS {first.upper()} {surname}",
        f"{first[0]} {surname}",
    )
    return styles[style % len(styles)]


class _MonthBuilder:
    def __init__(self, seed: int, month: int, families: tuple[Family, ...]) -> None:
        self.rng = random.Random(seed * 1000 + month)  # noqa: S311
        self.month = month
        self.date = dt.date(2026, month, 1)
        self.families = families
        self.lines: list[MatchLine] = []
        self.truth: dict[int, int | None] = {}
        self.kinds: dict[int, str] = {}
        self.month_name = self.date.strftime("%B").upper()

    def households(self, invoices: Invoices | None) -> tuple[RosterHousehold, ...]:
        number = (self.month - 3) % 12 * 1000  # March: INV-2026-000001 on
        out = []
        due = self.date.replace(day=7)
        for family in self.families:
            kids = []
            for position, kid in enumerate(family.kids):
                number += 1
                total = family.fee_cents if position == 0 else family.fee_cents * 9 // 10
                invoice = f"INV-2026-{number:06d}"
                if invoices is not None:  # a real book's invoice run
                    invoice, total = invoices[family.household_id, position]
                balance = total if self.rng.random() > 0.06 else total - PAID_BEFORE
                kids.append(RosterChild(kid, invoice, total, balance, due))
            out.append(
                RosterHousehold(
                    family.household_id,
                    family.ref,
                    family.parents,
                    tuple(kids),
                    family.habit,
                    family.payer_style,
                    family.phone,
                    family.account_number,
                )
            )
        return tuple(out)

    def add(self, kind: str, truth: int | None, amount: int, description: str, **kw: str) -> None:
        line_id = len(self.lines) + 1
        day = self.date + dt.timedelta(days=self.rng.randrange(10))
        reference, payer = kw.get("reference"), kw.get("payer")
        self.lines.append(MatchLine(line_id, day, amount, description, reference, payer))
        self.truth[line_id] = truth
        self.kinds[line_id] = kind

    def bank_line(self, household: RosterHousehold, kind: str, amount: int, reference: str | None):
        parent = household.parents[0]
        name = payer_text(parent, household.payer_style)
        prefix = BANK_PREFIXES[household.household_id % len(BANK_PREFIXES)]
        if household.household_id % 3:  # the payer field is filled in
            self.add(kind, household.household_id, amount, prefix or "CREDIT", payer=name,
                     **({"reference": reference} if reference else {}))  # fmt: skip
        else:  # the name is only in the description
            description = f"{prefix} {name}".strip()
            self.add(kind, household.household_id, amount, description,
                     **({"reference": reference} if reference else {}))  # fmt: skip


def _by_invoice(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    for child in household.children:
        builder.bank_line(household, habit, child.balance_due_cents, child.invoice_number)


def _by_account(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    builder.bank_line(household, habit, household.outstanding_cents, household.ref)


def _by_child(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    for child in household.children:
        builder.bank_line(household, habit, child.balance_due_cents, child.name.upper())


def _by_name(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    builder.bank_line(household, habit, household.outstanding_cents, f"FEES {builder.month_name}")


def _truncated(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    name = f"MRS {household.parents[0].upper()}"[:16]
    builder.add(habit, household.household_id, household.outstanding_cents, "MAGTAPE CREDIT",
                payer=name, reference=household.ref)  # fmt: skip


def _typo(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    first = household.children[0]
    typo = first.invoice_number.replace("-000", "-00", 1)
    builder.bank_line(household, habit, first.balance_due_cents, typo)


def _ending(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    first = household.children[0]
    digits = first.invoice_number[-4:]
    builder.bank_line(household, habit, first.balance_due_cents, f"SCHOOL FEES {digits}")


def _grandparent(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    builder.add(habit, household.household_id, household.outstanding_cents, "IB PAYMENT FROM",
                payer="GOGO M ZWANE", reference=household.ref)  # fmt: skip


def _cash(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    total = household.outstanding_cents
    builder.add(habit, household.household_id, total, "CASH DEPOSIT BRANCH 0412")


def _both(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    numbers = " ".join(c.invoice_number for c in household.children)
    builder.bank_line(household, habit, household.outstanding_cents, numbers)


def _by_phone(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    """Only the cell number: ``MAGIC 0821234567``, a reference ``+27 82 123 4567``, ..."""
    cell = national(household.phone)
    typed = phone_as_typed(cell, household.household_id + builder.month)
    total = household.outstanding_cents
    match household.household_id % 3:
        case 0:
            builder.add(habit, household.household_id, total, f"MAGIC {cell}")
        case 1:
            builder.add(habit, household.household_id, total, f"PAYMENT RECEIVED {typed}")
        case _:
            builder.add(habit, household.household_id, total, "IB PAYMENT", reference=typed)


def _by_account_number(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    """Only the account paid from: ``IB PAYMENT FROM 62012345678``."""
    prefix = ("IB PAYMENT FROM", "ACB CREDIT", "MAGTAPE CREDIT")[household.household_id % 3]
    description = f"{prefix} {household.account_number}"
    builder.add(habit, household.household_id, household.outstanding_cents, description)


def _partial(builder: _MonthBuilder, household: RosterHousehold, habit: str) -> None:
    part = household.outstanding_cents * builder.rng.choice((50, 60, 75)) // 100
    builder.bank_line(household, habit, part, household.children[0].invoice_number)


PAYS = {
    "invoice_ref": _by_invoice,
    "account_ref": _by_account,
    "child_name": _by_child,
    "payer_only": _by_name,
    "truncated": _truncated,
    "typo_ref": _typo,
    "ends_digits": _ending,
    "grandparent": _grandparent,
    "cash": _cash,
    "both_invoices": _both,
    "partial": _partial,
    "phone": _by_phone,
    "account_no": _by_account_number,
}


def _pays(builder: _MonthBuilder, household: RosterHousehold) -> None:
    rng = builder.rng
    habit = household.habit if rng.random() > 0.08 else rng.choice(list(HABITS))
    PAYS[habit](builder, household, habit)


def _unrelated(builder: _MonthBuilder) -> None:
    fixed = (
        ("interest", 1_234, "CREDIT INTEREST", None),
        ("sars", 1_850_000, "SARS VAT REFUND", "SARS"),
        ("supplier_refund", 45_000, "REFUND ACME EDU TOYS", "CN00412"),
        ("savings", 350_000, "TRANSFER FROM SAVINGS", None),
        ("donation", 50_000, "DONATION ROTARY CLUB", "DONATION"),
        ("supplier_refund", 350_000, "REFUND WOOLWORTHS", "REF 99812"),
    )
    for kind, amount, description, reference in fixed:
        builder.add(
            kind, None, amount, description, **({"reference": reference} if reference else {})
        )


def build_month(
    seed: int = 7, month: int = 3, households: int = 120, invoices: Invoices | None = None
) -> Month:
    """Build one month's roster, payees, bank lines and the truth.

    Args:
        seed: Seeds the roster (families and habits) and the month.
        month: The billing month (2026); different months share the roster.
        households: How many families.
        invoices: the invoice number and total of each child's invoice, when
            a real book billed the roster; numbered here, at the family's fee
            (less 10% for a second or later child), when None.

    Returns:
        The month.
    """
    builder = _MonthBuilder(seed, month, build_roster(seed, households))
    roster = builder.households(invoices)
    for household in roster:
        if builder.rng.random() < 0.12:
            continue  # this family does not pay this month
        _pays(builder, household)
    _unrelated(builder)
    return Month(
        roster,
        tuple(h.payee() for h in roster),
        tuple(builder.lines),
        builder.truth,
        builder.kinds,
    )


# --- small builders for the unit tests ----------------------------------------

DUE = dt.date(2026, 3, 7)
DAY = dt.date(2026, 3, 3)


def item(number: int, balance: int = 350_000, due: dt.date = DUE) -> OpenItem:
    return OpenItem(f"INV-2026-{number:06d}", balance, due)


def payee(
    household_id: int,
    ref: str,
    parents: Sequence[str] = (),
    children: Sequence[str] = (),
    items: Sequence[OpenItem] = (),
    outstanding: int | None = None,
    phones: Sequence[str] = (),
) -> Payee:
    total = sum(i.balance_due_cents for i in items) if outstanding is None else outstanding
    return Payee(
        household_id,
        ref,
        tuple(parents),
        tuple(children),
        total,
        tuple(items),
        phones=tuple(phones),
    )


def line(
    amount: int = 350_000,
    description: str = "ACB CREDIT",
    reference: str | None = None,
    payer: str | None = None,
    line_id: int = 1,
) -> MatchLine:
    return MatchLine(line_id, DAY, amount, description, reference, payer)


def match(
    one_line: MatchLine, payees: Sequence[Payee], aliases: Sequence[LearnedAlias] = ()
) -> LineMatch:
    (result,) = match_lines([one_line], payees, aliases)
    return result


def candidate(result: LineMatch, ref: str) -> Candidate:
    found = [c for c in result.candidates if c.household_ref == ref]
    assert found, f"{ref} is not a candidate: {result}"
    return found[0]


def refs(result: LineMatch) -> list[str]:
    return [c.household_ref for c in result.candidates]
