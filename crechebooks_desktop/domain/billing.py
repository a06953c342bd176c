"""Composing a month's invoices: VAT by line, pro-rata, siblings (docs/RULES.md).

Everything here is pure: :func:`compose_month` takes the month's enrolments
and pending charges as values and returns draft invoices as values. Numbers,
dates of issue and saving them are the services' work.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from crechebooks_desktop.domain import vat
from crechebooks_desktop.domain.enums import FeeType, LineType, VatTreatment
from crechebooks_desktop.domain.money import percent_of, prorate, scale_cents

__all__ = [
    "VAT_BY_LINE_TYPE",
    "Charge",
    "DraftInvoice",
    "DraftLine",
    "Enrolment",
    "Extra",
    "VatPolicy",
    "active_days",
    "compose_month",
    "days_in_month",
    "fee_amount",
    "month_end",
    "month_start",
    "price_line",
    "prorated",
    "sibling_discount",
    "sibling_positions",
    "vat_treatment",
]

_E, _STD = VatTreatment.EXEMPT, VatTreatment.STANDARD
_L = LineType

VAT_BY_LINE_TYPE: Mapping[LineType, VatTreatment] = MappingProxyType(
    {
        _L.MONTHLY_FEE: _E,
        _L.REGISTRATION: _E,
        _L.RE_REGISTRATION: _E,
        _L.EXTRA_MURAL: _E,
        _L.CREDIT: _E,
        _L.DISCOUNT: _E,
        _L.OPENING_BALANCE: _E,
        _L.BOOKS: _STD,
        _L.SCHOOL_TRIP: _STD,
        _L.STATIONERY: _STD,
        _L.UNIFORM: _STD,
        _L.MEALS: _STD,
        _L.TRANSPORT: _STD,
        _L.LATE_PICKUP: _STD,
        _L.DAMAGED_EQUIPMENT: _STD,
        _L.AD_HOC: _STD,
    },
)
"""VAT treatment of each line type for a VAT-registered creche (Section 12(h))."""

# English month names, fixed: calendar.month_name follows the process locale.
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ONE = Decimal(1)


# --- VAT -------------------------------------------------------------------


def vat_treatment(line_type: LineType, override: VatTreatment | None = None) -> VatTreatment:
    """Return how a line of ``line_type`` is taxed by a VAT-registered creche.

    Args:
        line_type: The line's type.
        override: A per-item choice; honoured only for AD_HOC lines, which
            are standard-rated unless marked exempt.

    Returns:
        The treatment from :data:`VAT_BY_LINE_TYPE`, or the AD_HOC override.
    """
    if line_type is LineType.AD_HOC and override is not None:
        return override
    return VAT_BY_LINE_TYPE[line_type]


@dataclass(frozen=True, slots=True)
class VatPolicy:
    """A creche's VAT position for one invoice.

    Attributes:
        registered: Whether the creche is a VAT vendor (has a VAT number).
        prices_include_vat: Whether entered amounts already include VAT.
        rate: The standard rate in force, e.g. ``Decimal("0.15")``.
    """

    registered: bool
    prices_include_vat: bool
    rate: Decimal


def price_line(amount_cents: int, treatment: VatTreatment, policy: VatPolicy) -> vat.VatSplit:
    """Split one line's entered amount into net, VAT and gross.

    Args:
        amount_cents: The amount as entered: the gross when prices include
            VAT, the net otherwise.
        treatment: The line's VAT treatment.
        policy: The creche's VAT position.

    Returns:
        No VAT for a non-registered creche or an exempt line; otherwise the
        split at ``policy.rate``, rounded once for the line.

    Raises:
        TypeError: If ``amount_cents`` is not int cents.
        ValueError: If the rate is not a fraction in [0, 1).
    """
    if not policy.registered or treatment is VatTreatment.EXEMPT:
        return vat.exempt(amount_cents)
    return vat.split_line(amount_cents, policy.rate, prices_include_vat=policy.prices_include_vat)


# --- Dates and pro-rata ------------------------------------------------------


def days_in_month(month: dt.date) -> int:
    """Return the number of days in the month of ``month`` (leap years count).

    Args:
        month: Any day of the month.

    Returns:
        28 to 31.
    """
    return calendar.monthrange(month.year, month.month)[1]


def month_start(d: dt.date) -> dt.date:
    """Return the first day of the month of ``d``.

    Args:
        d: Any day of the month.

    Returns:
        The 1st of that month.
    """
    return d.replace(day=1)


def month_end(d: dt.date) -> dt.date:
    """Return the last day of the month of ``d``.

    Args:
        d: Any day of the month.

    Returns:
        The 28th to 31st of that month.
    """
    return d.replace(day=days_in_month(d))


def active_days(start: dt.date, end: dt.date | None, month: dt.date) -> int:
    """Count the days of a month on which an enrolment is active.

    Args:
        start: The enrolment's first day.
        end: Its last day (inclusive), or None while it runs on.
        month: Any day of the billing month.

    Returns:
        The days from max(start, 1st) to min(end, last day), inclusive;
        0 when the enrolment and the month do not overlap.
    """
    first = max(start, month_start(month))
    last = month_end(month) if end is None else min(end, month_end(month))
    return max(0, (last - first).days + 1)


def prorated(monthly_cents: int, start: dt.date, end: dt.date | None, month: dt.date) -> int:
    """Return a monthly amount pro-rata for the days an enrolment is active.

    Args:
        monthly_cents: The full monthly amount.
        start: The enrolment's first day.
        end: Its last day (inclusive), or None.
        month: Any day of the billing month.

    Returns:
        Exactly ``monthly_cents`` for a whole month, else
        round(monthly x active days / days in month), half-to-even.
    """
    days, whole = active_days(start, end, month), days_in_month(month)
    if days == whole:
        return monthly_cents
    return prorate(monthly_cents, days, whole)


# --- Inputs and outputs ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Extra:
    """A recurring extra billed in full every month (e.g. swimming).

    Attributes:
        line_type: The line type it is billed as.
        amount_cents: The monthly amount.
        description: The text on the invoice; None uses the line type.
    """

    line_type: LineType
    amount_cents: int
    description: str | None


@dataclass(frozen=True, slots=True)
class Enrolment:
    """One child's enrolment, with its fee structure, as billing needs it.

    Attributes:
        enrolment_id: The enrolment.
        child_id: The child.
        child_name: The child's name, for messages.
        household_id: The debtor household.
        date_of_birth: For sibling ranking; None ranks after any date.
        fee_type: How the fee structure charges.
        fee_name: The fee structure's name, shown on the fee line.
        fee_amount_cents: Monthly amount (FULL_DAY, HALF_DAY), hourly rate
            (HOURLY), None for CUSTOM.
        custom_amount_cents: The enrolment's own monthly amount (CUSTOM).
        hours_per_month: Hours billed each month (HOURLY).
        start: The first day.
        end: The last day (inclusive), or None.
        registration_fee_cents: Billed in the month the enrolment starts.
        re_registration_fee_cents: Billed each January after the first.
        extras: Recurring extras.
    """

    enrolment_id: int
    child_id: int
    child_name: str
    household_id: int
    date_of_birth: dt.date | None
    fee_type: FeeType
    fee_name: str
    fee_amount_cents: int | None
    custom_amount_cents: int | None
    hours_per_month: Decimal | None
    start: dt.date
    end: dt.date | None
    registration_fee_cents: int | None
    re_registration_fee_cents: int | None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Charge:
    """An ad-hoc billable item waiting for the child's next invoice.

    Attributes:
        charge_id: The charge.
        child_id: The child it is for.
        line_type: The line type it is billed as.
        description: The text on the invoice; None uses the line type.
        amount_cents: The amount as entered.
        charge_date: The day it was incurred.
        vat_override: Per-item VAT treatment (honoured for AD_HOC only).
    """

    charge_id: int
    child_id: int
    line_type: LineType
    description: str | None
    amount_cents: int
    charge_date: dt.date
    vat_override: VatTreatment | None


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One priced invoice line, not yet saved.

    Attributes:
        line_type: The line type.
        description: The text on the invoice.
        quantity: Units (hours for an hourly fee, else 1).
        unit_cents: The amount per unit as entered.
        net_cents: The amount excluding VAT.
        vat_cents: The VAT.
        gross_cents: The amount including VAT (net + VAT).
        vat_treatment: How the line was taxed.
        child_id: The child the line is for.
        charge_id: The pending charge it bills, if any.
    """

    line_type: LineType
    description: str
    quantity: Decimal
    unit_cents: int
    net_cents: int
    vat_cents: int
    gross_cents: int
    vat_treatment: VatTreatment
    child_id: int
    charge_id: int | None = None


