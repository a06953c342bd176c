"""Handlers of ``crechebooks invoices attach / attachments / detach`` (issue 16)."""

from __future__ import annotations

import argparse
from pathlib import Path

from crechebooks_desktop.cli.common import as_actor, open_book, print_json, reading
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.cli.table import print_table, text
from crechebooks_desktop.services.billing import invoice_attachments


def cmd_attach(args: argparse.Namespace) -> int:
    """``invoices attach NUMBER FILE...``: keep files with an invoice, all or none."""
    written: list[Path] = []
    files = [Path(f) for f in args.files]
    try:
        with open_book(args) as book, as_actor(book, args) as (uow, actor):
            made = invoice_attachments.attach_files(
                uow, actor, args.number, files, book.settings.data_dir, written
            )
    except BaseException:
        for path in written:  # the transaction did not commit: no row claims them
            path.unlink(missing_ok=True)
        raise
    for one in made:
        print(f"{one.number}: attached {one.name} ({one.size:,} bytes, sha256 {one.sha256})")
    return 0


def cmd_attachments(args: argparse.Namespace) -> int:
    """``invoices attachments NUMBER [--json]``: the files kept with an invoice."""
    with open_book(args) as book:
        _, actor = creche_and_actor(book, args)
        with reading(book, args) as uow:
            found = invoice_attachments.list_attachments(uow, actor, args.number)
    if args.json:
        print_json([a.as_json() for a in found])
        return 0
    if not found:
        print(f"{args.number.strip().upper()}: no attachments")
        return 0
    print_table(
        [
            text("NAME", lambda a: a.name),
            text("SIZE", lambda a: "missing" if a.size is None else f"{a.size:,}"),
            text("ADDED", lambda a: a.added_at.strftime("%Y-%m-%d %H:%M")),
            text("BY", lambda a: a.added_by),
            text("SHA256", lambda a: a.sha256),
        ],
        found,
    )
    return 0


def cmd_detach(args: argparse.Namespace) -> int:
    """``invoices detach NUMBER NAME``: hide an attachment (the file is kept)."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        gone = invoice_attachments.detach_file(uow, actor, args.number, args.name)
    print(f"{gone.number}: detached {gone.name} (kept in the documents folder)")
    return 0
