"""The categorisation rules engine, VAT inside an amount, splits and learned keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crechebooks_desktop.domain.categorise import (
    Direction,
    Rule,
    SplitShare,
    TextField,
    first_matches,
    learned_confidence,
    matches,
    split_amount,
    text_key,
    vat_inside,
    vat_inside_for,
)
from crechebooks_desktop.domain.enums import VatType
from crechebooks_desktop.domain.money import divide_half_even, split_by_weights
from crechebooks_desktop.domain.vat import split_inclusive, vat_rate_on

DESCRIPTION, REFERENCE = TextField.DESCRIPTION, TextField.REFERENCE


@dataclass(frozen=True)
class Line:
    description: str
    amount_cents: int = -10_000
    payer: str | None = None
    reference: str | None = None
    account_id: int = 1


def rule(name: str = "r", position: int = 1, **kwargs: object) -> Rule:
    return Rule(name, position, account_id=kwargs.pop("account_id", 7), **kwargs)  # type: ignore[arg-type]


def naive(rules: list[Rule], lines: list[Line]) -> list[int | None]:
    order = sorted(range(len(rules)), key=lambda k: (rules[k].position, k))
    return [next((k for k in order if matches(rules[k], line)), None) for line in lines]


# --------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("kwargs", "line", "expected"),
    [
        ({"contains": "eskom"}, Line("POS ESKOM PREPAID"), True),
        ({"contains": "ESKOM"}, Line("pos eskom prepaid"), True),
        ({"contains": "ESKOM"}, Line("CITY POWER"), False),
        ({"starts": "pos"}, Line("POS ESKOM"), True),
        ({"starts": "ESKOM"}, Line("POS ESKOM"), False),
        ({"starts": "ESKOM"}, Line("X", payer="Eskom Holdings"), True),
        ({"starts": "ESKOM", "text_field": DESCRIPTION}, Line("X", payer="ESKOM"), False),
        ({"contains": "123", "text_field": REFERENCE}, Line("X", reference="AB123"), True),
        ({"contains": "123", "text_field": REFERENCE}, Line("X 123"), False),
        ({"contains": "SMITH", "text_field": TextField.PAYER}, Line("SMITH"), False),
        ({"regex": r"^pos\s+\d+"}, Line("POS 4312 ESKOM"), True),
        ({"regex": r"^eskom"}, Line("POS ESKOM"), False),
        ({"regex": r"eskom$"}, Line("X", payer="Eskom"), True),
        ({"direction": Direction.OUT}, Line("X", -1), True),
        ({"direction": Direction.OUT}, Line("X", 1), False),
        ({"direction": Direction.IN}, Line("X", 1), True),
        ({"direction": Direction.IN}, Line("X", 0), False),
        ({"amount_min_cents": 500}, Line("X", -500), True),
        ({"amount_min_cents": 501}, Line("X", -500), False),
        ({"amount_max_cents": 500}, Line("X", -500), True),
        ({"amount_max_cents": 499}, Line("X", 500), False),
        ({"bank_account_id": 2}, Line("X", account_id=2), True),
        ({"bank_account_id": 2}, Line("X", account_id=1), False),
        ({"contains": "ESKOM", "starts": "POS"}, Line("POS ESKOM"), True),
        ({"contains": "ESKOM", "starts": "POS"}, Line("ESKOM POS"), False),
        ({"contains": "ESKOM", "amount_max_cents": 100}, Line("ESKOM", -101), False),
        ({}, Line("anything"), True),
    ],
)
def test_conditions(kwargs: dict[str, object], line: Line, expected: bool) -> None:
    one = rule(**kwargs)
    assert matches(one, line) is expected
    assert first_matches([one], [line]) == [0 if expected else None]


def test_the_first_rule_by_position_wins() -> None:
    rules = [
        rule("late", 3, contains="ESKOM"),
        rule("first", 1, contains="PREPAID"),
        rule("tie-a", 2, contains="POWER"),
        rule("tie-b", 2, contains="POWER"),
    ]
    lines = [Line("ESKOM PREPAID"), Line("ESKOM"), Line("CITY POWER"), Line("WATER")]
    assert first_matches(rules, lines) == [1, 0, 2, None]
    assert first_matches([], lines) == [None] * 4
    assert first_matches(rules, []) == []


def test_a_text_with_the_separators_cannot_fool_the_lookup() -> None:
    lines = [Line("A\x00B"), Line("B\x01C", payer="\x01D"), Line("AB")]
    rules = [rule(starts="B"), rule("d", 2, starts="D")]
    assert first_matches(rules, lines) == naive(rules, lines) == [None, 0, None]


def test_many_lines_narrow_the_haystack_and_still_agree() -> None:
    lines = [Line(f"VENDOR{n % 50:02d} PURCHASE {n}", -(n + 1)) for n in range(2_000)]
    rules = [rule(f"r{n}", n + 1, contains=f"VENDOR{n:02d}") for n in range(50)]
    rules.append(rule("rest", 99, regex=r"purchase \d+$", direction=Direction.OUT))
    found = first_matches(rules, lines)
    assert found == naive(rules, lines)
    assert found[:3] == [0, 1, 2]


def test_a_bad_regex_raises() -> None:
    import re

    with pytest.raises(re.error):
        first_matches([rule(regex="(")], [Line("X")])


WORDS = st.sampled_from(["ESKOM", "eskom", "POS", "PRE", "PAID", "X", "ab", "é", "1", " ", "*"])
TEXTS = st.lists(WORDS, max_size=5).map("".join)
OPTIONAL = st.none() | TEXTS
LINES = st.builds(
    Line,
    description=TEXTS,
    amount_cents=st.integers(-2_000, 2_000),
    payer=OPTIONAL,
    reference=OPTIONAL,
    account_id=st.integers(1, 2),
)
NEEDLES = st.none() | st.lists(WORDS, min_size=1, max_size=2).map("".join)
RULES = st.builds(
    Rule,
    name=st.just("r"),
    position=st.integers(1, 4),
    text_field=st.sampled_from(TextField),
    contains=NEEDLES,
    starts=NEEDLES,
    regex=st.none() | st.sampled_from(["^POS", "PAID$", r"\d", "e.k", "^$"]),
    amount_min_cents=st.none() | st.integers(0, 1_500),
    amount_max_cents=st.none() | st.integers(0, 1_500),
    direction=st.none() | st.sampled_from(Direction),
    bank_account_id=st.none() | st.integers(1, 2),
    account_id=st.just(1),
)


@settings(max_examples=300)
@given(st.lists(RULES, max_size=6), st.lists(LINES, max_size=25))
def test_first_match_equals_a_naive_loop(rules: list[Rule], lines: list[Line]) -> None:
    assert first_matches(rules, lines) == naive(rules, lines)


# --------------------------------------------------------------------------- VAT and splits


@pytest.mark.parametrize(
    ("amount", "vat_type", "day", "vat"),
    [
        (-11_500, VatType.STANDARD, dt.date(2026, 3, 1), -1_500),
        (11_500, VatType.STANDARD, dt.date(2026, 3, 1), 1_500),
        (-11_400, VatType.STANDARD, dt.date(2018, 3, 31), -1_400),
        (-11_500, VatType.STANDARD, dt.date(2018, 4, 1), -1_500),
        (-1, VatType.STANDARD, dt.date(2026, 3, 1), 0),
        (-23, VatType.STANDARD, dt.date(2026, 3, 1), -3),  # 23 x 15 / 115 = 3 exactly
        (-8, VatType.STANDARD, dt.date(2026, 3, 1), -1),  # 1.04 -> 1
        (-11_500, VatType.ZERO_RATED, dt.date(2026, 3, 1), 0),
        (-11_500, VatType.EXEMPT, dt.date(2026, 3, 1), 0),
        (-11_500, VatType.NO_VAT, dt.date(2026, 3, 1), 0),
    ],
)
def test_vat_inside(amount: int, vat_type: VatType, day: dt.date, vat: int) -> None:
    assert vat_inside(amount, vat_type, day) == vat
    assert vat_inside_for(vat_type)(amount, day) == vat  # a run's form, the same cents


@given(
    st.integers(-(10**10), 10**10),
    st.sampled_from(VatType),
    st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
)
def test_vat_never_exceeds_the_amount(amount: int, vat_type: VatType, day: dt.date) -> None:
    vat = vat_inside(amount, vat_type, day)
    assert vat_inside_for(vat_type)(amount, day) == vat
    assert abs(vat) <= abs(amount)
    assert vat == 0 or (vat > 0) == (amount > 0)
    if vat_type is VatType.STANDARD:  # the same cents as the invoices' VAT function
        assert vat == split_inclusive(amount, vat_rate_on(day)).vat_cents


def test_split_amount_by_percentages() -> None:
    shares = (SplitShare(1, 6_000), SplitShare(2, 4_000))
    assert split_amount(-10_001, shares) == [-6_001, -4_000]
    thirds = (SplitShare(1, 3_333), SplitShare(2, 3_333), SplitShare(3, 3_334))
    assert split_amount(100, thirds) == [33, 33, 34]
    assert split_amount(1, (SplitShare(1, 5_000), SplitShare(2, 5_000))) == [1, 0]


@given(
    st.integers(-(10**10), 10**10),
    st.lists(st.integers(0, 10_000), min_size=1, max_size=6).filter(lambda w: sum(w) > 0),
)
def test_parts_always_add_up_to_the_line(amount: int, weights: list[int]) -> None:
    parts = split_by_weights(amount, weights)
    assert sum(parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part * total - amount * weight) < total  # within a cent of its exact share
        assert part == 0 or (part > 0) == (amount > 0)


def test_split_by_weights_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="above zero"):
        split_by_weights(100, [0, 0])
    with pytest.raises(ValueError, match="negative"):
        split_by_weights(100, [5, -1])
    with pytest.raises(TypeError):
        split_by_weights(1.5, [1])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- learning


@pytest.mark.parametrize(
    ("payer", "description", "key"),
    [
        (None, "POS PURCHASE 4312*ESKOM PREPAID", "POS PURCHASE ESKOM"),
        ("Eskom Prepaid 0123", "ignored", "ESKOM PREPAID"),
        ("  ", "DEBIT ORDER: Santam-Insurance 99/12", "DEBIT ORDER SANTAM"),
        (None, "McDonald's  Rosebank", "MCDONALDS ROSEBANK"),
        (None, "1234 5678", ""),
        (None, "café  crème", "CAFÉ CRÈME"),
    ],
)
def test_text_key(payer: str | None, description: str, key: str) -> None:
    assert text_key(payer, description) == key


@pytest.mark.parametrize(
    ("agreeing", "earlier", "confidence"),
    [(1, 1, 50), (4, 4, 80), (7, 7, 87), (3, 4, 60), (0, 0, 0), (2, 3, 50)],
)
def test_learned_confidence(agreeing: int, earlier: int, confidence: int) -> None:
    assert learned_confidence(agreeing, earlier) == confidence


def test_rule_has_condition() -> None:
    assert not rule().has_condition
    assert not rule(contains="").has_condition
    assert rule(direction=Direction.IN).has_condition
    assert rule(amount_min_cents=0).has_condition


@pytest.mark.parametrize(
    ("numerator", "denominator", "quotient"),
    [(5, 2, 2), (7, 2, 4), (-5, 2, -2), (-7, 2, -4), (10, 3, 3), (11, 3, 4), (-11, 3, -4)],
)
def test_divide_half_even(numerator: int, denominator: int, quotient: int) -> None:
    assert divide_half_even(numerator, denominator) == quotient


def test_divide_half_even_refuses_a_zero_denominator() -> None:
    with pytest.raises(ValueError, match="above zero"):
        divide_half_even(1, 0)
