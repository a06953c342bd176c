"""Reminders: the creche's levels and holds, what can be reminded, what was sent; job runs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from crechebooks_desktop.db.repositories.scoped import TenantScoped
from crechebooks_desktop.db.tables import (
    Household,
    Invoice,
    JobRun,
    OutboxMessage,
    Reminder,
    ReminderHold,
    ReminderInvoice,
    ReminderLevelRow,
)
from crechebooks_desktop.db.types import utc_now
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.reminders import Hold, Level, OwedInvoice, SentReminder

# An invoice in one of these states is owed to the creche and may be reminded of.
REMINDABLE = (
    InvoiceStatus.SENT,
    InvoiceStatus.VIEWED,
    InvoiceStatus.OVERDUE,
    InvoiceStatus.PARTIALLY_PAID,
)


class ReminderRepository(TenantScoped):
    """The creche's reminder policy, holds, reminders, and scheduled jobs' runs."""

    # ------------------------------------------------------------------ policy

    def levels(self) -> list[Level]:
        """The stored levels, by number (none: the creche uses the default levels)."""
        rows = self.session.scalars(
            select(ReminderLevelRow)
            .where(ReminderLevelRow.tenant_id == self.tenant_id)
            .order_by(ReminderLevelRow.number)
        )
        return [Level(r.number, r.days, r.subject, r.wording) for r in rows]

    def set_levels(self, levels: Sequence[Level]) -> None:
        """Replace the creche's levels."""
        self.session.execute(
            delete(ReminderLevelRow).where(ReminderLevelRow.tenant_id == self.tenant_id)
        )
        self.session.execute(
            insert(ReminderLevelRow),
            [
                {"tenant_id": self.tenant_id, "number": level.number, "days": level.days,
                 "subject": level.subject, "wording": level.wording}
                for level in levels
            ],
        )  # fmt: skip

    def holds(self) -> dict[int, Hold]:
        """Every hold, by household id."""
        rows = self.session.scalars(
            select(ReminderHold).where(ReminderHold.tenant_id == self.tenant_id)
        )
        return {r.household_id: Hold(r.household_id, r.reason, r.until) for r in rows}

    def set_hold(self, hold: Hold, created_by: int | None) -> None:
        """Hold a household's reminders (replacing any hold it had)."""
        self.remove_hold(hold.household_id)
        self.session.execute(
            insert(ReminderHold),
            [{"tenant_id": self.tenant_id, "household_id": hold.household_id,
              "reason": hold.reason, "until": hold.until, "created_at": utc_now(),
              "created_by": created_by}],
        )  # fmt: skip

    def remove_hold(self, household_id: int) -> bool:
        """Lift a household's hold; whether it had one."""
        result = self.session.execute(
            delete(ReminderHold).where(
                ReminderHold.tenant_id == self.tenant_id, ReminderHold.household_id == household_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    # ------------------------------------------------------------------ what can be reminded

    def remindable(self, *, lock: bool = False) -> list[OwedInvoice]:
        """Invoices owed now (sent, not paid, not void), with the levels already sent for each.

        With ``lock``, the invoices' rows are locked until the transaction ends
        (PostgreSQL), so a payment cannot change them while reminders are decided.
        """
        query = (
            select(
                Invoice.id, Invoice.number, Invoice.household_id, Invoice.due_date,
                Invoice.balance_due_cents,
            )
            .where(
                Invoice.tenant_id == self.tenant_id,
                Invoice.status.in_(REMINDABLE),
                Invoice.balance_due_cents > 0,
            )
            .order_by(Invoice.id)
        )  # fmt: skip
        if lock:
            query = query.with_for_update()
        rows = list(self.session.execute(query))
        sent: dict[int, set[int]] = defaultdict(set)
        ids = [int(r[0]) for r in rows]
        for start in range(0, len(ids), 900):
            for invoice_id, level in self.session.execute(
                select(ReminderInvoice.invoice_id, ReminderInvoice.level).where(
                    ReminderInvoice.tenant_id == self.tenant_id,
                    ReminderInvoice.invoice_id.in_(ids[start : start + 900]),
                )
            ):
                sent[int(invoice_id)].add(int(level))
        return [
            OwedInvoice(int(i), number, int(h), due, int(cents), frozenset(sent[int(i)]))
            for i, number, h, due, cents in rows
        ]

    # ------------------------------------------------------------------ what was sent

    def add(
        self,
        household_id: int,
        as_of: dt.date,
        level: int,
        total_cents: int,
        delivery: str,
        document_id: int | None,
        outbox_message_id: int | None,
        lines: Sequence[tuple[int, int, int]],
        created_by: int | None,
    ) -> int:
        """Record a reminder and its invoices ((invoice id, level, owed cents) each); its id."""
        reminder_id = self.session.execute(
            insert(Reminder).returning(Reminder.id),
            [{"tenant_id": self.tenant_id, "household_id": household_id, "as_of": as_of,
              "level": level, "total_cents": total_cents, "delivery": delivery,
              "document_id": document_id, "outbox_message_id": outbox_message_id,
              "created_at": utc_now(), "created_by": created_by}],
        ).scalar_one()  # fmt: skip
        self.session.execute(
            insert(ReminderInvoice),
            [{"tenant_id": self.tenant_id, "reminder_id": reminder_id, "invoice_id": invoice_id,
              "level": invoice_level, "owed_cents": owed}
             for invoice_id, invoice_level, owed in lines],
        )  # fmt: skip
        return int(reminder_id)

    def sent(self, household_id: int | None = None) -> list[SentReminder]:
        """Reminders sent, newest first (one household's, or every one)."""
        query = (
            select(
                Reminder.id, Household.account_ref, Household.parent_name, Reminder.as_of,
                Reminder.level, Reminder.total_cents, Reminder.delivery, Reminder.document_id,
                Reminder.outbox_message_id, Reminder.created_at, OutboxMessage.status,
                OutboxMessage.sent_at,
            )
            .join(Household, Household.id == Reminder.household_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == Reminder.outbox_message_id)
            .where(Reminder.tenant_id == self.tenant_id)
            .order_by(Reminder.id.desc())
        )  # fmt: skip
        if household_id is not None:
            query = query.where(Reminder.household_id == household_id)
        rows = list(self.session.execute(query))
        numbers: dict[int, list[str]] = defaultdict(list)
        ids = [int(r[0]) for r in rows]
        for start in range(0, len(ids), 900):
            for reminder_id, number in self.session.execute(
                select(ReminderInvoice.reminder_id, Invoice.number)
                .join(Invoice, Invoice.id == ReminderInvoice.invoice_id)
                .where(ReminderInvoice.reminder_id.in_(ids[start : start + 900]))
                .order_by(ReminderInvoice.id)
            ):
                numbers[int(reminder_id)].append(number)
        return [
            SentReminder(int(rid), ref, name, as_of, level, int(total), delivery, doc, message,
                         created, tuple(numbers[int(rid)]),
                         status.value if status is not None else None, sent_at)
            for rid, ref, name, as_of, level, total, delivery, doc, message, created, status,
            sent_at in rows
        ]  # fmt: skip

    def invoices_of_message(self, message_id: int) -> list[int]:
        """The invoices a reminder queued as this outbox message is about."""
        return [
            int(i)
            for i in self.session.scalars(
                select(ReminderInvoice.invoice_id)
                .join(Reminder, Reminder.id == ReminderInvoice.reminder_id)
                .where(
                    Reminder.tenant_id == self.tenant_id,
                    Reminder.outbox_message_id == message_id,
                )
            )
        ]

    # ------------------------------------------------------------------ scheduled jobs

    def job_run(self, job: str, period: str) -> dict[str, Any] | None:
        """A job's run for a period, if there was one."""
        row = self.session.scalars(
            select(JobRun).where(
                JobRun.tenant_id == self.tenant_id, JobRun.job == job, JobRun.period == period
            )
        ).first()
        return None if row is None else _run(row)

    def start_run(self, job: str, period: str, as_of: dt.date, created_by: int | None) -> int:
        """Record a job's run as started (a failed run for the period is started again)."""
        existing = self.job_run(job, period)
        values = {
            "as_of": as_of,
            "status": "RUNNING",
            "result": None,
            "started_at": utc_now(),
            "finished_at": None,
            "created_by": created_by,
        }
        if existing is not None:
            self.session.execute(update(JobRun).where(JobRun.id == existing["id"]).values(**values))
            return int(existing["id"])
        return int(
            self.session.execute(
                insert(JobRun).returning(JobRun.id),
                [{"tenant_id": self.tenant_id, "job": job, "period": period, **values}],
            ).scalar_one()
        )

    def finish_run(self, run_id: int, status: str, result: Any) -> None:
        """Record how a run ended."""
        self.session.execute(
            update(JobRun)
            .where(JobRun.id == run_id, JobRun.tenant_id == self.tenant_id)
            .values(status=status, result=result, finished_at=utc_now())
        )

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        rows = self.session.scalars(
            select(JobRun)
            .where(JobRun.tenant_id == self.tenant_id)
            .order_by(JobRun.started_at.desc(), JobRun.id.desc())
            .limit(limit)
        )
        return [_run(row) for row in rows]


def _run(row: JobRun) -> dict[str, Any]:
    return {
        "id": row.id,
        "job": row.job,
        "period": row.period,
        "as_of": row.as_of,
        "status": row.status,
        "result": row.result,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }
