"""Quick find: what typing part of a number, a household reference or a parent's name finds.

The Invoices tab's autocomplete (issue 16) asks this on every pause in
typing, on books of 200,000 invoices, so it reads little: the best matches
are read first (numbers by prefix, over the number index) and the wider
searches run only while the suggestions are short of ``limit``. Ranked, best first:

1. the invoice with exactly this number;
2. invoices whose number starts with the text;
3. invoices whose number holds it (three characters or more);
4. households whose reference starts with it;
5. households where a parent's name has a word starting with it;
6. households whose reference or a parent's name holds it.

Matching ignores case and spacing; ``%`` and ``_`` are plain characters.
Ties go by number, or by reference.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.invoice_find import FoundHousehold
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import InvoiceStatus

__all__ = [
    "HouseholdSuggestion",
    "InvoiceSuggestion",
    "Match",
    "Suggestion",
    "quick_find",
]

LIMIT = 10
"""Suggestions shown at once."""
SHORTEST_PART = 3
"""Texts shorter than this match numbers by their start only.

A part of a number is searched where the numbers hold it; one or two
characters that no number holds would read every number (on PostgreSQL a
trigram index, which cannot serve them either, answers longer parts)."""


class Match(enum.IntEnum):
    """How a suggestion matched the text: the ranking, best first."""

    EXACT_NUMBER = 1
    NUMBER_PREFIX = 2
    NUMBER_CONTAINS = 3
    REFERENCE_PREFIX = 4
    NAME_WORD = 5
    CONTAINS = 6


@dataclass(frozen=True, slots=True)
class InvoiceSuggestion:
    """An invoice whose number matched.

    Attributes:
        match: how its number matched.
        invoice_id: the invoice's id (the list keeps its selection by id).
        number: its number.
        household_ref: its household's account reference.
        parent_name: the household's (first) parent.
        total_cents: what it bills.
        status: where it stands.
    """

    match: Match
    invoice_id: int
    number: str
    household_ref: str
    parent_name: str
    total_cents: int
    status: InvoiceStatus


@dataclass(frozen=True, slots=True)
class HouseholdSuggestion:
    """A household whose reference or a parent's name matched.

    Attributes:
        match: how it matched.
        household_ref: its account reference.
        parent_name: its (first) parent.
        second_parent_name: its second parent, if any.
        invoice_count: how many invoices it has (any status).
    """

    match: Match
    household_ref: str
    parent_name: str
    second_parent_name: str | None
    invoice_count: int


Suggestion = InvoiceSuggestion | HouseholdSuggestion


def quick_find(uow: UnitOfWork, text: str, limit: int = LIMIT) -> tuple[Suggestion, ...]:
    """Up to ``limit`` invoices and households matching ``text``, best first (see the module)."""
    typed = " ".join(text.split())
    if not typed or limit <= 0:
        return ()
    found = _invoices(uow, typed, limit)
    if len(found) < limit:
        found += _households(uow, typed, limit - len(found))
    return tuple(found)


def _invoices(uow: UnitOfWork, typed: str, limit: int) -> list[Suggestion]:
    """Invoices by number: prefixes over the index; parts only while short of ``limit``."""
    finder = uow.invoice_find
    numbers: dict[int, str] = {}
    for prefix in dict.fromkeys((typed.upper(), typed)):  # numbers are printed in capitals
        numbers.update(finder.numbers_starting(prefix, limit))
    if len(numbers) < limit and len(typed) >= SHORTEST_PART:
        # The prefixes found are among the parts found: ask for that many more.
        numbers.update(finder.numbers_containing(typed, limit + len(numbers)))
    wanted = typed.casefold()
    ranked = sorted(
        (_number_match(number, wanted), number, invoice_id)
        for invoice_id, number in numbers.items()
    )[:limit]
    rows = {row.id: row for row in finder.invoices([invoice_id for _m, _n, invoice_id in ranked])}
    return [
        InvoiceSuggestion(
            match,
            invoice_id,
            number,
            rows[invoice_id].household_ref,
            rows[invoice_id].parent_name,
            rows[invoice_id].total_cents,
            rows[invoice_id].status,
        )
        for match, number, invoice_id in ranked
    ]


def _number_match(number: str, wanted: str) -> Match:
    folded = number.casefold()
    if folded == wanted:
        return Match.EXACT_NUMBER
    return Match.NUMBER_PREFIX if folded.startswith(wanted) else Match.NUMBER_CONTAINS


def _households(uow: UnitOfWork, typed: str, limit: int) -> list[Suggestion]:
    """Households by reference or parent's name (a creche has a few thousand: all are searched)."""
    finder = uow.invoice_find
    wanted = typed.casefold()
    ranked: list[tuple[Match, str, FoundHousehold]] = []
    for household in finder.households_holding(typed):
        match = _household_match(household, wanted)
        if match is not None:
            ranked.append((match, household.account_ref, household))
    ranked.sort(key=lambda entry: entry[:2])
    chosen = [household for _match, _ref, household in ranked[:limit]]
    counts = finder.invoice_counts([household.id for household in chosen])
    return [
        HouseholdSuggestion(
            match,
            household.account_ref,
            household.parent_name,
            household.second_parent_name,
            counts.get(household.id, 0),
        )
        for match, _ref, household in ranked[:limit]
    ]


def _household_match(household: FoundHousehold, wanted: str) -> Match | None:
    reference = household.account_ref.casefold()
    if reference.startswith(wanted):
        return Match.REFERENCE_PREFIX
    names = [_folded(name) for name in (household.parent_name, household.second_parent_name)]
    if any(name and _starts_a_word(name, wanted) for name in names):
        return Match.NAME_WORD
    if wanted in reference or any(name and wanted in name for name in names):
        return Match.CONTAINS
    return None


def _starts_a_word(name: str, wanted: str) -> bool:
    """``wanted`` is in ``name`` where a word starts (after a space, a hyphen, an apostrophe)."""
    at = name.find(wanted)
    while at >= 0:
        if at == 0 or not name[at - 1].isalnum():
            return True
        at = name.find(wanted, at + 1)
    return False


def _folded(name: str | None) -> str:
    """A name in one case with single spaces, as ``wanted`` is."""
    return " ".join((name or "").casefold().split())
