"""``invoices import FILE.csv``: invoices issued by the creche's previous system.

The file is read and checked (``importers.invoice_history_csv``), then its
new rows are brought in, all or nothing; a refused file prints every problem
as ``FILE:LINE: field: message`` and exits 1 with nothing written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crechebooks_desktop.cli.common import as_actor, open_book, print_json
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.importers import invoice_history_csv
from crechebooks_desktop.services.billing import invoice_history
from crechebooks_desktop.services.billing.invoice_history import HistoryImport


def cmd_import(args: argparse.Namespace) -> int:
    """``invoices import FILE.csv [--dry-run] [--json]``."""
    parsed = invoice_history_csv.read_history(Path(args.file), args.file)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        done = invoice_history.import_invoice_history(
            uow, actor, parsed.rows, parsed.file, parsed.problems, dry_run=args.dry_run
        )
    if args.json:
        print_json(done.as_json())
    else:
        print(summary(done))
    return 0


def summary(done: HistoryImport) -> str:
    """What an import did (or would do), in one line."""
    verb = "would import" if done.dry_run else "imported"
    return (
        f"{done.file}: {verb} {len(done.imported)} invoice(s), "
        f"{len(done.already)} already imported; "
        f"billed {format_rands(done.billed_cents)}, paid {format_rands(done.paid_cents)}"
    )
