"""Handlers of ``crechebooks jobs run|status``.

``jobs run`` is what cron or the Windows Task Scheduler calls: it runs each job
due once per period and exits 1 when one failed. Reminders are e-mailed when
an SMTP server is set and its password is in the keyring (nobody is at the
terminal to be asked); otherwise their messages wait in the outbox and the
run says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from typing import Any

from crechebooks_desktop.cli.common import open_book, parse_day, print_json, reading
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.exporters.reminder_delivery import queue_reminders
from crechebooks_desktop.integrations.smtp import send_queue
from crechebooks_desktop.integrations.smtp_password import smtp_password
from crechebooks_desktop.services.billing.monthly_run import Transactions
from crechebooks_desktop.services.jobs import schedule


def _as_of(args: argparse.Namespace) -> dt.date:
    if args.as_of:
        return parse_day(args.as_of, "--as-of", warn=False)
    return dt.date.today()  # noqa: DTZ011 - the book's business date is local


def reminders_work(book: Book, creche: CrecheSettings) -> schedule.Work:
    """The reminders job: decide, write, keep and queue; then e-mail the queue if it can."""

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
        if not email:
            result["note"] = "no SMTP server is set: the letters were written for printing"
            return result
        try:
            password = smtp_password(creche.smtp, None, lambda _note: None)  # type: ignore[arg-type]
        except UserFacingError as exc:
            result["note"] = f"not e-mailed yet ({exc}); `crechebooks outbox send` sends them"
            return result
        report = send_queue(transactions, actor, creche, password)
        result.update(emailed=len(report.sent), failed=len(report.failed),
                      still_queued=report.still_queued)  # fmt: skip
        return result

    return work


def cmd_run(args: argparse.Namespace) -> int:
    """``jobs run [--as-of D] [--json]``."""
    as_of = _as_of(args)
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        work = {schedule.REMINDERS: reminders_work(book, creche)}
        outcomes = schedule.run_due(lambda: book.write(creche.tenant_id), actor, as_of, work)
    if args.json:
        print_json({"as_of": as_of.isoformat(), "jobs": [o.as_json() for o in outcomes]})
    else:
        for outcome in outcomes:
            details = ", ".join(f"{k} {v}" for k, v in outcome.result.items())
            print(f"{outcome.job:<17} {outcome.period:<10} {outcome.status:<8} {details}")
    return 1 if any(o.status == "FAILED" for o in outcomes) else 0


def cmd_status(args: argparse.Namespace) -> int:
    """``jobs status [--as-of D] [--json]``."""
    as_of = _as_of(args)
    with open_book(args) as book, reading(book, args) as uow:
        due = schedule.due_jobs(uow, as_of)
        runs = schedule.last_runs(uow)
    if args.json:
        print_json({"as_of": as_of.isoformat(), "due": [d.as_json() for d in due], "runs": runs})
        return 0
    print(
        f"Due on {as_of.isoformat()}: "
        + (", ".join(f"{d.job} ({d.period})" for d in due) or "nothing")
    )
    for run in runs[:10]:
        print(f"  {run['started_at'][:16]}  {run['job']:<17} {run['period']:<10} {run['status']}")
    return 0
