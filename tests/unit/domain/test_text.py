"""One-line text (domain.text): names refused with control characters, bank text folded."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crechebooks_desktop.domain.text import (
    check_one_line,
    one_line,
    one_line_problem,
    require_one_line,
)
from crechebooks_desktop.errors import RuleViolation

SUFFIX = "; it must be one line of text, without control characters"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Nomsa\nDlamini", "a line break"),
        ("Nomsa\r\nDlamini", "a line break"),
        ("Nomsa\rDlamini", "a line break"),
        ("Nomsa\tDlamini", "a tab"),
        ("Nomsa\x0bDlamini", "a line break"),
        ("Nomsa\x0cDlamini", "a page break"),
        ("Nomsa\x85Dlamini", "a line break"),  # NEL, a C1 control
        ("Nomsa\u2028Dlamini", "a line break"),
        ("Nomsa\u2029Dlamini", "a paragraph break"),
        ("Nomsa\x00", "a control character (U+0000)"),
        ("\x1b[31mRed", "a control character (U+001B)"),  # a terminal escape
        ("Bell\x07", "a control character (U+0007)"),
        ("Del\x7f", "a control character (U+007F)"),
        ("CSI\x9b", "a control character (U+009B)"),
    ],
)
def test_control_characters_are_named(text: str, what: str) -> None:
    assert one_line_problem(text) == f"contains {what}{SUFFIX}"
    with pytest.raises(ValueError, match=re.escape(f"contains {what}")):
        check_one_line(text)
    with pytest.raises(RuleViolation, match=re.escape(f"the name contains {what}")):
        require_one_line(text, "the name")


@pytest.mark.parametrize(
    "text",
    ["Zoë Müller-Naidoo", "O'Brien & Sons", "Nomsa\u00a0Dlamini", "👩\u200d👧", "نور", ""],
)
def test_names_in_any_script_are_fine(text: str) -> None:
    assert one_line_problem(text) is None
    assert check_one_line(text) == text
    require_one_line(text, "the name")
    require_one_line(None, "the name")


def test_one_line_folds_runs_into_one_space() -> None:
    assert one_line("  ACME\r\n\tPAYMENT\x07 \u2028 123  ") == "ACME PAYMENT 123"
    assert one_line("\n\t\x00") == ""


@given(st.text())
def test_folded_text_is_one_line_and_folding_again_changes_nothing(text: str) -> None:
    folded = one_line(text)
    assert one_line_problem(folded) is None
    assert one_line(folded) == folded
    assert folded == folded.strip()
    if one_line_problem(text) is None:
        assert folded == " ".join(text.split())  # what bank descriptions did before


@given(st.text())
def test_the_quick_path_folds_exactly_as_the_pattern(text: str) -> None:
    """Text that is one line already is returned as it is, without the pattern."""
    assert one_line(text) == re.sub(r"[\s\x00-\x1f\x7f-\x9f]+", " ", text).strip()
