"""Links and drafts in matching (domain.match_links, domain.matching): issue 11."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.match_links import (
    LINK_WINDOW_DAYS,
    HandPayment,
    link_reason,
    near,
    with_links,
)
from crechebooks_desktop.domain.matching import (
    MAX_CANDIDATES,
    DraftItem,
    drafts_reason,
    match_lines,
    month_words,
)
from tests.matching_month import DAY, item, line, payee

DLAMINI = payee(1, "DLAMINI01", ["Nomsa Dlamini"], ["Thabo Dlamini"], [item(123)])
NAIDOO = payee(2, "NAIDOO01", ["Priya Naidoo"], ["Aarav Naidoo"], [item(124, 420_000)])
CERTAIN = line(350_000, reference="INV-2026-000123", payer="MRS N DLAMINI")


def hand(payment_id: int, household: int, ref: str, days: int = 0, cents: int = 350_000):
    return HandPayment(payment_id, household, ref, DAY + dt.timedelta(days=days), cents)


def linked(one_line, payees, payments):
    (verdict,) = match_lines([one_line], payees, ())
    (result,) = with_links([one_line], [verdict], payments)
    return verdict, result


def test_a_certain_line_that_is_a_hand_payment_waits_with_the_link_first() -> None:
    verdict, result = linked(CERTAIN, [DLAMINI, NAIDOO], [hand(42, 1, "DLAMINI01", -2)])
    assert verdict.outcome is MatchOutcome.AUTO_APPLIED
    assert result.outcome is MatchOutcome.REVIEW_REQUIRED
    assert "payment 42 recorded by hand" in result.decision
    link, pay = result.candidates[:2]
    assert (link.kind, link.payment_id, link.payment_date) == ("link", 42, DAY - dt.timedelta(2))
    assert (link.score, link.invoice_numbers, link.alias_id, link.drafts) == (100, (), None, ())
    assert (link.reference_points, link.amount_points, link.name_points) == (40, 40, 20)
    assert link.reasons[0] == link_reason(hand(42, 1, "DLAMINI01", -2))
    assert link.reasons[1:] == pay.reasons
    assert (pay.kind, pay.payment_id) == ("pay", None)


def test_the_window_is_five_days_either_side() -> None:
    assert LINK_WINDOW_DAYS == 5
    assert near(DAY, DAY + dt.timedelta(days=5))
    assert near(DAY, DAY - dt.timedelta(days=5))
    assert not near(DAY, DAY + dt.timedelta(days=6))
    for days in (6, -6):
        _verdict, result = linked(CERTAIN, [DLAMINI], [hand(42, 1, "DLAMINI01", days)])
        assert result.outcome is MatchOutcome.AUTO_APPLIED


def test_other_amounts_are_passed_over() -> None:
    _verdict, result = linked(CERTAIN, [DLAMINI], [hand(42, 1, "DLAMINI01", cents=350_001)])
    assert result.outcome is MatchOutcome.AUTO_APPLIED


def test_links_are_ordered_by_household_rank_then_date_then_id() -> None:
    payments = [
        hand(7, 2, "NAIDOO01", 1),
        hand(9, 1, "DLAMINI01", 3),
        hand(8, 1, "DLAMINI01", -1),
        hand(6, 1, "DLAMINI01", 1),
    ]
    naidoo = payee(2, "NAIDOO01", ["Priya Naidoo"], ["Aarav Naidoo"], [item(124)])
    one_line = line(350_000, payer="N DLAMINI")
    verdict, result = linked(one_line, [naidoo, DLAMINI], payments)
    assert [c.household_ref for c in verdict.candidates] == ["DLAMINI01", "NAIDOO01"]
    # DLAMINI01's (nearest; one day either side: the lower id); the line names Dlamini, so
    # NAIDOO01 (a candidate on its amount alone) is not linked.
    assert [c.payment_id for c in result.candidates] == [6, 8, 9, None, None]
    many = [hand(n, 1, "DLAMINI01", 1) for n in range(20, 30)]
    _verdict, result = linked(one_line, [naidoo, DLAMINI], many)
    assert len(result.candidates) == MAX_CANDIDATES


def test_a_payment_of_a_household_the_line_does_not_name_holds_nothing_up() -> None:
    naidoo = payee(2, "NAIDOO01", ["Priya Naidoo"], ["Aarav Naidoo"], [item(124)])
    verdict, result = linked(CERTAIN, [DLAMINI, naidoo], [hand(7, 2, "NAIDOO01")])
    assert "NAIDOO01" in [c.household_ref for c in verdict.candidates]  # on its amount
    assert result == verdict
    assert result.outcome is MatchOutcome.AUTO_APPLIED


def test_a_bare_amount_offers_its_candidates_payments() -> None:
    naidoo = payee(2, "NAIDOO01", ["Priya Naidoo"], ["Aarav Naidoo"], [item(124)])
    deposit = line(350_000, "CASH DEPOSIT RANDBURG")
    verdict, result = linked(deposit, [DLAMINI, naidoo], [hand(7, 2, "NAIDOO01"), hand(8, 5, "X")])
    assert {c.household_ref for c in verdict.candidates} == {"DLAMINI01", "NAIDOO01"}
    assert [c.payment_id for c in result.candidates] == [7, None, None]
    assert result.outcome is MatchOutcome.REVIEW_REQUIRED


def test_a_stranger_is_offered_only_alone() -> None:
    stranger = hand(5, 3, "BOTHA01", 1, 1_234)
    interest = line(1_234, "CREDIT INTEREST")
    verdict, result = linked(interest, [DLAMINI, NAIDOO], [stranger])
    assert verdict.outcome is MatchOutcome.NO_MATCH
    (link,) = result.candidates
    assert (link.household_ref, link.kind, link.score, link.amount_points) == (
        "BOTHA01",
        "link",
        40,
        40,
    )
    assert result.outcome is MatchOutcome.REVIEW_REQUIRED
    two = [stranger, replace(stranger, payment_id=6, household_id=4)]
    _verdict, result = linked(interest, [DLAMINI, NAIDOO], two)
    assert result.outcome is MatchOutcome.NO_MATCH
    assert result.candidates == ()


def test_no_payments_change_nothing() -> None:
    verdict, result = linked(CERTAIN, [DLAMINI], [])
    assert result == verdict


# --- drafts -----------------------------------------------------------------------------


def test_a_household_with_drafts_carries_them_with_a_reason() -> None:
    march = DraftItem("INV-2026-000200", dt.date(DAY.year, 3, 1))
    waiting = replace(DLAMINI, invoices=(), outstanding_cents=0, drafts=(march,))
    (result,) = match_lines([line(350_000, payer="MRS N DLAMINI")], [waiting], ())
    (found,) = result.candidates
    assert found.drafts == (march,)
    assert "March is not sent yet (INV-2026-000200 is a draft)" in found.reasons


def test_draft_words() -> None:
    day = dt.date(2026, 1, 5)
    dec, jan = dt.date(2025, 12, 1), dt.date(2026, 1, 1)
    assert month_words([jan], day) == "January"
    assert month_words([jan, dec, jan], day) == "December 2025 and January"
    assert month_words([dec, jan, dt.date(2026, 2, 1)], day) == (
        "December 2025, January and February"
    )
    two = [DraftItem("A", jan), DraftItem("B", jan)]
    assert drafts_reason(two, day) == "January is not sent yet (A, B are drafts)"
    assert drafts_reason([DraftItem("A", dec), DraftItem("B", jan)], day) == (
        "December 2025 and January are not sent yet (A, B are drafts)"
    )
