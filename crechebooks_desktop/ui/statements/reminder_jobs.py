"""What the reminders dialog asks of the book; each function runs on the database thread.

``load_preview`` is ``reminders.preview`` as rows. ``plan_send`` reads the
creche's mail settings and looks the SMTP password up; ``send_reminders`` is
``crechebooks reminders send``: the password first, then the reminders
decided, written, kept and queued in one transaction, then the queue e-mailed
with progress and Cancel (or, with no SMTP server set, the letters left for
printing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.ui.common import mail_password
from crechebooks_desktop.ui.common.mail_password import PasswordLookup
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.creche import CrecheSettings
    from crechebooks_desktop.exporters.reminder_delivery import ReminderDelivery
    from crechebooks_desktop.services.delivery.report import DeliveryReport, MessageOutcome
    from crechebooks_desktop.services.household_statements.reminders import ReminderPreview
    from crechebooks_desktop.services.tasks import TaskState


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """A household due a reminder: to whom (None: printed), its level, total and invoices."""

    ref: str
    name: str
    email: str | None
    level: int
    total_cents: int
    invoices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A household with invoices past due that gets no reminder, and why."""

    ref: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReminderScreen:
    """Who would get which reminder on a day, and who would not."""

    as_of: dt.date
    rows: tuple[ReminderRow, ...]
    skipped: tuple[SkippedRow, ...]

    @property
    def total_cents(self) -> int:
        """What the reminders ask for together."""
        return sum(row.total_cents for row in self.rows)


@dataclass(frozen=True, slots=True)
class SendPlan:
    """How reminders would go now: by e-mail (the creche's server set) or printed."""

    creche: CrecheSettings
    password: PasswordLookup

    @property
    def email(self) -> bool:
        """Whether an SMTP server is set."""
        return self.creche.smtp is not None


@dataclass(frozen=True, slots=True)
class Failure:
    """A message that did not go (or may not have), to whom, and the server's words."""

    who: str
    error: str


@dataclass(frozen=True, slots=True)
class SendResult:
    """What Send did.

    Attributes:
        decided: how many reminders were due when they were decided.
        emailed: messages the server took in this run.
        failed: messages that failed or are uncertain, with why.
        printed: households whose letters are to be printed (name and account).
        folders: where the letters are (one per year).
        still_queued: messages left in the outbox (cancelled, or the run stopped).
        stopped: why the run stopped early, if it did.
        email: whether e-mail was used at all (an SMTP server is set).
    """

    decided: int
    emailed: int
    failed: tuple[Failure, ...]
    printed: tuple[str, ...]
    folders: tuple[Path, ...]
    still_queued: int
    stopped: str | None
    email: bool


def screen_of(found: ReminderPreview) -> ReminderScreen:
    """The service's preview as rows for the dialog."""
    rows = tuple(
        ReminderRow(
            view.party.household_ref,
            view.party.parent_name,
            view.party.email or None,
            view.due.level,
            view.due.total_cents,
            tuple(line.number for line in view.due.lines),
        )
        for view in found.reminders
    )
    skipped = tuple(SkippedRow(ref, name, reason) for ref, name, reason in found.skipped)
    return ReminderScreen(found.as_of, rows, skipped)


def load_preview(book: Book, workplace: Workplace, as_of: dt.date) -> ReminderScreen:
    """``reminders preview`` on ``as_of`` (a read transaction)."""
    from crechebooks_desktop.services.household_statements import reminders  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        return screen_of(reminders.preview(uow, as_of))


def plan_send(book: Book, workplace: Workplace) -> SendPlan:
    """The creche's settings as they are now, and the SMTP password if one is needed and had."""
    tenant = workplace.creche.tenant_id
    with book.read(tenant) as uow:
        creche = uow.tenants.get(tenant) or workplace.creche
    if creche.smtp is None:
        return SendPlan(creche, PasswordLookup())
    return SendPlan(creche, mail_password.look_up(creche.smtp))


def send_reminders(
    book: Book,
    workplace: Workplace,
    plan: SendPlan,
    as_of: dt.date,
    typed: str | None,
    task: TaskState,
) -> SendResult:
    """``reminders send``: the password, then decide-write-keep-queue, then e-mail the queue.

    Raises:
        UserFacingError: the password was needed and not given (nothing was
            queued), or the reminders could not be decided (nothing changed).
    """
    from crechebooks_desktop.exporters.reminder_delivery import queue_reminders  # noqa: PLC0415
    from crechebooks_desktop.integrations.smtp import send_queue  # noqa: PLC0415

    creche, actor = plan.creche, workplace.actor
    # Asked before anything changes: without a password nothing is recorded or queued.
    password = mail_password.resolve(creche.smtp, typed) if creche.smtp else None
    with book.write(creche.tenant_id) as uow:
        done = queue_reminders(uow, actor, as_of, book.settings.data_dir, creche, email=plan.email)
    report = None
    if plan.email:  # the whole queue, as the command does: what waited from before goes too
        report = send_queue(
            lambda: book.write(creche.tenant_id), actor, creche, password, task=task
        )
    return result_of(done, report, email=plan.email)


def result_of(done: ReminderDelivery, report: DeliveryReport | None, *, email: bool) -> SendResult:
    """The run as plain values for the summary."""
    failed: list[MessageOutcome] = []
    if report is not None:
        failed = [*report.failed, *report.uncertain]
    return SendResult(
        decided=len(done.decided.reminders),
        emailed=len(report.sent) if report else 0,
        failed=tuple(Failure(_who(m), m.error or "not sent") for m in failed),
        printed=tuple(f"{m.household_name} ({m.household_ref})" for m in done.printed),
        folders=tuple(dict.fromkeys(path.parent for path in done.letters)),
        still_queued=report.still_queued if report else 0,
        stopped=report.stopped if report else None,
        email=email,
    )


def _who(outcome: MessageOutcome) -> str:
    addresses = ", ".join(outcome.recipients)
    if outcome.household_ref:
        return f"{outcome.household_name} ({outcome.household_ref}) <{addresses}>"
    return f"<{addresses}>"
