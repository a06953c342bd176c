"""A month to Xero: 5,000 invoices for 3,500 households, within Xero's 60 calls a minute.

Run: .venv/bin/python bench/xero_sync.py [--households 3500] [--children 5000]
Targets (issue 15): the month plans into at most 200 API calls, and the sync
finishes in under 4 minutes of wall time against the Xero stand-in
(tests/xero_standin) with its rate limit on (60 calls a minute, 5 at once).
The stand-in checks every request against Xero's OpenAPI contract, as in the
tests. A SQLite book in a temporary folder; the keyring is kept in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_CALLS = 200
TARGET_SECONDS = 240.0
MONTH = dt.date(2026, 12, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=3_500)
    parser.add_argument("--children", type=int, default=5_000)
    args = parser.parse_args()

    import keyring

    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.integrations.xero.connect import api_for
    from crechebooks_desktop.integrations.xero.sync import run_sync
    from crechebooks_desktop.services.sync import xero_plan
    from crechebooks_desktop.settings import Settings
    from tests.billing_fixtures import VAT_NUMBER, add_big_roster, add_fees, new_creche, run_month
    from tests.delivery_fixtures import MemoryKeyring
    from tests.xero_standin import XeroStandin
    from tests.xero_sync_fixtures import connect_to_standin, map_income_to_sales, send_december

    keyring.set_keyring(MemoryKeyring())
    folder = Path(tempfile.mkdtemp(prefix="xero-bench-"))
    book, _ = Book.open(Settings(f"sqlite:///{folder / 'book.sqlite'}", folder), create=True)
    _creche, actor = new_creche(book, vat_number=VAT_NUMBER)
    with book.write(actor.tenant_id) as uow:
        fees = add_fees(uow)
        add_big_roster(uow, fees.plain, args.households, args.children, dt.date(2026, 1, 1))
    run_month(book, actor, MONTH)

    with XeroStandin() as standin:
        os.environ["CRECHEBOOKS_XERO_LOGIN_URL"] = standin.login_url
        os.environ["CRECHEBOOKS_XERO_IDENTITY_URL"] = standin.identity_url
        os.environ["CRECHEBOOKS_XERO_API_URL"] = standin.api_url
        connect_to_standin(book, actor, standin)
        send_december(book, actor)
        map_income_to_sales(book, actor)

        started = time.perf_counter()
        with book.read(actor.tenant_id) as uow:
            plan = xero_plan.plan(uow, actor, MONTH)
        planned = time.perf_counter() - started
        print(
            f"plan: {plan.contacts} contacts, {plan.invoices} invoices -> {plan.calls} calls "
            f"(target <= {TARGET_CALLS}) in {planned:.2f} s"
        )

        def progress(step: str, done: int, of: int) -> None:
            if done == of or done % 20 == 0:
                print(f"  {step}: {done}/{of} batches at {time.perf_counter() - started:.0f} s")

        started = time.perf_counter()
        report = run_sync(book, actor, api_for(book, actor), progress)
        took = time.perf_counter() - started
        books = standin.books(standin.organisations[0].name)
        with standin.lock:
            invoices, contacts = len(books.invoices), len(books.contacts)
        print(
            f"sync: sent {report.sent} ({contacts} contacts, {invoices} invoices in Xero), "
            f"failed {len(report.failed)}, pending {report.pending}, {report.calls} calls"
        )
        print(f"sync wall time: {took:.1f} s (target < {TARGET_SECONDS:.0f} s)")
        print(
            f"stand-in: at most {standin.max_calls_in_window} calls in a minute (limit "
            f"{standin.minute_limit}), at most {standin.max_concurrent_seen} at once (limit "
            f"{standin.concurrent_limit}), 429s: {sum(standin.rate_limited.values())}"
        )
    book.close()
    good = (
        plan.calls <= TARGET_CALLS
        and took < TARGET_SECONDS
        and not report.failed
        and report.pending == 0
        and invoices == plan.invoices
    )
    print("OK" if good else "MISSED")
    return 0 if good else 1


if __name__ == "__main__":
    raise SystemExit(main())
