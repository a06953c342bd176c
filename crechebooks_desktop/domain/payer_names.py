"""Payer names as banks write them, normalised for matching (docs/RULES.md, Matching).

Banks write a parent's name in many ways: ``MRS N DLAMINI``, ``DLAMINI N``,
``N DLAMINI FEES MARCH``, ``MAGIC 0821234567`` cut to 16 characters. To
compare them with the parents' names kept in the book, both sides become
*tokens*: upper case, accents and punctuation dropped, then

- titles (``MR``, ``MRS``, ``DR``, ``MNR``, ...), the words banks and parents add
  (``FEES``, ``PAYMENT``, ``EFT``, ``MAGTAPE``, ``IB``, ``ACB``, ...), month names
  and every token holding a digit (phone numbers, dates, invoice numbers) are
  removed;
- a short token with no vowel (``NP``) is a run of initials and is split,
  ``JVD`` into ``J`` and the particle *van der*;
- surname particles are joined to what follows (``VAN DER MERWE`` and
  ``VD MERWE`` both become ``VANDERMERWE``), so a surname is one token.

A name's *key* is its tokens sorted and joined by spaces, so word order does not
matter (``DLAMINI N`` = ``N DLAMINI``). A parent has two keys: the full one
(``DLAMINI NOMSA``) and the initials one, with given names cut to their first
letter (``DLAMINI N``). A payer written with initials is compared against the
initials keys, any other payer against the full keys, so ``N DLAMINI`` equals
``Nomsa Dlamini``. The similarity is ``fuzz.ratio`` on the keys, i.e.
``token_sort_ratio`` with the sorting done once up front; ``token_set_ratio``
is not used because it scores a bare surname 100 against every parent with
that surname. When the payer holds the parent's surname exactly but the
initials of the other names disagree (``N DLAMINI`` against ``Sipho Dlamini``),
the similarity is capped at :data:`DISAGREEING_INITIALS_CAP`, so shared
surnames never look like the same person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DISAGREEING_INITIALS_CAP",
    "NOISE_WORDS",
    "ChildIndex",
    "PayerName",
    "Person",
    "initials_disagree",
    "name_points",
    "name_tokens",
    "payer_name",
    "person",
    "words",
]

DISAGREEING_INITIALS_CAP = 70

_TITLES = frozenset(
    [
        "MR",
        "MRS",
        "MS",
        "MISS",
        "MISTER",
        "DR",
        "PROF",
        "REV",
        "ADV",
        "SIR",
        "MADAM",
        "MX",
        "MNR",
        "MEV",
        "MEJ",
        "ME",
        "DS",
    ],
)
_BANK_WORDS = frozenset(
    [
        "FEE",
        "FEES",
        "SCHOOL",
        "SCHOOLFEES",
        "SKOOLGELD",
        "TUITION",
        "CRECHE",
        "DAYCARE",
        "MONTHLY",
        "MONTH",
        "PAYMENT",
        "PAYMENTS",
        "PAY",
        "PMT",
        "PYMT",
        "EFT",
        "CREDIT",
        "CR",
        "TRANSFER",
        "TRANSF",
        "TRF",
        "TFR",
        "MAGTAPE",
        "IB",
        "ACB",
        "DEPOSIT",
        "DEP",
        "CASH",
        "ATM",
        "ONLINE",
        "INTERNET",
        "BANKING",
        "BANK",
        "APP",
        "MOBILE",
        "CELLPHONE",
        "IMMEDIATE",
        "RTC",
        "PAYSHAP",
        "INSTANT",
        "REAL",
        "TIME",
        "FROM",
        "TO",
        "FOR",
        "BY",
        "AND",
        "EN",
        "THE",
        "OF",
        "REF",
        "REFERENCE",
        "INV",
        "INVOICE",
        "ACC",
        "ACCOUNT",
        "NO",
        "NR",
        "FAMILY",
        "KIDS",
        "CHILD",
        "CHILDREN",
        "FNB",
        "ABSA",
        "CAPITEC",
        "NEDBANK",
        "STD",
        "SBSA",
        "TYME",
        "DISCOVERY",
        "INVESTEC",
    ],
)
_MONTHS = frozenset(
    [
        "JANUARY",
        "FEBRUARY",
        "MARCH",
        "APRIL",
        "MAY",
        "JUNE",
        "JULY",
        "AUGUST",
        "SEPTEMBER",
        "OCTOBER",
        "NOVEMBER",
        "DECEMBER",
        "JAN",
        "FEB",
        "MAR",
        "APR",
        "JUN",
        "JUL",
        "AUG",
        "SEP",
        "SEPT",
        "OCT",
        "NOV",
        "DEC",
        "JANUARIE",
        "FEBRUARIE",
        "MAART",
        "MEI",
        "JUNIE",
        "JULIE",
        "AUGUSTUS",
        "OKTOBER",
        "DESEMBER",
    ],
)
NOISE_WORDS = _TITLES | _BANK_WORDS | _MONTHS
_PARTICLES = frozenset(
    ["VAN", "DER", "DEN", "DE", "DU", "LE", "LA", "VON", "TE", "TER", "DI", "DA", "DOS"]
)
_PARTICLE_SPELLINGS = {"VD": "VANDER"}
_WORD = re.compile(r"[A-Z0-9]+")
_VOWELS = frozenset("AEIOUY")
_MAX_INITIALS_RUN = 3
_EQUAL = 100
_CLOSE = 80
_LIKE = 60


def words(text: str) -> list[str]:
    """Split text into upper-case letter-and-digit words, accents removed.

    Args:
        text: Any text from a bank line or the book.

    Returns:
        The words in order, e.g. ``["MRS", "N", "DLAMINI"]``.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(text.upper())


