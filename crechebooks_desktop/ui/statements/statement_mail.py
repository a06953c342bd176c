"""E-mailing statements from the Statements tab: the chosen household's, or the whole list's.

The same flow as ``crechebooks statements send``: the SMTP password first (the
keyring, else asked once per session), then, in one write transaction, each
statement rendered, archived and queued (or recorded for printing), then the
queue e-mailed with progress and Cancel. Where no SMTP server is set, the
statements are written for printing and the summary says where.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from crechebooks_desktop.ui.common import mail_password
from crechebooks_desktop.ui.statements.reminder_jobs import Failure, SendPlan, SendResult

if TYPE_CHECKING:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.tasks import TaskState
    from crechebooks_desktop.ui.ops import Workplace
    from crechebooks_desktop.ui.statements.periods import Dates


def send_statements(
    book: Book,
    workplace: Workplace,
    plan: SendPlan,
    household_ids: Sequence[int],
    dates: Dates,
    typed: str | None,
    task: TaskState,
    *,
    open_items: bool = False,
) -> SendResult:
    """Queue each household's statement for the period and e-mail the queue (or print them).

    Raises:
        UserFacingError: the password was needed and not given (nothing was
            queued), or the actor may not send.
    """
    from crechebooks_desktop.exporters.statement_delivery import (  # noqa: PLC0415
        queue_statements,
    )
    from crechebooks_desktop.integrations.smtp import send_queue  # noqa: PLC0415
    from crechebooks_desktop.services.household_statements.statement import (  # noqa: PLC0415
        Period,
        household_statements,
    )

    creche, actor = plan.creche, workplace.actor
    # Asked before anything changes: without a password nothing is archived or queued.
    password = mail_password.resolve(creche.smtp, typed) if creche.smtp else None
    with book.write(creche.tenant_id) as uow:
        statements = household_statements(
            uow, Period(dates.first, dates.last), household_ids=list(household_ids),
            open_items=open_items,
        )  # fmt: skip
        data_dir = book.settings.data_dir
        done = queue_statements(uow, actor, statements, data_dir, creche, email=plan.email)
    report = None
    if plan.email:
        report = send_queue(
            lambda: book.write(creche.tenant_id), actor, creche, password, task=task
        )
    failed = [*report.failed, *report.uncertain] if report else []
    return SendResult(
        decided=len(statements),
        emailed=len(report.sent) if report else 0,
        failed=tuple(
            Failure(f"{m.household_name} ({m.household_ref})", m.error or "not sent")
            for m in failed
        ),
        printed=tuple(f"{m.household_name} ({m.household_ref})" for m in done.printed),
        folders=done.folders,
        still_queued=report.still_queued if report else 0,
        stopped=report.stopped if report else None,
        email=plan.email,
    )
