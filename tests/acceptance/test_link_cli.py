"""Link, don't count twice, end to end: ``match link`` and the ``payments add`` notice.

The creche is that of ``tests/bank_fixtures.py`` (October invoiced and sent;
a bank account ``Cheque``), driven through the command line in a separate
process, as in ``test_bank_cli``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Payment, RefundLink
from crechebooks_desktop.settings import Settings
from tests.acceptance.test_bank_cli import BankBook, Cli, as_json, ok, refused, setup

pytestmark = pytest.mark.slow
__all__ = ["setup"]  # the fixture, shared with test_bank_cli


def payments_of(book: BankBook) -> dict[int, tuple[int | None, bool]]:
    """Each payment's bank line and whether it was reversed."""
    opened, _ = Book.open(Settings(book.url, book.files / "setup-files"))
    try:
        with opened.read() as uow:
            rows = uow._session.execute(
                select(Payment.id, Payment.bank_line_id, Payment.reversed_at)
            )
            return {int(i): (line, gone is not None) for i, line, gone in rows}
    finally:
        opened.close()


def refund_links(book: BankBook) -> dict[int, int]:
    opened, _ = Book.open(Settings(book.url, book.files / "setup-files"))
    try:
        with opened.read() as uow:
            rows = uow._session.execute(select(RefundLink.ledger_entry_id, RefundLink.bank_line_id))
            return {int(e): int(line) for e, line in rows}
    finally:
        opened.close()


def import_csv(cli: Cli, setup: BankBook, path: Path, *rows: str) -> dict[str, int]:
    """Import an FNB-style export of these rows; line ids by description."""
    path.write_text(
        "Date,Amount,Balance,Description\n" + "".join(f"{row}\n" for row in rows),
        encoding="cp1252",
    )
    imported = as_json(cli(*setup.db, "bank", "import", str(path), "--account", "Cheque", "--json"))
    return {line["description"]: line["id"] for line in imported["lines"]}


def pay(cli: Cli, setup: BankBook, ref: str, amount: str, day: str, *more: str) -> Any:
    """``payments add`` by EFT (or as ``more`` says), as the command line runs it."""
    method = () if "--method" in more else ("--method", "eft")
    base = ("payments", "add", "--household", ref, "--amount", amount, "--date", day)
    return cli(*setup.db, *base, *method, *more)


def test_a_payment_recorded_by_hand_is_linked_not_paid_twice(
    cli: Cli, setup: BankBook, tmp_path: Path
) -> None:
    paid = as_json(pay(cli, setup, "BOTHA04", "4850.00", "2026-10-04", "--json"))
    payment_id = paid["payment_id"]
    assert "waiting_lines" not in paid  # nothing on a statement yet
    lines = import_csv(cli, setup, tmp_path / "oct.csv", "06/10/2026,4850.00,4850.00,A BOTHA")
    line_id = lines["A BOTHA"]
    ran = as_json(cli(*setup.db, "match", "run", "--json"))
    (line,) = ran["lines"]
    assert (line["decision"], ran["auto_applied"]) == ("REVIEW_REQUIRED", 0)
    first = line["candidates"][0]
    assert (first["kind"], first["payment_id"], first["household_ref"]) == (
        "link",
        payment_id,
        "BOTHA04",
    )
    assert first["reasons"][0].startswith(f"payment {payment_id} of R 4 850,00 recorded by hand")

    # Accepting the household as a new payment would count the money twice.
    message = refused(cli(*setup.db, "match", "accept", str(line_id), "--household", "BOTHA04"))
    assert f"crechebooks match link {line_id} --payment {payment_id}" in message
    assert "Traceback" not in message

    linked = as_json(
        cli(*setup.db, "match", "link", str(line_id), "--payment", str(payment_id), "--json")
    )
    assert (linked["decision"], linked["status"], linked["payment_id"]) == (
        "LINKED",
        "MATCHED",
        payment_id,
    )
    assert payments_of(setup) == {payment_id: (line_id, False)}
    setup.check()
    assert refused(cli(*setup.db, "match", "link", str(line_id), "--payment", str(payment_id))) == (
        f"crechebooks: error: bank line {line_id} is MATCHED; undo its decision first "
        f"(crechebooks match undo {line_id})"
    )
    listed = as_json(cli(*setup.db, "match", "list", "--status", "matched", "--json"))
    assert [(x["decision"], x["payment_id"]) for x in listed["lines"]] == [("LINKED", payment_id)]

    # Undo takes the link back and never reverses the payment.
    undone = as_json(cli(*setup.db, "match", "undo", str(line_id), "--json"))
    assert (undone["decision"], undone["status"]) == ("UNDONE", "REVIEW")
    assert payments_of(setup) == {payment_id: (None, False)}

    # Refusals: one line on stderr, nothing written.
    assert refused(cli(*setup.db, "match", "link", str(line_id), "--payment", "999")) == (
        "crechebooks: error: no payment 999 in this creche"
    )
    assert refused(cli(*setup.db, "match", "link", str(line_id)), 2)  # --payment or --refund
    assert refused(
        cli(*setup.db, "match", "link", str(line_id), "--payment", "1", "--refund", "1"), 2
    )
    assert "--payment must be a number" in refused(
        cli(*setup.db, "match", "link", str(line_id), "--payment", "x")
    )
    assert payments_of(setup) == {payment_id: (None, False)}

    text = ok(cli(*setup.db, "match", "link", str(line_id), "--payment", str(payment_id)))
    assert text.strip() == (
        f"bank line {line_id} linked to payment {payment_id} of BOTHA04: no new payment"
    )
    setup.check()


