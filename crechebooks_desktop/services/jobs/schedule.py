"""Which scheduled jobs are due on a day, and running them once per period (seed ``000_…``).

Four jobs, each idempotent and each run at most once per period:

- ``monthly-invoices``: on or after the creche's billing day (a setting; none:
  billing is done by hand), the billing month's invoices, as drafts for the
  office to check and send. The billing month is the day's month when the
  billing day is on or before the due day, else the next month (billing in
  advance). Period: the billing month, ``2026-12``.
- ``overdue``: daily, invoices past their due date with a balance become OVERDUE.
- ``reminders``: daily, the reminders due (``services.statements.reminders``).
- ``weekly-check``: weekly, the book's consistency check (``crechebooks check``),
  the seed's ``reconcileBalances``. Period: the ISO week, ``2026-W49``.

Each run is kept in ``job_runs`` with its result, unique per job and period,
so a second ``jobs run`` the same day does nothing already done. A run that
failed, or was interrupted (left RUNNING), is run again next time. The work of
a job that needs more than the book (rendering letters, e-mail) is given by
the caller, which knows the exporters and the mail server.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.admin import checks
from crechebooks_desktop.services.billing import invoice_lifecycle as invoices
from crechebooks_desktop.services.billing import monthly_run
from crechebooks_desktop.services.billing.monthly_run import Transactions
from crechebooks_desktop.services.tasks import TaskState

__all__ = [
    "CHECK",
    "INVOICES",
    "JOBS",
    "OVERDUE",
    "REMINDERS",
    "STOPPED",
    "DueJob",
    "JobOutcome",
    "billing_month",
    "due_jobs",
    "run_due",
]

INVOICES = "monthly-invoices"
OVERDUE = "overdue"
REMINDERS = "reminders"
CHECK = "weekly-check"
JOBS = (INVOICES, OVERDUE, REMINDERS, CHECK)
"""In the order they run: invoices before overdue marking before reminders."""

STOPPED = "stopped before it ran; it runs next time"
"""Why a job due was skipped when the run was cancelled before it."""

Work = Callable[[Transactions, Actor, dt.date, str], Mapping[str, Any]]
"""A job's work: (transactions, actor, as of, period) -> its result, as JSON values."""


@dataclass(frozen=True, slots=True)
class DueJob:
    """A job due on a day, for its period, and how its last run for that period ended.

    Attributes:
        last_status: ``FAILED`` or ``RUNNING`` (interrupted) when it was tried
            for this period; None when it was not.
    """

    job: str
    period: str
    last_status: str | None = None

    def as_json(self) -> dict[str, object]:
        """``{"job", "period", "last_status"}``."""
        return {"job": self.job, "period": self.period, "last_status": self.last_status}


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """How a job's run ended: DONE with its result, SKIPPED (done already) or FAILED (why)."""

    job: str
    period: str
    status: str
    result: Mapping[str, Any]

    def as_json(self) -> dict[str, object]:
        """``{"job", "period", "status", "result"}``."""
        return {"job": self.job, "period": self.period, "status": self.status,
                "result": dict(self.result)}  # fmt: skip


def billing_month(as_of: dt.date, creche: CrecheSettings) -> dt.date | None:
    """The month the billing job makes invoices for on ``as_of``, or None when not yet due."""
    if creche.billing_day is None or as_of.day < creche.billing_day:
        return None
    month = as_of.replace(day=1)
    if creche.billing_day > creche.due_day:  # billing in advance: next month's invoices
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return month


def _period(job: str, as_of: dt.date, creche: CrecheSettings) -> str | None:
    if job == INVOICES:
        month = billing_month(as_of, creche)
        return None if month is None else month.strftime("%Y-%m")
    if job == CHECK:
        year, week, _ = as_of.isocalendar()
        return f"{year}-W{week:02d}"
    return as_of.isoformat()  # daily


def due_jobs(uow: UnitOfWork, as_of: dt.date) -> list[DueJob]:
    """The jobs due on ``as_of`` that have not run for their period (``jobs status``)."""
    creche = _creche(uow)
    found = []
    for job in JOBS:
        period = _period(job, as_of, creche)
        if period is None:
            continue
        run = uow.reminders.job_run(job, period)
        if run is None or run["status"] != "DONE":
            found.append(DueJob(job, period, None if run is None else str(run["status"])))
    return found


