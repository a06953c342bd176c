"""Opening a book in the window.

Open and upgrade it off the GUI thread, set up a new book, then choose the
creche and the acting user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QWidget

from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.errors import BookNotFound, UserFacingError
from crechebooks_desktop.settings import Settings, describe
from crechebooks_desktop.ui.ops import BookSession, Workplace
from crechebooks_desktop.ui.setup.first_run import FirstRunChoice, FirstRunDialog
from crechebooks_desktop.ui.setup.sign_in import (
    AS_SOLE_USER,
    NO_PASSWORD_YET,
    SETUP_CODE,
    Credentials,
    SignInDialog,
    SignInRequest,
)

FirstRunPrompt = Callable[[str], FirstRunChoice | None]
CrechePrompt = Callable[[list[str]], str | None]
SignInPrompt = Callable[[SignInRequest], Credentials | None]


@dataclass(frozen=True, slots=True)
class _Opened:
    book_name: str
    creches: tuple[CrecheSettings, ...]
    upgraded_from: str | None
    backup: str | None
    missing: bool = False  # no book there yet: the first-run set-up creates it


def ask_first_run(parent: QWidget | None) -> FirstRunPrompt:
    """The real first-run prompt: a modal dialog."""

    def prompt(book_name: str) -> FirstRunChoice | None:
        dialog = FirstRunDialog(book_name, parent)
        return dialog.choice if dialog.exec() else None

    return prompt


def ask_sign_in(parent: QWidget | None) -> SignInPrompt:
    """The real sign-in prompt: a modal dialog."""

    def prompt(request: SignInRequest) -> Credentials | None:
        dialog = SignInDialog(request, parent)
        return dialog.credentials if dialog.exec() else None

    return prompt


def ask_creche(parent: QWidget | None) -> CrechePrompt:
    """The real creche chooser, for books holding several creches."""

    def prompt(names: list[str]) -> str | None:
        name, ok = QInputDialog.getItem(parent, "Choose a creche", "Creche:", names, 0, False)
        return name if ok else None

    return prompt


class Startup(QObject):
    """Brings the window from "opening" to a chosen creche and user.

    Signals:
        ready(object): the ``Workplace`` is set.
        failed(object): the book could not be opened or set up.
        cancelled(): the user declined to set up a new book.
    """

    ready = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(
        self,
        session: BookSession,
        settings: Settings,
        creche_name: str | None,
        username: str | None,
        first_run: FirstRunPrompt,
        choose_creche: CrechePrompt,
        sign_in: SignInPrompt | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self._creche_name = creche_name
        self._username = username
        self._first_run = first_run
        self._choose_creche = choose_creche
        self._sign_in = sign_in  # None: act as --user or the first admin (screenshots, tests)
        self.opened: _Opened | None = None

    def start(self) -> None:
        """Open the book in the background."""
        self._session.run(self._open, self._on_opened, self.failed.emit)

    def _open(self) -> _Opened:  # database thread
        # SQLAlchemy, Alembic and the services load here, on the database thread,
        # so the window is on screen half a second sooner.
        from crechebooks_desktop.db.book import Book  # noqa: PLC0415

        try:
            book, result = Book.open(self._settings)
        except BookNotFound:
            # Nothing is created until the first-run set-up is finished (issue 10).
            return _Opened(describe(self._settings), (), None, None, missing=True)
        self._session.attach(book)
        with book.read() as uow:
            found = tuple(uow.tenants.all())
        return _Opened(
            book.name, found, result.from_revision, str(result.backup) if result.backup else None
        )

    def _on_opened(self, opened: _Opened) -> None:
        self.opened = opened
        if opened.creches:
            self._choose(opened.creches)
            return
        choice = self._first_run(opened.book_name)
        if choice is None:
            self.cancelled.emit()
            return
        # Whoever just set the book up carries on as its administrator, unasked.
        self._username = choice.new_creche.admin_username if choice.new_creche else "admin"
        self._sign_in = None
        self._session.run(lambda: self._set_up(choice), self._choose, self.failed.emit)

    def _set_up(self, choice: FirstRunChoice) -> tuple[CrecheSettings, ...]:  # database thread
        from crechebooks_desktop.db.book import Book  # noqa: PLC0415
        from crechebooks_desktop.services.admin import creches  # noqa: PLC0415
        from crechebooks_desktop.services.demo import creche as demo  # noqa: PLC0415

        if self.opened is not None and self.opened.missing:
            created, _result = Book.open(self._settings, create=True)
            self._session.attach(created)
        book = self._session.book()
        try:
            with book.write() as uow:
                if choice.demo:
                    demo.create_demo_creche(uow, dt.date.today())  # noqa: DTZ011 - local "today"
                elif choice.new_creche is not None:
                    creches.init_creche(uow, choice.new_creche)
        except BaseException:
            # Only a finished set-up leaves a book (issue 13): the file made for it goes.
            if book.discard_unfinished():
                self._session.attach(None)
            raise
        with book.read() as uow:
            return tuple(uow.tenants.all())

    def _choose(self, found: tuple[CrecheSettings, ...]) -> None:
        name = self._creche_name
        if name is None and len(found) > 1:
            name = self._choose_creche([c.name for c in found])
            if name is None:
                self.cancelled.emit()
                return
        if self._sign_in is None:
            username = self._username
            self._session.run(
                lambda: self._workplace(name, username), self._on_workplace, self.failed.emit
            )
            return
        self._session.run(lambda: self._sign_in_request(name), self._ask, self.failed.emit)

    def _sign_in_request(self, name: str | None) -> tuple[CrecheSettings, SignInRequest]:
        from crechebooks_desktop.services import demo  # noqa: PLC0415
        from crechebooks_desktop.services.admin import (  # noqa: PLC0415
            creches,
            sign_in,
            users,
        )

        with self._session.book().read() as uow:  # database thread
            creche = creches.select_creche(uow, name)
            scoped = uow.for_tenant(creche.tenant_id)
            found = [u for u in users.list_users(scoped, creche.tenant_id) if u.active and u.role]
            note = demo.sign_in_note(scoped, creche.tenant_id)
            people = tuple(
                (u.username, sign_in.way_in(scoped, creche.tenant_id, u.username).name)
                for u in found
            )
        admins = [u.username for u in found if u.role and u.role.value == "admin"]
        preselect = self._username or (admins[0] if admins else None)
        return creche, SignInRequest(creche.name, people, preselect, note=note)

    def _ask(self, pending: tuple[CrecheSettings, SignInRequest]) -> None:
        creche, request = pending
        assert self._sign_in is not None  # noqa: S101 - only reached when signing in
        credentials = self._sign_in(request)
        if credentials is None:
            self.cancelled.emit()
            return

        def retry(error: BaseException) -> None:
            if not isinstance(error, UserFacingError):
                self.failed.emit(error)
                return
            self._ask((creche, replace(request, preselect=credentials.username, error=str(error))))

        self._session.run(lambda: self._check(creche, credentials), self._on_workplace, retry)

    def _check(self, creche: CrecheSettings, credentials: Credentials) -> Workplace:
        from crechebooks_desktop.services.admin import (  # noqa: PLC0415
            sign_in,
            users,
        )

        book = self._session.book()  # database thread
        tenant, name = creche.tenant_id, credentials.username
        # A refusal is committed (it is audited) before it is raised.
        with book.write(tenant) as uow:
            if credentials.way == SETUP_CODE:
                outcome = sign_in.redeem_setup_code(
                    uow, tenant, name, credentials.code, credentials.password
                )
            elif credentials.way == NO_PASSWORD_YET:
                outcome = users.set_first_password(uow, tenant, name, credentials.password)
            elif credentials.way == AS_SOLE_USER:
                outcome = sign_in.act_without_password(uow, tenant, name)
            else:
                outcome = sign_in.sign_in(uow, tenant, name, credentials.password)
        if isinstance(outcome, sign_in.Refused):
            raise outcome.error()
        return Workplace(book.name, creche, outcome)

    def _workplace(self, name: str | None, username: str | None) -> Workplace:  # database thread
        from crechebooks_desktop.services.admin import (  # noqa: PLC0415
            creches,
            users,
        )

        book = self._session.book()
        with book.read() as uow:
            creche = creches.select_creche(uow, name)
            actor = users.acting_user(uow.for_tenant(creche.tenant_id), creche.tenant_id, username)
        return Workplace(book.name, creche, actor)

    def _on_workplace(self, workplace: Workplace) -> None:
        self._session.set_workplace(workplace)
        self.ready.emit(workplace)
