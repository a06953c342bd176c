"""Quick find over invoice numbers and households (services.lists.invoice_find, issue 16).

On both backends: the ranking (exact number, number prefix, number part,
reference prefix, a parent's name by a word's start, then any part), any case
and spacing, the limit, ``%`` and ``_`` taken literally, and another creche's
invoices and households never suggested.
"""

from __future__ import annotations

import datetime as dt

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import NewInvoice, NewLine
from crechebooks_desktop.domain.creche import CrecheSettings, NewCreche
from crechebooks_desktop.domain.enums import InvoiceKind, InvoiceStatus, LineType, VatTreatment
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.services.lists.invoice_find import (
    HouseholdSuggestion,
    InvoiceSuggestion,
    Match,
    Suggestion,
    quick_find,
)

Creche = tuple[CrecheSettings, Actor]
FAMILIES = (
    # (reference, parent, second parent, invoice numbers)
    ("NKOSI01", "Mrs Thandi Nkosi", None, ("INV-2026-000012", "INV-2026-000120")),
    ("MOKOENA02", "Mr Sipho Mokoena", "Ms Lindiwe Nkosi-Mokoena", ("INV-2026-001200",)),
    ("SMITH03", "Ms Anna Smith", None, ("INV-2026-000121", "OLD-12", "OLD-123", "inv-2025-0099")),
    ("PCT04", "Mr 100% Wildcard_Name", None, ("INV-100%_A", "INV-100XXA")),
    ("ÉLAN05", "Mme Émilie Lefèvre-Dube", None, ()),
    ("BANKOSI06", "Mr Bankosi Dube", None, ()),
)


def _line(cents: int) -> NewLine:
    return NewLine(LineType.MONTHLY_FEE, "Fees", cents, cents, 0, cents, VatTreatment.EXEMPT)


def _invoices(uow_numbers: list[tuple[int, str]]) -> list[NewInvoice]:
    day = dt.date(2026, 11, 1)
    return [
        NewInvoice(number, household, None, InvoiceKind.AD_HOC, InvoiceStatus.DRAFT, day,
                   day + dt.timedelta(days=7), None, (_line(48_500 + n),))
        for n, (household, number) in enumerate(uow_numbers)
    ]  # fmt: skip


@pytest.fixture
def tenants(book: Book, creche: Creche) -> tuple[int, int]:
    """The families above with their invoices; another creche with look-alikes."""
    settings, _actor = creche
    with book.write(settings.tenant_id) as uow:
        numbers: list[tuple[int, str]] = []
        for ref, parent, second, owned in FAMILIES:
            household = uow.roster.add_household(ref, parent, second_parent_name=second)
            numbers.extend((household, number) for number in owned)
        ids = uow.invoices.add_many(_invoices(numbers))
        uow.invoices.set_status(ids[1], InvoiceStatus.SENT)
    with book.write() as uow:
        other, _ = init_creche(uow, NewCreche(name="Other Creche", admin_username="o"))
    with book.write(other.tenant_id) as uow:
        household = uow.roster.add_household("NKOSI99", "Mrs Other Nkosi")
        uow.invoices.add_many(_invoices([(household, "INV-2026-000012"), (household, "X-9")]))
    return settings.tenant_id, other.tenant_id


@pytest.fixture
def tenant(tenants: tuple[int, int]) -> int:
    """The creche with the families above."""
    return tenants[0]


def _find(book: Book, tenant: int, text: str, limit: int = 10) -> tuple[Suggestion, ...]:
    with book.read(tenant) as uow:
        return quick_find(uow, text, limit)


def _names(found: tuple[Suggestion, ...]) -> list[str]:
    """Each suggestion as a number, or a household as ``@REF``."""
    return [s.number if isinstance(s, InvoiceSuggestion) else f"@{s.household_ref}" for s in found]


def test_an_exact_number_comes_first_then_its_prefixes_then_numbers_holding_it(
    book: Book, tenant: int
) -> None:
    found = _find(book, tenant, "old-12")
    assert _names(found) == ["OLD-12", "OLD-123"]
    assert [s.match for s in found] == [Match.EXACT_NUMBER, Match.NUMBER_PREFIX]
    found = _find(book, tenant, "inv-2026-00012")
    assert _names(found) == ["INV-2026-000120", "INV-2026-000121"]
    assert [s.match for s in found] == [Match.NUMBER_PREFIX] * 2
    found = _find(book, tenant, "d-12")
    assert _names(found) == ["OLD-12", "OLD-123"]
    assert [s.match for s in found] == [Match.NUMBER_CONTAINS] * 2
    found = _find(book, tenant, "0012")
    assert _names(found) == [
        "INV-2026-000012", "INV-2026-000120", "INV-2026-000121", "INV-2026-001200",
    ]  # fmt: skip
    assert {s.match for s in found} == {Match.NUMBER_CONTAINS}


