"""What the scheduled-jobs bar asks of the book; each function runs on the database thread.

``load_due`` is ``crechebooks jobs status``; ``run_jobs`` is ``jobs run``
with the reminders' work as the window does it: the SMTP password was had
before the run (the keyring, else asked once per session), so the reminders
are e-mailed with progress and Cancel, or printed when no server is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crechebooks_desktop.ui.common import mail_password
from crechebooks_desktop.ui.common.mail_password import PasswordLookup
from crechebooks_desktop.ui.ops import Workplace

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.domain.creche import CrecheSettings
    from crechebooks_desktop.domain.roles import Actor
    from crechebooks_desktop.services.billing.monthly_run import Transactions
    from crechebooks_desktop.services.jobs.schedule import Work
    from crechebooks_desktop.services.tasks import TaskState

REMINDERS = "reminders"
"""``schedule.REMINDERS`` (the schedule loads with the services, on the database thread)."""


@dataclass(frozen=True, slots=True)
class DueLine:
    """A job due today, for its period; ``last_status`` FAILED or RUNNING when tried before."""

    job: str
    period: str
    last_status: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    """How a job's run ended: DONE, FAILED or SKIPPED, and its result (JSON values)."""

    job: str
    period: str
    status: str
    result: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RunPlan:
    """The creche as it is now and, when the reminders will e-mail, the SMTP password's state."""

    creche: CrecheSettings
    password: PasswordLookup


def load_due(book: Book, workplace: Workplace, today: dt.date) -> tuple[DueLine, ...]:
    """The jobs due today that have not run for their period (``jobs status``)."""
    from crechebooks_desktop.services.jobs import schedule  # noqa: PLC0415

    with book.read(workplace.creche.tenant_id) as uow:
        due = schedule.due_jobs(uow, today)
    return tuple(DueLine(d.job, d.period, d.last_status) for d in due)


def plan_run(book: Book, workplace: Workplace, due: tuple[DueLine, ...]) -> RunPlan:
    """The creche's settings now, and the SMTP password if the reminders are due and e-mail."""
    tenant = workplace.creche.tenant_id
    with book.read(tenant) as uow:
        creche = uow.tenants.get(tenant) or workplace.creche
    mails = creche.smtp is not None and any(line.job == REMINDERS for line in due)
    if not mails or creche.smtp is None:
        return RunPlan(creche, PasswordLookup())
    return RunPlan(creche, mail_password.look_up(creche.smtp))


def run_jobs(
    book: Book,
    workplace: Workplace,
    plan: RunPlan,
    today: dt.date,
    typed: str | None,
    tasks: tuple[TaskState, TaskState],
) -> tuple[OutcomeLine, ...]:
    """``jobs run`` for today: each job due, once per period, logged with its result.

    Args:
        book: the open book.
        workplace: the creche and the administrator running them.
        plan: from ``plan_run``.
        today: the day.
        typed: the SMTP password the person typed (None when none was asked).
        tasks: the jobs' progress and Cancel, and the e-mails' (cancelled together).
    """
    from crechebooks_desktop.services.jobs import schedule  # noqa: PLC0415

    creche, (jobs_task, mail_task) = plan.creche, tasks
    password = plan.password.password
    if plan.password.need is not None and creche.smtp is not None:
        password = mail_password.resolve(creche.smtp, typed)  # kept for this session
    work = {schedule.REMINDERS: reminders_work(book, creche, password, mail_task)}
    outcomes = schedule.run_due(
        lambda: book.write(creche.tenant_id), workplace.actor, today, work, jobs_task
    )
    return tuple(OutcomeLine(o.job, o.period, o.status, o.result) for o in outcomes)


def reminders_work(
    book: Book, creche: CrecheSettings, password: str | None, task: TaskState
) -> Work:
    """The reminders job: decide, write, keep and queue; then e-mail the queue when a server is set.

    The window's ``jobs_commands.reminders_work``: here the password was had
    before the run, and the e-mails report progress and stop on Cancel.
    """
    from crechebooks_desktop.exporters.reminder_delivery import queue_reminders  # noqa: PLC0415
    from crechebooks_desktop.integrations.smtp import send_queue  # noqa: PLC0415

    def work(
        transactions: Transactions, actor: Actor, as_of: dt.date, _period: str
    ) -> Mapping[str, Any]:
        email = creche.smtp is not None
        with transactions() as uow:
            done = queue_reminders(uow, actor, as_of, book.settings.data_dir, creche, email=email)
        result: dict[str, Any] = {
            "reminders": len(done.decided.reminders),
            "printed": len(done.printed),
            "queued": len(done.emailed),
        }
        if done.letters:
            result["letters"] = str(done.letters[-1].parent)
        if not email:
            result["note"] = "no SMTP server is set: the letters were written for printing"
            return result
        report = send_queue(transactions, actor, creche, password, task=task)
        result.update(emailed=len(report.sent), failed=len(report.failed),
                      still_queued=report.still_queued)  # fmt: skip
        if report.stopped:
            result["stopped"] = report.stopped
        return result

    return work
