"""Reminders to households: decide, write each letter, keep it, and queue or print it.

``reminders send`` calls :func:`queue_reminders` in one transaction: the
reminders are decided with the invoices and balances locked
(``services.statements.reminders.decide``), each letter is rendered and
archived, each reminder recorded with its invoices, and its e-mail queued in
the outbox (or recorded as printed), all committed together. The queue is then
sent by ``integrations.smtp``; each reminder is asked once more, just before it
goes, whether its invoices are still owed.
"""

from __future__ import annotations

import datetime as dt
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
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.exporters.letter_parts import supplier
from crechebooks_desktop.exporters.reminder_letter import letter_words, render_reminder_pdf
from crechebooks_desktop.services.delivery import outbox
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.services.household_statements.reminders import (
    REMINDER_KIND,
    ReminderPreview,
)

__all__ = ["ReminderDelivery", "queue_reminders"]

NO_ADDRESS = "no e-mail address"
NO_SMTP = "no SMTP server is set"


@dataclass(frozen=True, slots=True)
class ReminderDelivery:
    """What ``reminders send`` did.

    Attributes:
        decided: who was due which reminder, and why the others were not.
        emailed: messages queued for e-mail.
        printed: households whose letters are for printing.
        letters: every letter written, in the order of the reminders.
    """

    decided: ReminderPreview
    emailed: tuple[OutboxMessageValue, ...]
    printed: tuple[OutboxMessageValue, ...]
    letters: tuple[Path, ...]


def queue_reminders(
    uow: UnitOfWork,
    actor: Actor,
    as_of: dt.date,
    data_dir: Path,
    creche: CrecheSettings,
    *,
    email: bool,
) -> ReminderDelivery:
    """Decide the reminders due on ``as_of``, keep each letter, and queue or print it.

    Args:
        uow: a write transaction in the actor's creche.
        actor: who sends (needs to post money).
        as_of: the day the reminders are for.
        data_dir: the book's data folder (the letters are archived under it).
        creche: the creche (its name and banking details are on the letters).
        email: whether to e-mail (an SMTP server is set); otherwise all are printed.
    """
    decided = reminders.decide(uow, actor, as_of)
    emailed, printed, letters = [], [], []
    for view in decided.reminders:
        pdf = render_reminder_pdf(view, creche)
        letter = reminders.archive_letter(uow, actor, view, pdf, data_dir)
        letters.append(letter.path)
        name = f"{view.party.household_ref}-reminder-{as_of.isoformat()}.pdf"
        attachment = Attachment(name, str(letter.path), letter.sha256, letter.document_id)
        document = (f"{view.party.household_ref}:{view.due.key}", letter.sha256)
        address = (view.party.email or "").strip()
        subject = f"{view.level.subject} — {supplier(creche)}"
        if email and is_email_address(address):
            key = delivery_key(REMINDER_KIND, [document], [address])
            body = _body(view, creche)
            message = outbox.queue(uow, actor, key, view.party.household_id, [address], subject,
                                   body, [attachment], kind=REMINDER_KIND)  # fmt: skip
            emailed.append(message)
            reminders.record(uow, actor, view, "email", letter, message.id)
        else:
            key = delivery_key(REMINDER_KIND, [document], [])
            reason = NO_SMTP if not email else NO_ADDRESS
            message = outbox.record_printed(uow, actor, key, view.party.household_id, subject,
                                            [attachment], reason, kind=REMINDER_KIND)  # fmt: skip
            printed.append(message)
            reminders.record(uow, actor, view, "print", letter, message.id)
    return ReminderDelivery(decided, tuple(emailed), tuple(printed), tuple(letters))


def _body(view: reminders.ReminderView, creche: CrecheSettings) -> str:
    lines = [
        letter_words(view, creche),
        "",
        "The letter is attached, with the invoices it is about.",
    ]
    lines += ["", "Kind regards,", supplier(creche)]
    lines += [contact for contact in (creche.phone, creche.email) if contact]
    return "\n".join(lines) + "\n"
