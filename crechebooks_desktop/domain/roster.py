"""The roster as values, and its rules: fees, households, children, enrolments.

Pure: the importers build these values from files, the repositories from rows,
and the services compare the two to decide what an import changes. Equal
values mean "unchanged": nothing is written and nothing is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from crechebooks_desktop.domain.dates import FIRST_BOOK_DAY
from crechebooks_desktop.domain.enums import EnrolmentStatus, FeeType, LineType
from crechebooks_desktop.domain.money import MoneyError, parse_rands
from crechebooks_desktop.domain.text import check_one_line

__all__ = [
    "CHARGE_LINE_TYPES",
    "EXTRA_LINE_TYPES",
    "MAX_HOURS_PER_MONTH",
    "ChildDetails",
    "EnrolmentChange",
    "EnrolmentTerms",
    "FeeRate",
    "FeeRow",
    "FeeTerms",
    "HouseholdDetails",
    "RecurringExtra",
    "RosterConflict",
    "RosterRow",
    "StoredChild",
    "StoredEnrolment",
    "StoredFee",
    "StoredHousehold",
    "charge_line_type",
    "email_problem",
    "enrolment_problems",
    "fee_problems",
    "parse_extras",
    "parse_hours",
    "place_enrolment",
    "reference_problem",
]

# Billed by the monthly run itself (fees, discounts) or by other means (credits,
# opening balances): never an extra or an ad-hoc charge.
_BILLED_BY_THE_RUN = frozenset(
    {
        LineType.MONTHLY_FEE,
        LineType.REGISTRATION,
        LineType.RE_REGISTRATION,
        LineType.DISCOUNT,
        LineType.CREDIT,
        LineType.OPENING_BALANCE,
    }
)
CHARGE_LINE_TYPES: tuple[LineType, ...] = tuple(t for t in LineType if t not in _BILLED_BY_THE_RUN)
"""Line types an ad-hoc charge may have (late pick-up, trip, uniform, ...)."""
EXTRA_LINE_TYPES: tuple[LineType, ...] = tuple(t for t in CHARGE_LINE_TYPES if t != LineType.AD_HOC)
"""Line types a recurring monthly extra may have (AD_HOC is one-off by name)."""
MAX_HOURS_PER_MONTH = Decimal(744)
"""31 days of 24 hours: more hours than a month has is a typing error."""
_HOURS_PLACES = 2
_EXTRA_PARTS = 3
_REF = re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,29}", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def reference_problem(text: str) -> str | None:
    """Why ``text`` (in any case) cannot be a household or child reference, or None."""
    if _REF.fullmatch(text.upper()):
        return None
    return f"{text!r} is not a reference: up to 30 letters, digits and - _ . / (no spaces)"


def email_problem(email: str) -> str | None:
    """Why ``email`` is not an e-mail address, or None when it looks like one."""
    return None if _EMAIL.fullmatch(email) else f"not an email address: {email!r}"


@dataclass(frozen=True, slots=True)
class FeeTerms:
    """A fee structure as the creche defines it.

    Attributes:
        name: unique in the creche (compared without regard to case).
        fee_type: how it charges.
        amount_cents: monthly fee (FULL_DAY, HALF_DAY), hourly rate (HOURLY),
            None for CUSTOM (each enrolment has its own amount).
        registration_fee_cents: billed on a child's first enrolment, or None.
        re_registration_fee_cents: billed each January after the first, or None.
    """

    name: str
    fee_type: FeeType
    amount_cents: int | None
    registration_fee_cents: int | None = None
    re_registration_fee_cents: int | None = None


@dataclass(frozen=True, slots=True)
class FeeRate:
    """A fee's amounts from a date on (see ``FeeTerms`` for what each holds).

    Attributes:
        effective_from: the 1st of the first month billed at these amounts;
            ``FIRST_BOOK_DAY`` for a fee's first version ("from the start").
    """

    effective_from: dt.date
    amount_cents: int | None
    registration_fee_cents: int | None = None
    re_registration_fee_cents: int | None = None


@dataclass(frozen=True, slots=True)
class StoredFee:
    """A fee structure in the book.

    Attributes:
        terms: the fee as first defined, from the start (what a fees file
            describes and a fees import compares with).
        changes: its later versions, oldest first, each from the 1st of a month.
    """

    id: int
    terms: FeeTerms
    active: bool = True
    changes: tuple[FeeRate, ...] = ()

    @property
    def versions(self) -> tuple[FeeRate, ...]:
        """Every version, oldest first, the first one from ``FIRST_BOOK_DAY``."""
        t = self.terms
        first = FeeRate(
            FIRST_BOOK_DAY, t.amount_cents, t.registration_fee_cents, t.re_registration_fee_cents
        )
        return (first, *self.changes)

    def rate_on(self, day: dt.date) -> FeeRate:
        """The version in force on ``day`` (the first one before any change)."""
        found = self.versions[0]
        for version in self.changes:
            if version.effective_from <= day:
                found = version
        return found

    def next_change(self, day: dt.date) -> FeeRate | None:
        """The first version from after ``day`` (a scheduled change), if any."""
        return next((v for v in self.changes if v.effective_from > day), None)


@dataclass(frozen=True, slots=True)
class HouseholdDetails:
    """A household's account reference and parents' contact details."""

    account_ref: str
    parent_name: str
    second_parent_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class StoredHousehold:
    """A household in the book."""

    id: int
    details: HouseholdDetails


@dataclass(frozen=True, slots=True)
class ChildDetails:
    """A child's reference (unique in the creche), names and date of birth."""

    child_ref: str
    first_name: str
    last_name: str
    date_of_birth: dt.date | None = None

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class StoredChild:
    """A child in the book, in its household."""

    id: int
    household_id: int
    details: ChildDetails