def test_an_invoice_suggestion_says_whose_it_is_what_it_bills_and_its_status(
    book: Book, tenant: int
) -> None:
    (invoice,) = _find(book, tenant, "INV-2026-000120")
    assert invoice == InvoiceSuggestion(
        Match.EXACT_NUMBER, invoice.invoice_id, "INV-2026-000120", "NKOSI01", "Mrs Thandi Nkosi",
        48_501, InvoiceStatus.SENT,
    )  # fmt: skip


def test_households_follow_numbers_by_reference_then_a_name_word_then_any_part(
    book: Book, tenant: int
) -> None:
    found = _find(book, tenant, "nkosi")
    # NKOSI01 by its reference; MOKOENA02's second parent's surname starts a word;
    # BANKOSI06 holds it. The other creche's NKOSI99 never shows.
    assert _names(found) == ["@NKOSI01", "@MOKOENA02", "@BANKOSI06"]
    assert [s.match for s in found] == [Match.REFERENCE_PREFIX, Match.NAME_WORD, Match.CONTAINS]
    nkosi = found[0]
    assert isinstance(nkosi, HouseholdSuggestion)
    assert (nkosi.parent_name, nkosi.invoice_count) == ("Mrs Thandi Nkosi", 2)
    mokoena = found[1]
    assert isinstance(mokoena, HouseholdSuggestion)
    assert mokoena.second_parent_name == "Ms Lindiwe Nkosi-Mokoena"
    assert mokoena.invoice_count == 1
    assert _names(_find(book, tenant, "  MRS   thandi ")) == ["@NKOSI01"]
    assert _find(book, tenant, "thandi")[0].match is Match.NAME_WORD
    # A word starts after a space or a hyphen (Lefèvre-Dube), not inside one.
    found = _find(book, tenant, "DUBE")
    assert _names(found) == ["@BANKOSI06", "@ÉLAN05"]
    assert [s.match for s in found] == [Match.NAME_WORD] * 2
    assert [s.match for s in _find(book, tenant, "ube")] == [Match.CONTAINS] * 2


def test_numbers_rank_above_households(book: Book, tenant: int) -> None:
    assert _names(_find(book, tenant, "old")) == ["OLD-12", "OLD-123"]
    # Short: numbers by their start only (INV-2026-000012 holds "01" too).
    assert _names(_find(book, tenant, "01")) == ["@NKOSI01"]
    found = _find(book, tenant, "MOK")
    assert _names(found) == ["@MOKOENA02"]
    assert found[0].match is Match.REFERENCE_PREFIX


def test_any_case_of_a_number_and_names_beyond_ascii(book: Book, tenant: int) -> None:
    assert _names(_find(book, tenant, "INV-2025")) == ["inv-2025-0099"]
    assert _find(book, tenant, "INV-2025")[0].match is Match.NUMBER_PREFIX
    assert _names(_find(book, tenant, "2025-00")) == ["inv-2025-0099"]
    assert _names(_find(book, tenant, "élan")) == ["@ÉLAN05"]
    found = _find(book, tenant, "LEFÈVRE")
    assert _names(found) == ["@ÉLAN05"]
    assert found[0].match is Match.NAME_WORD


def test_at_most_the_limit_best_first(book: Book, tenant: int) -> None:
    assert _names(_find(book, tenant, "INV", limit=2)) == ["INV-100%_A", "INV-100XXA"]
    everything = _find(book, tenant, "INV", limit=50)
    assert len(everything) == 7  # every INV… number, any case, and no household
    assert _names(everything)[-1] == "inv-2025-0099"
    assert _names(_find(book, tenant, "nkosi", limit=1)) == ["@NKOSI01"]
    assert _find(book, tenant, "INV", limit=0) == ()
    assert _find(book, tenant, "   ") == ()


def test_percent_and_underscore_are_plain_characters(book: Book, tenant: int) -> None:
    assert _names(_find(book, tenant, "100%_")) == ["INV-100%_A"]
    assert _names(_find(book, tenant, "INV-100%")) == ["INV-100%_A"]
    assert _names(_find(book, tenant, "0%_a")) == ["INV-100%_A"]
    assert _names(_find(book, tenant, "d_n")) == ["@PCT04"]  # Wildcar(d_N)ame
    assert _names(_find(book, tenant, "%")) == ["@PCT04"]
    assert _names(_find(book, tenant, "_")) == ["@PCT04"]


def test_another_creches_invoices_and_households_never_show(
    book: Book, tenants: tuple[int, int]
) -> None:
    ours, theirs = tenants
    assert _find(book, ours, "X-9") == ()
    assert _find(book, ours, "other") == ()
    found = _find(book, ours, "INV-2026-000012")
    assert [s.household_ref for s in found] == ["NKOSI01"]
    assert _names(_find(book, theirs, "INV-2026-000012")) == ["INV-2026-000012"]
    assert _names(_find(book, theirs, "nkosi")) == ["@NKOSI99"]
