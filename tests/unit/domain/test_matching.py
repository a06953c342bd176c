"""Matching (domain.matching): each scoring rule, its boundaries, and the decision."""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.match_rules import amount_points
from crechebooks_desktop.domain.matching import (
    MAX_CANDIDATES,
    Candidate,
    _decide,
    match_lines,
)
from tests.matching_month import (
    candidate,
    item,
    line,
    match,
    payee,
    refs,
)

AUTO, REVIEW, NONE = (
    MatchOutcome.AUTO_APPLIED,
    MatchOutcome.REVIEW_REQUIRED,
    MatchOutcome.NO_MATCH,
)
DLAMINI = payee(1, "DLAMINI01", ["Nomsa Dlamini"], ["Thabo Dlamini"], [item(123)])
NAIDOO = payee(2, "NAIDOO01", ["Priya Naidoo"], ["Aarav Naidoo"], [item(124, 420_000)])


# --- reference: 40 / 30 / 15 -------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "description", "points"),
    [
        ("INV-2026-000123", "ACB CREDIT", 40),
        ("inv 2026 000123", "ACB CREDIT", 40),  # case, spaces and dashes ignored
        (None, "PAYMENT INV-2026-000123 THANK YOU", 40),  # a word of the description
        ("DLAMINI01", "ACB CREDIT", 40),
        ("dlamini-01", "ACB CREDIT", 40),
        ("SCHOOLFEESINV2026000123", "ACB CREDIT", 30),  # glued into a longer word
        ("PAYMENTDLAMINI01", "ACB CREDIT", 30),
        ("DLAMINI012", "ACB CREDIT", 0),  # not DLAMINI01: the digits run on
        ("XINV20260001234", "ACB CREDIT", 0),
        ("DLAMINI01 2026", "ACB CREDIT", 40),  # a separate word after it is fine
        ("FEES 123", "ACB CREDIT", 15),
        ("FEES 000123", "ACB CREDIT", 15),
        ("FEES 2026000123", "ACB CREDIT", 15),
        ("FEES 2026-000123", "ACB CREDIT", 15),
        ("FEES 0820000123", "ACB CREDIT", 0),  # a phone number is longer than the sequence
        ("FEES 124", "ACB CREDIT", 0),  # another invoice's digits
        ("FEES MARCH", "ACB CREDIT", 0),
    ],
)
def test_reference_points(reference: str | None, description: str, points: int) -> None:
    result = match(line(1_000, description, reference), [DLAMINI])
    got = [c.reference_points for c in result.candidates]
    assert got == ([points] if points else [])


def test_ending_digits_need_three_significant_digits() -> None:
    small = payee(3, "MOKOENA01", items=[item(23)])
    assert match(line(1_000, reference="FEES 023"), [small]).candidates == ()
    assert match(line(1_000, reference="FEES 000023"), [small]).candidates == ()


def test_a_plain_word_account_reference_counts_only_as_the_whole_reference() -> None:
    smith = payee(4, "SMITH", items=[item(7, 99_999)])
    assert match(line(1_000, "J SMITH PAYMENT"), [smith]).candidates == ()
    assert match(line(1_000, reference="smith"), [smith]).candidates[0].reference_points == 40
    assert match(line(1_000, reference="SMITH FEES"), [smith]).candidates == ()


def test_reference_reasons_name_the_number_and_household() -> None:
    exact = candidate(match(line(1_000, reference="INV-2026-000123"), [DLAMINI]), "DLAMINI01")
    assert exact.reasons == ("reference INV-2026-000123 is an invoice number of DLAMINI01",)
    ref = candidate(match(line(1_000, reference="DLAMINI01"), [DLAMINI]), "DLAMINI01")
    assert ref.reasons == ("reference DLAMINI01 is DLAMINI01's account reference",)
    inside = candidate(match(line(1_000, reference="XXDLAMINI01"), [DLAMINI]), "DLAMINI01")
    assert inside.reasons == ("the line's text contains DLAMINI01's account reference",)
    ends = candidate(match(line(1_000, reference="FEES 123"), [DLAMINI]), "DLAMINI01")
    assert ends.reasons == ("the line ends with 123, the digits of INV-2026-000123 of DLAMINI01",)


# --- amount: 40 / 38 / 35 / 25 -----------------------------------------------


@pytest.mark.parametrize(
    ("amount", "balance", "points"),
    [
        (350_000, 350_000, 40),
        (350_100, 350_000, 38),  # exactly R1.00 over
        (349_900, 350_000, 38),
        (350_101, 350_000, 35),
        (353_500, 350_000, 35),  # exactly 1%
        (346_500, 350_000, 35),
        (353_501, 350_000, 25),
        (367_500, 350_000, 25),  # exactly 5%
        (332_500, 350_000, 25),
        (367_501, 350_000, 0),
        (332_499, 350_000, 0),
        (5_100, 5_000, 38),  # R1.00 is more than 1% of R50
        (5_101, 5_000, 25),
        (5_251, 5_000, 0),
    ],
)
def test_amount_points_boundaries(amount: int, balance: int, points: int) -> None:
    assert amount_points(amount, balance) == points


