"""A realistic demo creche: about 60 children in about 45 households, lived in.

Deterministic for a given ``today`` (seeded), so tests can count on it. Fees,
names and balances look like a South African creche's; there are siblings,
mid-month starters, hourly aftercare, a custom fee, extras and a withdrawal.

The book started on the 1st of the month two months before today's, with the
families' opening balances; since then three months have been billed, sent,
paid through imported bank statements, matched, and (but for today's month)
reconciled (``services/demo/lived_months.py``). ``months=0`` gives the book as it
is on its first day: the roster, the opening balances and this month's
statement imported but not yet matched.

Its administrator is :data:`DEMO_USER` with the password :data:`DEMO_PASSWORD`,
so the sign-in dialog can say them; :func:`is_demo` tells a demo creche.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import EnrolmentStatus, FeeType, LineType
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.admin.creches import change_setting, init_creche
from crechebooks_desktop.services.demo import (
    DEMO_ACTION,
    DEMO_MONTHS,
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_USER,
    is_demo,
)
from crechebooks_desktop.services.demo.bank_statement import add_demo_bank
from crechebooks_desktop.services.demo.lived_months import live_months
from crechebooks_desktop.services.ledger.opening_balance_posting import post_opening_balance

__all__ = [
    "DEMO_ACTION",
    "DEMO_MONTHS",
    "DEMO_NAME",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "DemoResult",
    "create_demo_creche",
    "is_demo",
]

_SURNAMES = (
    "Dlamini",
    "Naidoo",
    "van der Merwe",
    "Botha",
    "Nkosi",
    "Mokoena",
    "Pillay",
    "Khumalo",
    "Ndlovu",
    "Smith",
    "Pretorius",
    "Molefe",
    "Mahlangu",
    "Govender",
    "Sithole",
    "Zulu",
    "Mthembu",
    "Jacobs",
    "Adams",
    "Petersen",
    "Williams",
    "Fourie",
    "Venter",
    "Coetzee",
    "Ngcobo",
    "Mabaso",
    "Maseko",
    "Radebe",
    "Moodley",
    "Chetty",
    "Hendricks",
    "Daniels",
    "Nel",
    "du Plessis",
    "Kruger",
    "Tshabalala",
    "Cele",
    "Mkhize",
    "Buthelezi",
    "Baloyi",
    "Mathebula",
    "Sibiya",
    "Ntuli",
    "Dlamini",
    "Naidoo",  # shared surnames, other families
)
_MOTHERS = (
    "Nomsa",
    "Thandi",
    "Lerato",
    "Priya",
    "Zanele",
    "Fatima",
    "Busisiwe",
    "Kavitha",
    "Refilwe",
    "Lindiwe",
    "Nandi",
    "Candice",
    "Reshma",
    "Elmarie",
    "Naledi",
    "Annelie",
    "Palesa",
    "Ayesha",
    "Zodwa",
    "Marietjie",
    "Kgomotso",
    "Shireen",
)
_FATHERS = (
    "Sipho",
    "Johan",
    "Pieter",
    "Thabo",
    "Bongani",
    "Themba",
    "Riaan",
    "Yusuf",
    "Kagiso",
    "Vusi",
    "Ravi",
    "Deon",
    "Lungile",
    "Tshepo",
    "Marco",
    "Sandile",
)
_CHILDREN = (
    "Lwazi",
    "Amahle",
    "Liam",
    "Aaliyah",
    "Kamo",
    "Onalerato",
    "Ethan",
    "Zoe",
    "Siyabonga",
    "Leah",
    "Junaid",
    "Lethabo",
    "Mia",
    "Khanyisile",
    "Ruben",
    "Nala",
    "Aarav",
    "Isla",
    "Bokang",
    "Emma",
    "Oratile",
    "Noah",
    "Ziyanda",
    "Kyle",
    "Anaya",
    "Luthando",
    "Jayden",
    "Minenhle",
    "Chloe",
    "Tumelo",
    "Rayyan",
    "Ava",
    "Sbu",
    "Lila",
    "Neo",
    "Hannah",
    "Karabo",
    "Amara",
    "Zaid",
    "Imka",
    "Jaden",
    "Thato",
    "Ella",
    "Musa",
    "Reabetswe",
    "Keira",
    "Hlumelo",
    "Adam",
    "Zara",
    "Banele",
    "Ivy",
    "Omphile",
    "Caleb",
    "Naomi",
    "Olwethu",
    "Ryan",
    "Kiara",
    "Sinethemba",
    "Nathan",
    "Boitumelo",
    "Tayla",
    "Ayaan",
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo generator made.

    Attributes:
        months: the billed months (their first days), oldest first.
        invoices: monthly invoices made (and sent).
        reconciled_through: the last day of the newest reconciled month.
        user: the administrator's user name; password: their password.
    """

    creche: CrecheSettings
    households: int
    children: int
    enrolments: int
    opening_invoices: int
    bank_lines: int = 0
    months: tuple[dt.date, ...] = ()
    invoices: int = 0
    reconciled_through: dt.date | None = None
    user: str = DEMO_USER
    password: str = DEMO_PASSWORD


