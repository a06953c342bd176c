"""Render the pictures in docs/ from a fresh demo book (no display needed).

Run through scripts/screenshots, which sets up the environment first.
"""

import argparse
import atexit
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shiboken6
from PySide6.QtCore import QDate, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.repositories.invoices import InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus, PaymentMethod, SyncTarget
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.domain.roster import FeeRate
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import acting_user, add_user, disable_user
from crechebooks_desktop.services.billing.invoice_attachments import attach_files
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.billing.monthly_run import generate_month
from crechebooks_desktop.services.demo.creche import create_demo_creche
from crechebooks_desktop.services.fees.structures import change_fee, fee_named
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.services.ledger.payments import add_payment
from crechebooks_desktop.services.ledger.posting import household_ledger
from crechebooks_desktop.services.roster.checks import RosterRefused
from crechebooks_desktop.services.roster.household_view import household_summaries
from crechebooks_desktop.services.sync.xero_connection import queue_since, set_mapping
from crechebooks_desktop.settings import settings_for
from crechebooks_desktop.ui.admin.settings_dialog import SettingsDialog
from crechebooks_desktop.ui.admin.users_dialog import UsersDialog
from crechebooks_desktop.ui.fees.dialog import FeesDialog
from crechebooks_desktop.ui.households.enrolment_dialog import EnrolmentDialog
from crechebooks_desktop.ui.households.household_dialog import HouseholdDialog
from crechebooks_desktop.ui.invoices.filter_values import BarFilters
from crechebooks_desktop.ui.invoices.history_import import HistoryImportDialog
from crechebooks_desktop.ui.launch import Shell, application
from crechebooks_desktop.ui.matching.import_dialog import ImportDialog
from crechebooks_desktop.ui.matching.jobs import Kind
from crechebooks_desktop.ui.roster_import.dialogs import RosterImportDialog
from crechebooks_desktop.ui.setup.first_run import FirstRunDialog
from crechebooks_desktop.ui.setup.sign_in import PASSWORD, SETUP_CODE, SignInDialog, SignInRequest
from crechebooks_desktop.ui.statements import jobs

DOCS = Path(__file__).resolve().parent.parent / "docs"
TODAY = dt.date.today()