def test_amount_against_invoice_or_total_and_its_reasons() -> None:
    two = payee(5, "PILLAY01", ["Kavitha Pillay"], items=[item(200), item(201, 315_000)])
    on_invoice = candidate(match(line(315_000, reference="PILLAY01"), [two]), "PILLAY01")
    assert on_invoice.amount_points == 40
    assert "amount R 3 150,00 equals the balance due on INV-2026-000201" in on_invoice.reasons
    assert on_invoice.invoice_numbers == ("INV-2026-000201",)  # the one whose balance it is
    total = candidate(match(line(665_000, reference="PILLAY01"), [two]), "PILLAY01")
    assert total.amount_points == 40
    assert "amount equals PILLAY01's total outstanding (R 6 650,00)" in total.reasons
    near = candidate(match(line(350_050, reference="PILLAY01"), [two]), "PILLAY01")
    assert near.amount_points == 38
    assert (
        "amount R 3 500,50 is within R 1,00 of the balance due on INV-2026-000200 (R 3 500,00)"
        in near.reasons
    )
    five = candidate(match(line(640_000, reference="PILLAY01"), [two]), "PILLAY01")
    assert "amount R 6 400,00 is within 5% of PILLAY01's total outstanding (R 6 650,00)" in (
        five.reasons
    )


def test_invoice_numbers_follow_the_reference_then_the_amount_then_oldest_first() -> None:
    old, new = item(300, 100_000, dt.date(2026, 2, 7)), item(299, 350_000, dt.date(2026, 3, 7))
    same_day = item(301, 50_000, dt.date(2026, 2, 7))
    house = payee(6, "NEL01", items=[new, old, same_day])
    quoted = match(line(1_000, reference="INV-2026-000299 INV-2026-000301"), [house])
    assert quoted.candidates[0].invoice_numbers == ("INV-2026-000301", "INV-2026-000299")
    equal = match(line(350_000, reference="NEL01"), [house])
    assert equal.candidates[0].invoice_numbers == ("INV-2026-000299",)
    partial = match(line(120_000, reference="NEL01"), [house])
    assert partial.candidates[0].invoice_numbers == ("INV-2026-000300", "INV-2026-000301")
    everything = match(line(500_000, reference="NEL01"), [house])
    assert everything.candidates[0].invoice_numbers == (
        "INV-2026-000300",
        "INV-2026-000301",
        "INV-2026-000299",
    )


# --- names: 20 / 15 / 10 and children ----------------------------------------


@pytest.mark.parametrize(
    ("payer", "points"),
    [
        ("MRS N DLAMINI", 20),
        ("DLAMINI N", 20),
        ("N DLAMINI FEES MARCH", 20),
        ("NOMSA DLAMINI", 20),
        ("Ms. Nomsa Dlamini 0821234567", 20),
        ("MRS NOMSA DLAMIN", 15),  # cut to 16 characters by the bank
        ("N P DLAMINI", 15),
        ("S DLAMINI", 10),  # the surname, other initials: capped
        ("DLAMINI", 10),
        ("MAGIC 0821234567", 0),
        ("P NAIDOO", 0),
    ],
)
def test_name_points(payer: str, points: int) -> None:
    result = match(line(1_000, payer=payer), [DLAMINI])
    assert [c.name_points for c in result.candidates] == ([points] if points else [])


def test_name_from_the_description_when_there_is_no_payer_field() -> None:
    result = match(line(1_000, "IB PAYMENT FROM MRS N DLAMINI"), [DLAMINI])
    assert result.candidates[0].name_points == 20
    assert result.candidates[0].reasons == ("payer 'N DLAMINI' is parent 'Nomsa Dlamini'",)


def test_name_reason_gives_the_similarity() -> None:
    result = match(line(1_000, payer="MRS NOMSA DLAMIN"), [DLAMINI])
    (reason,) = result.candidates[0].reasons
    assert reason.startswith("payer 'MRS NOMSA DLAMIN' is like parent 'Nomsa Dlamini' (")


def test_surname_particles_and_initials() -> None:
    merwe = payee(7, "VDMERWE01", ["Johan van der Merwe"], items=[item(9)])
    for payer in ("J VAN DER MERWE", "JVD MERWE", "VD MERWE J", "MNR J VAN DER MERWE"):
        assert match(line(1_000, payer=payer), [merwe]).candidates[0].name_points == 20, payer


