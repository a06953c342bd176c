"""Payer-name normalisation (domain.payer_names)."""

from __future__ import annotations

import pytest

from crechebooks_desktop.domain.payer_names import (
    ChildIndex,
    initials_disagree,
    name_points,
    name_tokens,
    payer_name,
    person,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("MRS N DLAMINI FEES MARCH", ("N", "DLAMINI")),
        ("Mnr. J. van der Merwe", ("J", "VANDERMERWE")),
        ("JVD MERWE", ("J", "VANDERMERWE")),
        ("NP DLAMINI 0821234567", ("N", "P", "DLAMINI")),
        ("MAGTAPE CREDIT IB PAYMENT EFT ACB", ()),
        ("Zoë Müller", ("ZOE", "MULLER")),
        ("INV-2026-000123 SCHOOL FEES", ()),
    ],
)
def test_name_tokens(text: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(text) == tokens


def test_payer_name_keys_ignore_order() -> None:
    one, two = payer_name("MRS N DLAMINI"), payer_name("DLAMINI N FEES")
    assert one is not None
    assert two is not None
    assert one.key == two.key == "DLAMINI N"
    assert one.with_initials
    full = payer_name("NOMSA DLAMINI")
    assert full is not None
    assert not full.with_initials
    assert payer_name("N") is None
    assert payer_name("FEES MARCH 0821234567") is None


def test_person_keys() -> None:
    nomsa = person("Nomsa Precious Dlamini")
    assert (nomsa.given, nomsa.surname) == (("NOMSA", "PRECIOUS"), "DLAMINI")
    assert nomsa.initials_key == "DLAMINI N P"
    assert person("Dlamini, Nomsa").full_key == "DLAMINI NOMSA"
    assert person("").full_key == ""


def test_initials_disagree() -> None:
    nomsa = person("Nomsa Dlamini")
    for text, expected in (
        ("S DLAMINI", True),
        ("N DLAMINI", False),
        ("DLAMINI", False),
        ("S DLAMIN", False),
    ):
        payer = payer_name(text)
        assert payer is not None
        assert initials_disagree(payer, nomsa) is expected, text
    single = payer_name("S DLAMINI")
    assert single is not None
    assert not initials_disagree(single, person("Dlamini"))


@pytest.mark.parametrize(
    ("similarity", "points"),
    [(100, 20), (99.9, 15), (80.01, 15), (80, 10), (60.01, 10), (60, 0), (0, 0)],
)
def test_name_points_boundaries(similarity: float, points: int) -> None:
    assert name_points(similarity) == points


def test_child_index_needs_first_name_and_surname() -> None:
    children = ChildIndex([(0, "Thabo Dlamini"), (1, "Thabo Naidoo"), (2, "Thabo")])
    assert children.hits(frozenset({"THABO", "DLAMINI"})) == {0: "Thabo Dlamini"}
    assert children.hits(frozenset({"THABO"})) == {}
