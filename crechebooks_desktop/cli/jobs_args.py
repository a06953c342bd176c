"""Grammar of ``crechebooks jobs ...``: the scheduled jobs (issue 12).

Handlers are in ``jobs_commands`` and load only when a command runs.
"""

from __future__ import annotations

from crechebooks_desktop.cli.grammar import AddCommand


def register(add: AddCommand) -> None:
    """Add ``jobs run`` and ``jobs status``."""
    jobs = add(
        "jobs",
        "scheduled jobs: the month's invoices, overdue marking, reminders, the weekly check",
        "jobs_commands.cmd_status",
    )
    sub = jobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = sub.add_parser("run", help="run what is due (each job once per period); for cron")
    run.set_defaults(handler="jobs_commands.cmd_run")
    run.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    run.add_argument("--json", action="store_true")
    status = sub.add_parser("status", help="what is due and has not run, and the latest runs")
    status.set_defaults(handler="jobs_commands.cmd_status")
    status.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    status.add_argument("--json", action="store_true")
