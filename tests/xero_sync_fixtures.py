"""A creche connected to the Xero stand-in through the real sign-in, for the sync tests (issue 15).

``xero_env`` points the code at the stand-in (``CRECHEBOOKS_XERO_*_URL``);
``connect_to_standin`` runs the real OAuth flow in-process, the test playing
the browser (a GET of the authorize URL, which the stand-in redirects to the
loopback callback); ``december_month`` builds a VAT-registered creche with
three households and their December invoices sent.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.integrations.xero.connect import Connected, Organisation, connect
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.sync import xero_connection
from tests.billing_fixtures import VAT_NUMBER, Kid, add_family, add_fees, new_creche, run_month
from tests.xero_standin import XeroStandin

DECEMBER = dt.date(2026, 12, 1)
ORGANISATION = "Sunshine Creche (Pty) Ltd"


@pytest.fixture
def xero_env(xero_standin: XeroStandin, monkeypatch: pytest.MonkeyPatch) -> XeroStandin:
    """The stand-in, with the code pointed at it."""
    monkeypatch.setenv("CRECHEBOOKS_XERO_LOGIN_URL", xero_standin.login_url)
    monkeypatch.setenv("CRECHEBOOKS_XERO_IDENTITY_URL", xero_standin.identity_url)
    monkeypatch.setenv("CRECHEBOOKS_XERO_API_URL", xero_standin.api_url)
    return xero_standin


def play_browser(url: str) -> None:
    """What the person's browser does: sign in (consent is automatic) and follow the redirect."""
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text


def connect_to_standin(
    book: Book, actor: Actor, standin: XeroStandin, organisation: str = ORGANISATION
) -> Connected:
    """The real connect flow against the stand-in, choosing ``organisation``."""

    def choose(found: list[Organisation] | tuple[Organisation, ...]) -> Organisation:
        return next(o for o in found if o.name == organisation)

    return connect(
        book,
        actor,
        standin.client_id,
        show_url=play_browser,
        choose=choose,  # type: ignore[arg-type]
        sync_from=DECEMBER,
        timeout=30,
    )


def december_month(book: Book) -> tuple[CrecheSettings, Actor]:
    """A VAT-registered creche with three households and December's invoices (drafts)."""
    creche, actor = new_creche(book, vat_number=VAT_NUMBER)
    with book.write(actor.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "DLAMINI01", Kid("DLAMINI01-1", fees.full_day, dt.date(2026, 1, 5)))
        add_family(uow, "NAIDOO02", Kid("NAIDOO02-1", fees.half_day, dt.date(2026, 2, 2)))
        add_family(
            uow,
            "SMITH03",
            Kid("SMITH03-1", fees.plain, dt.date(2025, 1, 6)),
            Kid("SMITH03-2", fees.plain, dt.date(2025, 1, 6)),
        )
    run_month(book, actor, DECEMBER)
    return creche, actor


def send_december(book: Book, actor: Actor) -> None:
    """Send December's drafts (queued for Xero once the creche is connected)."""
    with book.write(actor.tenant_id) as uow:
        send_month(uow, actor, DECEMBER)


def map_income_to_sales(book: Book, actor: Actor) -> None:
    """Every income account to Xero's 200 Sales."""
    with book.write(actor.tenant_id) as uow:
        xero_connection.set_mapping(uow, actor, "account", "*", "200")