def _join_particles(tokens: Iterable[str]) -> list[str]:
    """Join surname particles to the word after them (VAN DER MERWE -> VANDERMERWE)."""
    joined: list[str] = []
    pending = ""
    for token in tokens:
        spelling = _PARTICLE_SPELLINGS.get(token, token)
        if token in _PARTICLES or token in _PARTICLE_SPELLINGS:
            pending += spelling
        else:
            joined.append(pending + token)
            pending = ""
    if pending:
        joined.append(pending)
    return joined


def _split_initials(token: str) -> list[str]:
    """Split ``NP`` (a short word with no vowel) into initials ``N``, ``P``.

    A run ending in ``VD`` (``JVD``) is initials and the particle *van der*.
    """
    if len(token) > _MAX_INITIALS_RUN or _VOWELS.intersection(token):
        return [token]
    if token.endswith("VD"):
        return [*token[:-2], "VD"]
    return list(token)


def name_tokens(text: str) -> tuple[str, ...]:
    """The name words of a text, normalised as the module docstring describes.

    Args:
        text: A payer field, a description or a parent's name.

    Returns:
        The tokens in their original order, e.g. ``("N", "DLAMINI")`` for
        ``"MRS N DLAMINI FEES MARCH 0821234567"``.
    """
    kept = [w for w in words(text) if w.isalpha() and w not in NOISE_WORDS]
    return tuple(_join_particles(t for word in kept for t in _split_initials(word)))


@dataclass(frozen=True, slots=True)
class PayerName:
    """A payer's name ready for comparison.

    Attributes:
        text: the name as the bank wrote it (for reasons shown to people).
        tokens: its normalised tokens.
        key: the tokens sorted and joined by spaces.
        with_initials: True when a token is a single letter, so the payer is
            compared with the parents' initials keys.
    """

    text: str
    tokens: tuple[str, ...]
    key: str
    with_initials: bool


def payer_name(text: str) -> PayerName | None:
    """Normalise a payer's name, or None when nothing name-like is left.

    Args:
        text: The payer field, or a description to take the name part from.

    Returns:
        The payer's name, or None if it has no token of two or more letters.
    """
    tokens = name_tokens(text)
    if not any(len(t) > 1 for t in tokens):
        return None
    with_initials = any(len(t) == 1 for t in tokens)
    return PayerName(text.strip(), tokens, " ".join(sorted(tokens)), with_initials)


@dataclass(frozen=True, slots=True)
class Person:
    """A parent's (or child's) name split for comparison.

    Attributes:
        text: the name as kept in the book.
        given: normalised given names (or initials), in order.
        surname: the normalised surname (particles joined); may be empty.
        full_key: all tokens sorted and joined.
        initials_key: the surname and the given names' initials, sorted and joined.
    """

    text: str
    given: tuple[str, ...]
    surname: str
    full_key: str
    initials_key: str


def person(text: str) -> Person:
    """Split a name from the book into given names and surname.

    ``Nomsa Dlamini`` and ``Dlamini, Nomsa`` (a comma puts the surname first)
    both give surname ``DLAMINI`` and given ``NOMSA``.

    Args:
        text: A parent's or child's name.

    Returns:
        The name, normalised.
    """
    surname_part, comma, given_part = text.partition(",")
    tokens = list(name_tokens(f"{given_part} {surname_part}" if comma else text))
    surname = tokens.pop() if tokens else ""
    given = tuple(tokens)
    full = " ".join(sorted((*given, surname)))
    initials = " ".join(sorted((*(g[0] for g in given), surname)))
    return Person(text, given, surname, full.strip(), initials.strip())


def initials_disagree(payer: PayerName, parent: Person) -> bool:
    """Whether the payer carries the parent's surname but other initials.

    Args:
        payer: The payer's name.
        parent: A parent's name.

    Returns:
        True when the parent's surname is one of the payer's tokens and the
        first letters of the payer's other tokens share none with the parent's
        given names (both sides having some).
    """
    if not parent.given or parent.surname not in payer.tokens:
        return False
    others = {t[0] for t in payer.tokens if t != parent.surname}
    return bool(others) and others.isdisjoint(g[0] for g in parent.given)


def name_points(similarity: float) -> int:
    """Name points for a similarity (docs/RULES.md, Matching): equal 20, > 80 15, > 60 10.

    Args:
        similarity: 0 to 100; 100 means the normalised keys are equal.

    Returns:
        20, 15, 10 or 0.
    """
    if similarity >= _EQUAL:
        return 20
    if similarity > _CLOSE:
        return 15
    if similarity > _LIKE:
        return 10
    return 0


class ChildIndex:
    """Children's names, to find a child named in a line instead of a parent."""

    def __init__(self, children: Iterable[tuple[int, str]]) -> None:
        """Index (owner, child's name) pairs by the child's first name."""
        self._by_first: dict[str, list[tuple[int, Person]]] = {}
        for owner, text in children:
            child = person(text)
            if child.given and child.surname:
                self._by_first.setdefault(child.given[0], []).append((owner, child))

    def hits(self, line_words: frozenset[str]) -> dict[int, str]:
        """Households whose child's first name and surname both occur in the line.

        Args:
            line_words: The line's name tokens.

        Returns:
            Owner -> the child's name as kept in the book.
        """
        found: dict[int, str] = {}
        for word in line_words:
            for owner, child in self._by_first.get(word, ()):
                if child.surname in line_words:
                    found.setdefault(owner, child.text)
        return found
