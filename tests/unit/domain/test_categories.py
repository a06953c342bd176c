"""What the book learned from people's choices (domain.categories)."""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.domain.categories import Remembered, learned_guess
from crechebooks_desktop.domain.enums import VatType

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def remembered(account_id: int, count: int, minutes: int = 0) -> Remembered:
    return Remembered(
        "ESKOM", account_id, VatType.STANDARD, count, T0 + dt.timedelta(minutes=minutes)
    )


def test_nothing_remembered_suggests_nothing() -> None:
    assert learned_guess([]) is None


def test_the_most_chosen_account_wins_then_the_latest_then_the_lowest_id() -> None:
    guess = learned_guess([remembered(7, 2), remembered(5, 3)])
    assert guess is not None
    assert (guess.account_id, guess.agreeing, guess.earlier, guess.confidence) == (5, 3, 5, 50)
    latest = learned_guess([remembered(7, 2, minutes=5), remembered(5, 2)])
    assert latest is not None
    assert latest.account_id == 7
    tie = learned_guess([remembered(7, 1), remembered(5, 1)])
    assert tie is not None
    assert tie.account_id == 5
