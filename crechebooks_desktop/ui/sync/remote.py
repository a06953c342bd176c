"""What the Sync tab asks of Xero; each function runs on the network thread (``network``).

The Xero integration (and ``requests``) is optional: it is imported here, when
the person connects or syncs, never at start-up, and its absence is said in
words. Results come back as immutable values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.xero import MappingProblem, XeroAccount, XeroTaxRate
from crechebooks_desktop.errors import UserFacingError

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.roles import Actor
    from crechebooks_desktop.integrations.xero.api import XeroApi
    from crechebooks_desktop.integrations.xero.connect import Organisation

Progress = Callable[[str, int, int], None]


class XeroMissing(UserFacingError):
    """This installation has no Xero integration (the optional ``sync`` packages)."""


@dataclass(frozen=True, slots=True)
class ConnectedTo:
    """How connecting ended: the organisation, and whether the keyring keeps the connection."""

    organisation: str
    in_keyring: bool
    note: str | None
    """Said after connecting where there is no keyring (the connection lasts for the session)."""


@dataclass(frozen=True, slots=True)
class SyncDone:
    """A sync's outcome, or the mappings it needs first (then nothing was sent)."""

    sent: int = 0
    failed: int = 0
    pending: int = 0
    calls: int = 0
    stopped: str | None = None
    resume_after: dt.datetime | None = None
    calls_left_today: int | None = None
    unknown_payments: tuple[str, ...] = ()
    """Payments in Xero on our invoices that the book does not have (reported, not imported)."""
    problems: tuple[MappingProblem, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class XeroChart:
    """The organisation's accounts and tax rates, to choose mappings from."""

    accounts: tuple[XeroAccount, ...]
    tax_rates: tuple[XeroTaxRate, ...]


@contextlib.contextmanager
def needs_xero() -> Iterator[None]:
    """Around the lazy imports of the Xero integration: its absence said in words.

    Raises:
        XeroMissing: the optional packages Xero needs are not installed.
    """
    try:
        yield
    except ModuleNotFoundError as exc:
        raise XeroMissing(
            f"Xero needs the optional package {exc.name or 'requests'}, which is not installed "
            "(install CrecheBooks with its `sync` extra)"
        ) from None


def connect_creche(
    book: Book,
    actor: Actor,
    client_id: str,
    sync_from: dt.date,
    *,
    port: int = 0,
    show_url: Callable[[str], None],
    choose: Callable[[Sequence[Organisation]], Organisation],
    cancelled: threading.Event,
) -> ConnectedTo:
    """Sign in at Xero in the browser, choose the organisation, keep the connection."""
    with needs_xero():
        from crechebooks_desktop.integrations.xero.connect import connect  # noqa: PLC0415
        from crechebooks_desktop.integrations.xero.tokens import NO_KEYRING_NOTE  # noqa: PLC0415
    done = connect(
        book,
        actor,
        client_id,
        show_url=show_url,
        choose=choose,
        sync_from=sync_from,
        port=port,
        cancelled=cancelled.is_set,
    )
    note = None if done.in_keyring else NO_KEYRING_NOTE
    return ConnectedTo(done.organisation.name, done.in_keyring, note)


def disconnect_creche(book: Book, actor: Actor) -> str | None:
    """Remove the connection here, in the keyring and (where it answers) at Xero."""
    with needs_xero():
        from crechebooks_desktop.integrations.xero.connect import disconnect  # noqa: PLC0415
    return disconnect(book, actor)


class SyncRun:
    """One sync, cancellable from the GUI thread before or while its client exists."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._api: XeroApi | None = None

    def cancel(self) -> None:
        """Stop at the next request or wait (what was not sent stays queued)."""
        with self._lock:
            self._cancelled = True
            if self._api is not None:
                self._api.cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether Cancel was pressed."""
        return self._cancelled

    def attach(self, api: XeroApi) -> None:
        """The client the sync uses (its ``cancel`` event stops it)."""
        with self._lock:
            self._api = api
            if self._cancelled:
                api.cancel.set()


def sync(book: Book, actor: Actor, run: SyncRun, progress: Progress) -> SyncDone:
    """Send what waits in the outbox (``xero sync``), stopping when ``run`` is cancelled."""
    with needs_xero():
        from crechebooks_desktop.integrations.xero.connect import api_for  # noqa: PLC0415
        from crechebooks_desktop.integrations.xero.sync import (  # noqa: PLC0415
            MappingNeeded,
            run_sync,
        )
    api = api_for(book, actor)
    run.attach(api)
    try:
        report = run_sync(book, actor, api, progress)
    except MappingNeeded as exc:
        return SyncDone(problems=tuple(exc.problems), calls=api.calls)
    return SyncDone(
        sent=report.sent,
        failed=len(report.failed),
        pending=report.pending,
        calls=report.calls,
        stopped=report.stopped,
        resume_after=report.resume_after,
        calls_left_today=report.calls_left_today,
        unknown_payments=tuple(
            f"{p.amount} on {p.date} to {p.invoice_number}" for p in report.unknown_payments
        ),
    )


def read_chart(book: Book, actor: Actor) -> XeroChart:
    """The organisation's chart of accounts and tax rates (two calls to Xero)."""
    with needs_xero():
        from crechebooks_desktop.integrations.xero.connect import api_for  # noqa: PLC0415

        # The sync's own readers, so the dialog offers what the sync will choose from.
        from crechebooks_desktop.integrations.xero.organisation import (  # noqa: PLC0415
            read_accounts,
            read_tax_rates,
        )
    api = api_for(book, actor)
    return XeroChart(tuple(read_accounts(api)), tuple(read_tax_rates(api)))