@dataclass(frozen=True, slots=True)
class RecurringExtra:
    """A monthly item billed with an enrolment, e.g. swimming or meals."""

    line_type: LineType
    amount_cents: int
    description: str | None = None


@dataclass(frozen=True, slots=True)
class EnrolmentTerms:
    """What a child is enrolled on, from when to when.

    Attributes:
        fee_structure_id: the fee structure.
        start_date: the first day.
        end_date: the last day (inclusive), or None when open-ended.
        custom_amount_cents: the monthly amount of a CUSTOM fee.
        hours_per_month: hours billed each month on an HOURLY fee.
        extras: recurring monthly extras, in the order given.
    """

    fee_structure_id: int
    start_date: dt.date
    end_date: dt.date | None = None
    custom_amount_cents: int | None = None
    hours_per_month: Decimal | None = None
    extras: tuple[RecurringExtra, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredEnrolment:
    """An enrolment in the book."""

    id: int
    child_id: int
    status: EnrolmentStatus
    terms: EnrolmentTerms


@dataclass(frozen=True, slots=True)
class FeeRow:
    """One fee structure read from a file, with the line it came from."""

    line: int
    terms: FeeTerms


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One child's row of a roster file: household, child and current enrolment.

    Attributes:
        line: the physical line of the file.
        household: the household's details (the same on every row of a household).
        child: the child's details.
        fee_name: the fee structure, by name.
        start_date, end_date, custom_amount_cents, hours_per_month, extras:
            the enrolment's terms (see ``EnrolmentTerms``).
    """

    line: int
    household: HouseholdDetails
    child: ChildDetails
    fee_name: str
    start_date: dt.date
    end_date: dt.date | None = None
    custom_amount_cents: int | None = None
    hours_per_month: Decimal | None = None
    extras: tuple[RecurringExtra, ...] = ()


def fee_problems(fee_type: FeeType, amount_cents: int | None) -> list[str]:
    """What is wrong with a fee's amount for its type (empty when nothing).

    A FULL_DAY or HALF_DAY fee needs its monthly amount and an HOURLY one its
    rate; a CUSTOM fee has none (each enrolment carries its own).
    """
    if fee_type is FeeType.CUSTOM and amount_cents is not None:
        return ["must be blank for a CUSTOM fee (each child's enrolment has its own amount)"]
    if fee_type is not FeeType.CUSTOM and amount_cents is None:
        if fee_type is FeeType.HOURLY:
            return ["an HOURLY fee needs its hourly rate"]
        return [f"a {fee_type.value} fee needs its monthly amount"]
    return []


def enrolment_problems(
    fee: FeeTerms, custom_amount_cents: int | None, hours_per_month: Decimal | None
) -> list[tuple[str, str]]:
    """What an enrolment on ``fee`` lacks or has too much of, as (field, message).

    A CUSTOM fee needs the enrolment's monthly amount, an HOURLY one its hours
    per month; neither is accepted on another type, where it would be ignored.
    """
    found: list[tuple[str, str]] = []
    kind = fee.fee_type
    if kind is FeeType.CUSTOM and custom_amount_cents is None:
        found.append(("custom_amount", f"required for the CUSTOM fee {fee.name!r}"))
    if kind is not FeeType.CUSTOM and custom_amount_cents is not None:
        found.append(("custom_amount", f"only a CUSTOM fee takes one; {fee.name!r} is {kind}"))
    if kind is FeeType.HOURLY and hours_per_month is None:
        found.append(("hours_per_month", f"required for the HOURLY fee {fee.name!r}"))
    if kind is not FeeType.HOURLY and hours_per_month is not None:
        found.append(("hours_per_month", f"only an HOURLY fee takes hours; {fee.name!r} is {kind}"))
    return found


def parse_hours(text: str) -> Decimal:
    """Hours per month: a number from 0 to 744 with at most two decimals.

    Raises:
        ValueError: anything else, with a message for the user.
    """
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not a number of hours: {text.strip()!r}") from None
    if not hours.is_finite():
        raise ValueError(f"not a number of hours: {text.strip()!r}")
    if -int(hours.as_tuple().exponent) > _HOURS_PLACES:
        raise ValueError(f"too many decimals in {text.strip()!r} (at most {_HOURS_PLACES})")
    if not Decimal(0) <= hours <= MAX_HOURS_PER_MONTH:
        raise ValueError(f"hours must be from 0 to {MAX_HOURS_PER_MONTH}, not {hours}")
    return hours


def _line_type(text: str, allowed: tuple[LineType, ...], what: str) -> LineType:
    value = text.strip().upper()
    if value in {t.value for t in allowed}:
        return LineType(value)
    known = ", ".join(t.value for t in allowed)
    if value in LineType.__members__:
        raise ValueError(f"{value} cannot be {what}; use one of {known}")
    raise ValueError(f"unknown line type {text.strip()!r}; use one of {known}")


def charge_line_type(text: str) -> LineType:
    """The line type of an ad-hoc charge, from its name (any case).

    Raises:
        ValueError: not a line type, or one the monthly run bills by itself.
    """
    return _line_type(text, CHARGE_LINE_TYPES, "an ad-hoc charge")


def _extra(item: str) -> RecurringExtra:
    parts = [part.strip() for part in item.split(":", _EXTRA_PARTS - 1)]
    if len(parts) < _EXTRA_PARTS - 1:
        raise ValueError(f"{item!r} is not LINE_TYPE:amount[:description]")
    line_type = _line_type(parts[0], EXTRA_LINE_TYPES, "a recurring extra")
    try:
        amount = parse_rands(parts[1])
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    if amount <= 0:
        raise ValueError(f"the amount of {item!r} must be more than zero")
    description = parts[2] if len(parts) == _EXTRA_PARTS and parts[2] else None
    if description is not None:
        check_one_line(description)
    return RecurringExtra(line_type, amount, description)


def parse_extras(text: str) -> tuple[tuple[RecurringExtra, ...], list[str]]:
    """Read ``LINE_TYPE:amount[:description]`` items separated by ``;``.

    For example ``EXTRA_MURAL:250.00:Swimming;MEALS:400.00``. Blank text (and
    blank items, as after a trailing ``;``) means no extras.

    Returns:
        The extras that could be read, and a message for each item that could not.
    """
    extras: list[RecurringExtra] = []
    problems: list[str] = []
    items = [item.strip() for item in text.split(";")]
    for number, item in enumerate(items, start=1):
        if not item:
            continue
        try:
            extras.append(_extra(item))
        except ValueError as exc:
            problems.append(f"item {number}: {exc}")
    return tuple(extras), problems


class RosterConflict(ValueError):
    """A row does not fit what the book already holds.

    Attributes:
        field: the column at fault.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class EnrolmentChange:
    """Where an enrolment described by a file goes in a child's history.

    Attributes:
        same: the child's enrolment with the same start date, updated in place
            (or left alone when its terms are equal); None for a new enrolment.
        ends: the child's latest earlier enrolment, still running on the new
            start date, to be ended the day before it; None when there is none.
    """

    same: StoredEnrolment | None = None
    ends: StoredEnrolment | None = None


def place_enrolment(existing: Iterable[StoredEnrolment], terms: EnrolmentTerms) -> EnrolmentChange:
    """Decide how a child's current enrolment, as a file gives it, fits the book.

    The same start date as an enrolment in the book updates that enrolment; a
    later start date ends the latest enrolment (if it is still running then)
    on the day before, and adds a new one. An earlier start date than the
    latest enrolment's cannot be placed.

    Args:
        existing: the child's enrolments in the book.
        terms: the enrolment the file describes.

    Returns:
        The change.

    Raises:
        RosterConflict: the enrolment cannot be placed (it would overlap another,
            start before the latest, or silently reopen an ended enrolment).
    """
    start = terms.start_date
    ordered = sorted(existing, key=lambda e: e.terms.start_date)
    later = [e for e in ordered if e.terms.start_date > start]
    same = next((e for e in ordered if e.terms.start_date == start), None)
    if same is not None:
        _check_in_place(same, terms, later)
        return EnrolmentChange(same=same)
    if later:
        raise RosterConflict(
            "start_date",
            f"the child's latest enrolment starts on {later[-1].terms.start_date}; "
            "a new one must start after it (or on the same day, to change it)",
        )
    previous = ordered[-1] if ordered else None
    if previous is not None and (previous.terms.end_date or start) >= start:
        return EnrolmentChange(ends=previous)
    return EnrolmentChange()


def _check_in_place(
    same: StoredEnrolment, terms: EnrolmentTerms, later: list[StoredEnrolment]
) -> None:
    if same.status is not EnrolmentStatus.ACTIVE and terms.end_date is None:
        raise RosterConflict(
            "end_date",
            f"the enrolment from {terms.start_date} ended on {same.terms.end_date} "
            f"({same.status}); give that end_date, or a new start_date to enrol the child again",
        )
    if later and (terms.end_date is None or terms.end_date >= later[0].terms.start_date):
        raise RosterConflict(
            "end_date",
            f"the enrolment from {terms.start_date} would overlap the child's enrolment "
            f"from {later[0].terms.start_date}",
        )
