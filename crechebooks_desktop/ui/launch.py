"""Start the window: Qt application, style, background worker, main window."""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.paths import resources_dir
from crechebooks_desktop.services.documents import write_atomically
from crechebooks_desktop.settings import describe, settings_for
from crechebooks_desktop.ui.common.errors import log_bug, report
from crechebooks_desktop.ui.executor import Executor
from crechebooks_desktop.ui.main_window import MainWindow
from crechebooks_desktop.ui.ops import BookSession
from crechebooks_desktop.ui.setup.sign_in import (
    AS_SOLE_USER,
    NO_PASSWORD_YET,
    Credentials,
    SignInRequest,
)
from crechebooks_desktop.ui.startup import (
    SignInPrompt,
    Startup,
    ask_creche,
    ask_first_run,
    ask_sign_in,
)

log = logging.getLogger(__name__)


# Qt's xcb platform plugin loads these when it starts, beyond Qt's own libraries; with
# one missing, Qt aborts with "could not load the Qt platform plugin" (issue 13).
XCB_LIBRARIES = {
    "libxcb-cursor0": "libxcb-cursor.so.0",
    "libxcb-icccm4": "libxcb-icccm.so.4",
    "libxcb-image0": "libxcb-image.so.0",
    "libxcb-keysyms1": "libxcb-keysyms.so.1",
    "libxcb-render-util0": "libxcb-render-util.so.0",
    "libxcb-shape0": "libxcb-shape.so.0",
    "libxkbcommon-x11-0": "libxkbcommon-x11.so.0",
}


def missing_window_packages(load: Callable[[str], object] = ctypes.CDLL) -> list[str]:
    """The Debian/Ubuntu packages the X11 window needs and does not find, by name.

    Asked only where Qt will use its xcb plugin (Linux, ``QT_QPA_PLATFORM``
    xcb, or unset on an X11 display); elsewhere nothing is missing.

    Args:
        load: loads a shared library by its name, raising OSError if it cannot.
    """
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    x11 = bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")
    if sys.platform != "linux" or not (chosen == "xcb" or (not chosen and x11)):
        return []
    missing = []
    for package, library in XCB_LIBRARIES.items():
        try:
            load(library)
        except OSError:
            missing.append(package)
    return missing


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _quiet_offscreen_notes(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    # The offscreen platform (screenshots) cannot size native windows and says so each time.
    if "does not support propagateSizeHints" not in message:
        log.log(logging.WARNING if kind != QtMsgType.QtDebugMsg else logging.DEBUG, message)
        if kind in {QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg, QtMsgType.QtWarningMsg}:
            print(f"Qt: {message}", file=sys.stderr)


def application() -> QApplication:
    """The QApplication, styled with the bundled font and style sheet."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("CrecheBooks")
    app.setOrganizationName("CrecheBooks")
    font_file = resources_dir() / "fonts" / "DejaVuSans.ttf"
    if font_file.exists():
        QFontDatabase.addApplicationFont(str(font_file))
    app.setFont(QFont("DejaVu Sans", 10))
    app.setStyleSheet((resources_dir() / "style.qss").read_text(encoding="utf-8"))
    return app


class Shell:
    """The running window and what it needs; built by ``launch`` and by tests."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        interactive: bool = True,
        sign_in: SignInPrompt | None = None,
    ) -> None:
        """The window for ``args``' book.

        Args:
            args: the parsed command line.
            interactive: ask with dialogs (first run, creche, sign-in).
            sign_in: when not interactive, how the user signs in (``--screenshot``
                passes the password given on standard input); None acts as
                ``--user`` unchecked, for tests that build the window themselves.
        """
        settings = settings_for(args.db)
        self.executor = Executor()
        self.session = BookSession(self.executor)
        self.window = MainWindow(self.session, describe(settings))
        self.window.resize(1280, 800)
        self.startup = Startup(
            self.session,
            settings,
            args.creche,
            args.user,
            ask_first_run(self.window) if interactive else (lambda _name: None),
            ask_creche(self.window) if interactive else (lambda _names: None),
            ask_sign_in(self.window) if interactive else sign_in,
        )
        self.startup.failed.connect(self.window.show_open_failure)
        self.startup.ready.connect(lambda _w: self.window.households.reload())
        self.startup.ready.connect(self.window.invoices.mark_overdue_on_open)

    def start(self) -> None:
        """Show the window and open the book in the background."""
        self.window.show()
        self.startup.start()

    def stop(self) -> None:
        """Stop the Xero work, close the book on its thread, then stop the thread."""
        self.window.sync.shutdown()
        self.session.close(lambda _r: None)
        self.executor.shutdown()


