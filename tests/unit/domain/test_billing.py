"""Tests for crechebooks_desktop.domain.billing (a month's invoices, composed purely)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.billing import (
    VAT_BY_LINE_TYPE,
    Charge,
    DraftInvoice,
    DraftLine,
    Enrolment,
    Extra,
    VatPolicy,
    active_days,
    compose_month,
    days_in_month,
    fee_amount,
    month_end,
    month_start,
    price_line,
    prorated,
    sibling_discount,
    sibling_positions,
    vat_treatment,
)
from crechebooks_desktop.domain.enums import FeeType, LineType, VatTreatment
from crechebooks_desktop.domain.vat import VatSplit

D = dt.date
L = LineType
EXEMPT, STANDARD = VatTreatment.EXEMPT, VatTreatment.STANDARD
ONE = Decimal(1)
MARCH = D(2026, 3, 1)
RATE = Decimal("0.15")
INCLUSIVE = VatPolicy(registered=True, prices_include_vat=True, rate=RATE)
EXCLUSIVE = VatPolicy(registered=True, prices_include_vat=False, rate=RATE)
NOT_REGISTERED = VatPolicy(registered=False, prices_include_vat=True, rate=RATE)
SCHEDULE = (Decimal(0), Decimal(10), Decimal(15))


def exact(numerator: int, denominator: int) -> int:
    """Independent oracle: round(numerator / denominator) half-to-even via Decimal."""
    quotient = Decimal(numerator) / Decimal(denominator)
    return int(quotient.to_integral_value(rounding=ROUND_HALF_EVEN))


def enrol(**changes: Any) -> Enrolment:
    values: dict[str, Any] = {
        "enrolment_id": 100,
        "child_id": 10,
        "child_name": "Thandi Dlamini",
        "household_id": 1,
        "date_of_birth": D(2021, 5, 1),
        "fee_type": FeeType.FULL_DAY,
        "fee_name": "Full day",
        "fee_amount_cents": 485_000,
        "custom_amount_cents": None,
        "hours_per_month": None,
        "start": D(2025, 1, 6),
        "end": None,
        "registration_fee_cents": 50_000,
        "re_registration_fee_cents": 30_000,
        "extras": (),
    }
    values.update(changes)
    return Enrolment(**values)


def charge(**changes: Any) -> Charge:
    values: dict[str, Any] = {
        "charge_id": 900,
        "child_id": 10,
        "line_type": L.LATE_PICKUP,
        "description": "Late pick-up 12 March",
        "amount_cents": 15_000,
        "charge_date": D(2026, 3, 12),
        "vat_override": None,
    }
    values.update(changes)
    return Charge(**values)


def line(
    line_type: LineType,
    description: str,
    net: int,
    vat: int = 0,
    *,
    child_id: int = 10,
    unit: int | None = None,
    quantity: Decimal = ONE,
    treatment: VatTreatment | None = None,
    charge_id: int | None = None,
) -> DraftLine:
    return DraftLine(
        line_type=line_type,
        description=description,
        quantity=quantity,
        unit_cents=net + vat if unit is None else unit,
        net_cents=net,
        vat_cents=vat,
        gross_cents=net + vat,
        vat_treatment=treatment or VAT_BY_LINE_TYPE[line_type],
        child_id=child_id,
        charge_id=charge_id,
    )


def types(draft: DraftInvoice) -> list[LineType]:
    return [ln.line_type for ln in draft.lines]


def only(drafts: list[DraftInvoice]) -> DraftInvoice:
    assert len(drafts) == 1
    return drafts[0]


# --- VAT ---------------------------------------------------------------------


def test_vat_table_is_exactly_the_design() -> None:
    exempt = {
        L.MONTHLY_FEE,
        L.REGISTRATION,
        L.RE_REGISTRATION,
        L.EXTRA_MURAL,
        L.CREDIT,
        L.DISCOUNT,
        L.OPENING_BALANCE,
    }
    standard = {
        L.BOOKS,
        L.SCHOOL_TRIP,
        L.STATIONERY,
        L.UNIFORM,
        L.MEALS,
        L.TRANSPORT,
        L.LATE_PICKUP,
        L.DAMAGED_EQUIPMENT,
        L.AD_HOC,
    }
    assert {t for t, v in VAT_BY_LINE_TYPE.items() if v is EXEMPT} == exempt
    assert {t for t, v in VAT_BY_LINE_TYPE.items() if v is STANDARD} == standard
    assert set(VAT_BY_LINE_TYPE) == set(LineType)
    with pytest.raises(TypeError):
        VAT_BY_LINE_TYPE[L.MEALS] = EXEMPT  # type: ignore[index]


@pytest.mark.parametrize(
    ("line_type", "override", "expected"),
    [
        (L.AD_HOC, None, STANDARD),
        (L.AD_HOC, EXEMPT, EXEMPT),
        (L.AD_HOC, STANDARD, STANDARD),
        (L.MEALS, EXEMPT, STANDARD),
        (L.MEALS, None, STANDARD),
        (L.MONTHLY_FEE, STANDARD, EXEMPT),
        (L.DISCOUNT, None, EXEMPT),
    ],
)
def test_vat_treatment(
    line_type: LineType,
    override: VatTreatment | None,
    expected: VatTreatment,
) -> None:
    assert vat_treatment(line_type, override) is expected


@pytest.mark.parametrize(
    ("amount", "treatment", "policy", "split"),
    [
        (40_000, STANDARD, INCLUSIVE, VatSplit(34_783, 5_217, 40_000)),
        (40_000, STANDARD, EXCLUSIVE, VatSplit(40_000, 6_000, 46_000)),
        (40_000, STANDARD, NOT_REGISTERED, VatSplit(40_000, 0, 40_000)),
        (40_000, EXEMPT, INCLUSIVE, VatSplit(40_000, 0, 40_000)),
        (40_000, EXEMPT, EXCLUSIVE, VatSplit(40_000, 0, 40_000)),
        (-11_500, STANDARD, INCLUSIVE, VatSplit(-10_000, -1_500, -11_500)),
        (100, STANDARD, INCLUSIVE, VatSplit(87, 13, 100)),
    ],
)
def test_price_line(
    amount: int, treatment: VatTreatment, policy: VatPolicy, split: VatSplit
) -> None:
    assert price_line(amount, treatment, policy) == split


def test_price_line_uses_the_policy_rate() -> None:
    old = VatPolicy(registered=True, prices_include_vat=False, rate=Decimal("0.14"))
    assert price_line(40_000, STANDARD, old) == VatSplit(40_000, 5_600, 45_600)


def test_price_line_refuses_float_amounts() -> None:
    with pytest.raises(TypeError):
        price_line(400.0, EXEMPT, INCLUSIVE)  # type: ignore[arg-type]


def test_vat_policy_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        INCLUSIVE.registered = False  # type: ignore[misc]


# --- Dates and pro-rata ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "days"),
    [
        (D(2028, 2, 10), 29),
        (D(2027, 2, 10), 28),
        (D(2000, 2, 1), 29),
        (D(2100, 2, 1), 28),
        (D(2026, 1, 31), 31),
        (D(2026, 4, 15), 30),
        (D(2026, 12, 1), 31),
    ],
)
def test_days_in_month(day: dt.date, days: int) -> None:
    assert days_in_month(day) == days


def test_month_start_and_end() -> None:
    assert month_start(D(2026, 3, 17)) == D(2026, 3, 1)
    assert month_end(D(2026, 3, 17)) == D(2026, 3, 31)
    assert month_end(D(2028, 2, 1)) == D(2028, 2, 29)
    assert month_end(D(2026, 12, 31)) == D(2026, 12, 31)


@pytest.mark.parametrize(
    ("start", "end", "month", "days"),
    [
        (D(2025, 1, 6), None, MARCH, 31),
        (D(2026, 3, 1), D(2026, 3, 31), MARCH, 31),
        (D(2026, 3, 10), None, MARCH, 22),
        (D(2025, 1, 6), D(2026, 3, 20), MARCH, 20),
        (D(2026, 3, 10), D(2026, 3, 20), MARCH, 11),
        (D(2026, 3, 31), None, MARCH, 1),
        (D(2025, 1, 6), D(2026, 3, 1), MARCH, 1),
        (D(2026, 3, 15), D(2026, 3, 15), MARCH, 1),
        (D(2028, 2, 15), None, D(2028, 2, 1), 15),
        (D(2027, 2, 14), None, D(2027, 2, 1), 15),
        (D(2025, 1, 6), D(2026, 2, 28), MARCH, 0),
        (D(2026, 4, 1), None, MARCH, 0),
        (D(2026, 3, 20), D(2026, 3, 10), MARCH, 0),
    ],
)
def test_active_days(start: dt.date, end: dt.date | None, month: dt.date, days: int) -> None:
    assert active_days(start, end, month) == days


@pytest.mark.parametrize(
    ("monthly", "start", "end", "month", "expected"),
    [
        # Whole month: exactly the fee, in months of every length.
        (485_000, D(2025, 1, 6), None, MARCH, 485_000),
        (485_000, D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 1), 485_000),
        (485_000, D(2028, 2, 1), None, D(2028, 2, 1), 485_000),
        # R4 850.00 from 10 March 2026: 22 of 31 days = 344 193.548... cents.
        (485_000, D(2026, 3, 10), None, MARCH, 344_194),
        # Ends 20 March: 20 of 31 = 312 903.225...
        (485_000, D(2025, 1, 6), D(2026, 3, 20), MARCH, 312_903),
        # 10 to 20 March: 11 of 31 = 172 096.774...
        (485_000, D(2026, 3, 10), D(2026, 3, 20), MARCH, 172_097),
        # Leap February 2028: 15 of 29 = 250 862.068...; 2027: 15 of 28 = 259 821.428...
        (485_000, D(2028, 2, 15), None, D(2028, 2, 1), 250_862),
        (485_000, D(2027, 2, 14), None, D(2027, 2, 1), 259_821),
        # No overlap.
        (485_000, D(2025, 1, 6), D(2026, 2, 28), MARCH, 0),
        (485_000, D(2026, 4, 1), None, MARCH, 0),
        # Exact half cents round to even: 1001 x 15/30 = 500.5, 1003 x 15/30 = 501.5.
        (1_001, D(2026, 4, 16), None, D(2026, 4, 1), 500),
        (1_003, D(2026, 4, 16), None, D(2026, 4, 1), 502),
    ],
)
def test_prorated(
    monthly: int,
    start: dt.date,
    end: dt.date | None,
    month: dt.date,
    expected: int,
) -> None:
    assert prorated(monthly, start, end, month) == expected
    days = active_days(start, end, month)
    assert expected == exact(monthly * days, days_in_month(month))


MONTHS = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 1)).map(month_start)
OFFSETS = st.integers(min_value=-40, max_value=70)
AMOUNTS = st.integers(min_value=0, max_value=10**7)


@given(AMOUNTS, MONTHS, OFFSETS, st.none() | st.integers(min_value=0, max_value=70))
def test_prorated_never_exceeds_the_monthly_fee(
    monthly: int,
    month: dt.date,
    start_offset: int,
    length: int | None,
) -> None:
    start = month + dt.timedelta(days=start_offset)
    end = None if length is None else start + dt.timedelta(days=length)
    amount = prorated(monthly, start, end, month)
    assert 0 <= amount <= monthly
    days = active_days(start, end, month)
    if days == days_in_month(month):
        assert amount == monthly
    assert amount == exact(monthly * days, days_in_month(month))


# --- Fees --------------------------------------------------------------------


def test_fee_amount_full_and_half_day_are_pro_rata() -> None:
    assert fee_amount(enrol(), MARCH) == 485_000
    half = enrol(fee_type=FeeType.HALF_DAY, fee_amount_cents=320_000, start=D(2026, 3, 10))
    assert fee_amount(half, D(2026, 3, 25)) == 227_097  # 320 000 x 22/31


def test_fee_amount_custom_uses_the_enrolments_own_amount() -> None:
    custom = enrol(fee_type=FeeType.CUSTOM, fee_amount_cents=None, custom_amount_cents=400_000)
    assert fee_amount(custom, MARCH) == 400_000
    late = dataclasses.replace(custom, start=D(2026, 3, 10))
    assert fee_amount(late, MARCH) == 283_871  # 400 000 x 22/31 = 283 870.97


@pytest.mark.parametrize(
    ("rate", "hours", "expected"),
    [
        (6_500, Decimal(40), 260_000),
        (6_500, Decimal("12.5"), 81_250),
        (6_501, Decimal("12.5"), 81_262),  # 81 262.5 -> even
        (6_503, Decimal("12.5"), 81_288),  # 81 287.5 -> even
        (6_500, Decimal(0), 0),
    ],
)
def test_fee_amount_hourly(rate: int, hours: Decimal, expected: int) -> None:
    hourly = enrol(fee_type=FeeType.HOURLY, fee_amount_cents=rate, hours_per_month=hours)
    assert fee_amount(hourly, MARCH) == expected


def test_hourly_fee_is_not_pro_rated_but_is_zero_when_not_active() -> None:
    hourly = enrol(
        fee_type=FeeType.HOURLY,
        fee_amount_cents=6_500,
        hours_per_month=Decimal(40),
        start=D(2026, 3, 25),
    )
    assert fee_amount(hourly, MARCH) == 260_000
    assert fee_amount(hourly, D(2026, 2, 1)) == 0


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"fee_amount_cents": None}, "monthly amount"),
        ({"fee_type": FeeType.HALF_DAY, "fee_amount_cents": None}, "monthly amount"),
        ({"fee_type": FeeType.CUSTOM, "custom_amount_cents": None}, "custom monthly amount"),
        (
            {"fee_type": FeeType.HOURLY, "fee_amount_cents": None, "hours_per_month": Decimal(4)},
            "hourly rate",
        ),
        ({"fee_type": FeeType.HOURLY, "hours_per_month": None}, "hours per month"),
    ],
)
def test_fee_amount_missing_amount_names_the_child(changes: dict[str, Any], missing: str) -> None:
    with pytest.raises(ValueError, match=f"^Thandi Dlamini: fee 'Full day' .* has no {missing}$"):
        fee_amount(enrol(**changes), MARCH)


# --- Sibling discounts -------------------------------------------------------


@pytest.mark.parametrize(
    ("fees", "positions"),
    [
        ([], {}),
        ([(7, 100, None)], {7: 0}),
        # Amounts differ: highest first, whatever the ages and ids.
        (
            [(1, 320_000, D(2020, 1, 1)), (2, 485_000, D(2023, 1, 1)), (3, 1, None)],
            {2: 0, 1: 1, 3: 2},
        ),
        # Equal amounts: the older child first.
        ([(1, 485_000, D(2023, 6, 1)), (2, 485_000, D(2021, 6, 1))], {2: 0, 1: 1}),
        # Equal amounts and dates of birth: lower child id first.
        ([(9, 485_000, D(2022, 1, 1)), (4, 485_000, D(2022, 1, 1))], {4: 0, 9: 1}),
        # Unknown date of birth after any date, then by id.
        (
            [(1, 485_000, None), (2, 485_000, D(2024, 1, 1)), (0, 485_000, None)],
            {2: 0, 0: 1, 1: 2},
        ),
    ],
)
def test_sibling_positions(
    fees: list[tuple[int, int, dt.date | None]],
    positions: dict[int, int],
) -> None:
    assert sibling_positions(fees) == positions


@given(
    st.lists(
        st.tuples(AMOUNTS, st.none() | st.dates()),
        max_size=8,
    ),
    st.randoms(),
)
def test_sibling_positions_are_a_ranking_independent_of_input_order(
    children: list[tuple[int, dt.date | None]],
    rnd: random.Random,
) -> None:
    fees = [(child_id, amount, born) for child_id, (amount, born) in enumerate(children)]
    positions = sibling_positions(fees)
    assert sorted(positions.values()) == list(range(len(fees)))
    shuffled = list(fees)
    rnd.shuffle(shuffled)
    assert sibling_positions(shuffled) == positions
    by_position = sorted(fees, key=lambda f: positions[f[0]])
    amounts = [amount for _, amount, _ in by_position]
    assert amounts == sorted(amounts, reverse=True)


@pytest.mark.parametrize(
    ("fee", "position", "schedule", "discount"),
    [
        (485_000, 0, SCHEDULE, 0),
        (485_000, 1, SCHEDULE, 48_500),
        (485_000, 2, SCHEDULE, 72_750),
        (485_000, 3, SCHEDULE, 72_750),  # beyond the schedule: the last percentage
        (485_000, 9, SCHEDULE, 72_750),
        (485_000, 5, (Decimal(10),), 48_500),
        (485_000, 1, (), 0),
        (485_000, 1, (Decimal(0), Decimal(0)), 0),
        (48_505, 1, SCHEDULE, 4_850),  # 4 850.5 -> even
        (48_515, 1, SCHEDULE, 4_852),  # 4 851.5 -> even
        (227_097, 1, SCHEDULE, 22_710),  # 22 709.7
        (1_000, 1, (Decimal(0), Decimal("12.5")), 125),
        (0, 1, SCHEDULE, 0),
        (485_000, 1, (Decimal(0), Decimal(100)), 485_000),
    ],
)
def test_sibling_discount(
    fee: int, position: int, schedule: tuple[Decimal, ...], discount: int
) -> None:
    assert sibling_discount(fee, position, schedule) == discount


def test_sibling_discount_refuses_negative_positions() -> None:
    with pytest.raises(ValueError, match="starts at 0"):
        sibling_discount(485_000, -1, SCHEDULE)


PERCENTS = st.decimals(min_value=0, max_value=100, places=2)


@given(AMOUNTS, st.integers(min_value=0, max_value=10), st.lists(PERCENTS, max_size=4))
def test_discount_never_exceeds_the_fee(fee: int, position: int, schedule: list[Decimal]) -> None:
    discount = sibling_discount(fee, position, schedule)
    assert 0 <= discount <= fee
    if schedule:
        percent = schedule[min(position, len(schedule) - 1)]
        assert discount == exact(int(fee * percent * 100), 10_000)


# --- compose_month -------------------------------------------------------------

THANDI = enrol(extras=(Extra(L.EXTRA_MURAL, 25_000, "Swimming"), Extra(L.MEALS, 40_000, None)))
SIPHO = enrol(
    enrolment_id=101,
    child_id=11,
    child_name="Sipho Dlamini",
    date_of_birth=D(2022, 2, 1),
    fee_type=FeeType.HALF_DAY,
    fee_name="Half day",
    fee_amount_cents=320_000,
    start=D(2026, 3, 10),
)


def test_a_household_month_line_by_line() -> None:
    charges = [
        charge(),
        charge(
            charge_id=901, child_id=11, line_type=L.UNIFORM, description=None, amount_cents=23_000
        ),
    ]
    drafts = compose_month(D(2026, 3, 18), [SIPHO, THANDI], charges, SCHEDULE, INCLUSIVE)
    assert [(d.household_id, d.child_id, d.enrolment_id) for d in drafts] == [
        (1, 10, 100),
        (1, 11, 101),
    ]
    thandi, sipho = drafts
    assert thandi.lines == (
        line(L.MONTHLY_FEE, "Full day — March 2026", 485_000),
        line(L.EXTRA_MURAL, "Swimming", 25_000),
        line(L.MEALS, "Meals", 34_783, 5_217),
        line(L.LATE_PICKUP, "Late pick-up 12 March", 13_043, 1_957, charge_id=900),
    )
    assert sipho.lines == (
        line(
            L.MONTHLY_FEE, "Half day — March 2026 (pro-rata, 22 of 31 days)", 227_097, child_id=11
        ),
        line(L.DISCOUNT, "Sibling discount (10%)", -22_710, child_id=11),
        line(L.REGISTRATION, "Registration fee", 50_000, child_id=11),
        line(L.UNIFORM, "Uniform", 20_000, 3_000, child_id=11, charge_id=901),
    )
    assert (thandi.subtotal_cents, thandi.vat_cents, thandi.total_cents) == (
        557_826,
        7_174,
        565_000,
    )
    assert (sipho.subtotal_cents, sipho.vat_cents, sipho.total_cents) == (
        274_387,
        3_000,
        277_387,
    )


def test_prices_exclusive_of_vat_add_vat_on_top() -> None:
    draft = only(compose_month(MARCH, [THANDI], [charge()], (), EXCLUSIVE))
    assert draft.lines[2] == line(L.MEALS, "Meals", 40_000, 6_000, unit=40_000)
    assert draft.lines[3] == line(
        L.LATE_PICKUP,
        "Late pick-up 12 March",
        15_000,
        2_250,
        unit=15_000,
        charge_id=900,
    )
    assert (draft.subtotal_cents, draft.vat_cents, draft.total_cents) == (565_000, 8_250, 573_250)


def test_a_creche_not_registered_charges_no_vat() -> None:
    draft = only(compose_month(MARCH, [THANDI], [charge()], SCHEDULE, NOT_REGISTERED))
    assert [ln.vat_cents for ln in draft.lines] == [0, 0, 0, 0]
    assert [ln.net_cents for ln in draft.lines] == [485_000, 25_000, 40_000, 15_000]
    assert draft.vat_cents == 0
    assert draft.total_cents == draft.subtotal_cents == 565_000


def test_exempt_lines_carry_no_vat_when_registered() -> None:
    drafts = compose_month(MARCH, [THANDI, SIPHO], [], SCHEDULE, EXCLUSIVE)
    exempt_lines = [ln for d in drafts for ln in d.lines if ln.line_type is not L.MEALS]
    assert {ln.line_type for ln in exempt_lines} == {
        L.MONTHLY_FEE,
        L.EXTRA_MURAL,
        L.DISCOUNT,
        L.REGISTRATION,
    }
    assert all(ln.vat_cents == 0 and ln.vat_treatment is EXEMPT for ln in exempt_lines)


def test_ad_hoc_charges_honour_the_override_and_others_ignore_it() -> None:
    charges = [
        charge(charge_id=1, line_type=L.AD_HOC, description="Photo day", vat_override=EXEMPT),
        charge(charge_id=2, line_type=L.AD_HOC, description="Party pack"),
        charge(charge_id=3, line_type=L.MEALS, description="Lunch", vat_override=EXEMPT),
    ]
    lines = only(compose_month(MARCH, [enrol()], charges, (), INCLUSIVE)).lines[1:]
    assert lines == (
        line(L.AD_HOC, "Photo day", 15_000, treatment=EXEMPT, charge_id=1),
        line(L.AD_HOC, "Party pack", 13_043, 1_957, charge_id=2),
        line(L.MEALS, "Lunch", 13_043, 1_957, charge_id=3),
    )


def test_registration_only_in_the_start_month() -> None:
    starting = enrol(start=D(2026, 3, 31))
    assert types(only(compose_month(MARCH, [starting], [], (), INCLUSIVE))) == [
        L.MONTHLY_FEE,
        L.REGISTRATION,
    ]
    assert types(only(compose_month(D(2026, 4, 1), [starting], [], (), INCLUSIVE))) == [
        L.MONTHLY_FEE,
    ]


@pytest.mark.parametrize("fee", [None, 0])
def test_no_registration_line_without_a_fee(fee: int | None) -> None:
    starting = enrol(start=D(2026, 3, 1), registration_fee_cents=fee)
    assert types(only(compose_month(MARCH, [starting], [], (), INCLUSIVE))) == [L.MONTHLY_FEE]


def test_re_registration_in_january_for_earlier_starters_only() -> None:
    january = D(2027, 1, 1)
    earlier = enrol(start=D(2026, 3, 10))
    first_of_january = enrol(enrolment_id=2, child_id=2, start=D(2027, 1, 1))
    mid_january = enrol(enrolment_id=3, child_id=3, start=D(2027, 1, 15))
    drafts = compose_month(january, [earlier, first_of_january, mid_january], [], (), INCLUSIVE)
    by_child = {d.child_id: d for d in drafts}
    assert by_child[10].lines[1] == line(L.RE_REGISTRATION, "Re-registration fee 2027", 30_000)
    assert types(by_child[10]) == [L.MONTHLY_FEE, L.RE_REGISTRATION]
    assert types(by_child[2]) == [L.MONTHLY_FEE, L.REGISTRATION]
    assert types(by_child[3]) == [L.MONTHLY_FEE, L.REGISTRATION]
    assert types(only(compose_month(D(2027, 2, 1), [earlier], [], (), INCLUSIVE))) == [
        L.MONTHLY_FEE,
    ]


@pytest.mark.parametrize("fee", [None, 0])
def test_no_re_registration_line_without_a_fee(fee: int | None) -> None:
    earlier = enrol(re_registration_fee_cents=fee)
    assert types(only(compose_month(D(2027, 1, 1), [earlier], [], (), INCLUSIVE))) == [
        L.MONTHLY_FEE,
    ]


def test_extras_are_billed_in_full_even_in_a_pro_rata_month() -> None:
    late = dataclasses.replace(THANDI, start=D(2026, 3, 10), registration_fee_cents=None)
    draft = only(compose_month(MARCH, [late], [], (), NOT_REGISTERED))
    assert draft.lines == (
        line(L.MONTHLY_FEE, "Full day — March 2026 (pro-rata, 22 of 31 days)", 344_194),
        line(L.EXTRA_MURAL, "Swimming", 25_000),
        line(L.MEALS, "Meals", 40_000, treatment=STANDARD),
    )


@pytest.mark.parametrize(
    ("description", "line_type", "text"),
    [
        (None, L.LATE_PICKUP, "Late pickup"),
        ("", L.DAMAGED_EQUIPMENT, "Damaged equipment"),
        ("   ", L.SCHOOL_TRIP, "School trip"),
        ("  Zoo outing ", L.SCHOOL_TRIP, "Zoo outing"),
        (None, L.AD_HOC, "Ad hoc"),
    ],
)
def test_blank_descriptions_name_the_line_type(
    description: str | None,
    line_type: LineType,
    text: str,
) -> None:
    extra = Extra(line_type, 100, description)
    lines = only(
        compose_month(
            MARCH,
            [enrol(extras=(extra,))],
            [charge(line_type=line_type, description=description)],
            (),
            NOT_REGISTERED,
        ),
    ).lines
    assert [ln.description for ln in lines[1:]] == [text, text]


def test_charges_up_to_the_month_end_are_billed_oldest_first() -> None:
    charges = [
        charge(charge_id=5, charge_date=D(2026, 4, 1), description="April"),
        charge(charge_id=4, charge_date=D(2026, 3, 31), description="Month end"),
        charge(charge_id=3, charge_date=D(2026, 1, 15), description="January"),
        charge(charge_id=2, charge_date=D(2026, 3, 31), description="Month end too"),
        charge(charge_id=6, child_id=99, description="Not enrolled"),
        charge(charge_id=7, child_id=11, description="Sibling's"),
    ]
    drafts = compose_month(MARCH, [enrol(), SIPHO], charges, (), NOT_REGISTERED)
    thandi, sipho = drafts
    assert [(ln.charge_id, ln.description) for ln in thandi.lines[1:]] == [
        (3, "January"),
        (2, "Month end too"),
        (4, "Month end"),
    ]
    assert [ln.charge_id for ln in sipho.lines] == [None, None, 7]
    assert all(ln.charge_id is None for ln in thandi.lines[:1])


def test_charges_of_children_without_an_active_enrolment_wait() -> None:
    withdrawn = enrol(end=D(2026, 2, 28))
    assert compose_month(MARCH, [withdrawn], [charge()], SCHEDULE, INCLUSIVE) == []


def test_a_withdrawn_child_gets_no_invoice() -> None:
    withdrawn = enrol(end=D(2026, 2, 28), extras=(Extra(L.MEALS, 40_000, None),))
    not_yet = enrol(enrolment_id=2, child_id=2, start=D(2026, 4, 1))
    assert compose_month(MARCH, [withdrawn, not_yet], [], SCHEDULE, INCLUSIVE) == []


def test_a_child_leaving_on_the_first_pays_one_day() -> None:
    leaving = enrol(end=D(2026, 3, 1))
    assert only(compose_month(MARCH, [leaving], [], (), INCLUSIVE)).lines == (
        line(L.MONTHLY_FEE, "Full day — March 2026 (pro-rata, 1 of 31 days)", 15_645),
    )


def test_a_zero_fee_omits_the_fee_line_but_keeps_the_invoice() -> None:
    free = enrol(
        fee_type=FeeType.CUSTOM,
        custom_amount_cents=0,
        extras=(Extra(L.EXTRA_MURAL, 25_000, "Swimming"),),
    )
    draft = only(compose_month(MARCH, [free], [], SCHEDULE, INCLUSIVE))
    assert draft.lines == (line(L.EXTRA_MURAL, "Swimming", 25_000),)


def test_an_invoice_without_lines_is_not_made() -> None:
    free = enrol(fee_type=FeeType.CUSTOM, custom_amount_cents=0)
    assert compose_month(MARCH, [free], [], SCHEDULE, INCLUSIVE) == []


def test_a_child_without_a_fee_line_is_not_ranked() -> None:
    free = enrol(
        enrolment_id=1,
        child_id=1,
        date_of_birth=D(2019, 1, 1),
        fee_type=FeeType.CUSTOM,
        custom_amount_cents=0,
        extras=(Extra(L.EXTRA_MURAL, 25_000, None),),
    )
    older_free = dataclasses.replace(free, enrolment_id=3, child_id=3, date_of_birth=D(2018, 1, 1))
    paying = enrol(enrolment_id=2, child_id=2)
    drafts = compose_month(MARCH, [older_free, free, paying], [], SCHEDULE, INCLUSIVE)
    # The paying child is first (position 0, no discount); unranked children
    # follow by child id, not by age.
    assert [d.child_id for d in drafts] == [2, 1, 3]
    assert [types(d) for d in drafts] == [[L.MONTHLY_FEE], [L.EXTRA_MURAL], [L.EXTRA_MURAL]]


def test_hourly_fee_line() -> None:
    hourly = enrol(
        fee_type=FeeType.HOURLY,
        fee_name="Aftercare",
        fee_amount_cents=6_500,
        hours_per_month=Decimal("12.50"),
        start=D(2026, 3, 20),
        registration_fee_cents=None,
    )
    assert only(compose_month(MARCH, [hourly], [], (), INCLUSIVE)).lines == (
        line(
            L.MONTHLY_FEE,
            "Aftercare — 12.5 hours",
            81_250,
            quantity=Decimal("12.50"),
            unit=6_500,
        ),
    )


def test_empty_schedule_gives_no_discount_lines() -> None:
    drafts = compose_month(MARCH, [THANDI, SIPHO], [], (), INCLUSIVE)
    assert all(L.DISCOUNT not in types(d) for d in drafts)


def test_discounts_by_sibling_position_in_a_household() -> None:
    children = [
        enrol(enrolment_id=i, child_id=i, date_of_birth=D(2020, 1, i), fee_amount_cents=100_005)
        for i in (1, 2, 3, 4)
    ]
    schedule = (Decimal(0), Decimal(10), Decimal("12.5"))
    drafts = compose_month(MARCH, children, [], schedule, INCLUSIVE)
    assert [d.child_id for d in drafts] == [1, 2, 3, 4]
    discounts = [d.lines[1] if len(d.lines) > 1 else None for d in drafts]
    assert discounts == [
        None,
        line(L.DISCOUNT, "Sibling discount (10%)", -10_000, child_id=2),  # 10 000.5 -> even
        line(L.DISCOUNT, "Sibling discount (12.5%)", -12_501, child_id=3),  # 12 500.625
        line(L.DISCOUNT, "Sibling discount (12.5%)", -12_501, child_id=4),
    ]
    assert [d.total_cents for d in drafts] == [100_005, 90_005, 87_504, 87_504]


def test_siblings_are_ranked_within_their_own_household() -> None:
    a = enrol(enrolment_id=1, child_id=1, household_id=1)
    b = enrol(enrolment_id=2, child_id=2, household_id=2)
    drafts = compose_month(MARCH, [a, b], [], SCHEDULE, INCLUSIVE)
    assert all(types(d) == [L.MONTHLY_FEE] for d in drafts)


def test_the_order_is_household_then_sibling_position_then_child() -> None:
    enrolments = [
        enrol(enrolment_id=1, child_id=30, household_id=2, fee_amount_cents=100_000),
        enrol(enrolment_id=2, child_id=31, household_id=2, fee_amount_cents=200_000),
        enrol(enrolment_id=3, child_id=5, household_id=9),
        enrol(enrolment_id=4, child_id=20, household_id=1, date_of_birth=D(2023, 1, 1)),
        enrol(enrolment_id=5, child_id=21, household_id=1, date_of_birth=D(2020, 1, 1)),
    ]
    expected = [(1, 21), (1, 20), (2, 31), (2, 30), (9, 5)]
    for ordering in (enrolments, enrolments[::-1], enrolments[2:] + enrolments[:2]):
        drafts = compose_month(MARCH, ordering, [], SCHEDULE, INCLUSIVE)
        assert [(d.household_id, d.child_id) for d in drafts] == expected


def test_a_mid_month_fee_change_bills_both_on_one_invoice() -> None:
    swimming = Extra(L.EXTRA_MURAL, 25_000, "Swimming")
    meals = Extra(L.MEALS, 40_000, "Hot lunches")
    before = enrol(enrolment_id=1, end=D(2026, 3, 15), extras=(swimming,))
    after = enrol(
        enrolment_id=2,
        start=D(2026, 3, 16),
        fee_type=FeeType.HALF_DAY,
        fee_name="Half day",
        fee_amount_cents=320_000,
        registration_fee_cents=None,  # not a new registration: the service passes None
        extras=(meals,),
    )
    (draft,) = compose_month(MARCH, [after, before], [charge()], SCHEDULE, INCLUSIVE)
    assert draft.enrolment_id == 2
    fees = [(line.description, line.gross_cents) for line in draft.lines]
    # 485000 x 15/31 = 234677.42 -> 234677; 320000 x 16/31 = 165161.29 -> 165161
    assert fees[:2] == [
        ("Full day — March 2026 (pro-rata, 15 of 31 days)", 234_677),
        ("Half day — March 2026 (pro-rata, 16 of 31 days)", 165_161),
    ]
    assert [line.line_type for line in draft.lines] == [
        L.MONTHLY_FEE,
        L.MONTHLY_FEE,
        L.MEALS,
        L.LATE_PICKUP,
    ]
    assert draft.total_cents == 234_677 + 165_161 + 40_000 + 15_000
    # In another month only the current enrolment is billed.
    (april,) = compose_month(D(2026, 4, 1), [before, after], [], SCHEDULE, INCLUSIVE)
    assert [line.gross_cents for line in april.lines] == [320_000, 40_000]


def test_the_sibling_rank_uses_a_childs_fees_together() -> None:
    # Child 10 pays 234677 + 165161 = 399838 over two enrolments; child 11 pays 320000.
    before = enrol(enrolment_id=1, end=D(2026, 3, 15))
    after = enrol(
        enrolment_id=2,
        start=D(2026, 3, 16),
        fee_amount_cents=320_000,
        fee_type=FeeType.HALF_DAY,
        registration_fee_cents=None,
    )
    sibling = enrol(
        enrolment_id=3,
        child_id=11,
        child_name="Sipho Dlamini",
        fee_type=FeeType.HALF_DAY,
        fee_amount_cents=320_000,
    )
    drafts = compose_month(MARCH, [before, after, sibling], [], SCHEDULE, INCLUSIVE)
    assert [d.child_id for d in drafts] == [10, 11]
    discounts = [[x.gross_cents for x in d.lines if x.line_type is L.DISCOUNT] for d in drafts]
    assert discounts[0] == []
    assert discounts[1] == [-32_000]


def test_missing_fee_amount_stops_the_run() -> None:
    with pytest.raises(ValueError, match=r"^Thandi Dlamini: "):
        compose_month(MARCH, [enrol(fee_amount_cents=None)], [], (), INCLUSIVE)


def test_draft_totals_are_sums_of_lines() -> None:
    draft = DraftInvoice(
        1,
        10,
        100,
        (
            line(L.MEALS, "a", 100, 15),
            line(L.DISCOUNT, "b", -50),
            line(L.BOOKS, "c", 1_000, 150),
        ),
    )
    assert (draft.subtotal_cents, draft.vat_cents, draft.total_cents) == (1_050, 165, 1_215)
    assert (DraftInvoice(1, 10, 100, ()).total_cents, DraftInvoice(1, 10, 100, ()).vat_cents) == (
        0,
        0,
    )


# --- Properties of whole runs --------------------------------------------------

# Extras and charges of any type but the two the run itself writes, so the
# properties below can find the fee and discount lines by type.
LINE_TYPES = st.sampled_from([t for t in LineType if t not in {L.MONTHLY_FEE, L.DISCOUNT}])


@st.composite
def enrolments(draw: st.DrawFn, month: dt.date) -> list[Enrolment]:
    count = draw(st.integers(min_value=0, max_value=6))
    result = []
    for child_id in range(1, count + 1):
        start = month + dt.timedelta(days=draw(OFFSETS))
        length = draw(st.none() | st.integers(min_value=0, max_value=70))
        fee_type = draw(st.sampled_from(list(FeeType)))
        extras = draw(
            st.lists(st.builds(Extra, LINE_TYPES, AMOUNTS, st.none() | st.text()), max_size=2),
        )
        result.append(
            enrol(
                enrolment_id=child_id + 1000,
                child_id=child_id,
                household_id=draw(st.integers(min_value=1, max_value=2)),
                date_of_birth=draw(st.none() | st.dates()),
                fee_type=fee_type,
                fee_amount_cents=draw(AMOUNTS),
                custom_amount_cents=draw(AMOUNTS),
                hours_per_month=draw(st.decimals(min_value=0, max_value=200, places=2)),
                start=start,
                end=None if length is None else start + dt.timedelta(days=length),
                registration_fee_cents=draw(st.none() | AMOUNTS),
                re_registration_fee_cents=draw(st.none() | AMOUNTS),
                extras=tuple(extras),
            ),
        )
    return result


@st.composite
def runs(draw: st.DrawFn) -> tuple[dt.date, list[Enrolment], list[Charge], VatPolicy]:
    month = draw(MONTHS)
    enrolled = draw(enrolments(month))
    charges = draw(
        st.lists(
            st.builds(
                Charge,
                st.integers(min_value=1, max_value=10**6),
                st.integers(min_value=1, max_value=7),
                LINE_TYPES,
                st.none() | st.text(),
                st.integers(min_value=-(10**7), max_value=10**7),
                st.dates(
                    min_value=month - dt.timedelta(days=60),
                    max_value=month_end(month) + dt.timedelta(days=30),
                ),
                st.none() | st.sampled_from(list(VatTreatment)),
            ),
            max_size=6,
        ),
    )
    policy = VatPolicy(
        draw(st.booleans()), draw(st.booleans()), draw(st.sampled_from([RATE, Decimal("0.14")]))
    )
    return month, enrolled, charges, policy


@given(runs(), st.lists(PERCENTS, max_size=4))
def test_every_draft_adds_up(
    run: tuple[dt.date, list[Enrolment], list[Charge], VatPolicy],
    schedule: list[Decimal],
) -> None:
    month, enrolled, charges, policy = run
    drafts = compose_month(month, enrolled, charges, schedule, policy)
    active = {e.child_id: e for e in enrolled if active_days(e.start, e.end, month) > 0}
    assert len({d.child_id for d in drafts}) == len(drafts)
    for draft in drafts:
        assert draft.lines
        e = active[draft.child_id]
        assert (draft.household_id, draft.enrolment_id) == (e.household_id, e.enrolment_id)
        for ln in draft.lines:
            assert ln.net_cents + ln.vat_cents == ln.gross_cents
            assert ln.child_id == draft.child_id
            if not policy.registered or ln.vat_treatment is EXEMPT:
                assert ln.vat_cents == 0
        assert draft.subtotal_cents == sum(ln.net_cents for ln in draft.lines)
        assert draft.vat_cents == sum(ln.vat_cents for ln in draft.lines)
        assert draft.total_cents == sum(ln.gross_cents for ln in draft.lines)
        assert draft.total_cents == draft.subtotal_cents + draft.vat_cents
        fee = [ln.gross_cents for ln in draft.lines if ln.line_type is L.MONTHLY_FEE]
        discount = [ln.gross_cents for ln in draft.lines if ln.line_type is L.DISCOUNT]
        if discount:
            assert fee
            assert 0 < -discount[0] <= fee[0]
        if e.fee_type is not FeeType.HOURLY and fee:
            monthly = e.custom_amount_cents if e.fee_type is FeeType.CUSTOM else e.fee_amount_cents
            assert monthly is not None
            assert fee[0] <= monthly
            if active_days(e.start, e.end, month) == days_in_month(month):
                assert fee[0] == monthly
    billed = sorted(ln.charge_id for d in drafts for ln in d.lines if ln.charge_id is not None)
    due = sorted(
        c.charge_id for c in charges if c.child_id in active and c.charge_date <= month_end(month)
    )
    assert billed == due
