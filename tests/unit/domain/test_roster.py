"""The roster's pure rules (domain.roster, domain.problems)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crechebooks_desktop.domain.enums import EnrolmentStatus, FeeType, LineType
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.roster import (
    CHARGE_LINE_TYPES,
    EXTRA_LINE_TYPES,
    ChildDetails,
    EnrolmentChange,
    EnrolmentTerms,
    FeeTerms,
    RecurringExtra,
    RosterConflict,
    StoredEnrolment,
    charge_line_type,
    enrolment_problems,
    fee_problems,
    parse_extras,
    parse_hours,
    place_enrolment,
)

D = dt.date


def test_problem_text_and_error_lists_every_problem_in_file_order() -> None:
    late = ImportProblem("roster.csv", 7, "child_dob", "not a date")
    early = ImportProblem("roster.csv", 2, "fee_name", "no fee called 'X'")
    assert str(late) == "roster.csv:7: child_dob: not a date"
    error = ProblemsError([late, early], "roster.csv")
    assert error.problems == (early, late)
    assert str(error).splitlines() == [
        "roster.csv was not imported (2 problems); nothing was changed",
        "roster.csv:2: fee_name: no fee called 'X'",
        "roster.csv:7: child_dob: not a date",
    ]
    assert str(ProblemsError([early], "f.csv")).startswith("f.csv was not imported (1 problem);")


def test_line_types_for_charges_and_extras() -> None:
    billed_by_the_run = {"MONTHLY_FEE", "REGISTRATION", "RE_REGISTRATION", "DISCOUNT", "CREDIT"}
    assert not billed_by_the_run & set(CHARGE_LINE_TYPES)
    assert LineType.OPENING_BALANCE not in CHARGE_LINE_TYPES
    assert LineType.AD_HOC in CHARGE_LINE_TYPES
    assert LineType.AD_HOC not in EXTRA_LINE_TYPES
    assert charge_line_type(" late_pickup ") is LineType.LATE_PICKUP
    with pytest.raises(ValueError, match="MONTHLY_FEE cannot be an ad-hoc charge; use one of"):
        charge_line_type("monthly_fee")
    with pytest.raises(ValueError, match="unknown line type 'PONY'"):
        charge_line_type("PONY")


def test_fee_amount_rules() -> None:
    assert fee_problems(FeeType.FULL_DAY, 485_000) == []
    assert fee_problems(FeeType.CUSTOM, None) == []
    assert fee_problems(FeeType.HALF_DAY, None) == ["a HALF_DAY fee needs its monthly amount"]
    assert fee_problems(FeeType.HOURLY, None) == ["an HOURLY fee needs its hourly rate"]
    assert fee_problems(FeeType.CUSTOM, 1) == [
        "must be blank for a CUSTOM fee (each child's enrolment has its own amount)"
    ]


def test_enrolment_needs_what_its_fee_type_needs() -> None:
    custom = FeeTerms("Agreed", FeeType.CUSTOM, None)
    hourly = FeeTerms("Aftercare", FeeType.HOURLY, 6_500)
    full = FeeTerms("Full Day", FeeType.FULL_DAY, 485_000)
    assert enrolment_problems(custom, 410_000, None) == []
    assert enrolment_problems(hourly, None, Decimal(40)) == []
    assert enrolment_problems(custom, None, None) == [
        ("custom_amount", "required for the CUSTOM fee 'Agreed'")
    ]
    assert enrolment_problems(hourly, None, None) == [
        ("hours_per_month", "required for the HOURLY fee 'Aftercare'")
    ]
    assert enrolment_problems(full, 100, Decimal(2)) == [
        ("custom_amount", "only a CUSTOM fee takes one; 'Full Day' is FULL_DAY"),
        ("hours_per_month", "only an HOURLY fee takes hours; 'Full Day' is FULL_DAY"),
    ]


@pytest.mark.parametrize(
    ("text", "hours"), [("40", Decimal(40)), (" 12.5 ", Decimal("12.5")), ("0", Decimal(0))]
)
def test_hours(text: str, hours: Decimal) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ten", "not a number of hours: 'ten'"),
        ("NaN", "not a number of hours: 'NaN'"),
        ("1.255", "too many decimals in '1.255' (at most 2)"),
        ("-1", "hours must be from 0 to 744, not -1"),
        ("745", "hours must be from 0 to 744, not 745"),
    ],
)
def test_bad_hours(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_hours(text)
    assert str(caught.value) == message


def test_extras() -> None:
    extras, problems = parse_extras("EXTRA_MURAL:250.00:Swimming; meals:400 ;")
    assert problems == []
    assert extras == (
        RecurringExtra(LineType.EXTRA_MURAL, 25_000, "Swimming"),
        RecurringExtra(LineType.MEALS, 40_000, None),
    )
    assert parse_extras("") == ((), [])
    described, _ = parse_extras("TRANSPORT:350,00:Lift club: mornings")
    assert described == (RecurringExtra(LineType.TRANSPORT, 35_000, "Lift club: mornings"),)


def test_bad_extras_are_each_named() -> None:
    extras, problems = parse_extras("SWIM:250;MEALS;MEALS:abc;AD_HOC:10;BOOKS:0;UNIFORM:1:")
    assert extras == (RecurringExtra(LineType.UNIFORM, 100, None),)
    assert problems[0].startswith("item 1: unknown line type 'SWIM'; use one of EXTRA_MURAL")
    assert problems[1:3] == [
        "item 2: 'MEALS' is not LINE_TYPE:amount[:description]",
        "item 3: not an amount: 'abc'",
    ]
    assert problems[3].startswith("item 4: AD_HOC cannot be a recurring extra; use one of")
    assert problems[4] == "item 5: the amount of 'BOOKS:0' must be more than zero"


def _stored(
    id_: int, start: D, end: D | None = None, status: EnrolmentStatus = EnrolmentStatus.ACTIVE
) -> StoredEnrolment:
    return StoredEnrolment(id_, 1, status, EnrolmentTerms(1, start, end))


def test_place_new_child_and_same_start() -> None:
    terms = EnrolmentTerms(2, D(2026, 1, 14))
    assert place_enrolment([], terms) == EnrolmentChange()
    current = _stored(5, D(2026, 1, 14))
    assert place_enrolment([current], terms) == EnrolmentChange(same=current)


def test_place_later_start_ends_the_running_enrolment() -> None:
    old = _stored(1, D(2025, 1, 14), D(2025, 11, 30), EnrolmentStatus.WITHDRAWN)
    current = _stored(2, D(2026, 1, 14))
    assert place_enrolment([current, old], EnrolmentTerms(2, D(2026, 6, 1))) == EnrolmentChange(
        ends=current
    )
    planned_end = _stored(3, D(2026, 1, 14), D(2026, 12, 31))
    assert place_enrolment([planned_end], EnrolmentTerms(2, D(2026, 7, 1))).ends == planned_end
    assert place_enrolment([old], EnrolmentTerms(2, D(2026, 1, 14))) == EnrolmentChange()


def test_place_conflicts() -> None:
    current = _stored(2, D(2026, 1, 14))
    with pytest.raises(RosterConflict) as before:
        place_enrolment([current], EnrolmentTerms(2, D(2025, 12, 1)))
    assert before.value.field == "start_date"
    assert str(before.value) == (
        "the child's latest enrolment starts on 2026-01-14; a new one must start after it "
        "(or on the same day, to change it)"
    )
    withdrawn = _stored(1, D(2025, 1, 14), D(2025, 11, 30), EnrolmentStatus.WITHDRAWN)
    with pytest.raises(RosterConflict, match=r"ended on 2025-11-30 \(WITHDRAWN\)") as reopen:
        place_enrolment([withdrawn], EnrolmentTerms(2, D(2025, 1, 14)))
    assert reopen.value.field == "end_date"
    same_end = EnrolmentTerms(2, D(2025, 1, 14), D(2025, 11, 30))
    assert place_enrolment([withdrawn], same_end) == EnrolmentChange(same=withdrawn)
    with pytest.raises(RosterConflict, match="would overlap the child's enrolment from 2026-01-14"):
        place_enrolment([withdrawn, current], EnrolmentTerms(2, D(2025, 1, 14), D(2026, 2, 1)))


def test_child_name() -> None:
    assert ChildDetails("X-1", "Zoë", "Müller").name == "Zoë Müller"
