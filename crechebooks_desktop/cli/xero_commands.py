"""Handlers of ``crechebooks xero ...`` (issue 15).

The Xero modules (and ``requests``) are imported here, when a ``xero`` command
runs, never at start-up: Xero is optional.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import webbrowser
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crechebooks_desktop.cli.common import open_book, print_json
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.sync import xero_connection, xero_plan

if TYPE_CHECKING:
    from crechebooks_desktop.integrations.xero.connect import Organisation


def cmd_connect(args: argparse.Namespace) -> int:
    """``xero connect --client-id ID [--no-browser] [--tenant NAME] [--since DAY]``."""
    from crechebooks_desktop.integrations.xero.connect import connect  # noqa: PLC0415
    from crechebooks_desktop.integrations.xero.tokens import NO_KEYRING_NOTE  # noqa: PLC0415

    def show_url(url: str) -> None:
        if args.no_browser or not webbrowser.open(url):
            print("Open this address in a browser and sign in to Xero:", flush=True)
            print(url, flush=True)
        else:
            print("Sign in to Xero in the browser that opened…", flush=True)

    def choose(found: Sequence[Organisation]) -> Organisation:
        return _choose_organisation(found, args.tenant)

    since = args.since or dt.date.today().replace(day=1)  # noqa: DTZ011 - the book's local day
    with open_book(args) as book:
        _creche, actor = creche_and_actor(book, args)
        done = connect(
            book,
            actor,
            args.client_id,
            show_url=show_url,
            choose=choose,
            sync_from=since,
            port=args.port,
            timeout=args.timeout,
        )
    print(f"Connected to Xero: {done.organisation.name}; invoices issued from {since} are sent.")
    if not done.in_keyring:
        print(f"Note: {NO_KEYRING_NOTE}.", file=sys.stderr)
    return 0


def _choose_organisation(found: Sequence[Organisation], wanted: str | None) -> Organisation:
    organisations = list(found)
    if wanted:
        for organisation in organisations:
            if organisation.name.casefold() == wanted.strip().casefold():
                return organisation
        names = ", ".join(o.name for o in organisations)
        raise UserFacingError(f"no organisation named {wanted!r} in this Xero sign-in ({names})")
    if len(organisations) == 1:
        return organisations[0]
    if not sys.stdin.isatty():
        names = ", ".join(o.name for o in organisations)
        raise UserFacingError(f"choose the organisation with --tenant NAME: {names}")
    for n, organisation in enumerate(organisations, start=1):
        print(f"  {n}. {organisation.name}")
    answer = input("Which organisation (number)? ").strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(organisations):
        raise UserFacingError("no organisation chosen; nothing was kept")
    return organisations[int(answer) - 1]


def cmd_status(args: argparse.Namespace) -> int:
    """``xero status [--json]``."""
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        with book.read(creche.tenant_id) as uow:
            found = xero_connection.status(uow, actor)
    if getattr(args, "json", False):
        print_json(found.as_json())
        return 0
    c = found.connection
    if c is None:
        print("Not connected to Xero (`crechebooks xero connect --client-id ID`).")
    else:
        print(f"Connected to Xero: {c.xero_tenant_name} (since {c.connected_at:%Y-%m-%d})")
        print(f"Invoices issued from {c.sync_from} are sent.")
        last = f"{c.last_sync_at:%Y-%m-%d %H:%M} UTC" if c.last_sync_at else "never"
        print(f"Last sync: {last}; calls left today: {_or_unknown(c.day_remaining)}")
        if c.resume_after:
            print(
                f"The daily limit was reached; the sync can go on after {c.resume_after:%H:%M} UTC"
            )
    print(
        f"Pending: {found.counts.pending}; sent: {found.counts.done}; failed: {found.counts.failed}"
    )
    for item in found.failed:
        print(f"  failed {item.entity} {item.entity_id}: {item.last_error}")
    return 0


def _or_unknown(value: int | None) -> str:
    return "unknown" if value is None else str(value)


def cmd_disconnect(args: argparse.Namespace) -> int:
    """``xero disconnect``."""
    from crechebooks_desktop.integrations.xero.connect import disconnect  # noqa: PLC0415

    with open_book(args) as book:
        _creche, actor = creche_and_actor(book, args)
        name = disconnect(book, actor)
    print(f"Disconnected from Xero: {name}." if name else "This creche was not connected to Xero.")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    """``xero map [--bank-account NAME | --account CODE | --tax T] --to CODE``; alone: the list."""
    chosen = [
        (kind, ours)
        for kind, ours in (
            ("bank_account", args.bank_account),
            ("account", args.account),
            ("tax", args.tax),
        )
        if ours
    ]
    if chosen and not args.to:
        raise UserFacingError("say where it goes: --to CODE")
    if args.to and not chosen:
        raise UserFacingError("say what goes there: --bank-account NAME, --account CODE or --tax")
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        if chosen:
            kind, ours = chosen[0]
            with book.write(creche.tenant_id) as uow:
                xero_connection.set_mapping(uow, actor, kind, ours, args.to)
            print(f"Mapped {kind.replace('_', ' ')} {ours} to Xero's {args.to.strip()}.")
            return 0
        with book.read(creche.tenant_id) as uow:
            found = xero_connection.mappings(uow, actor)
    if args.json:
        print_json(found)
        return 0
    for kind, pairs in found.items():
        for ours, code in sorted(pairs.items()):
            print(f"{kind.replace('_', ' ')}: {ours} -> {code}")
    if not any(found.values()):
        print("No mappings: every code is chosen from Xero's own chart and tax rates.")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """``xero sync [--retry-failed] [--json]``: exit status 1 when something failed or stopped."""
    from crechebooks_desktop.integrations.xero.connect import api_for  # noqa: PLC0415
    from crechebooks_desktop.integrations.xero.sync import run_sync  # noqa: PLC0415

    if args.dry_run:
        return _dry_run(args)
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        if args.retry_failed:
            with book.write(creche.tenant_id) as uow:
                xero_connection.retry_failed(uow, actor)
        report = run_sync(book, actor, api_for(book, actor))
    if args.json:
        print_json(report.as_json())
    else:
        print(
            f"Sent {report.sent}; failed {len(report.failed)}; pending {report.pending}; "
            f"{report.calls} call(s) to Xero; calls left today: "
            f"{_or_unknown(report.calls_left_today)}"
        )
        for failure in report.failed:
            print(f"  failed {failure['kind']} {failure['id']}: {failure['message']}")
        for payment in report.unknown_payments:
            print(
                f"  in Xero, not here: payment {payment.amount} on {payment.date} "
                f"to {payment.invoice_number} (not imported)"
            )
        if report.stopped:
            print(f"Stopped: {report.stopped}", file=sys.stderr)
    return 1 if report.failed or report.stopped else 0


def _dry_run(args: argparse.Namespace) -> int:
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        with book.read(creche.tenant_id) as uow:
            connected = xero_connection.connection(uow, actor)
            found = xero_plan.plan(uow, actor, connected.sync_from)
    if args.json:
        print_json(
            {
                "contacts": found.contacts,
                "invoices": found.invoices,
                "payments": found.payments,
                "deletions": found.deletions,
                "credit_sources": found.credit_sources,
                "credit_draws": found.credit_draws,
                "calls": found.calls,
            }
        )
    else:
        print(
            f"Would send {found.contacts} contact(s), {found.invoices} invoice(s), "
            f"{found.payments} payment(s), {found.credit_sources} overpayment(s) or credit "
            f"note(s) and {found.credit_draws} use(s) of them, and delete {found.deletions}, "
            f"in {found.calls} call(s)."
        )
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    """``xero queue --since DAY [--json]``."""
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        with book.write(creche.tenant_id) as uow:
            counts = xero_connection.queue_since(uow, actor, args.since)
    if args.json:
        print_json(counts)
    else:
        print(
            f"Queued {counts['households']} household(s), {counts['invoices']} invoice(s) and "
            f"{counts['payments']} payment(s) issued from {args.since} for the next sync."
        )
    return 0