def launch(args: argparse.Namespace) -> int:
    """Open the main window on the book named by ``--db`` (or the default book).

    Returns:
        The exit status.
    """
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not _has_display():
        print(
            "crechebooks: error: there is no display to open the window on "
            "(DISPLAY is not set); run it on a desktop, or add --screenshot FILE.png "
            "to save a picture of the window instead",
            file=sys.stderr,
        )
        return 1
    missing = missing_window_packages()
    if missing:
        print(
            "crechebooks: error: the window needs system libraries that are not installed: "
            f"{', '.join(missing)}; install them with `sudo apt-get install {' '.join(missing)}` "
            "(./scripts/setup does)",
            file=sys.stderr,
        )
        return 1
    qInstallMessageHandler(_quiet_offscreen_notes)
    app = application()
    sys.excepthook = lambda _t, exc, _tb: report(None, exc, "finish that")
    shell = Shell(
        args, interactive=not screenshot, sign_in=given_sign_in(args) if screenshot else None
    )
    if screenshot:
        _save_when_loaded(shell, app, Path(screenshot))
    if not screenshot:  # a picture's run says why and exits 1 (_save_when_loaded)
        shell.startup.cancelled.connect(app.quit)
    shell.start()
    try:
        return app.exec()
    finally:
        shell.stop()


def given_sign_in(args: argparse.Namespace) -> SignInPrompt:
    """Sign-in without a dialog (``--screenshot``): ``--user`` and ``--password-stdin``.

    The book's only user without a password yet needs neither. A refusal is
    said on stderr and ends the run (no second try without a person there).
    """
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else ""

    def prompt(request: SignInRequest) -> Credentials | None:
        ways = {name.lower(): (name, way) for name, way in request.users}
        wanted = args.user or (request.users[0][0] if len(request.users) == 1 else None)
        found = ways.get(wanted.lower()) if wanted else None
        problem = request.error
        if problem is None and wanted is None:
            problem = f"{request.creche_name} has several users: say who you are with --user NAME"
        elif problem is None and found is None:
            problem = "wrong user name or password"
        elif problem is None and found and found[1] != NO_PASSWORD_YET and not password:
            problem = f"{found[0]}'s password is needed: give it with --password-stdin"
        if problem is not None or found is None:
            print(f"crechebooks: error: {problem}", file=sys.stderr)
            return None
        name, way = found
        return Credentials(name, password, AS_SOLE_USER if way == NO_PASSWORD_YET else way)

    return prompt


def _save_when_loaded(shell: Shell, app: QApplication, path: Path) -> None:
    def save(_count: int) -> None:
        # Once: the list may load twice at start-up (the creche chosen, the tab shown), and
        # a second picture would be written and announced again before the quit takes effect.
        shell.window.households.loaded.disconnect(save)
        # Let the table lay itself out before the picture is taken.
        QTimer.singleShot(200, lambda: _grab(shell, app, path))

    def give_up(error: BaseException) -> None:
        message = str(error) if isinstance(error, UserFacingError) else repr(error)
        if not isinstance(error, UserFacingError):
            log_bug(error)
        print(f"crechebooks: error: cannot open the book: {message}", file=sys.stderr)
        app.exit(1)

    shell.window.households.loaded.connect(save)
    shell.startup.failed.connect(give_up)

    def cancelled() -> None:
        opened = shell.startup.opened
        if opened is None or not opened.creches:  # else the sign-in said why
            print(
                "crechebooks: error: the book has no creche; run `crechebooks demo` or "
                "`crechebooks init` first",
                file=sys.stderr,
            )
        app.exit(1)

    shell.startup.cancelled.connect(cancelled)


def _grab(shell: Shell, app: QApplication, path: Path) -> None:
    # The picture shows families' names and debts: written owner-only, like an export.
    png = QByteArray()
    buffer = QBuffer(png)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    shell.window.grab().save(buffer, "PNG")
    buffer.close()
    try:
        write_atomically(path, bytes(png.data()))
    except UserFacingError as exc:
        print(f"crechebooks: error: {exc}", file=sys.stderr)
        app.exit(1)
        return
    print(f"saved a picture of the main window to {path}")
    app.quit()
