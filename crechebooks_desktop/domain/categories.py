"""A bank line's categorisation, and what the book learned from people's choices.

Plain values between the repository and the services (docs/RULES.md,
Categorisation): each part of a categorised line is an account, its share of
the line, its VAT type and VAT, where it came from and how sure that was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from crechebooks_desktop.domain.categorise import learned_confidence
from crechebooks_desktop.domain.enums import CategorySource, VatType

__all__ = ["CategoryPart", "LearnedGuess", "NewPart", "PartRow", "Remembered", "learned_guess"]


class NewPart(NamedTuple):
    """One part of a line's categorisation, about to be written.

    A named tuple: a run writes 50,000 of them, and the repository writes
    their values as they are.
    """

    account_id: int
    amount_cents: int
    vat_type: VatType
    vat_cents: int
    source: CategorySource
    confidence: int
    reason: str | None
    rule_id: int | None = None


PartRow = tuple[int, int, int, int, VatType, int, CategorySource, int, str | None, int | None]
"""One part of a line's categorisation as the row written: ``(line id, part no, *NewPart)``.

A plain tuple: a categorisation run builds 50,000 of them, and a named tuple
per part costs more than the rules that chose them.
"""


@dataclass(frozen=True, slots=True)
class CategoryPart:
    """One part of a categorised line, as stored.

    Attributes:
        part_no: 1 for a line categorised to one account; 1, 2, ... for a split.
        account_id: the account.
        account_code: its code.
        account_name: its name.
        amount_cents: this part's share of the line (with the line's sign).
        vat_type: how it is taxed.
        vat_cents: the VAT inside ``amount_cents`` (0 unless standard-rated).
        source: a rule, a learned suggestion or a person.
        confidence: 0 to 100 (rules and people: 100).
        reason: why, in words (``rule 'ESKOM'``, ``chosen by ada``).
        rule_id: the rule that chose it, while that rule exists.
    """

    part_no: int
    account_id: int
    account_code: str
    account_name: str
    amount_cents: int
    vat_type: VatType
    vat_cents: int
    source: CategorySource
    confidence: int
    reason: str | None
    rule_id: int | None = None

    def as_json(self) -> dict[str, object]:
        """``{"part_no", "account": {"code", "name"}, "amount_cents", "vat", "vat_cents", ...}``."""
        return {
            "part_no": self.part_no,
            "account": {"code": self.account_code, "name": self.account_name},
            "amount_cents": self.amount_cents,
            "vat": self.vat_type.value,
            "vat_cents": self.vat_cents,
            "source": self.source.value,
            "confidence": self.confidence,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Remembered:
    """How often people sent lines with one text key to one account.

    Attributes:
        text_key: ``domain.categorise.text_key`` of those lines.
        account_id: the account they chose.
        vat_type: the VAT type of the latest of those choices.
        count: how many choices.
        last_used: when the latest was made.
    """

    text_key: str
    account_id: int
    vat_type: VatType
    count: int
    last_used: dt.datetime


@dataclass(frozen=True, slots=True)
class LearnedGuess:
    """The account earlier choices point to for one text key.

    Attributes:
        account_id: the account most of them went to.
        vat_type: the VAT type last chosen with it.
        agreeing: the choices that went to it.
        earlier: all remembered choices for the key.
        confidence: ``domain.categorise.learned_confidence(agreeing, earlier)``.
    """

    account_id: int
    vat_type: VatType
    agreeing: int
    earlier: int
    confidence: int


def learned_guess(choices: Sequence[Remembered]) -> LearnedGuess | None:
    """The suggestion for one key from what was remembered for it (None: nothing).

    The account chosen most often wins; on a tie, the one chosen last, then
    the lower account id.
    """
    if not choices:
        return None
    best = max(choices, key=lambda c: (c.count, c.last_used, -c.account_id))
    earlier = sum(c.count for c in choices)
    return LearnedGuess(
        best.account_id,
        best.vat_type,
        best.count,
        earlier,
        learned_confidence(best.count, earlier),
    )