def own_window_settings() -> None:
    """Pictures start from the window's defaults, not what this computer's user remembered."""
    folder = tempfile.mkdtemp(prefix="crechebooks-pictures-settings-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(kind, scope, folder)


def demo_book(path: Path) -> None:
    """The demo book as ``crechebooks demo`` makes it: three months lived in."""
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        create_demo_creche(uow, TODAY)
    book.close()


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


def picture_shell(path: Path) -> Shell:
    """The window over the book at ``path``, not yet started, for taking pictures."""
    return Shell(
        argparse.Namespace(db=str(path), creche=None, user=None, screenshot=None), interactive=False
    )


def run_until_quit(app, shell: Shell) -> None:
    """Start the window, run until a picture quits the app, then stop it."""
    shell.start()
    app.exec()
    shell.stop()


def window_pictures(app, path: Path) -> None:
    shell = picture_shell(path)
    quiet_banner(shell)
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
        # The list holds no lines: the biggest invoice has the most to show (extras, fees).
        loaded = {r: view.model.row_value(r) for r in range(view.model.rowCount())}
        shown = {r: row.total_cents for r, row in loaded.items() if row is not None}
        view.table.selectRow(max(shown, key=lambda r: shown[r]))
        QTimer.singleShot(
            800,
            lambda: (
                shell.window.grab().save(str(DOCS / "invoices-tab.png")),
                ledger_picture(app, shell, path),
            ),
        )

    shell.window.households.loaded.connect(households_loaded)
    run_until_quit(app, shell)


def quiet_banner(shell: Shell) -> None:
    """Keep the scheduled-jobs bar out of the tabs' pictures (it has its own)."""
    shell.session.workplace_changed.disconnect(shell.window.jobs_banner.check)


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
        # The queue's rows carry the best suggestion only; its score ranks them here.
        rows = range(matching.model.rowCount())
        lines = [matching.model.index(r, 0).data(Qt.ItemDataRole.UserRole + 3) for r in rows]
        review = [line for line in lines if line and line.kind is Kind.REVIEW and line.best_ref]
        best = max(review, key=lambda line: line.best_score or 0)
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


HISTORY_MONTHS = 12
"""How many months the statements pictures' book has been running."""


def history_book(path: Path) -> None:
    """The demo creche after a year: most families pay each month on the 5th, some do not.

    See ``paid`` for who pays what; so the aging has money in every bucket,
    the trend a shape, and a few households hold credit.
    """
    first = month_back(TODAY.replace(day=1), HISTORY_MONTHS - 1)
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        tenant = create_demo_creche(uow, first, months=0).creche.tenant_id
    with book.read(tenant) as uow:
        actor = acting_user(uow, tenant, None)
    for n in range(HISTORY_MONTHS):
        month = month_back(first, -n)
        generate_month(lambda: book.write(tenant), actor, month)
        with book.write(tenant) as uow:
            send_month(uow, actor, month)
            pay_day = min(month.replace(day=5), TODAY)
            for index, household in enumerate(household_summaries(uow)):
                cents = paid(index, n, household.balance_cents)
                if cents > 0:
                    add_payment(
                        uow, actor, household.account_ref, cents, pay_day,
                        PaymentMethod.EFT, household.account_ref,
                    )  # fmt: skip
    with book.write(tenant) as uow:
        change_setting(uow, actor, "billing-day", "1")  # the month's invoices: a job due
        # A family on a payment plan, for the reminders dialog's "Not reminded" list.
        held = household_summaries(uow)[3].account_ref
        until = TODAY + dt.timedelta(days=30)
        reminders.hold(uow, actor, held, "Payment plan agreed with the office", until)
    book.close()


def month_back(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` before ``day``'s (negative: after)."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def paid(index: int, month: int, owed: int) -> int:
    """What the household at ``index`` pays in the ``month``-th month of the history.

    Every seventh (from the fourth) stops paying four months before the end,
    every ninth (from the fifth) three, every sixth (from the second) two; every
    thirteenth (from the sixth) missed two months half a year ago and then
    caught up; every eleventh (from the seventh) pays R 250 too much at the end.
    Everyone else pays what they owe.
    """
    last = HISTORY_MONTHS - 1
    for modulus, rest, missed in ((7, 3, 4), (9, 4, 3), (6, 1, 2)):
        if index % modulus == rest and month > last - missed:
            return 0
    if index % 13 == 5 and month in (last - 7, last - 6):  # noqa: PLR2004
        return 0
    if index % 11 == 6 and month == last:  # noqa: PLR2004
        return max(owed, 0) + 25_000
    return max(owed, 0)


def arrears_day() -> dt.date:
    """A 5th (this month's, or last month's early in a month): money in every aging bucket.

    Invoices fall due on the 7th, so on the 5th this month's are current and
    last month's, the month before's and older ones are 30, 60 and 90+ days late.
    """
    this_month = TODAY.replace(day=5)
    return this_month if this_month <= TODAY else month_back(TODAY, 1).replace(day=5)


def stand_in_renderer():
    """A plain page of the statement's lines, for a build without exporters/statement_pdf.py."""

    def render(statement, creche) -> bytes:
        out = io.BytesIO()
        page = Canvas(out, pagesize=A4, invariant=True)
        page.setFont("Helvetica-Bold", 16)
        page.drawString(56, 780, creche.name)
        page.setFont("Helvetica", 11)
        party = statement.party
        page.drawString(56, 752, f"Statement for {party.parent_name} ({party.household_ref})")
        page.drawString(56, 736, f"{statement.date_from} to {statement.date_to}")
        y = 704
        page.drawString(56, y, "Balance brought forward")
        page.drawRightString(540, y, format_rands(statement.opening_cents))
        for line in statement.lines:
            y -= 18
            page.drawString(56, y, f"{line.date}  {line.description}"[:70])
            page.drawRightString(440, y, format_rands(line.amount_cents))
            page.drawRightString(540, y, format_rands(line.balance_cents))
        page.setFont("Helvetica-Bold", 11)
        page.drawString(56, y - 28, "Closing balance")
        page.drawRightString(540, y - 28, format_rands(statement.closing_cents))
        page.showPage()
        page.save()
        return out.getvalue()

    return render


def statements_pictures(app, path: Path) -> list[str]:
    """The Statements tab on a household that owes at several ages, then the arrears view."""
    saved = ["statements-tab.png", "arrears-view.png", "reminders-dialog.png", "jobs-banner.png"]
    try:
        jobs.load_renderer()
    except jobs.RendererMissing:
        jobs.load_renderer = stand_in_renderer
        print("note: exporters/statement_pdf.py is missing: the statement page is a stand-in")
    shell = picture_shell(path)
    quiet_banner(shell)
    view = shell.window.statements

    def loaded(_screen: object) -> None:
        view.loaded.disconnect(loaded)
        view.filter.setCurrentIndex(1)  # Owing
        rows = view.model.rows()
        late = [r for r in rows if r.days_30_cents and r.days_60_cents] or rows
        chosen = max(late, key=lambda r: (len(r.children), r.balance_cents))
        view.preview_ready.connect(previewed)
        view.select_household(chosen.ref)

    def previewed(_pages: int) -> None:
        view.preview_ready.disconnect(previewed)
        QTimer.singleShot(600, shot)

    def shot() -> None:
        shell.window.grab().save(str(DOCS / saved[0]))
        view.arrears.loaded.connect(arrears_loaded)
        view.show_page(1)
        day = arrears_day()
        view.arrears.as_of.setDate(QDate(day.year, day.month, day.day))

    def arrears_loaded(screen) -> None:
        if screen.as_of != arrears_day():
            return  # today's first; then the day with money in every bucket
        view.arrears.loaded.disconnect(arrears_loaded)
        QTimer.singleShot(800, arrears_shot)

    def arrears_shot() -> None:
        shell.window.grab().save(str(DOCS / saved[1]))
        reminders_pictures(app, shell, saved[2:])

    def ready(_workplace: object) -> None:
        # Where the book would be on the office computer, not the temporary folder.
        shell.window.book_label.setText("Book: /home/office/CrecheBooks/book.sqlite")
        view.loaded.connect(loaded)
        shell.window.tabs.setCurrentWidget(view)

    shell.startup.ready.connect(ready)
    run_until_quit(app, shell)
    return saved


def reminders_pictures(app, shell: Shell, names: list[str]) -> None:
    """The reminders dialog over the Statements tab; then the window with the jobs bar; quit."""
    view = shell.window.statements
    view.show_page(0)
    dialog = view.open_reminders()

    def shot() -> None:
        dialog.grab().save(str(DOCS / names[0]))
        dialog.close()
        banner = shell.window.jobs_banner
        banner.checked.connect(lambda _due: QTimer.singleShot(600, banner_shot))
        banner.check(shell.session.workplace)

    def banner_shot() -> None:
        shell.window.grab().save(str(DOCS / names[1]))
        app.quit()

    dialog.loaded.connect(lambda _screen: QTimer.singleShot(600, shot))


def admin_book(path: Path) -> None:
    """The demo creche with a team: a bookkeeper, an owner who views, and one who left."""
    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        tenant = create_demo_creche(uow, TODAY).creche.tenant_id
    with book.write(tenant) as uow:
        admin = acting_user(uow, tenant, None)
        add_user(uow, admin, "thandi", Role.BOOKKEEPER, "ledger", "Thandi Mokoena")
        add_user(uow, admin, "pieter", Role.OWNER_VIEWER, "owner", "Pieter van der Merwe")
        add_user(uow, admin, "lerato", Role.BOOKKEEPER, "gone", "Lerato Dube")
        add_user(uow, admin, "zanele", Role.ADMIN, None, "Zanele Khumalo")
        disable_user(uow, admin, "lerato")
        # A fee rise the creche has set for next year, shown as the change to come.
        rise = dt.date(TODAY.year + 1, 1, 1)
        fee = fee_named(uow, "Full Day (07:00-17:30)")
        change_fee(uow, admin, fee.terms.name, FeeRate(rise, 515_000, 80_000, 50_000))
        fee = fee_named(uow, "Half Day (07:00-13:00)")
        change_fee(uow, admin, fee.terms.name, FeeRate(rise, 340_000, 80_000, 50_000))
    book.close()


BAD_ROSTER = (
    "household_ref,parent_name,parent_email,parent_phone,child_ref,child_first_name,"
    "child_last_name,child_dob,fee_name,start_date,end_date\n"
    "MOKOENA14,Mrs Palesa Mokoena,palesa.mokoena@gmail,082 555 0114,MOKOENA14-1,Karabo,"
    "Mokoena,2022-02-30,Full Day (07:00-17:30),2027-01-11,\n"
    "MOKOENA14,Mrs Palesa Mokoena,,,MOKOENA14-2,Naledi,Mokoena,2023-05-17,Toddlers,"
    "2027-01-11,\n"
    "KHUMALO15,Mr Themba Khumalo,,,KHUMALO15-1,Ayanda,Khumalo,2021-09-03,"
    "Half Day (07:00-13:00),2027-01-11,2026-12-31\n"
)
"""A roster file with a problem of each kind: the file's own, and one only the book shows."""


def admin_pictures(app, path: Path) -> list[str]:
    """The Settings, Users and Fee structures dialogs, and a roster file's problems."""
    saved = ["settings-dialog.png", "users-dialog.png", "fees-dialog.png", "import-problems.png"]
    shell = picture_shell(path)

    def ready(_workplace: object) -> None:
        dialog = SettingsDialog(shell.session, shell.window)
        dialog.loaded.connect(lambda: QTimer.singleShot(400, lambda: settings_shot(dialog)))
        dialog.show()

    def settings_shot(dialog: SettingsDialog) -> None:
        dialog.grab().save(str(DOCS / saved[0]))
        dialog.close()
        users = UsersDialog(shell.session, shell.window)
        users.loaded.connect(lambda _n: QTimer.singleShot(400, lambda: users_shot(users)))
        users.show()

    def users_shot(users: UsersDialog) -> None:
        users.select_user("lerato")
        users.said.setText("Saved lerato: Bookkeeper, disabled since " + f"{TODAY:%d %b %Y}.")
        app.processEvents()
        users.grab().save(str(DOCS / saved[1]))
        users.close()
        fees = FeesDialog(shell.session, TODAY, shell.window)
        fees.loaded.connect(lambda _n: QTimer.singleShot(400, lambda: fees_shot(fees)))
        fees.show()

    def fees_shot(fees: FeesDialog) -> None:
        fees.select_fee("Full Day (07:00-17:30)")
        fees.said.setText(f"Full Day (07:00-17:30): new amounts from 01 January {TODAY.year + 1}.")
        app.processEvents()
        fees.grab().save(str(DOCS / saved[2]))
        fees.close()
        roster = path.parent / "new children.csv"
        roster.write_text(BAD_ROSTER, encoding="utf-8")
        dialog = RosterImportDialog(shell.session, shell.window)
        dialog.refused.connect(lambda _p: QTimer.singleShot(400, lambda: import_shot(dialog)))
        dialog.show()
        dialog.set_path(roster)

    def import_shot(dialog: RosterImportDialog) -> None:
        # Where the file would be on the office computer, not the temporary folder.
        # Quietly: a changed path is read again, and this one is not there.
        dialog.path.blockSignals(True)
        dialog.path.setText("/home/office/Documents/new children.csv")
        dialog.path.blockSignals(False)
        app.processEvents()
        dialog.grab().save(str(DOCS / saved[3]))
        dialog.close()
        app.quit()

    shell.startup.ready.connect(ready)
    run_until_quit(app, shell)
    return saved


def roster_pictures(app, path: Path) -> list[str]:
    """The Households tab with a family chosen, its household dialog and an enrolment's."""
    saved = ["households-tab.png", "household-dialog.png", "enrolment-dialog.png"]
    shell = picture_shell(path)
    quiet_banner(shell)
    view = shell.window.households

    def loaded(_count: int) -> None:
        view.loaded.disconnect(loaded)
        family = max(view.model.rows(), key=lambda r: (len(r.children), r.balance_cents))
        view.detail_loaded.connect(detail_loaded)
        view.select_household(family.id)

    def detail_loaded(_id: int) -> None:
        view.detail_loaded.disconnect(detail_loaded)
        tree = view.detail.tree
        tree.setCurrentItem(tree.topLevelItem(0).child(0))
        QTimer.singleShot(300, tab_shot)

    def tab_shot() -> None:
        shell.window.grab().save(str(DOCS / saved[0]))
        dialog = HouseholdDialog(shell.session, view.selected_household(), shell.window)
        dialog.fields["address"].setText("14 Jacaranda Avenue, Randburg")
        dialog.fields["email"].setText("nomsa.at.home")
        dialog.show()
        refused = RosterRefused({"email": "not an email address: 'nomsa.at.home'"})
        dialog.show_failure(refused, "save the household")
        QTimer.singleShot(300, lambda: dialog_shot(dialog))

    def dialog_shot(dialog: HouseholdDialog) -> None:
        dialog.grab().save(str(DOCS / saved[1]))
        dialog.close()
        enrolment = view.detail.selected_enrolment()
        fees = view.roster.screen.fee_names if view.roster.screen else ()
        edit = EnrolmentDialog(
            shell.session, enrolment.child_ref, fees, enrolment, TODAY, shell.window
        )
        if not edit.extras.table.rowCount():
            row = edit.extras.add_extra()
            edit.extras.cell(row, 1).setText("250.00")
            edit.extras.cell(row, 2).setText("Swimming")
        edit.show()
        QTimer.singleShot(300, lambda: enrolment_shot(edit))

    def enrolment_shot(edit: EnrolmentDialog) -> None:
        edit.grab().save(str(DOCS / saved[2]))
        edit.close()
        app.quit()

    view.loaded.connect(loaded)
    run_until_quit(app, shell)
    return saved


def filters_pictures(app, path: Path) -> list[str]:
    """The Invoices tab narrowed by the filter bar, its panel of ranges open."""
    saved = ["invoice-filters.png"]
    shell = picture_shell(path)
    quiet_banner(shell)
    view = shell.window.invoices
    month = TODAY.replace(day=1)
    chosen = BarFilters(
        statuses=(InvoiceStatus.SENT, InvoiceStatus.OVERDUE, InvoiceStatus.PARTIALLY_PAID),
        fees=("Full Day (07:00-17:30)",),
        issued=(month_back(month, 2), None),
        balance=(100_000, None),
    )

    def ready(_workplace: object) -> None:
        shell.window.tabs.setCurrentWidget(view)
        view.loaded.connect(narrowed)
        view.filter_bar.show_filters(chosen)
        view.filter_bar.more_button.setChecked(True)
        view.select_month(None)

    def narrowed(_count: int) -> None:
        if view.current_filter().more != chosen:
            return
        view.loaded.disconnect(narrowed)
        view.table.selectRow(0)
        QTimer.singleShot(800, shot)

    def shot() -> None:
        shell.window.grab().save(str(DOCS / saved[0]))
        QSettings().remove("invoices")  # the later pictures open on the window's defaults
        app.quit()

    shell.session.workplace_changed.connect(ready)
    run_until_quit(app, shell)
    return saved


def offboarding_pictures(app, path: Path) -> list[str]:
    """The offboarding dialog over the Households tab: a child leaving, its credit applied."""
    saved = ["offboarding-dialog.png"]
    shell = picture_shell(path)
    view = shell.window.households
    taken: list[bool] = []

    def loaded(_count: int) -> None:
        view.loaded.disconnect(loaded)
        view.search.setText("BALOYI40")
        view.table.selectRow(0)
        dialog = view.open_offboarding()
        dialog.previewed.connect(lambda _plan: QTimer.singleShot(600, lambda: shot(dialog)))
        dialog.loaded.connect(lambda _n: choose(dialog))

    def choose(dialog) -> None:
        dialog.last_day.setDate(QDate(TODAY.year, TODAY.month, 20))
        dialog.apply.setChecked(True)

    def shot(dialog) -> None:
        # A preview's timer can fire after the picture was taken and the window stopped.
        if taken or not shiboken6.isValid(dialog) or not dialog.ok.isEnabled():
            return
        taken.append(True)
        dialog.grab().save(str(DOCS / saved[0]))
        dialog.close()
        app.quit()

    view.loaded.connect(loaded)
    run_until_quit(app, shell)
    return saved


def attachment_files(folder: Path) -> list[Path]:
    """What an office keeps with an invoice: a signed agreement, a proof of payment, a form."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, title in (
        ("enrolment-agreement.pdf", "Enrolment agreement, signed by both parents"),
        ("medical-form.pdf", "Medical and emergency contact form"),
    ):
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4)
        for line in range(40):
            canvas.drawString(72, 780 - line * 18, f"{title}: clause {line + 1}")
        canvas.showPage()
        canvas.save()
        path = folder / name
        path.write_bytes(out.getvalue())
        made.append(path)
    photo = QImage(900, 1200, QImage.Format.Format_RGB32)
    photo.fill(QColor("#f4f1e8"))
    photo_path = folder / "proof-of-payment.jpg"
    photo.save(str(photo_path), "JPG", 90)
    return [made[0], photo_path, made[1]]


def attachments_pictures(app, path: Path) -> list[str]:
    """The Invoices tab with an invoice's attachments listed: two kept earlier, one just added."""
    saved = ["invoice-attachments.png"]
    month = TODAY.replace(day=1)
    files = attachment_files(path.parent / "scans")
    book, _ = Book.open(settings_for(str(path)))
    with book.write(1) as uow:
        biggest = max(uow.invoices.find(InvoiceFilter(month=month)), key=lambda i: i.total_cents)
        number = biggest.number
        attach_files(uow, acting_user(uow, 1, "thandi"), number, files[:-1], book.settings.data_dir)
    book.close()
    shell = picture_shell(path)
    quiet_banner(shell)
    view = shell.window.invoices
    attachments = view.detail.attachments
    steps: list[str] = []

    def households_loaded(_count: int) -> None:
        shell.window.households.loaded.disconnect(households_loaded)
        shell.window.tabs.setCurrentWidget(view)
        view.loaded.connect(invoices_loaded)
        view.select_month(month)

    def invoices_loaded(_count: int) -> None:
        view.loaded.disconnect(invoices_loaded)
        attachments.listed.connect(listed)
        view.table.selectRow(view.model.row_of_number(number))

    def listed(_number: str, count: int) -> None:
        if count == len(files) - 1 and not steps:
            steps.append("attach")
            attachments.attach(files[-1:])  # as the office would drop it on the pane
        elif count == len(files) and steps == ["attach"]:
            steps.append("shot")
            QTimer.singleShot(1000, shot)

    def shot() -> None:
        view.detail.extras.setCurrentWidget(attachments)
        attachments.table.selectRow(0)
        app.processEvents()
        shell.window.grab().save(str(DOCS / saved[0]))
        app.quit()

    shell.window.households.loaded.connect(households_loaded)
    run_until_quit(app, shell)
    return saved


def mapped_statement(folder: Path) -> Path:
    """A statement in a layout no bank's profile reads (its date column is "Dated")."""
    rows = (
        ("EFT CREDIT", "MRS N DLAMINI INV-114", 485_000),
        ("CASH DEPOSIT", "RANDBURG BRANCH", 200_000),
        ("DEBIT ORDER", "ESKOM PREPAID", -125_000),
        ("EFT CREDIT", "P NAIDOO NAIDOO02", 350_000),
        ("EFT CREDIT", "GOGO M MOKOENA", 285_000),
        ("CARD PURCHASE", "WOOLWORTHS FOOD", -184_350),
        ("EFT CREDIT", "J VAN DER MERWE", 420_000),
        ("IMMEDIATE PAYMENT", "SALARIES", -3_850_000),
        ("EFT CREDIT", "T KHUMALO AMAHLE", 350_000),
        ("MONTHLY FEE", "ACCOUNT FEE", -28_500),
    )
    balance, first = 5_234_567, TODAY - dt.timedelta(days=2 * len(rows))
    lines = [
        "Account Holder;SUNFLOWER KIDS EDUCARE NPC",
        "Account Number;2004 5566 7788",
        f"Statement Period;{first:%Y/%m/%d} - {TODAY:%Y/%m/%d}",
        f"Opening Balance;{format_rands(balance)[2:]}",
        "",
        "Dated;Narration;Other Party;Outflow (ZAR);Inflow (ZAR);Running Total",
    ]
    dated = []
    for n, (kind, who, cents) in enumerate(rows):
        balance += cents
        amount = format_rands(abs(cents))[2:]
        money = f"{amount};" if cents < 0 else f";{amount}"
        day = first + dt.timedelta(days=2 * n)
        dated.append(f"{day:%Y/%m/%d};{kind};{who};{money};{format_rands(balance)[2:]}")
    path = folder / "statement export.csv"
    path.write_text("\r\n".join([*lines, *reversed(dated), ""]), encoding="utf-8")
    return path


HISTORY_HEADER = (
    "number,household_ref,child_ref,issue_date,due_date,description,total,amount_paid,vat,paid_date"
)
HISTORY_FAMILIES = (("ADAMS19", "ADAMS19-1", 4_850), ("BOTHA04", "BOTHA04-1", 3_200),
                    ("CHETTY30", "CHETTY30-2", 4_850))  # fmt: skip
# What BOTHA04 paid of the last two months' fees: half, then nothing; the rest paid in full.
HISTORY_UNPAID = {("BOTHA04", 5): 0.5, ("BOTHA04", 4): 0.0}


def history_file(folder: Path) -> Path:
    """Six months of a previous system's invoices for three of the demo's households.

    The months before the demo's own (its last three months are lived in the book).
    """
    lines = [HISTORY_HEADER]
    number = 4101
    for months_back in range(9, 3, -1):
        issued = month_back(TODAY.replace(day=1), months_back)
        for household, child, fee in HISTORY_FAMILIES:
            paid = round(fee * HISTORY_UNPAID.get((household, months_back), 1.0))
            when = (issued + dt.timedelta(days=4)).isoformat() if paid else ""
            lines.append(
                f"SK{number},{household},{child},{issued},{issued + dt.timedelta(days=6)},"
                f"{issued:%B %Y} school fees,{fee}.00,{paid}.00,,{when}"
            )
            number += 1
    path = folder / "previous system invoices.csv"
    path.write_text("\n".join([*lines, ""]), encoding="utf-8")
    return path


def history_import_pictures(app, path: Path) -> list[str]:
    """The Invoices tab's Import history dialog previewing a previous system's file."""
    saved = ["invoice-history-import.png"]
    shell = picture_shell(path)

    def ready(_workplace: object) -> None:
        dialog = HistoryImportDialog(shell.session, shell.window)
        dialog.previewed.connect(lambda _f: QTimer.singleShot(400, lambda: shot(dialog)))
        dialog.show()
        dialog.set_path(history_file(path.parent))

    def shot(dialog: HistoryImportDialog) -> None:
        dialog.path.blockSignals(True)  # where the file would be on the office computer
        dialog.path.setText("/home/office/Documents/previous system invoices.csv")
        dialog.path.blockSignals(False)
        app.processEvents()
        dialog.grab().save(str(DOCS / saved[0]))
        dialog.close()
        app.quit()

    shell.startup.ready.connect(ready)
    run_until_quit(app, shell)
    return saved


def import_dialog_picture(app, path: Path, name: str, begin) -> list[str]:
    """A picture taken from the import dialog over the book at ``path``.

    ``begin(dialog, shoot)`` sets the dialog going and calls ``shoot(widget)``
    when the widget to picture is ready; the picture is saved as ``docs/name``.
    """
    shell = picture_shell(path)

    def shoot(widget) -> None:
        widget.grab().save(str(DOCS / name))
        widget.close()
        app.quit()

    def ready(_workplace: object) -> None:
        begin(ImportDialog(shell.session, shell.window), shoot)

    shell.startup.ready.connect(ready)
    run_until_quit(app, shell)
    return [name]


def mapping_pictures(app, path: Path) -> list[str]:
    """The import dialog's mapping step for a layout no profile reads, its columns chosen."""

    def begin(dialog, shoot) -> None:
        def choose(step) -> None:
            step.skip.setValue(5)
            roles = ("date", "description", "description", "money out", "money in", "balance")
            for column, role in enumerate(roles):
                step.set_role(column, role)
            step.show()
            QTimer.singleShot(300, lambda: shoot(step))

        dialog.mapping_opened.connect(lambda step: QTimer.singleShot(300, lambda: choose(step)))
        dialog.show()
        dialog.set_path(str(mapped_statement(path.parent)))

    return import_dialog_picture(app, path, "bank-mapping.png", begin)


def broken_pdf(folder: Path) -> Path:
    """An FNB-style PDF statement whose fourth balance is R 10,00 off the lines above it."""
    # The test suite draws statements in the banks' layouts; this picture borrows it.
    sys.path.insert(0, str(DOCS.parent))
    from tests.pdf_drawing import Txn  # noqa: PLC0415
    from tests.pdf_statements import FNB, render, with_spec  # noqa: PLC0415

    start = dt.date(2026, 3, 2)
    days_and_lines = (
        (0, ("MAGTAPE CREDIT", "DLAMINI01"), 485_000),
        (1, ("FNB APP PAYMENT FROM", "NAIDOO02"), 350_000),
        (3, ("DEBIT ORDER", "ESKOM PREPAID"), -125_000),
        (6, ("POS PURCHASE", "WOOLWORTHS FOOD"), -184_350),
        (8, ("MAGTAPE CREDIT", "MOKOENA04"), 285_000),
        (9, ("#MONTHLY ACCOUNT FEE",), -28_500),
    )
    txns = [Txn(start + dt.timedelta(days=d), lines, c) for d, lines, c in days_and_lines]
    opening = 1_234_567
    fourth = opening + sum(t.cents for t in txns[:4]) + 1_000
    path = folder / "March statement.pdf"
    path.write_bytes(render(with_spec(FNB, breaks={3: fourth}), txns, opening))
    return path


def pdf_break_pictures(app, path: Path) -> list[str]:
    """The import dialog on a PDF statement that does not add up, its breaking line marked."""

    def begin(dialog, shoot) -> None:
        def when_marked() -> None:
            if dialog.chain_break_row is None:
                QTimer.singleShot(100, when_marked)
            else:
                QTimer.singleShot(200, lambda: shoot(dialog))

        dialog.show()
        dialog.set_path(str(broken_pdf(path.parent)))
        when_marked()

    return import_dialog_picture(app, path, "import-pdf-break.png", begin)


XERO_REFUSAL = "Invoice # must be unique."
"""Xero's own words for an invoice it refused, as the Sync tab's picture shows them."""
XERO_ORGANISATION = "Sunflower Kids Educare NPC"


def xero_standin():
    """The tests' Xero stand-in on loopback, with the code pointed at it.

    No keyring is used: the connection is kept for this process only, as on a
    machine without one, so nothing is left in the keyring of whoever runs this.
    """
    import keyring  # noqa: PLC0415
    from keyring.backends import fail  # noqa: PLC0415

    sys.path.insert(0, str(DOCS.parent))
    from tests.xero_standin import XeroStandin  # noqa: PLC0415

    keyring.set_keyring(fail.Keyring())
    standin = XeroStandin(organisations=(XERO_ORGANISATION, "Sunflower Kids Holdings")).start()
    for site, url in (
        ("LOGIN", standin.login_url),
        ("IDENTITY", standin.identity_url),
        ("API", standin.api_url),
    ):
        os.environ[f"CRECHEBOOKS_XERO_{site}_URL"] = url
    return standin


def connected_book(path: Path, standin) -> None:
    """The admin book connected to the stand-in and synced once: one invoice refused, a few new
    payments pending since."""
    import requests  # noqa: PLC0415

    from crechebooks_desktop.integrations.xero.connect import api_for, connect  # noqa: PLC0415
    from crechebooks_desktop.integrations.xero.sync import run_sync  # noqa: PLC0415

    admin_book(path)
    book, _ = Book.open(settings_for(str(path)))
    since = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with book.read(1) as uow:
        admin = acting_user(uow, 1, None)
    connect(
        book,
        admin,
        standin.client_id,
        show_url=lambda url: requests.get(url, timeout=10),
        choose=lambda found: found[0],
        sync_from=since,
        timeout=30,
    )
    with book.write(1) as uow:
        set_mapping(uow, admin, "account", "*", "200")  # all income to Sales...
        set_mapping(uow, admin, "account", "4030", "260")  # ...but meals to Other Revenue
        queue_since(uow, admin, since)
        queued = [i.entity_id for i in uow.sync_outbox.pending(SyncTarget.XERO)
                  if i.entity == "invoice"]  # fmt: skip
        # An unpaid one: a payment on a refused invoice would wait for it, a second failure.
        refused = next(v.number for v in uow.invoices.by_ids(queued) if not v.amount_paid_cents)
    standin.reject_element("Invoices", {"InvoiceNumber": refused}, XERO_REFUSAL)
    run_sync(book, admin, api_for(book, admin))
    with book.write(1) as uow:  # paid since the sync: pending until the next
        for ref, cents in (("BOTHA04", 350_000), ("CELE37", 285_000), ("FOURIE22", 240_000)):
            add_payment(uow, admin, ref, cents, TODAY, PaymentMethod.EFT, ref)
    book.close()


def sync_pictures(app, path: Path) -> list[str]:
    """The Sync tab connected to Xero, a few items pending and one refused; then its mappings."""
    saved = ["sync-panel.png", "xero-mappings.png"]
    standin = xero_standin()
    connected_book(path, standin)
    shell = picture_shell(path)
    quiet_banner(shell)
    view = shell.window.sync

    def ready(_workplace: object) -> None:
        view.loaded.connect(loaded)
        shell.window.tabs.setCurrentWidget(view)

    def loaded(_state: object) -> None:
        view.loaded.disconnect(loaded)
        view.failed_table.selectRow(0)
        QTimer.singleShot(500, tab_shot)

    def tab_shot() -> None:
        shell.window.grab().save(str(DOCS / saved[0]))
        dialog = view.sync_actions.open_mappings()
        dialog.chart_loaded.connect(lambda _chart: QTimer.singleShot(400, lambda: maps(dialog)))

    def maps(dialog) -> None:
        dialog.grab().save(str(DOCS / saved[1]))
        dialog.close()
        app.quit()

    shell.startup.ready.connect(ready)
    run_until_quit(app, shell)
    standin.stop()
    return saved


def quick_find_pictures(app, path: Path) -> list[str]:
    """The Invoices tab with quick find's suggestions for part of a number."""
    saved = ["invoice-quick-find.png"]
    shell = picture_shell(path)
    quiet_banner(shell)
    view = shell.window.invoices

    def ready(_workplace: object) -> None:
        view.loaded.connect(loaded)
        shell.window.tabs.setCurrentWidget(view)
        view.select_month(None)

    def loaded(_count: int) -> None:
        view.loaded.disconnect(loaded)
        view.quick_find.suggested.connect(suggested)
        view.search.setFocus()
        view.search.setText("00012")
        view.quick_find.ask()

    def suggested(_found: object) -> None:
        view.quick_find.suggested.disconnect(suggested)
        QTimer.singleShot(600, shot)

    def shot() -> None:
        # The popup is a window of its own: paint it over the window, under the search
        # box as a screen shows it (the offscreen screen, 800 wide, pushes it aside).
        picture = shell.window.grab()
        popup = view.quick_find.popup
        at = view.search.mapTo(shell.window, view.search.rect().bottomLeft())
        at.setX(min(at.x(), shell.window.width() - popup.width()))  # as at a screen's edge
        painter = QPainter(picture)
        painter.drawPixmap(at, popup.grab())
        painter.end()
        picture.save(str(DOCS / saved[0]))
        app.quit()

    shell.startup.ready.connect(ready)
    run_until_quit(app, shell)
    return saved


def first_run_picture(app) -> None:
    dialog = FirstRunDialog("/home/office/CrecheBooks/book.sqlite")
    dialog.name.setText("Little Acorns Educare")
    dialog.vat_number.setText("4111 222 333")
    dialog.sibling_discounts.setText("0,10,15")
    dialog.resize(560, dialog.sizeHint().height())
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(DOCS / "first-run.png"))


def sign_in_picture(app) -> None:
    """The demo book's sign-in: it names its public user and password."""
    request = SignInRequest(
        "Sunflower Kids Educare",
        (("admin", PASSWORD), ("thandi", PASSWORD), ("zanele", SETUP_CODE)),
        "admin",
        note="This is the demo book: sign in as admin with the password demo.",
    )
    dialog = SignInDialog(request)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(DOCS / "sign-in.png"))
    dialog.user.setCurrentText("zanele")  # a new user's first sign-in: the set-up code
    app.processEvents()
    dialog.grab().save(str(DOCS / "sign-in-set-up-code.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    only = {
        "admin": admin_pictures,
        "attachments": attachments_pictures,
        "roster": roster_pictures,
        "offboarding": offboarding_pictures,
        "filters": filters_pictures,
        "mapping": mapping_pictures,
        "pdf": pdf_break_pictures,
        "sync": sync_pictures,
        "quick-find": quick_find_pictures,
        "invoice-history": history_import_pictures,
    }
    parser.add_argument("--only", choices=sorted(only), help="render only these pictures")
    args = parser.parse_args()
    own_window_settings()
    app = application()
    if args.only is not None:
        with tempfile.TemporaryDirectory() as tmp:
            admin = Path(tmp) / "Sunflower Kids admin" / "book.sqlite"
            pictures = only[args.only]
            if pictures is not sync_pictures:  # it makes its own, connected to Xero
                admin_book(admin)
            for name in pictures(app, admin):
                print(f"saved docs/{name}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Sunflower Kids" / "book.sqlite"
        demo_book(path)
        window_pictures(app, path)
        history = Path(tmp) / "Sunflower Kids history" / "book.sqlite"
        history_book(history)
        later = statements_pictures(app, history)
        admin = Path(tmp) / "Sunflower Kids admin" / "book.sqlite"
        admin_book(admin)
        later += admin_pictures(app, admin)
        later += roster_pictures(app, admin)
        later += filters_pictures(app, admin)
        later += offboarding_pictures(app, admin)
        later += attachments_pictures(app, admin)
        later += mapping_pictures(app, admin)
        later += pdf_break_pictures(app, admin)
        later += quick_find_pictures(app, admin)
        later += history_import_pictures(app, admin)
        later += sync_pictures(app, Path(tmp) / "Sunflower Kids Xero" / "book.sqlite")
    first_run_picture(app)
    sign_in_picture(app)
    pictures = (
        "main-window.png",
        "invoices-tab.png",
        "ledger-tab.png",
        "matching-tab.png",
        "import-statement.png",
        "reconciliation-tab.png",
    )
    for name in (*pictures, *later, "first-run.png", "sign-in.png", "sign-in-set-up-code.png"):
        print(f"saved docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