def create_demo_creche(uow: UnitOfWork, today: dt.date, *, months: int = DEMO_MONTHS) -> DemoResult:
    """Create the demo creche: its roster, opening balances and months of book-keeping.

    Args:
        uow: the transaction (one for the whole demo: all or nothing).
        today: the book's "today"; enrolment dates and the months are set around it.
        months: how many months (today's and those before it) have been billed,
            banked and matched; 0: none, the book's first day with this
            month's statement imported and not yet matched.

    Returns:
        Counts of what was created.
    """
    if months < 0:
        raise ValueError("months cannot be negative")
    creche, actor = init_creche(
        uow,
        NewCreche(
            name=DEMO_NAME,
            vat_number="4123456789",
            sibling_discounts="0,10,15",
            admin_username=DEMO_USER,
            admin_full_name="Demo Administrator",
            admin_password=DEMO_PASSWORD,
        ),
    )
    scoped = uow.for_tenant(creche.tenant_id)
    audit.record(scoped, actor, DEMO_ACTION, "tenant", creche.tenant_id, None, {"user": DEMO_USER})
    first = _months_back(today.replace(day=1), max(months - 1, 0))
    for key, value in _BANKING.items():
        creche = change_setting(scoped, actor, key, value)
    fees = _fee_structures(scoped, actor)
    rng = random.Random(f"crechebooks-demo-{today.year}")  # noqa: S311 - demo data, not security
    households = children = enrolments = opening = 0
    term_start = _term_start(today)
    for index, surname in enumerate(_SURNAMES):
        household_id, ref = _household(scoped, actor, rng, index, surname)
        households += 1
        for order in range(_child_count(index)):
            _enrol_child(
                scoped,
                actor,
                rng,
                fees,
                household_id,
                ref,
                surname,
                order,
                index,
                term_start,
                today,
            )
            children += 1
            enrolments += 1
        amount = _opening_amount(rng, index)
        if amount and post_opening_balance(scoped, actor, creche, household_id, amount, first):
            opening += 1
    if months == 0:
        lines = add_demo_bank(scoped, actor, today)
        return DemoResult(creche, households, children, enrolments, opening, lines)
    lived = live_months(scoped, actor, first, today)
    return DemoResult(
        creche,
        households,
        children,
        enrolments,
        opening,
        lived.bank_lines,
        lived.months,
        lived.invoices,
        lived.reconciled_through,
    )


def _months_back(month: dt.date, count: int) -> dt.date:
    """The first of the month ``count`` months before ``month``'s."""
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


_BANKING = {
    "trading_name": "Sunflower Kids Educare (Pty) Ltd",
    "address": "14 Jacaranda Avenue, Ferndale, Randburg, 2194",
    "phone": "011 787 4421",
    "email": "accounts@sunflowerkids.co.za",
    "bank_name": "FNB",
    "bank_account_name": "Sunflower Kids Educare",
    "bank_account_number": "62812345678",
    "bank_branch_code": "250655",
}