@dataclass(frozen=True, slots=True)
class DraftInvoice:
    """One child's monthly invoice, not yet numbered or saved.

    Attributes:
        household_id: The debtor household.
        child_id: The child.
        enrolment_id: The enrolment billed.
        lines: The lines, in invoice order.
    """

    household_id: int
    child_id: int
    enrolment_id: int
    lines: tuple[DraftLine, ...]

    @property
    def subtotal_cents(self) -> int:
        """The sum of the lines' net amounts."""
        return sum(line.net_cents for line in self.lines)

    @property
    def vat_cents(self) -> int:
        """The sum of the lines' VAT."""
        return sum(line.vat_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        """The sum of the lines' gross amounts."""
        return sum(line.gross_cents for line in self.lines)


# --- Fees and sibling discounts --------------------------------------------


def _required(value: int | None, e: Enrolment, what: str) -> int:
    """Return ``value``, or raise ValueError naming the child and the fee."""
    if value is None:
        raise ValueError(f"{e.child_name}: fee {e.fee_name!r} ({e.fee_type}) has no {what}")
    return value


def _hourly_amount(e: Enrolment) -> int:
    """Return hourly rate x hours per month, rounded once."""
    rate = _required(e.fee_amount_cents, e, "hourly rate")
    if e.hours_per_month is None:
        raise ValueError(f"{e.child_name}: fee {e.fee_name!r} (HOURLY) has no hours per month")
    return scale_cents(rate, e.hours_per_month, 1)


def fee_amount(e: Enrolment, month: dt.date) -> int:
    """Return the amount of an enrolment's fee line for a month.

    Args:
        e: The enrolment.
        month: Any day of the billing month.

    Returns:
        FULL_DAY and HALF_DAY: the monthly amount pro-rata; CUSTOM: the
        enrolment's own amount pro-rata; HOURLY: rate x hours per month,
        rounded once and not pro-rated (0 if not active in the month).

    Raises:
        ValueError: If the amount the fee type needs is missing.
    """
    if e.fee_type is FeeType.HOURLY:
        return _hourly_amount(e) if active_days(e.start, e.end, month) else 0
    if e.fee_type is FeeType.CUSTOM:
        monthly = _required(e.custom_amount_cents, e, "custom monthly amount")
    else:
        monthly = _required(e.fee_amount_cents, e, "monthly amount")
    return prorated(monthly, e.start, e.end, month)


def sibling_positions(fees: Sequence[tuple[int, int, dt.date | None]]) -> dict[int, int]:
    """Rank one household's children for the sibling discount.

    Args:
        fees: ``(child_id, fee line amount after pro-rata, date_of_birth)``
            for each child with a fee line this month.

    Returns:
        child_id -> position from 0: highest amount first, ties by date of
        birth (oldest first, unknown last), then child id ascending.
    """

    def key(item: tuple[int, int, dt.date | None]) -> tuple[int, bool, dt.date, int]:
        child_id, amount, born = item
        return (-amount, born is None, born or dt.date.min, child_id)

    return {child_id: i for i, (child_id, _, _) in enumerate(sorted(fees, key=key))}


def sibling_discount(fee_cents: int, position: int, schedule: Sequence[Decimal]) -> int:
    """Return a child's sibling discount (positive; the line is its negative).

    Args:
        fee_cents: The child's fee line amount, after pro-rata.
        position: The child's sibling position, from 0.
        schedule: Percentages by position; the last one applies to every
            later position; empty means no discount.

    Returns:
        round(fee x percentage / 100), half-to-even; 0 when the percentage is 0.

    Raises:
        ValueError: If ``position`` is negative.
    """
    percent = _percent(position, schedule)
    return percent_of(fee_cents, percent) if percent else 0


def _percent(position: int, schedule: Sequence[Decimal]) -> Decimal:
    """The schedule's percentage for a position (the last one repeats; none = 0)."""
    if position < 0:
        raise ValueError(f"a sibling position starts at 0, not {position}")
    if not schedule:
        return Decimal(0)
    return schedule[min(position, len(schedule) - 1)]


# --- Lines -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """What every invoice of one monthly run shares."""

    month: dt.date
    schedule: Sequence[Decimal]
    policy: VatPolicy


def _words(line_type: LineType) -> str:
    """A line type's name in words, e.g. ``LATE_PICKUP`` -> ``Late pickup``."""
    return line_type.name.replace("_", " ").capitalize()


def line_text(description: str | None, line_type: LineType) -> str:
    """The description, or the line type in words when it is blank."""
    return (description or "").strip() or _words(line_type)


def _number(value: Decimal) -> str:
    """A Decimal in plain digits without trailing zeros: 12.50 -> 12.5."""
    return format(value.normalize(), "f")


def _line(
    run: _Run,
    line_type: LineType,
    description: str,
    amount_cents: int,
    child_id: int,
    *,
    quantity: Decimal = _ONE,
    unit_cents: int | None = None,
    override: VatTreatment | None = None,
    charge_id: int | None = None,
) -> DraftLine:
    """Price one line with the run's VAT policy."""
    treatment = vat_treatment(line_type, override)
    split = price_line(amount_cents, treatment, run.policy)
    return DraftLine(
        line_type=line_type,
        description=description,
        quantity=quantity,
        unit_cents=amount_cents if unit_cents is None else unit_cents,
        net_cents=split.net_cents,
        vat_cents=split.vat_cents,
        gross_cents=split.gross_cents,
        vat_treatment=treatment,
        child_id=child_id,
        charge_id=charge_id,
    )


def _fee_description(e: Enrolment, month: dt.date) -> str:
    """``<fee> — <Month YYYY>``, with the days when pro-rata."""
    text = f"{e.fee_name} — {_MONTH_NAMES[month.month - 1]} {month.year}"
    days, whole = active_days(e.start, e.end, month), days_in_month(month)
    if days < whole:
        text += f" (pro-rata, {days} of {whole} days)"
    return text


def _fee_lines(e: Enrolment, run: _Run, fee: int) -> list[DraftLine]:
    """The MONTHLY_FEE line, or none for a zero fee."""
    if fee == 0:
        return []
    if e.fee_type is FeeType.HOURLY:
        return [_hourly_line(e, run, fee)]
    return [_line(run, LineType.MONTHLY_FEE, _fee_description(e, run.month), fee, e.child_id)]


def _hourly_line(e: Enrolment, run: _Run, fee: int) -> DraftLine:
    """The hourly fee line: quantity = hours, unit = the hourly rate."""
    hours = e.hours_per_month or Decimal(0)
    return _line(
        run,
        LineType.MONTHLY_FEE,
        f"{e.fee_name} — {_number(hours)} hours",
        fee,
        e.child_id,
        quantity=hours,
        unit_cents=e.fee_amount_cents,
    )


def _discount_lines(e: Enrolment, run: _Run, fee: int, position: int | None) -> list[DraftLine]:
    """The sibling DISCOUNT line (negative), or none."""
    if position is None:
        return []
    discount = sibling_discount(fee, position, run.schedule)
    if discount <= 0:
        return []
    text = f"Sibling discount ({_number(_percent(position, run.schedule))}%)"
    return [_line(run, LineType.DISCOUNT, text, -discount, e.child_id)]


def _registration_lines(e: Enrolment, run: _Run) -> list[DraftLine]:
    """REGISTRATION in the start month; RE_REGISTRATION each later January."""
    lines = []
    fee = e.registration_fee_cents or 0
    if fee > 0 and month_start(e.start) == run.month:
        lines.append(_line(run, LineType.REGISTRATION, "Registration fee", fee, e.child_id))
    fee = e.re_registration_fee_cents or 0
    if fee > 0 and run.month.month == 1 and e.start < run.month:
        text = f"Re-registration fee {run.month.year}"
        lines.append(_line(run, LineType.RE_REGISTRATION, text, fee, e.child_id))
    return lines


def _extra_lines(e: Enrolment, run: _Run) -> list[DraftLine]:
    """One line per recurring extra, in full."""
    return [
        _line(run, x.line_type, line_text(x.description, x.line_type), x.amount_cents, e.child_id)
        for x in e.extras
    ]


def _charge_lines(charges: Iterable[Charge], run: _Run) -> list[DraftLine]:
    """One line per pending charge, carrying its charge id."""
    return [
        _line(
            run,
            c.line_type,
            line_text(c.description, c.line_type),
            c.amount_cents,
            c.child_id,
            override=c.vat_override,
            charge_id=c.charge_id,
        )
        for c in charges
    ]


# --- The month -----------------------------------------------------------------


def _active_by_child(enrolments: Sequence[Enrolment], month: dt.date) -> dict[int, list[Enrolment]]:
    """The enrolments active in the month, grouped by child, earliest start first.

    A child whose fee structure changed mid-month has two: both are billed on
    the child's one invoice, each for its own days.
    """
    by_child: dict[int, list[Enrolment]] = defaultdict(list)
    for e in sorted(enrolments, key=lambda e: (e.start, e.enrolment_id)):
        if active_days(e.start, e.end, month) > 0:
            by_child[e.child_id].append(e)
    return by_child


def _positions(
    by_child: Mapping[int, Sequence[Enrolment]], fees: Mapping[int, int]
) -> dict[int, int]:
    """Sibling positions of every child with a fee, household by household."""
    households: dict[int, list[tuple[int, int, dt.date | None]]] = defaultdict(list)
    for child_id, child_enrolments in by_child.items():
        fee = sum(fees[e.enrolment_id] for e in child_enrolments)
        if fee != 0:
            latest = child_enrolments[-1]
            households[latest.household_id].append((child_id, fee, latest.date_of_birth))
    positions: dict[int, int] = {}
    for children in households.values():
        positions.update(sibling_positions(children))
    return positions


def _pending(charges: Sequence[Charge], last_day: dt.date) -> dict[int, list[Charge]]:
    """Charges dated on or before the month's end, by child, oldest first."""
    by_child: dict[int, list[Charge]] = defaultdict(list)
    for c in sorted(charges, key=lambda c: (c.charge_date, c.charge_id)):
        if c.charge_date <= last_day:
            by_child[c.child_id].append(c)
    return by_child


def compose_month(
    month: dt.date,
    enrolments: Sequence[Enrolment],
    charges: Sequence[Charge],
    schedule: Sequence[Decimal],
    policy: VatPolicy,
) -> list[DraftInvoice]:
    """Compose the draft monthly invoices for one billing month.

    Args:
        month: Any day of the billing month.
        enrolments: The creche's enrolments (those not active this month
            are ignored).
        charges: Pending (not yet invoiced) charges; those dated after the
            month's end, or of children not enrolled this month, wait.
        schedule: Sibling discount percentages by position.
        policy: The creche's VAT position.

    Returns:
        One draft per child with an active enrolment and at least one line, ordered by
        household, sibling position (children without a fee line last), then
        child id. Lines: fee, sibling discount, registration,
        re-registration, recurring extras, pending charges.

    Raises:
        ValueError: If an enrolment lacks the amount its fee type needs.
    """
    run = _Run(month_start(month), tuple(schedule), policy)
    by_child = _active_by_child(enrolments, run.month)
    fees = {e.enrolment_id: fee_amount(e, run.month) for group in by_child.values() for e in group}
    positions = _positions(by_child, fees)
    pending = _pending(charges, month_end(run.month))
    drafts = [
        _draft(group, run, fees, positions.get(child_id), pending.get(child_id, []))
        for child_id, group in by_child.items()
    ]
    found = [d for d in drafts if d is not None]
    return sorted(found, key=lambda d: _order(d, positions))


def _draft(
    group: Sequence[Enrolment],
    run: _Run,
    fees: Mapping[int, int],
    position: int | None,
    charges: Sequence[Charge],
) -> DraftInvoice | None:
    """A child's draft invoice, or None when it would have no lines.

    Each enrolment active in the month bills its own fee for its own days; the
    sibling discount applies to their sum; recurring extras are the current
    (latest) enrolment's.
    """
    latest = group[-1]
    total_fee = sum(fees[e.enrolment_id] for e in group)
    lines = [line for e in group for line in _fee_lines(e, run, fees[e.enrolment_id])]
    lines += _discount_lines(latest, run, total_fee, position)
    lines += [line for e in group for line in _registration_lines(e, run)]
    lines += _extra_lines(latest, run) + _charge_lines(charges, run)
    if not lines:
        return None
    return DraftInvoice(latest.household_id, latest.child_id, latest.enrolment_id, tuple(lines))


def _order(draft: DraftInvoice, positions: Mapping[int, int]) -> tuple[int, bool, int, int]:
    """Sort key: household, sibling position (none last), child id."""
    position = positions.get(draft.child_id)
    return (draft.household_id, position is None, position or 0, draft.child_id)