def test_a_childs_full_name_in_the_text_is_a_name_match() -> None:
    result = match(line(1_000, reference="THABO DLAMINI"), [DLAMINI, NAIDOO])
    (found,) = result.candidates
    assert (found.household_ref, found.name_points) == ("DLAMINI01", 20)
    assert "the line names child 'Thabo Dlamini'" in found.reasons
    assert match(line(1_000, reference="THABO"), [NAIDOO]).candidates == ()


def test_a_name_and_an_amount_never_apply_money() -> None:
    result = match(line(350_000, payer="MRS N DLAMINI"), [DLAMINI])
    assert result.candidates[0].score == 60
    assert result.outcome is REVIEW


# --- decisions ---------------------------------------------------------------


def test_reference_and_amount_auto_apply() -> None:
    result = match(line(350_000, reference="INV-2026-000123", payer="MRS N DLAMINI"), [DLAMINI])
    assert result.outcome is AUTO
    assert result.decision == ""
    best = result.candidates[0]
    assert (best.score, best.reference_points, best.amount_points, best.name_points) == (
        100,
        40,
        40,
        20,
    )


def test_nothing_scoring_is_no_match() -> None:
    result = match(line(1_234, "CREDIT INTEREST"), [DLAMINI, NAIDOO])
    assert (result.outcome, result.candidates) == (NONE, ())


def test_under_80_is_review() -> None:
    result = match(line(350_000, reference="FEES 123"), [DLAMINI])
    assert result.candidates[0].score == 55
    assert result.outcome is REVIEW
    assert "under 80" in result.decision


def test_several_at_80_or_more_is_review() -> None:
    both = line(350_000, reference="DLAMINI01 DLAMINI02")
    other = payee(8, "DLAMINI02", ["Sipho Dlamini"], items=[item(125)])
    result = match(both, [DLAMINI, other])
    assert [c.score for c in result.candidates] == [80, 80]
    assert result.outcome is REVIEW


def test_a_close_second_is_review() -> None:
    other = payee(9, "NKOSI01", ["Themba Nkosi"], items=[item(456)])
    close = match(line(350_000, reference="DLAMINI01 FEES 456", payer="T NKOSI"), [DLAMINI, other])
    assert [c.score for c in close.candidates] == [80, 75]
    assert close.outcome is REVIEW
    assert "NKOSI01 scores within 10 points" in close.decision
    clear = match(line(350_000, reference="DLAMINI01 FEES 456"), [DLAMINI, other])
    assert [c.score for c in clear.candidates] == [80, 55]
    assert clear.outcome is AUTO


def test_without_reference_points_never_auto_applies_whatever_the_score() -> None:
    forged = Candidate(1, "A01", (), 95, 0, 40, 20, ())
    assert _decide([forged], conflict=False)[0] is REVIEW
    applied = Candidate(1, "A01", (), 100, 40, 40, 20, ())
    assert _decide([applied], conflict=False)[0] is AUTO
    assert _decide([applied], conflict=True)[0] is REVIEW


def test_candidates_are_ordered_by_score_then_reference_then_ref() -> None:
    payees = [
        payee(10, "ZULU01", ["Mpho Zulu"], items=[item(10)]),
        payee(11, "ZULU02", ["Musa Zulu"], items=[item(11)]),
        payee(12, "ABC01", ["Thandi Zulu"], items=[item(12, 999_999)]),
    ]
    result = match(line(350_000, reference="FEES 000012", payer="M ZULU"), payees)
    # ZULU01 and ZULU02: name 20 + amount 40; ABC01: reference 15 + name 10.
    assert refs(result) == ["ZULU01", "ZULU02", "ABC01"]
    tie = match(line(350_000, reference="ABC01", payer="M ZULU"), [*payees[:2], payee(13, "ABC02")])
    assert refs(tie)[:2] == ["ZULU01", "ZULU02"]


def test_at_most_nine_candidates() -> None:
    many = [
        payee(20 + i, f"DLAMINI{i + 10}", ["Nomsa Dlamini"], items=[item(50 + i)])
        for i in range(12)
    ]
    result = match(line(350_000, payer="N DLAMINI"), many)
    assert len(result.candidates) == MAX_CANDIDATES
    assert refs(result) == sorted(refs(result))


def test_amount_only_candidates_are_kept_only_when_few() -> None:
    few = [payee(40 + i, f"H{i:02d}", items=[item(60 + i)]) for i in range(5)]
    assert len(match(line(350_000), few).candidates) == 5
    assert match(line(350_000), few).outcome is REVIEW
    six = [*few, payee(46, "H06", items=[item(70)])]
    assert match(line(350_000), six).outcome is NONE
    # The closest window decides: one exact beats five within 5%.
    near = [payee(50 + i, f"N{i:02d}", items=[item(80 + i, 340_000)]) for i in range(6)]
    assert refs(match(line(350_000), [few[0], *near])) == ["H00"]


def test_empty_inputs() -> None:
    assert match_lines([], [DLAMINI], []) == ()
    assert match(line(), []).outcome is NONE
