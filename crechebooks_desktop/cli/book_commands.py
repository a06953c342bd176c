"""The book's own commands: init, settings, users, check, backup, restore, db, demo."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from crechebooks_desktop.cli.common import (
    as_actor,
    open_book,
    print_json,
    read_password,
    reading,
)
from crechebooks_desktop.cli.sign_in import creche_and_actor, require_book_admin, signed_in
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.smtp_password import check_keyring, store_smtp_password
from crechebooks_desktop.services.admin import checks, creches
from crechebooks_desktop.services.admin.book_backup import back_up_book, restore_book
from crechebooks_desktop.services.delivery import settings as delivery_settings
from crechebooks_desktop.services.demo import creche as demo
from crechebooks_desktop.settings import settings_for


def cmd_init(args: argparse.Namespace) -> int:
    """``init``: a new creche and its first admin.

    The very first ``init`` of an empty book needs nobody; adding a creche to a
    book that has users needs one of its administrators (issue 13).
    """
    with open_book(args, create=True, sign_in=False) as book:
        require_book_admin(book, args, "add a creche to it")
        new = _new_creche(args)
        with book.write() as uow:
            created, actor = creches.init_creche(uow, new)
    print(f"created {created.name} in {book.name}; administrator: {actor.username}")
    if new.admin_password is None:
        print(
            f"note: {actor.username} has no password yet; set one with "
            "`crechebooks users password` (the window asks for one at first sign-in)",
            file=sys.stderr,
        )
    return 0


def _new_creche(args: argparse.Namespace) -> NewCreche:
    return NewCreche(
        name=args.name,
        vat_number=args.vat_number,
        prices_include_vat=args.prices_include_vat,
        sibling_discounts=args.sibling_discounts,
        due_day=args.due_day,
        invoice_prefix=args.invoice_prefix,
        admin_username=args.admin_user,
        admin_password=read_password(args.admin_password_stdin, args.admin_user),
    )


def cmd_settings(args: argparse.Namespace) -> int:
    """``settings show`` / ``settings set KEY VALUE``."""
    with open_book(args) as book:
        if args.action == "set" and _key(args.key) == "smtp-password":
            return _set_smtp_password(book, args)
        if args.action == "set" and _key(args.key) == "s3-credentials":
            from crechebooks_desktop.cli.document_sync_commands import (  # noqa: PLC0415
                set_s3_credentials,
            )

            return set_s3_credentials(book, args)
        if args.action == "set":
            _check_set_arguments(args)
            with as_actor(book, args) as (uow, actor):
                after = creches.change_setting(uow, actor, args.key, args.value)
            print(f"{args.key} = {after.as_dict()[args.key.replace('-', '_')]}")
            return 0
        values = signed_in(book, args).creche.as_dict()
    if args.json:
        print_json(values)
    else:
        width = max(map(len, values))
        for key, value in values.items():
            print(f"{key:<{width}}  {'' if value is None else value}")
    return 0


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _check_set_arguments(args: argparse.Namespace) -> None:
    if args.stdin:
        raise UserFacingError("--stdin goes with smtp-password and s3-credentials only")
    if args.value is None:
        raise UserFacingError(f"settings set {args.key}: give the value ('' clears it)")


def _set_smtp_password(book: Book, args: argparse.Namespace) -> int:
    """``settings set smtp-password [--stdin]``: into the keyring, never the book."""
    if args.value is not None:
        raise UserFacingError(
            "the SMTP password is not given on the command line (the shell's history and "
            "the process list would show it): type it when asked, or give it with --stdin"
        )
    creche, actor = creche_and_actor(book, args)
    with book.read(creche.tenant_id) as uow:
        smtp = delivery_settings.smtp_for_password(uow, actor)
    check_keyring()
    password = read_password(args.stdin, f"{smtp.user} at {smtp.host}")
    if password is None:
        raise UserFacingError("type the password at a terminal, or give it with --stdin")
    with book.write(creche.tenant_id) as uow:
        delivery_settings.record_password_stored(uow, actor, smtp)
        store_smtp_password(smtp, password)
    print(f"smtp-password stored in the keyring for {smtp.user} at {smtp.host}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``check``: exit 1 when any invariant is broken."""
    with open_book(args) as book, reading(book, args) as uow:
        report = checks.check_creche(uow)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "households": report.households,
                "invoices": report.invoices,
                "payments": report.payments,
                "history_rows": report.history_rows,
                "violations": [
                    {"rule": v.rule, "subject": v.subject, "detail": v.detail}
                    for v in report.violations
                ],
            }
        )
    else:
        for violation in report.violations:
            print(violation)
        verdict = "OK" if report.ok else f"{len(report.violations)} problem(s) found"
        print(
            f"checked {report.households} households, {report.invoices} invoices, "
            f"{report.payments} payments, {report.history_rows} history rows: {verdict}"
        )
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """``backup FILE``: the database and every archived document, in one file."""
    with open_book(args) as book:
        made = back_up_book(book, Path(args.file).expanduser().resolve())
    documents = f"{made.documents} document{'' if made.documents == 1 else 's'}"
    print(f"backed up {book.name} (the database and {documents}) to {made.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """``restore FILE --to PATH``: a new book from a backup, once all of it is checked."""
    restored = restore_book(Path(args.file).expanduser().resolve(), settings_for(args.to))
    if args.json:
        print_json(
            {
                "book": str(restored.book),
                "data_dir": str(restored.data_dir),
                "creches": restored.creches,
                "documents": restored.documents,
                "backed_up_at": restored.made_at,
            }
        )
    else:
        print(
            f"restored the backup of {restored.made_at} to {restored.book}: "
            f"{restored.creches} creche(s), {restored.documents} document(s), every one "
            "checked; open it with --db"
        )
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """``db upgrade`` (opening the book upgrades it; this reports what happened).

    A book that is not there is refused, like every command but ``init`` and ``demo``.
    """
    book, result = Book.open(settings_for(args.db))
    book.close()
    if result.from_revision == result.to_revision:
        print(f"{book.name} is up to date (schema {result.to_revision})")
    else:
        print(
            f"upgraded {book.name} from {result.from_revision or 'empty'} to "
            f"{result.to_revision}" + (f"; backup at {result.backup}" if result.backup else "")
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``demo``: the demo creche, once per book."""
    with open_book(args, create=True, sign_in=False) as book:
        with book.read() as uow:
            existing = uow.tenants.by_name(demo.DEMO_NAME)
        if existing is not None:
            print(f"{book.name} already has the demo creche ({demo.DEMO_NAME})")
            return 0
        require_book_admin(book, args, "add the demo creche to it")
        with book.write() as uow:
            made = demo.create_demo_creche(uow, dt.date.today())  # noqa: DTZ011 - local "today"
    if args.json:
        print_json(
            {
                "creche": made.creche.name,
                "households": made.households,
                "children": made.children,
                "enrolments": made.enrolments,
                "opening_invoices": made.opening_invoices,
                "months": [f"{month:%Y-%m}" for month in made.months],
                "invoices": made.invoices,
                "bank_lines": made.bank_lines,
                "reconciled_through": made.reconciled_through,
                "user": made.user,
                "password": made.password,
            }
        )
    else:
        print(
            f"created {made.creche.name} in {book.name}: {made.households} households, "
            f"{made.children} children, {len(made.months)} months billed and banked; "
            f"sign in as {made.user} / {made.password}"
        )
    return 0
