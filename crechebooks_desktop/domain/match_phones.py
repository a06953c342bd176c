"""Phone numbers and payers' account numbers in bank text, for matching (issue 14).

South African bank text often carries the payer's cell number (``MAGIC
0821234567``, ``PAYMENT RECEIVED 0965138841``, ``+27 82 123 4567``) or the
paying account's number (``IB PAYMENT FROM 62012345678``).

*Phone numbers.* A number is read in the forms people and banks write it:
a trunk ``0`` or the country code (``+27``, ``0027``, ``27``, optionally
with ``(0)``), then nine digits grouped 2-3-4 after the code (``082 123
4567``, ``082-123-4567``, ``(082) 123 4567``, ``+27 82 123 4567``) or not
grouped at all (``0821234567``, ``27821234567``); at most one space or dash
between groups; the first digit after the code is not 0. A number inside a
longer run of digits is not one (``20260315``, an invoice's ``2026000123``,
an 11-digit account ``62012345678`` or a 13-digit ID number never are; an
amount never has a leading 0 and nine more digits). Its normalised form is
the national one, ``0821234567``, shown as ``082 123 4567``.

*Phone points.* A number in a line's text (description, reference, payer,
each read on its own) that is one of a household's phone numbers (every
number written in the household's phone field) is reference evidence for
it: 40 points (:data:`PHONE_POINTS`), as an account reference that is a word
of the text, when it is that household's alone. A number on the roster of
two to :data:`MAX_SHARED` households (siblings' parents, a grandmother who
pays for two families) is evidence for each of them, as a tie, worth only
:data:`SHARED_POINTS`: 15 + 40 (amount) + 20 (name) = 75 never reaches 80,
so a shared number never applies money by itself; the amount and the names
order the households in the review, and another reference (an invoice
number) still decides. A number on more rosters than that tells nothing
(a creche's own number typed in for everybody) and is passed over.

*Numbers learned as aliases* (``tel:`` and ``acct:`` keys): every phone
number in the text, and every *account number*: a whole word of 9 to 11
digits (the lengths of South African bank account numbers) that is not
phone-shaped and does not start with ``00`` (a padded transaction id). Which
of the two a 10-digit number starting with 0 is cannot be told from the text;
either way it is learned, only its name in the reasons differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matching imports this module; Payee is only an annotation here
    from crechebooks_desktop.domain.matching import Payee

__all__ = [
    "MAX_SHARED",
    "PHONE_POINTS",
    "SHARED_POINTS",
    "PhoneHit",
    "PhoneIndex",
    "account_numbers",
    "number_keys",
    "number_words",
    "own_keys",
    "phone_numbers",
    "shown",
]

PHONE_POINTS = 40
SHARED_POINTS = 15
MAX_SHARED = 5

_PHONE = re.compile(
    r"(?<![0-9])"
    r"(?:(?:\+|00)?27[ -]?(?:\(0\)[ -]?)?|\(?0)"  # +27, 0027, 27, +27 (0); or 0, (0
    r"([1-9][0-9])\)?[ -]?([0-9]{3})[ -]?([0-9]{4})"
    r"(?![0-9])"
)
_ACCOUNT = re.compile(r"(?<![A-Za-z0-9])[0-9]{9,11}(?![A-Za-z0-9])")
_PHONE_SHAPED = re.compile(r"0[1-9][0-9]{8}|27[1-9][0-9]{8}")
_TEL, _ACCT = "tel:", "acct:"


def phone_numbers(text: str | None) -> tuple[str, ...]:
    """The phone numbers written in a text, normalised (module docstring).

    Args:
        text: Bank text, or a household's phone field.

    Returns:
        Each number once, as ``0821234567``, in the order written.
    """
    if not text:
        return ()
    return tuple(dict.fromkeys(f"0{a}{b}{c}" for a, b, c in _PHONE.findall(text)))


def shown(number: str) -> str:
    """A normalised number as people write it: ``082 123 4567``."""
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def account_numbers(text: str | None) -> tuple[str, ...]:
    """The payer's account numbers a text may hold (module docstring).

    Args:
        text: Bank text.

    Returns:
        Whole words of 9 to 11 digits, not phone-shaped, not starting with
        ``00``, each once.
    """
    if not text:
        return ()
    found = (m.group() for m in _ACCOUNT.finditer(text))
    return tuple(
        dict.fromkeys(n for n in found if not n.startswith("00") and not _PHONE_SHAPED.fullmatch(n))
    )


def number_keys(*texts: str | None) -> tuple[str, ...]:
    """The alias keys of the numbers in a line's texts: ``tel:0821234567``, ``acct:62012345678``.

    Args:
        texts: The line's description, reference and payer (None skipped).

    Returns:
        The phone keys, then the account keys, each once.
    """
    phones = [f"{_TEL}{n}" for text in texts for n in phone_numbers(text)]
    accounts = [f"{_ACCT}{n}" for text in texts for n in account_numbers(text)]
    return tuple(dict.fromkeys(phones + accounts))


def own_keys(numbers: Iterable[str | None]) -> frozenset[str]:
    """The alias keys a creche's own numbers would make (never to be learned).

    A creche's own account or phone number may appear in the text of every
    line; learned for one household, it would point every line at it.

    Args:
        numbers: The creche's phone and bank account numbers as written.

    Returns:
        Their ``tel:``, ``acct:`` and ``ref:`` (all the digits) keys.
    """
    keys: set[str] = set()
    for text in numbers:
        digits = "".join(c for c in text or "" if c.isdigit())
        if digits:
            keys.update((f"{_ACCT}{digits}", f"ref:{digits}"))
            keys.update(f"{_TEL}{n}" for n in phone_numbers(text))
    return frozenset(keys)


def number_words(key: str) -> str | None:
    """How a reason names a number key (``phone number 082 123 4567``), None for other keys."""
    if key.startswith(_TEL):
        return f"phone number {shown(key.removeprefix(_TEL))}"
    if key.startswith(_ACCT):
        return f"account number {key.removeprefix(_ACCT)}"
    return None


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """The phone points one household gets from a line, and why."""

    points: int
    reason: str


def _names(refs: Sequence[str]) -> str:
    return f"{', '.join(refs[:-1])} and {refs[-1]}"


class PhoneIndex:
    """Every household's phone numbers, normalised once per matching run."""

    def __init__(self, payees: Sequence[Payee]) -> None:
        holders: dict[str, list[int]] = {}
        for index, payee in enumerate(payees):
            for text in payee.phones:
                for number in phone_numbers(text):
                    found = holders.setdefault(number, [])
                    if index not in found:
                        found.append(index)
        self._holders = {n: tuple(h) for n, h in holders.items() if len(h) <= MAX_SHARED}
        self._refs = [payee.ref for payee in payees]

    def hits(self, *texts: str | None) -> dict[int, PhoneHit]:
        """The households whose phone numbers a line's texts hold.

        Args:
            texts: The line's description, reference and payer.

        Returns:
            Payee index -> its best hit (40 for a number of one household,
            15 each for a number shared by up to five).
        """
        if not self._holders:
            return {}
        found: dict[int, PhoneHit] = {}
        for number in dict.fromkeys(n for text in texts for n in phone_numbers(text)):
            holders = self._holders.get(number, ())
            if not holders:
                continue
            if len(holders) == 1:
                hit = PhoneHit(
                    PHONE_POINTS,
                    f"phone number {shown(number)} is the {self._refs[holders[0]]} household's",
                )
            else:
                refs = _names(sorted(self._refs[i] for i in holders))
                hit = PhoneHit(
                    SHARED_POINTS,
                    f"phone number {shown(number)} is shared by {refs}: "
                    f"it does not tell them apart",
                )
            for index in holders:
                if index not in found or hit.points > found[index].points:
                    found[index] = hit
        return found
