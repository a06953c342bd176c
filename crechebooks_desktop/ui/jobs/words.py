"""How the scheduled-jobs bar names the jobs and tells how each run ended."""

from __future__ import annotations

from collections.abc import Sequence

from crechebooks_desktop.ui.jobs.jobs import DueLine, OutcomeLine

_NAMES = {
    "monthly-invoices": "the month's invoices ({period})",
    "overdue": "overdue invoices",
    "reminders": "reminders",
    "weekly-check": "weekly check",
}


def job_name(job: str, period: str) -> str:
    """``the month's invoices (2027-01)``, ``reminders``, ``weekly check``."""
    return _NAMES.get(job, job).format(period=period)


def due_text(due: Sequence[DueLine]) -> str:
    """``3 scheduled jobs are due: the month's invoices (2027-01), reminders, weekly check``."""
    names = [
        job_name(line.job, line.period) + (" (failed last time)" * (line.last_status == "FAILED"))
        for line in due
    ]
    count = f"{len(due)} scheduled jobs are" if len(due) != 1 else "1 scheduled job is"
    return f"{count} due: {', '.join(names)}"


def outcome_text(line: OutcomeLine) -> str:
    """``reminders: DONE — 2 reminders, 1 e-mailed, 1 printed`` or the error of a failure."""
    name = job_name(line.job, line.period)
    result = dict(line.result)
    if line.status == "FAILED":
        return f"{name}: FAILED — {result.get('error', 'no reason was given')}"
    if line.status == "SKIPPED":
        return f"{name}: not run — {result.get('why', '')}"
    return f"{name}: DONE — {_details(line.job, result)}"


def _details(job: str, result: dict[str, object]) -> str:
    if job == "monthly-invoices":
        return f"{result.get('created', 0)} draft invoice(s) made, to check and send"
    if job == "overdue":
        return f"{result.get('marked_overdue', 0)} invoice(s) became overdue"
    if job == "weekly-check":
        return f"the book checks out ({result.get('households', 0)} households)"
    if job == "reminders":
        return _reminders(result)
    return ", ".join(f"{key} {value}" for key, value in result.items())


def _reminders(result: dict[str, object]) -> str:
    parts = [f"{result.get('reminders', 0)} reminder(s)"]
    if "emailed" in result:
        parts.append(f"{result['emailed']} e-mailed")
    if result.get("failed"):
        parts.append(f"{result['failed']} failed (see the outbox)")
    if result.get("printed"):
        parts.append(f"{result['printed']} to print, in {result.get('letters', 'the documents')}")
    if result.get("still_queued"):
        parts.append(f"{result['still_queued']} still waiting in the outbox")
    if result.get("stopped"):
        parts.append(f"stopped: {result['stopped']}")
    return ", ".join(parts)