def _fee_structures(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    specs = (
        ("Full Day (07:00-17:30)", FeeType.FULL_DAY, 485_000, 75_000, 50_000),
        ("Half Day (07:00-13:00)", FeeType.HALF_DAY, 320_000, 75_000, 50_000),
        ("Aftercare (hourly)", FeeType.HOURLY, 6_500, 35_000, None),
        ("Custom arrangement", FeeType.CUSTOM, None, 75_000, 50_000),
    )
    ids = {}
    for name, fee_type, amount, registration, re_registration in specs:
        ids[fee_type.value] = uow.roster.add_fee_structure(
            name, fee_type, amount, registration, re_registration
        )
        audit.record(
            uow,
            actor,
            "fee_structure.create",
            "fee_structure",
            ids[fee_type.value],
            None,
            {"name": name, "fee_type": fee_type.value, "amount_cents": amount},
        )
    return ids


def _household(
    uow: UnitOfWork, actor: Actor, rng: random.Random, index: int, surname: str
) -> tuple[int, str]:
    letters = "".join(ch for ch in surname.upper() if ch.isalpha())[:8]
    ref = f"{letters}{index + 1:02d}"
    if index % 6 == 4:  # noqa: PLR2004 - some fathers are the account holder
        first = rng.choice(_FATHERS)
        parent = f"Mr {first} {surname}"
    else:
        first = rng.choice(_MOTHERS)
        parent = f"{rng.choice(('Mrs', 'Ms'))} {first} {surname}"
    second = None
    if index % 3 == 1:
        partner = _MOTHERS if parent.startswith("Mr ") else _FATHERS
        title = "Mrs" if parent.startswith("Mr ") else "Mr"
        second = f"{title} {rng.choice(partner)} {surname}"
    phone = f"08{rng.choice('234')} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    domain = rng.choice(("gmail.com", "outlook.com", "mweb.co.za", "webmail.co.za"))
    email = f"{first.lower()}.{letters.lower()}@{domain}"
    household_id = uow.roster.add_household(
        ref,
        parent,
        second_parent_name=second,
        email=email,
        phone=phone,
        address=f"{rng.randint(1, 180)} {rng.choice(('Oak', 'Kiaat', 'Protea', 'Acacia'))} "
        f"Street, {rng.choice(('Ferndale', 'Blairgowrie', 'Linden', 'Northcliff'))}",
    )
    audit.record(
        uow,
        actor,
        "household.create",
        "household",
        household_id,
        None,
        {"account_ref": ref, "parent_name": parent},
    )
    return household_id, ref


def _child_count(index: int) -> int:
    """11 families with two children and two with three: 60 children in 45 homes."""
    if index in {4, 19}:
        return 3
    return 2 if index % 4 == 1 else 1


def _term_start(today: dt.date) -> dt.date:
    year = today.year if today.month > 1 or today.day >= 14 else today.year - 1  # noqa: PLR2004
    return dt.date(year, 1, 14)


def _enrol_child(
    uow: UnitOfWork,
    actor: Actor,
    rng: random.Random,
    fees: dict[str, int],
    household_id: int,
    household_ref: str,
    surname: str,
    order: int,
    index: int,
    term_start: dt.date,
    today: dt.date,
) -> None:
    first = rng.choice(_CHILDREN)
    born = dt.date(
        today.year - 2 - order - rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28)
    )
    child_ref = f"{household_ref}-{order + 1}"
    child_id = uow.roster.add_child(household_id, child_ref, first, surname, born)
    fee_type, custom, hours = _fee_choice(index, order)
    start, end, status = _dates(index, order, term_start, today)
    extras: tuple[tuple[LineType, int, str | None], ...] = ()
    if index % 5 == 0:
        extras = ((LineType.EXTRA_MURAL, 25_000, "Swimming"),)
    if index % 7 == 3:  # noqa: PLR2004
        extras = (*extras, (LineType.MEALS, 40_000, "Hot lunches"))
    enrolment_id = uow.roster.add_enrolment(
        child_id,
        fees[fee_type.value],
        start,
        end_date=end,
        status=status,
        custom_amount_cents=custom,
        hours_per_month=hours,
        extras=extras,
    )
    audit.record(
        uow,
        actor,
        "child.enrol",
        "enrolment",
        enrolment_id,
        None,
        {
            "child_ref": child_ref,
            "name": f"{first} {surname}",
            "fee_type": fee_type.value,
            "start_date": start.isoformat(),
            "end_date": end.isoformat() if end else None,
            "status": status.value,
        },
    )


def _fee_choice(index: int, order: int) -> tuple[FeeType, int | None, Decimal | None]:
    if index == 8:  # noqa: PLR2004 - one family on an agreed custom fee
        return FeeType.CUSTOM, 410_000, None
    if index % 9 == 4 and order == 0:  # noqa: PLR2004
        return FeeType.HOURLY, None, Decimal(40)
    if index % 3 == 2:  # noqa: PLR2004
        return FeeType.HALF_DAY, None, None
    return FeeType.FULL_DAY, None, None


def _dates(
    index: int, order: int, term_start: dt.date, today: dt.date
) -> tuple[dt.date, dt.date | None, EnrolmentStatus]:
    month_start = today.replace(day=1)
    if index == 12 and order == 0:  # noqa: PLR2004 - withdrew at the end of last month
        return term_start, month_start - dt.timedelta(days=1), EnrolmentStatus.WITHDRAWN
    if index in {30, 41}:  # mid-month starters this month
        return month_start + dt.timedelta(days=9 + (index % 5)), None, EnrolmentStatus.ACTIVE
    if index % 6 == 5:  # noqa: PLR2004 - enrolled since the year before
        return term_start.replace(year=term_start.year - 1), None, EnrolmentStatus.ACTIVE
    return term_start, None, EnrolmentStatus.ACTIVE


def _opening_amount(rng: random.Random, index: int) -> int:
    """Most families are square; some owe part of a month or more; a few are in credit."""
    if index % 5 == 2:  # noqa: PLR2004
        return rng.choice((48_500, 97_000, 150_000, 32_000, 242_500))
    if index % 11 == 6:  # noqa: PLR2004
        return -rng.choice((25_000, 50_000, 10_000))
    return 0
