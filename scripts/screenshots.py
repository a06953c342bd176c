"""Render the pictures in docs/ from a fresh demo book (no display needed).

Run through scripts/screenshots, which sets up the environment first.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services import bank
from crechebooks_desktop.services.bank import list_accounts
from crechebooks_desktop.services.demo import create_demo_creche
from crechebooks_desktop.services.households import household_summaries
from crechebooks_desktop.services.invoicing import generate_month
from crechebooks_desktop.services.ledger import household_ledger
from crechebooks_desktop.services.match_review import list_lines
from crechebooks_desktop.services.matching import run_matching
from crechebooks_desktop.services.reconciliation import reconcile
from crechebooks_desktop.services.reconciliation.suggestions import run as categorise_run
from crechebooks_desktop.services.users import acting_user
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell, application
from crechebooks_desktop.ui.matching.import_dialog import ImportDialog
from crechebooks_desktop.ui.matching.jobs import Kind
from crechebooks_desktop.ui.setup.first_run import FirstRunDialog

DOCS = Path(__file__).resolve().parent.parent / "docs"
TODAY = dt.date.today()


def demo_book(path: Path) -> None:
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        tenant = create_demo_creche(uow, TODAY).creche.tenant_id
    with book.read(tenant) as uow:
        actor = acting_user(uow, tenant, None)
    generate_month(lambda: book.write(tenant), actor, TODAY.replace(day=1))
    with book.write(tenant) as uow:
        if not list_lines(uow):  # a demo without its bank statement: bring one in
            import_statement(uow, actor)
    with book.write(tenant) as uow:
        run_matching(uow, actor)
    with book.write(tenant) as uow:
        categorise_run(uow, actor)
        last = max(line.date for line in uow.bank.lines())
        reconcile.start(uow, actor, list_accounts(uow)[0].name, last)
    book.close()


def statement_lines() -> tuple[StatementLine, ...]:
    """A few credits as a creche's bank shows them (for a demo without a statement)."""
    day = TODAY.replace(day=1)
    texts = (
        ("MRS N DLAMINI FEES", 485_000, None),
        ("IB PAYMENT {ref}", 0, "{ref}"),
        ("CASH DEPOSIT RANDBURG", 485_000, None),
        ("CREDIT INTEREST", 1_842, None),
    )
    return tuple(
        StatementLine(n, day + dt.timedelta(days=n), cents or 350_000, text, ref)
        for n, (text, cents, ref) in enumerate(texts, start=2)
    )


def import_statement(uow, actor) -> None:
    refs = [h.account_ref for h in household_summaries(uow)][:8]
    lines = [
        StatementLine(
            line.line_no,
            line.date,
            line.amount_cents,
            line.description.format(ref=refs[0]),
            line.reference.format(ref=refs[0]) if line.reference else None,
        )
        for line in statement_lines()
    ]
    bank.add_account(uow, actor, "FNB Cheque", "fnb")
    bank.import_statement(
        uow, actor, "FNB Cheque", Statement("demo.csv", "csv", "fnb", tuple(lines)), "0" * 64
    )


def statement_file(folder: Path) -> Path:
    """An FNB CSV export of the month, for the import dialog's picture."""
    rows = ["Account Number,62812345678,FNB Gold Business", "Date,Amount,Balance,Description"]
    balance = 12_500_000
    payers = (
        ("MRS N DLAMINI INV-2026-000114", 485_000),
        ("SNAPSCAN FEES", -3_120),
        ("IB PAYMENT NAIDOO02", 350_000),
        ("GOGO M MOKOENA01", 285_000),
        ("WOOLWORTHS FOOD RANDBURG", -184_350),
        ("CASH DEPOSIT RANDBURG", 485_000),
        ("MR J VAN DER MERWE FEES", 420_000),
        ("FNB APP PAYMENT FROM P PILLAY", 240_000),
        ("CREDIT INTEREST", 1_842),
        ("SALARIES", -3_850_000),
        ("ACB CREDIT T KHUMALO AMAHLE", 350_000),
        ("#MONTHLY ACCOUNT FEE", -28_500),
    )
    first = TODAY.replace(day=1)
    for n, (text, cents) in enumerate(payers):
        balance += cents
        day = first + dt.timedelta(days=n * 2 % 27)
        rows.append(f"{day:%d/%m/%Y},{cents / 100:.2f},{balance / 100:.2f},{text}")
    path = folder / f"fnb-{first:%Y-%m}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def window_pictures(app, path: Path) -> None:
    shell = Shell(
        argparse.Namespace(db=str(path), creche=None, user=None, screenshot=None), interactive=False
    )
    view = shell.window.invoices
    shots = {"households": False}

    def households_loaded(_count: int) -> None:
        if not shots["households"]:
            shots["households"] = True
            QTimer.singleShot(
                300,
                lambda: (shell.window.grab().save(str(DOCS / "main-window.png")), show_invoices()),
            )

    def show_invoices() -> None:
        shell.window.tabs.setCurrentWidget(view)
        view.loaded.connect(invoices_loaded)
        view.select_month(TODAY.replace(day=1))

    def invoices_loaded(_count: int) -> None:
        view.loaded.disconnect(invoices_loaded)
        busiest = max(
            range(view.model.rowCount()), key=lambda r: len(view.model.row_value(r).lines)
        )
        view.table.selectRow(view.proxy.mapFromSource(view.model.index(busiest, 0)).row())
        QTimer.singleShot(
            800,
            lambda: (
                shell.window.grab().save(str(DOCS / "invoices-tab.png")),
                ledger_picture(app, shell, path),
            ),
        )

    shell.window.households.loaded.connect(households_loaded)
    shell.start()
    app.exec()
    shell.stop()


