"""Scheduled jobs (services.jobs.schedule): due once per period, logged, failures kept apart.

On SQLite and PostgreSQL, a creche with one enrolled child and a billing day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import PermissionDenied
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.billing.monthly_run import Transactions
from crechebooks_desktop.services.jobs import schedule
from crechebooks_desktop.services.tasks import TaskState
from tests.billing_fixtures import FULL_DAY, Kid, add_family, add_fees, new_creche


@pytest.fixture
def creche(book: Book) -> tuple[CrecheSettings, Actor]:
    settings, actor = new_creche(book)
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(uow, "ADAMS01", Kid("ADAMS01-1", fees.full_day, dt.date(2026, 1, 1)))
        change_setting(uow, actor, "billing-day", "25")
    return settings, actor


def _run(book: Book, actor: Actor, day: dt.date, **work: schedule.Work) -> dict[str, str]:
    outcomes = schedule.run_due(lambda: book.write(actor.tenant_id), actor, day, work)
    return {o.job: o.status for o in outcomes}


def _reminders(_t: Transactions, _a: Actor, _d: dt.date, _p: str) -> Mapping[str, Any]:
    return {"reminders": 0}


@pytest.mark.parametrize(
    ("billing_day", "due_day", "on", "month"),
    [
        (None, 7, dt.date(2026, 12, 25), None),
        (25, 7, dt.date(2026, 12, 24), None),
        (25, 7, dt.date(2026, 12, 25), dt.date(2027, 1, 1)),  # after the due day: in advance
        (1, 7, dt.date(2026, 12, 1), dt.date(2026, 12, 1)),  # on or before it: this month
        (7, 7, dt.date(2026, 12, 31), dt.date(2026, 12, 1)),
    ],
)
def test_the_billing_month(
    billing_day: int | None, due_day: int, on: dt.date, month: dt.date | None
) -> None:
    creche = CrecheSettings(1, "Acorns", due_day=due_day, billing_day=billing_day)
    assert schedule.billing_month(on, creche) == month


def test_each_job_runs_once_per_period(book: Book, creche: tuple[CrecheSettings, Actor]) -> None:
    settings, actor = creche
    with book.read(settings.tenant_id) as uow:
        assert [(d.job, d.period) for d in schedule.due_jobs(uow, dt.date(2026, 12, 24))] == [
            ("overdue", "2026-12-24"),
            ("reminders", "2026-12-24"),
            ("weekly-check", "2026-W52"),
        ]
    first = _run(book, actor, dt.date(2026, 12, 25), reminders=_reminders)
    assert first == dict.fromkeys(schedule.JOBS, "DONE")
    with book.read(settings.tenant_id) as uow:
        assert len(uow.invoices.numbers_in_month(dt.date(2027, 1, 1), InvoiceStatus.DRAFT)) == 1
    again = _run(book, actor, dt.date(2026, 12, 25), reminders=_reminders)
    assert again == dict.fromkeys(schedule.JOBS, "SKIPPED")
    # The next day: the daily jobs again; the month's invoices and the week's check are done.
    next_day = _run(book, actor, dt.date(2026, 12, 26), reminders=_reminders)
    assert next_day == {
        "monthly-invoices": "SKIPPED",
        "overdue": "DONE",
        "reminders": "DONE",
        "weekly-check": "SKIPPED",
    }
    with book.read(settings.tenant_id) as uow:
        runs = schedule.last_runs(uow)
    assert [(r["job"], r["period"], r["status"]) for r in runs][:2] == [
        ("reminders", "2026-12-26", "DONE"),
        ("overdue", "2026-12-26", "DONE"),
    ]
    # January's invoice: the fee and the re-registration fee of an enrolment from before January.
    assert runs[-1]["result"] == {"month": "2027-01", "created": 1, "skipped": 0,
                                  "total_cents": FULL_DAY + 50_000}  # fmt: skip


def test_a_failed_job_is_logged_and_run_again_next_time(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    settings, actor = creche

    def broken(_t: Transactions, _a: Actor, _d: dt.date, _p: str) -> Mapping[str, Any]:
        raise RuntimeError("the printer caught fire")

    day = dt.date(2026, 12, 10)
    assert _run(book, actor, day, reminders=broken)["reminders"] == "FAILED"
    with book.read(settings.tenant_id) as uow:
        (failed,) = [r for r in schedule.last_runs(uow) if r["job"] == "reminders"]
        assert failed["result"]["error"].startswith("RuntimeError: the printer caught fire (")
        assert [d.as_json() for d in schedule.due_jobs(uow, day)] == [
            {"job": "reminders", "period": "2026-12-10", "last_status": "FAILED"}
        ]
    assert _run(book, actor, day, reminders=_reminders)["reminders"] == "DONE"
    # Without its work, the reminders job fails and says why; the others still run.
    assert _run(book, actor, dt.date(2026, 12, 11)) == {
        "overdue": "DONE", "reminders": "FAILED", "weekly-check": "SKIPPED",
    }  # fmt: skip


def test_jobs_need_someone_who_may_post_money(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    settings, actor = creche
    with book.write(settings.tenant_id) as uow:
        add_user(uow, actor, "owner", Role.OWNER_VIEWER, password="pw")
    with book.read(settings.tenant_id) as uow:
        viewer = acting_user(uow, settings.tenant_id, "owner")
    with pytest.raises(PermissionDenied):
        _run(book, viewer, dt.date(2026, 12, 25))


def test_a_run_reports_each_job_and_stops_between_jobs_when_cancelled(
    book: Book, creche: tuple[CrecheSettings, Actor]
) -> None:
    settings, actor = creche
    said: list[tuple[int, int, str]] = []
    task = TaskState(lambda done, total, job: said.append((done, total, job)))

    def cancelling(_t: Transactions, _a: Actor, _d: dt.date, _p: str) -> Mapping[str, Any]:
        task.cancel()  # Cancel pressed while the reminders run: the week's check waits
        return {"reminders": 0}

    day = dt.date(2026, 12, 10)
    work = {schedule.REMINDERS: cancelling}
    outcomes = schedule.run_due(lambda: book.write(actor.tenant_id), actor, day, work, task)
    assert [(o.job, o.status) for o in outcomes] == [
        ("overdue", "DONE"), ("reminders", "DONE"), ("weekly-check", "SKIPPED"),
    ]  # fmt: skip
    assert outcomes[-1].result == {"why": schedule.STOPPED}
    assert said == [(0, 3, "overdue"), (1, 3, "reminders"), (2, 3, "")]
    with book.read(settings.tenant_id) as uow:
        assert [d.job for d in schedule.due_jobs(uow, day)] == ["weekly-check"]
