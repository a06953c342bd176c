"""Phone numbers and account numbers in match scoring (domain.matching with match_phones).

A household's own number is reference evidence worth 40, as an account
reference that is a word of the line; a number two households share is worth
15 to each, so it never applies money by itself (15 + 40 + 20 = 75).
"""

from __future__ import annotations

import pytest

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.matching import LearnedAlias, alias_keys
from tests.matching_month import candidate, item, line, match, payee, refs

AUTO, REVIEW = MatchOutcome.AUTO_APPLIED, MatchOutcome.REVIEW_REQUIRED
DLAMINI = payee(1, "DLAMINI01", ["Nomsa Dlamini"], [], [item(123)], phones=["082 123 4567"])
NAIDOO = payee(2, "NAIDOO01", ["Priya Naidoo"], [], [item(124, 420_000)], phones=["0712345678"])
OWN = "phone number 082 123 4567 is the DLAMINI01 household's"


@pytest.mark.parametrize(
    ("description", "reference", "payer"),
    [
        ("MAGIC 0821234567", None, None),
        ("PAYMENT RECEIVED 27821234567", None, None),
        ("IB PAYMENT", "+27 82 123 4567", None),
        ("ACB CREDIT", "082-123-4567", None),
        ("ACB CREDIT", None, "0821234567"),
    ],
)
def test_the_households_number_and_its_amount_apply(
    description: str, reference: str | None, payer: str | None
) -> None:
    result = match(line(350_000, description, reference, payer), [DLAMINI, NAIDOO])
    best = result.candidates[0]
    assert (best.household_ref, best.reference_points, best.amount_points) == ("DLAMINI01", 40, 40)
    assert OWN in best.reasons
    assert result.outcome is AUTO


def test_the_number_alone_puts_its_household_first_for_review() -> None:
    result = match(line(123_456, "MAGIC 0821234567"), [DLAMINI, NAIDOO])
    assert refs(result) == ["DLAMINI01"]
    assert result.candidates[0].score == 40
    assert result.outcome is REVIEW
    # Without the number on the roster nothing on the line points anywhere.
    without = match(line(123_456, "MAGIC 0821234567"), [payee(1, "DLAMINI01", items=[item(123)])])
    assert without.outcome is MatchOutcome.NO_MATCH


def test_another_number_or_none_on_the_roster_is_no_evidence() -> None:
    result = match(line(350_000, "MAGIC 0829999999"), [DLAMINI, NAIDOO])
    assert all(c.reference_points == 0 for c in result.candidates)
    assert result.outcome is REVIEW


def test_a_shared_number_is_15_for_each_and_never_applies_by_itself() -> None:
    granny = "083 555 0000"
    one = payee(1, "DLAMINI01", ["Nomsa Dlamini"], [], [item(123)], phones=[granny])
    two = payee(2, "DLAMINI02", ["Thandi Dlamini"], [], [item(124)], phones=[granny])
    other = payee(3, "NAIDOO01", [], [], [item(125, 420_000)], phones=["+27 83 555 0000"])
    # Same amount owed: a tie, both offered at 15 + 40.
    result = match(line(350_000, "MAGIC 0835550000"), [one, two])
    assert [(c.household_ref, c.reference_points, c.score) for c in result.candidates] == [
        ("DLAMINI01", 15, 55),
        ("DLAMINI02", 15, 55),
    ]
    reason = (
        "phone number 083 555 0000 is shared by DLAMINI01 and DLAMINI02: "
        "it does not tell them apart"
    )
    assert all(reason in c.reasons for c in result.candidates)
    assert result.outcome is REVIEW
    # The amount and the payer's name are one family's alone: still only 75.
    result = match(line(420_000, "MAGIC 0835550000", payer="P NAIDOO"), [one, two, other])
    assert result.candidates[0].household_ref == "NAIDOO01"
    assert result.candidates[0].score < 80
    assert result.outcome is REVIEW


