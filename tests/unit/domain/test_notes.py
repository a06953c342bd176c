"""An invoice's notes (domain.notes): several lines kept, tidied at the ends, limited."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.notes import NOTE_LIMIT, clean_note
from crechebooks_desktop.errors import RuleViolation


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Paid cash at the gate", "Paid cash at the gate"),
        ("Paid cash\nReceipt 0412", "Paid cash\nReceipt 0412"),
        ("Paid cash\r\nReceipt 0412\r\n", "Paid cash\nReceipt 0412"),
        ("Paid cash\rReceipt\u2028in the file", "Paid cash\nReceipt\nin the file"),
        ("Paid cash   \nReceipt 0412 \t \n\n  \n", "Paid cash\nReceipt 0412"),
        ("\n\n   \nPaid cash", "Paid cash"),
        ("  Indented stays\n\nafter a blank line", "  Indented stays\n\nafter a blank line"),
        ("Tab\there, NUL\x00there", "Tab here, NUL there"),
    ],
)
def test_a_note_keeps_its_lines_and_loses_what_nobody_means(typed: str, kept: str) -> None:
    assert clean_note(typed) == kept


@pytest.mark.parametrize("typed", ["", "   ", "\n\n", " \t\r\n \u2029"])
def test_blank_text_is_no_note(typed: str) -> None:
    assert clean_note(typed) is None


def test_the_limit_counts_what_is_kept() -> None:
    assert clean_note("x" * NOTE_LIMIT) == "x" * NOTE_LIMIT
    assert clean_note("x" * NOTE_LIMIT + "   \n\n") == "x" * NOTE_LIMIT
    with pytest.raises(RuleViolation) as refused:
        clean_note("x" * (NOTE_LIMIT + 1))
    assert str(refused.value) == "an invoice's notes are at most 2000 characters (these have 2001)"


@given(st.text(max_size=300))
def test_a_kept_note_is_tidy_and_tidying_it_again_changes_nothing(typed: str) -> None:
    kept = clean_note(typed)
    if kept is None:
        return
    assert kept == kept.strip("\n")
    assert all(line == line.rstrip() for line in kept.split("\n"))
    assert "\r" not in kept
    assert "\x00" not in kept
    assert clean_note(kept) == kept
