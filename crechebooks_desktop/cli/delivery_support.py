"""Sending the outbox from the command line: the password, the run, and its report (issue 12)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import OutboxMessageValue
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.smtp import send_queue
from crechebooks_desktop.integrations.smtp_password import smtp_password
from crechebooks_desktop.services.delivery.report import DeliveryReport, MessageOutcome
from crechebooks_desktop.services.tasks import TaskState

NOT_SET = (
    "no SMTP server is set (`crechebooks settings set smtp-host HOST` and "
    "`settings set smtp-from ADDRESS`)"
)


def password_for(creche: CrecheSettings) -> str | None:
    """The SMTP password: keyring, else asked on a terminal (once per session); None: no login.

    Raises:
        UserFacingError: no SMTP server is set, or a password is needed and cannot be had.
    """
    if creche.smtp is None:
        raise UserFacingError(f"{NOT_SET}; nothing was sent")
    ask = getpass.getpass if sys.stdin.isatty() else None
    return smtp_password(creche.smtp, ask, lambda note: print(f"note: {note}", file=sys.stderr))


def send_now(
    book: Book, creche: CrecheSettings, actor: Actor, password: str | None
) -> DeliveryReport:
    """Send every queued message of the creche, with progress on a terminal."""
    task = TaskState(_progress if sys.stderr.isatty() else None)
    return send_queue(lambda: book.write(creche.tenant_id), actor, creche, password, task=task)


def _progress(done: int, total: int, message: str) -> None:
    print(f"\r  {done} of {total} messages · {message[:50]}", end="", file=sys.stderr, flush=True)
    if done == total:
        print(file=sys.stderr)


def print_report(report: DeliveryReport) -> None:
    """The run in words: sent, failed (with the server's words), uncertain, left."""
    print(f"e-mailed {len(report.sent)} message(s)")
    _outcomes("failed", report.failed)
    _outcomes("uncertain", report.uncertain)
    if report.stopped:
        print(f"stopped: {report.stopped}")
    if report.still_queued:
        print(
            f"{report.still_queued} message(s) still queued; `crechebooks outbox send` sends them"
        )


def print_delivered(
    report: DeliveryReport | None,
    printed: Sequence[OutboxMessageValue],
    files: Sequence[Path],
    written: str,
    kept: str = "PDFs",
) -> None:
    """What became of a send: written for printing (no server), or the run and who to print for.

    Args:
        report: the e-mail run, or None when no SMTP server is set.
        printed: households recorded for printing (no e-mail address).
        files: the documents written, in the archive.
        written: what the files are, for "the N {written}(s) were written" ("letter").
        kept: what they are called in "the {kept} are in" ("letters").
    """
    folders = ", ".join(dict.fromkeys(str(path.parent) for path in files))
    if report is None:
        if files:
            print(
                f"{NOT_SET}: the {len(files)} {written}(s) were written for printing to {folders}"
            )
        return
    print_report(report)
    if printed:
        names = "; ".join(f"{m.household_name} ({m.household_ref})" for m in printed)
        print(f"no e-mail address, so print theirs: {names}; the {kept} are in {folders}")


def _outcomes(what: str, outcomes: tuple[MessageOutcome, ...]) -> None:
    if not outcomes:
        return
    print(f"{what}: {len(outcomes)} message(s)")
    for outcome in outcomes:
        print(f"  #{outcome.id} {_who(outcome)}: {outcome.error}")


def _who(outcome: MessageOutcome) -> str:
    household = (
        f"{outcome.household_name} ({outcome.household_ref})" if outcome.household_ref else ""
    )
    addresses = ", ".join(outcome.recipients)
    return f"{household} <{addresses}>".strip()


def exit_status(report: DeliveryReport) -> int:
    """0 when everything queued went; 1 when something failed, is uncertain or is left."""
    return 0 if report.ok else 1