def test_an_invoice_number_still_decides_beside_a_shared_number() -> None:
    granny = "083 555 0000"
    one = payee(1, "DLAMINI01", [], [], [item(123)], phones=[granny])
    two = payee(2, "DLAMINI02", [], [], [item(124)], phones=[granny])
    result = match(line(350_000, "MAGIC 0835550000", "INV-2026-000124"), [one, two])
    assert [(c.household_ref, c.score) for c in result.candidates] == [
        ("DLAMINI02", 80),
        ("DLAMINI01", 55),
    ]
    assert result.outcome is AUTO


def test_a_number_of_one_household_and_an_invoice_of_another_go_to_review() -> None:
    result = match(line(350_000, "MAGIC 0712345678", "INV-2026-000123"), [DLAMINI, NAIDOO])
    assert result.candidates[0].household_ref == "DLAMINI01"
    assert candidate(result, "NAIDOO01").reference_points == 40
    # DLAMINI01: invoice 40 + amount 40; NAIDOO01: phone 40, no amount. The invoice wins...
    assert result.outcome is AUTO
    # ...but when both owe the amount, two households score 80: a person decides.
    naidoo = payee(2, "NAIDOO01", [], [], [item(124)], phones=["0712345678"])
    result = match(line(350_000, "MAGIC 0712345678", "INV-2026-000123"), [DLAMINI, naidoo])
    assert result.outcome is REVIEW
    assert "more than one household" in result.decision


def test_a_number_and_the_reference_of_one_household_count_once() -> None:
    result = match(line(350_000, "MAGIC 0821234567", "INV-2026-000123"), [DLAMINI])
    best = result.candidates[0]
    assert (best.reference_points, best.score) == (40, 80)
    assert OWN in best.reasons
    assert "reference INV-2026-000123 is an invoice number of DLAMINI01" in best.reasons


def test_a_phone_number_is_not_taken_for_the_digits_of_an_invoice() -> None:
    # INV-2026-000123's sequence is 123; a line ending in a number ending 123 is not it.
    stranger = payee(1, "DLAMINI01", [], [], [item(123)], phones=["0711111111"])
    result = match(line(99_999, "MAGIC 0820000123"), [stranger])
    assert result.outcome is MatchOutcome.NO_MATCH


# --- numbers learned as aliases ----------------------------------------------------


def test_a_line_teaches_its_phone_and_account_numbers() -> None:
    keys = alias_keys(line(350_000, "IB PAYMENT FROM 62012345678", "+27 82 123 4567"))
    assert keys == ("ref:123 4567", "tel:0821234567", "acct:62012345678")


def test_a_learned_account_number_is_a_name_and_reference_match() -> None:
    alias = LearnedAlias(7, 2, "acct:62012345678")
    text = "ACB CREDIT 62012345678"
    assert match(line(420_000, text), [DLAMINI, NAIDOO]).candidates[0].reference_points == 0
    result = match(line(420_000, text), [DLAMINI, NAIDOO], [alias])
    best = result.candidates[0]
    assert (best.household_ref, best.reference_points, best.name_points, best.alias_id) == (
        "NAIDOO01",
        40,
        20,
        7,
    )
    assert "account number 62012345678 was matched to NAIDOO01 before (alias 7)" in best.reasons
    assert result.outcome is AUTO


def test_a_learned_phone_number_says_so() -> None:
    alias = LearnedAlias(8, 2, "tel:0835550000")
    result = match(line(420_000, "PAYMENT RECEIVED 083-555-0000"), [DLAMINI, NAIDOO], [alias])
    assert "phone number 083 555 0000 was matched to NAIDOO01 before (alias 8)" in (
        result.candidates[0].reasons
    )


def test_an_account_number_learned_for_two_households_is_a_conflict() -> None:
    aliases = [LearnedAlias(1, 1, "acct:62012345678"), LearnedAlias(2, 2, "acct:62012345678")]
    result = match(line(350_000, "ACB CREDIT 62012345678"), [DLAMINI, NAIDOO], aliases)
    assert result.outcome is REVIEW
    assert {c.alias_id for c in result.candidates} == {1, 2}
