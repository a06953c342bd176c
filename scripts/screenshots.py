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

from PySide6.QtCore import QTimer

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.services.demo import create_demo_creche
from crechebooks_desktop.services.invoicing import generate_month
from crechebooks_desktop.services.users import acting_user
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.launch import Shell, application
from crechebooks_desktop.ui.setup.first_run import FirstRunDialog

DOCS = Path(__file__).resolve().parent.parent / "docs"
TODAY = dt.date.today()


def demo_book(path: Path) -> None:
    book, _ = Book.open(settings_for(str(path)))
    with book.write() as uow:
        tenant = create_demo_creche(uow, TODAY).creche.tenant_id
    with book.read(tenant) as uow:
        actor = acting_user(uow, tenant, None)
    generate_month(lambda: book.write(tenant), actor, TODAY.replace(day=1))
    book.close()


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
            800, lambda: (shell.window.grab().save(str(DOCS / "invoices-tab.png")), app.quit())
        )

    shell.window.households.loaded.connect(households_loaded)
    shell.start()
    app.exec()
    shell.stop()


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
    for name in ("main-window.png", "invoices-tab.png", "first-run.png"):
        print(f"saved docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