def last_runs(uow: UnitOfWork, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, as JSON values."""
    return [
        {**run, "as_of": run["as_of"].isoformat(), "started_at": run["started_at"].isoformat(),
         "finished_at": run["finished_at"].isoformat() if run["finished_at"] else None}
        for run in uow.reminders.runs(limit)
    ]  # fmt: skip


def run_due(
    transactions: Transactions,
    actor: Actor,
    as_of: dt.date,
    work: Mapping[str, Work] | None = None,
    task: TaskState | None = None,
) -> list[JobOutcome]:
    """``jobs run``: run each job due on ``as_of``, once per period, each logged with its result.

    Args:
        transactions: opens a write transaction in the actor's creche.
        actor: who runs them (an administrator or bookkeeper: it posts money).
        as_of: the day.
        work: the work of jobs that need more than the book (``reminders``);
            a job due without its work fails, saying so.
        task: progress (jobs run of those due, and the job about to run) and
            cancel, asked before each job: a job not started is SKIPPED and
            stays due.

    Returns:
        Each job in order: DONE, FAILED or SKIPPED.
    """
    audit.require(actor, Permission.POST_MONEY)
    check_book_date(as_of, "the jobs' date")
    every = {**_BOOK_WORK, **(work or {})}
    with transactions() as uow:
        due = {item.job: item for item in due_jobs(uow, as_of)}
        creche = _creche(uow)
    task = task or TaskState()
    outcomes = []
    for job in JOBS:
        period = _period(job, as_of, creche)
        if period is None:
            continue
        if job not in due:
            outcomes.append(JobOutcome(job, period, "SKIPPED", {"why": "done already"}))
            continue
        if task.cancelled:
            outcomes.append(JobOutcome(job, period, "SKIPPED", {"why": STOPPED}))
            continue
        task.progress(_ran(outcomes), len(due), job)
        outcomes.append(_run_one(transactions, actor, as_of, job, period, every.get(job)))
    task.progress(_ran(outcomes), len(due), "")
    return outcomes


def _ran(outcomes: list[JobOutcome]) -> int:
    return sum(1 for outcome in outcomes if outcome.status != "SKIPPED")


def _run_one(
    transactions: Transactions,
    actor: Actor,
    as_of: dt.date,
    job: str,
    period: str,
    work: Work | None,
) -> JobOutcome:
    with transactions() as uow:
        run_id = uow.reminders.start_run(job, period, as_of, actor.user_id)
    result, status = _work_done(work, transactions, actor, as_of, job, period)
    with transactions() as uow:
        uow.reminders.finish_run(run_id, status, result)
        audit.record(uow, actor, "jobs.run", "job_run", run_id, None,
                     {"job": job, "period": period, "status": status, **result})  # fmt: skip
    return JobOutcome(job, period, status, result)


def _work_done(
    work: Work | None,
    transactions: Transactions,
    actor: Actor,
    as_of: dt.date,
    job: str,
    period: str,
) -> tuple[dict[str, Any], str]:
    """The job's result and DONE, or why it failed and FAILED."""
    if work is None:
        return {"error": f"{job} cannot run here (its work was not given)"}, "FAILED"
    try:
        result = dict(work(transactions, actor, as_of, period))
        status = "DONE"
    except UserFacingError as exc:
        result, status = {"error": str(exc)}, "FAILED"
    except Exception as exc:  # noqa: BLE001 - a job's failure is logged, and the next job runs
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"
        result, status = {"error": f"{type(exc).__name__}: {exc} ({where})"}, "FAILED"
    return result, status


def _creche(uow: UnitOfWork) -> CrecheSettings:
    creche = uow.tenants.get(uow.reminders.tenant_id)
    if creche is None:  # pragma: no cover - the unit of work was made for this creche
        raise UserFacingError("the creche no longer exists")
    return creche


def _invoices(
    transactions: Transactions, actor: Actor, as_of: dt.date, period: str
) -> dict[str, Any]:
    with transactions() as uow:
        creche = _creche(uow)
    month = billing_month(as_of, creche)
    assert month is not None  # noqa: S101 - the job is due only with a billing month
    done = monthly_run.generate_month(transactions, actor, month)
    return {"month": period, "created": len(done.created), "skipped": len(done.skipped_child_ids),
            "total_cents": done.total_billed_cents}  # fmt: skip


def _overdue(
    transactions: Transactions, actor: Actor, as_of: dt.date, _period: str
) -> dict[str, Any]:
    with transactions() as uow:
        marked = invoices.mark_overdue(uow, actor, as_of)
    return {"marked_overdue": len(marked)}


def _check(
    transactions: Transactions, _actor: Actor, _as_of: dt.date, _period: str
) -> dict[str, Any]:
    with transactions() as uow:
        report = checks.check_creche(uow)
    problems = [str(v) for v in report.violations]
    if problems:
        raise UserFacingError(f"the book's check found {len(problems)} problem(s): {problems[0]}")
    return {"households": report.households, "invoices": report.invoices, "problems": 0}


_BOOK_WORK: dict[str, Work] = {INVOICES: _invoices, OVERDUE: _overdue, CHECK: _check}