def test_payments_add_names_the_waiting_line_and_the_command(
    cli: Cli, setup: BankBook, tmp_path: Path
) -> None:
    lines = import_csv(cli, setup, tmp_path / "oct.csv", "05/10/2026,3200.00,3200.00,S DLAMINI")
    line_id = lines["S DLAMINI"]
    ok(cli(*setup.db, "match", "run"))
    text = ok(pay(cli, setup, "DLAMINI02", "3200.00", "2026-10-03"))
    (payment_id,) = payments_of(setup)
    assert text.splitlines()[0] == f"payment {payment_id}: R 3 200,00 from DLAMINI02"
    assert (
        f"note: bank line {line_id} (R 3 200,00 on 2026-10-05, 'S DLAMINI') looks like this "
        "payment and is waiting (REVIEW); link them so the money is counted once:"
    ) in text
    command = f"crechebooks match link {line_id} --payment {payment_id}"
    assert text.rstrip().endswith(command)
    # The line now offers the link first; the command does what the note says.
    listed = as_json(cli(*setup.db, "match", "list", "--status", "review", "--json"))
    assert listed["lines"][0]["candidates"][0]["payment_id"] == payment_id
    ok(cli(*setup.db, *command.split()[1:]))
    assert payments_of(setup) == {payment_id: (line_id, False)}
    # --json lists the waiting lines with the command.
    lines = import_csv(cli, setup, tmp_path / "nov.csv", "02/11/2026,999.00,999.00,DEPOSIT")
    paid = as_json(pay(cli, setup, "BOTHA04", "999.00", "2026-10-30", "--method", "cash", "--json"))
    (waiting,) = paid["waiting_lines"]
    # Unmatched until the payment was recorded; scored then, it waits in review with the link.
    assert (waiting["line_id"], waiting["status"]) == (lines["DEPOSIT"], "REVIEW")
    assert waiting["link_command"] == (
        f"crechebooks match link {lines['DEPOSIT']} --payment {paid['payment_id']}"
    )


def test_a_refund_paid_by_hand_is_linked_to_its_debit(
    cli: Cli, setup: BankBook, tmp_path: Path
) -> None:
    ok(pay(cli, setup, "BOTHA04", "5000.00", "2026-10-02"))
    refund = as_json(
        cli(
            *setup.db,
            "credits",
            "refund",
            "--household",
            "BOTHA04",
            "--amount",
            "150.00",
            "--date",
            "2026-10-08",
            "--reason",
            "paid too much",
            "--json",
        )
    )
    lines = import_csv(cli, setup, tmp_path / "oct.csv", "09/10/2026,-150.00,-150.00,EFT BOTHA")
    debit = lines["EFT BOTHA"]
    linked = as_json(
        cli(
            *setup.db,
            "match",
            "link",
            str(debit),
            "--refund",
            str(refund["entry_id"]),
            "--json",
        )
    )
    assert (linked["decision"], linked["status"], linked["ledger_entry_id"]) == (
        "LINKED",
        "MATCHED",
        refund["entry_id"],
    )
    assert refund_links(setup) == {refund["entry_id"]: debit}
    assert "is money out: link it with --refund" in refused(
        cli(*setup.db, "match", "link", str(debit), "--payment", "1")
    )
    undone = as_json(cli(*setup.db, "match", "undo", str(debit), "--json"))
    assert undone["status"] == "UNMATCHED"
    assert refund_links(setup) == {}
    setup.check()