def busiest_household(path: Path) -> str:
    """The household with the most ledger lines (the highest balance among equals)."""
    book, _ = Book.open(settings_for(str(path)))
    with book.read(1) as uow:
        counts = {
            s.account_ref: (len(household_ledger(uow, s.account_ref).lines), s.balance_cents)
            for s in household_summaries(uow)
        }
    book.close()
    return max(counts, key=lambda ref: counts[ref])


def ledger_picture(app, shell: Shell, path: Path) -> None:
    """The Ledger tab on the busiest household; then the Matching tab's pictures."""
    panel = shell.window.ledger.by_household
    ref = busiest_household(path)

    def loaded(_count: int) -> None:
        panel.loaded.disconnect(loaded)
        panel.position_shown.connect(shown)
        panel.select_household(ref)

    def shown(_ref: str) -> None:
        panel.position_shown.disconnect(shown)
        QTimer.singleShot(
            500,
            lambda: (
                shell.window.grab().save(str(DOCS / "ledger-tab.png")),
                matching_pictures(app, shell, path),
            ),
        )

    panel.loaded.connect(loaded)
    shell.window.tabs.setCurrentWidget(shell.window.ledger)


def matching_pictures(app, shell: Shell, path: Path) -> None:
    """The Matching tab after one line is accepted, then the import dialog; then quit."""
    matching = shell.window.matching

    def loaded(_count: int) -> None:
        # Accept the first line from the keyboard, as a bookkeeper would, then show another.
        matching.loaded.disconnect(loaded)
        matching.message.connect(accepted)
        QTimer.singleShot(500, matching.decisions.accept)

    def accepted(said: str) -> None:
        # A decision refreshes its own row (no reload); it ends by saying what it did.
        if not said.startswith("Accepted"):
            return
        matching.message.disconnect(accepted)
        # A line worth looking at: to review, its payer named, with others close by.
        rows = range(matching.proxy.rowCount())
        lines = [matching.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 3) for r in rows]
        review = [line for line in lines if line.kind is Kind.REVIEW and line.candidates]
        best = max(review, key=lambda line: (line.best.name_points, len(line.candidates)))
        matching.select_line(best.line_id)
        QTimer.singleShot(800, shot)

    def shot() -> None:
        shell.window.grab().save(str(DOCS / "matching-tab.png"))
        dialog = ImportDialog(shell.session, shell.window)
        dialog.set_path(str(statement_file(path.parent)))
        dialog.show()

        def grab() -> None:
            # Where the file would be on the office computer, not the temporary folder.
            dialog.path.setText(f"/home/office/Downloads/{Path(dialog.path.text()).name}")
            dialog.grab().save(str(DOCS / "import-statement.png"))
            dialog.close()
            reconciliation_picture(app, shell)

        QTimer.singleShot(1200, grab)

    matching.loaded.connect(loaded)
    shell.window.tabs.setCurrentWidget(matching)


def reconciliation_picture(app, shell: Shell) -> None:
    """The Reconciliation tab: every line, with the one left to categorise by hand chosen."""
    view = shell.window.reconciliation

    def loaded(_screen: object) -> None:
        view.loaded.disconnect(loaded)
        view.filter.setCurrentIndex(0)  # All lines
        left = [r for r in view.shown.rows if r.line_id is not None and not r.cleared]
        snapscan = [r for r in left if "SNAPSCAN" in r.description]
        chosen = (snapscan or left or list(view.shown.rows))[0]
        if chosen.line_id is not None:
            view.select_line(chosen.line_id)
        QTimer.singleShot(800, shot)

    def shot() -> None:
        shell.window.grab().save(str(DOCS / "reconciliation-tab.png"))
        app.quit()

    view.loaded.connect(loaded)
    shell.window.tabs.setCurrentWidget(view)


def first_run_picture(app) -> None:
    dialog = FirstRunDialog("/home/office/CrecheBooks/book.sqlite")
    dialog.name.setText("Little Acorns Educare")
    dialog.vat_number.setText("4111 222 333")
    dialog.sibling_discounts.setText("0,10,15")
    dialog.resize(560, dialog.sizeHint().height())
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(DOCS / "first-run.png"))


def main() -> int:
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Sunflower Kids" / "book.sqlite"
        demo_book(path)
        window_pictures(app, path)
    first_run_picture(app)
    pictures = (
        "main-window.png",
        "invoices-tab.png",
        "ledger-tab.png",
        "matching-tab.png",
        "import-statement.png",
        "reconciliation-tab.png",
    )
    for name in (*pictures, "first-run.png"):
        print(f"saved docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
