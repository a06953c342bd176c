"""Learned aliases in matching (domain.matching.alias_keys and their points)."""

from __future__ import annotations

import pytest

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.matching import LearnedAlias, alias_keys
from tests.matching_month import candidate, item, line, match, payee

DLAMINI = payee(1, "DLAMINI01", ["Nomsa Dlamini"], ["Thabo Dlamini"], [item(123)])
OTHER = payee(2, "DLAMINI02", ["Nandi Dlamini"], ["Lwazi Dlamini"], [item(124)])


@pytest.mark.parametrize(
    ("description", "reference", "payer", "keys"),
    [
        ("MRS N DLAMINI FEES MARCH", None, None, ("name:DLAMINI N",)),
        ("ACB CREDIT", None, "N DLAMINI FEES APRIL", ("name:DLAMINI N",)),
        ("ACB CREDIT", "FEES MARCH 2026", "DLAMINI N", ("name:DLAMINI N",)),
        ("MAGIC 0821234567", "0821234567", None, ("ref:0821234567", "tel:0821234567")),
        ("ACB CREDIT", "THABO", None, ()),  # a lone first name is too common
        ("ACB CREDIT", "THABO DLAMINI", None, ("name:DLAMINI THABO", "ref:THABO DLAMINI")),
        ("ACB CREDIT", "DLAMINI01 MARCH", None, ("ref:DLAMINI01",)),
        ("ACB CREDIT", "15/03/2026", None, ()),
        ("ACB CREDIT", "202603", None, ()),
        ("ACB CREDIT", "INV-2026-000123", None, ("ref:2026000123",)),
        ("CREDIT INTEREST", None, None, ()),
    ],
)
def test_alias_keys(
    description: str, reference: str | None, payer: str | None, keys: tuple[str, ...]
) -> None:
    assert alias_keys(line(1_000, description, reference, payer)) == keys


def test_alias_keys_are_short() -> None:
    long_name = " ".join(f"NAME{chr(65 + i % 26)}" for i in range(100)).replace("NAME", "ABC")
    keys = alias_keys(line(1_000, payer=long_name, reference=long_name))
    assert keys
    assert all(len(key) <= 200 for key in keys)


def test_the_same_payer_in_two_months_shares_a_key() -> None:
    march = alias_keys(line(1_000, "MRS N DLAMINI FEES MARCH"))
    april = alias_keys(line(1_000, "N DLAMINI FEES APRIL"))
    assert set(march) & set(april) == {"name:DLAMINI N"}


def test_an_alias_is_a_name_and_reference_match() -> None:
    alias = LearnedAlias(12, 1, "name:DLAMINI N")
    without = match(line(350_000, payer="N DLAMINI"), [DLAMINI, OTHER])
    assert without.outcome is MatchOutcome.REVIEW_REQUIRED
    result = match(line(350_000, payer="N DLAMINI"), [DLAMINI, OTHER], [alias])
    best = result.candidates[0]
    assert (best.household_ref, best.reference_points, best.name_points, best.score) == (
        "DLAMINI01",
        40,
        20,
        100,
    )
    assert best.alias_id == 12
    assert "payer 'N DLAMINI' was matched to DLAMINI01 before (alias 12)" in best.reasons
    assert result.outcome is MatchOutcome.AUTO_APPLIED
    assert candidate(result, "DLAMINI02").alias_id is None


def test_a_reference_alias_says_so() -> None:
    alias = LearnedAlias(3, 2, "ref:0821234567")
    result = match(line(350_000, "MAGIC 0821234567", "0821234567"), [DLAMINI, OTHER], [alias])
    assert result.candidates[0].household_ref == "DLAMINI02"
    assert "reference '0821234567' was matched to DLAMINI02 before (alias 3)" in (
        result.candidates[0].reasons
    )


def test_aliases_pointing_at_two_households_are_a_conflict() -> None:
    aliases = [LearnedAlias(12, 1, "name:DLAMINI N"), LearnedAlias(13, 2, "name:DLAMINI N")]
    result = match(line(350_000, payer="N DLAMINI"), [DLAMINI, OTHER], aliases)
    assert result.outcome is MatchOutcome.REVIEW_REQUIRED
    assert {c.household_ref for c in result.candidates} == {"DLAMINI01", "DLAMINI02"}
    assert {c.alias_id for c in result.candidates} == {12, 13}
    for found in result.candidates:
        assert "this payer was matched before to DLAMINI01, DLAMINI02: choose one" in found.reasons
    assert "more than one household" in result.decision


def test_a_name_and_a_reference_alias_of_different_households_conflict() -> None:
    aliases = [LearnedAlias(1, 1, "name:DLAMINI N"), LearnedAlias(2, 2, "ref:0821234567")]
    result = match(
        line(350_000, reference="0821234567", payer="N DLAMINI"), [DLAMINI, OTHER], aliases
    )
    assert result.outcome is MatchOutcome.REVIEW_REQUIRED


def test_aliases_of_households_with_nothing_open_are_ignored() -> None:
    aliases = [LearnedAlias(12, 1, "name:DLAMINI N"), LearnedAlias(13, 99, "name:DLAMINI N")]
    result = match(line(350_000, payer="N DLAMINI"), [DLAMINI, OTHER], aliases)
    assert result.outcome is MatchOutcome.AUTO_APPLIED


def test_the_oldest_alias_of_a_household_is_named() -> None:
    aliases = [LearnedAlias(30, 1, "name:DLAMINI N"), LearnedAlias(4, 1, "name:DLAMINI N")]
    result = match(line(350_000, payer="N DLAMINI"), [DLAMINI], aliases)
    assert result.candidates[0].alias_id == 4
