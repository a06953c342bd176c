"""Statements to households: archive each PDF and put one message per household in the outbox.

``statements send`` calls :func:`queue_statements` in one write transaction,
then sends the queue (``integrations.smtp.send_queue``). As with invoices
(``exporters.invoice_delivery``), a household with an e-mail address gets one
message, keyed by the statement's name, its PDF's hash and the address, so
the same command again after a crash finds the message already queued or sent
and sends nobody twice; a household without an address, or every household
when no SMTP server is set, gets a PRINTED record and its PDF in the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import (
    Attachment,
    OutboxMessageValue,
    delivery_key,
    is_email_address,
)
from crechebooks_desktop.domain.household_statement import StatementOf
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.exporters.letter_parts import long_date, money_style, supplier
from crechebooks_desktop.exporters.statement_pdf import render_statement_pdf
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.delivery import outbox
from crechebooks_desktop.services.household_statements.documents import (
    ArchivedStatement,
    archive_statement_pdfs,
    statement_key,
)

__all__ = ["STATEMENT_KIND", "StatementDelivery", "queue_statements"]

STATEMENT_KIND = "statement"
NO_ADDRESS = "no e-mail address"
NO_SMTP = "no SMTP server is set"


@dataclass(frozen=True, slots=True)
class StatementDelivery:
    """What became of the statements: messages queued, households printed for, the PDFs."""

    emailed: tuple[OutboxMessageValue, ...]
    printed: tuple[OutboxMessageValue, ...]
    pdfs: tuple[Path, ...]

    @property
    def folders(self) -> tuple[Path, ...]:
        """The archive folders the PDFs are in."""
        return tuple(dict.fromkeys(path.parent for path in self.pdfs))


def queue_statements(
    uow: UnitOfWork,
    actor: Actor,
    statements: Sequence[StatementOf],
    data_dir: Path,
    creche: CrecheSettings,
    *,
    email: bool,
) -> StatementDelivery:
    """Render and archive each statement, and queue one message per household (or print it).

    Args:
        uow: a write transaction in the actor's creche.
        actor: who sends (needs to post money, as sending anything to parents does).
        statements: the statements (from ``services.statements.statement``).
        data_dir: the book's data folder (the archive is under it).
        creche: the creche (its name and banking details are on the statements).
        email: whether to e-mail (an SMTP server is set); otherwise all are printed.
    """
    # Checked before any file is written: a refused send leaves no PDF behind in the archive.
    audit.require(actor, Permission.POST_MONEY)
    rendered = [(statement, render_statement_pdf(statement, creche)) for statement in statements]
    archived = archive_statement_pdfs(uow, actor, rendered, data_dir)
    emailed, printed = [], []
    for (statement, _pdf), copy in zip(rendered, archived, strict=True):
        attachment = Attachment(f"{statement_key(statement)}.pdf", str(copy.path), copy.sha256)
        document = (statement_key(statement), copy.sha256)
        address = (statement.party.email or "").strip()
        subject, body = statement_message(creche, statement)
        household_id = statement.party.household_id
        if email and is_email_address(address):
            key = delivery_key(STATEMENT_KIND, [document], [address])
            emailed.append(outbox.queue(uow, actor, key, household_id, [address], subject, body,
                                        [attachment], kind=STATEMENT_KIND))  # fmt: skip
        else:
            key = delivery_key(STATEMENT_KIND, [document], [])
            reason = NO_SMTP if not email else NO_ADDRESS
            printed.append(
                outbox.record_printed(
                    uow, actor, key, household_id, subject, [attachment], reason,
                    kind=STATEMENT_KIND,
                )
            )  # fmt: skip
    return StatementDelivery(tuple(emailed), tuple(printed), _paths(archived))


def _paths(archived: Sequence[ArchivedStatement]) -> tuple[Path, ...]:
    return tuple(copy.path for copy in archived)


def statement_message(creche: CrecheSettings, statement: StatementOf) -> tuple[str, str]:
    """The subject and plain-text body of a household's message with its statement."""
    sender = supplier(creche)
    period = f"{long_date(statement.date_from)} to {long_date(statement.date_to)}"
    subject = f"Statement of account {statement.party.household_ref}, {period} — {sender}"
    style = money_style(creche)
    closing, day = statement.closing_cents, long_date(statement.date_to)
    if closing > 0:
        position = f"The balance owing on {day} is {format_rands(closing, style)}."
    elif closing < 0:
        position = f"On {day} your account is in credit by {format_rands(-closing, style)}."
    else:
        position = f"Your account was paid up on {day}. Thank you."
    lines = [
        f"Dear {statement.party.parent_name},",
        "",
        f"Please find attached your statement of account for {period}.",
        position,
        "",
    ]
    if closing > 0:
        lines += [f"Please use {statement.payment_reference} as the payment reference.", ""]
    lines += ["Kind regards,", sender]
    lines += [contact for contact in (creche.phone, creche.email) if contact]
    return subject, "\n".join(lines) + "\n"
