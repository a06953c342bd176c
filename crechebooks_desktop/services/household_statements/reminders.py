"""Payment reminders: the creche's policy, who is due which reminder, and what was sent.

``preview`` says who would get which level and why the others would not.
``decide`` is the same question asked inside the transaction that records
and queues the reminders, with the invoices and the households' balances
locked: an invoice paid, voided or covered by credit a moment ago is not
reminded. ``record`` keeps each reminder with its invoices (the database
holds each invoice to each level once) and its letter. ``still_owed`` asks
again just before a queued reminder is e-mailed, so one that waited in the
outbox is never sent about an invoice paid since.

The letters themselves are rendered by ``exporters.reminder_letter`` and
queued by ``exporters.reminder_delivery``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.dates import check_book_date
from crechebooks_desktop.domain.household_statement import StatementParty
from crechebooks_desktop.domain.reminders import (
    DEFAULT_LEVELS,
    Hold,
    Level,
    ReminderDue,
    ReminderPolicy,
    SentReminder,
    check_levels,
    due_reminders,
)
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.documents import sha256_hex, write_atomically
from crechebooks_desktop.services.sync.documents import queue_uploads

__all__ = [
    "REMINDER_KIND",
    "ArchivedLetter",
    "ReminderPreview",
    "ReminderView",
    "archive_letter",
    "decide",
    "history",
    "hold",
    "policy",
    "preview",
    "record",
    "release",
    "set_levels",
    "still_owed",
]

REMINDER_KIND = "reminder"
"""``documents.kind`` of a reminder letter and ``outbox_messages.kind`` of its e-mail."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class ReminderView:
    """A reminder due, with the household it goes to and the words of its level."""

    due: ReminderDue
    party: StatementParty
    level: Level

    def as_json(self) -> dict[str, object]:
        """``{"household_ref", "name", "email", "level", "total_cents", "invoices": [...]}``."""
        return {
            "household_ref": self.party.household_ref,
            "name": self.party.parent_name,
            "email": self.party.email,
            "level": self.due.level,
            "total_cents": self.due.total_cents,
            "invoices": [
                {
                    "number": line.number,
                    "due_date": line.due_date.isoformat(),
                    "owed_cents": line.owed_cents,
                    "days_overdue": line.days_overdue,
                    "level": line.level,
                    "reminded_now": reminded,
                }
                for reminded, line in (
                    *((True, line) for line in self.due.lines),
                    *((False, line) for line in self.due.also_owing),
                )
            ],
        }


@dataclass(frozen=True, slots=True)
class ReminderPreview:
    """Who is due which reminder on a day, and why the others are not.

    Attributes:
        skipped: (household ref, name, reason) for households with invoices
            past due that get no reminder.
    """

    as_of: dt.date
    reminders: tuple[ReminderView, ...]
    skipped: tuple[tuple[str, str, str], ...]

    def as_json(self) -> dict[str, object]:
        """``reminders preview --json``."""
        return {
            "as_of": self.as_of.isoformat(),
            "reminders": [view.as_json() for view in self.reminders],
            "not_reminded": [
                {"household_ref": ref, "name": name, "reason": reason}
                for ref, name, reason in self.skipped
            ],
        }


@dataclass(frozen=True, slots=True)
class ArchivedLetter:
    """A reminder letter kept in the book's documents folder."""

    document_id: int
    path: Path
    sha256: str


def policy(uow: UnitOfWork) -> ReminderPolicy:
    """The creche's policy: its levels (the default ones until it sets its own), minimum, holds."""
    creche = uow.tenants.get(uow.reminders.tenant_id)
    if creche is None:  # pragma: no cover - the unit of work was made for this creche
        raise NotFoundError("the creche no longer exists")
    levels = tuple(uow.reminders.levels()) or DEFAULT_LEVELS
    return ReminderPolicy(levels, creche.reminder_min_cents, uow.reminders.holds())


def set_levels(uow: UnitOfWork, actor: Actor, levels: Sequence[Level]) -> tuple[Level, ...]:
    """``reminders levels set``: the creche's own levels, replacing the ones it had.

    Raises:
        PermissionDenied: the actor may not change settings.
        RuleViolation: levels that are not numbered 1.., days not increasing, empty words.
    """
    audit.require(actor, Permission.MANAGE_SETTINGS)
    checked = check_levels(levels)
    before = [_level_json(level) for level in policy(uow).levels]
    uow.reminders.set_levels(checked)
    audit.record(
        uow, actor, "reminders.levels", "tenant", actor.tenant_id,
        {"levels": before}, {"levels": [_level_json(level) for level in checked]},
    )  # fmt: skip
    return checked


def _level_json(level: Level) -> dict[str, object]:
    return {"number": level.number, "days": level.days, "subject": level.subject}


def hold(uow: UnitOfWork, actor: Actor, account_ref: str, reason: str, until: dt.date) -> Hold:
    """``reminders hold``: do not remind a household until a date (a payment plan), with why.

    Raises:
        PermissionDenied: the actor may not post money.
        NotFoundError: no such household.
        RuleViolation: no reason, or a date outside the book's years.
    """
    audit.require(actor, Permission.POST_MONEY)
    household_id = _household(uow, account_ref)
    why = one_line(reason).strip()
    if not why:
        raise RuleViolation("say why the household is not to be reminded (--reason)")
    if len(why) > 300:  # noqa: PLR2004 - the column's width
        raise RuleViolation("the reason is too long (at most 300 characters)")
    check_book_date(until, "the date until which it is held")
    held = Hold(household_id, why, until)
    uow.reminders.set_hold(held, actor.user_id)
    audit.record(
        uow, actor, "reminders.hold", "household", household_id, None,
        {"household_ref": account_ref.upper(), "reason": why, "until": until.isoformat()},
    )  # fmt: skip
    return held


def release(uow: UnitOfWork, actor: Actor, account_ref: str) -> None:
    """``reminders release``: remind a held household again.

    Raises:
        NotFoundError: no such household, or it was not held.
    """
    audit.require(actor, Permission.POST_MONEY)
    household_id = _household(uow, account_ref)
    if not uow.reminders.remove_hold(household_id):
        raise NotFoundError(f"{account_ref.upper()} is not held from reminders")
    audit.record(uow, actor, "reminders.release", "household", household_id, None, None)


def _household(uow: UnitOfWork, account_ref: str) -> int:
    household_id = uow.roster.household_id(account_ref)
    if household_id is None:
        raise NotFoundError(f"no household {account_ref!r} in this creche")
    return household_id


def preview(uow: UnitOfWork, as_of: dt.date) -> ReminderPreview:
    """``reminders preview``: who would get which reminder on ``as_of``, and why the others not."""
    return _reminders(uow, as_of, lock=False)


def decide(uow: UnitOfWork, actor: Actor, as_of: dt.date) -> ReminderPreview:
    """The reminders to send now, decided with the invoices and balances locked.

    Call it in the transaction that records and queues them.

    Raises:
        PermissionDenied: the actor may not post money (sending is a bookkeeper's act).
    """
    audit.require(actor, Permission.POST_MONEY)
    return _reminders(uow, as_of, lock=True)


def _reminders(uow: UnitOfWork, as_of: dt.date, *, lock: bool) -> ReminderPreview:
    check_book_date(as_of, "the reminders' date")
    rules = policy(uow)
    invoices = uow.reminders.remindable(lock=lock)
    households = sorted({invoice.household_id for invoice in invoices})
    if lock:  # invoices first, then balances: the order every money-moving service keeps
        credit = {h: s.credit_cents for h, s in uow.ledger.lock_balances(households).items()}
    else:
        credit = {s.id: s.credit_cents for s in uow.roster.household_summaries()}
    due, why = due_reminders(rules, invoices, credit, as_of)
    parties = {p.household_id: p for p in uow.statements.parties(households)}
    levels = {level.number: level for level in rules.levels}
    views = tuple(
        ReminderView(item, parties[item.household_id], levels[item.level]) for item in due
    )
    skipped = tuple(
        (parties[h].household_ref, parties[h].parent_name, reason) for h, reason in why.items()
    )
    return ReminderPreview(as_of, views, skipped)


def archive_letter(
    uow: UnitOfWork, actor: Actor, view: ReminderView, pdf: bytes, data_dir: Path
) -> ArchivedLetter:
    """Keep a reminder's letter in the book's documents folder, with its SHA-256.

    ``<data_dir>/documents/reminders/<year>/<REF>-<date>-level<N>.pdf`` (a name
    already taken gets ``-2``, ``-3``...: an archive never overwrites a file).
    """
    audit.require(actor, Permission.READ)
    digest = sha256_hex(pdf)
    folder = data_dir / "documents" / "reminders" / str(view.due.as_of.year)
    stem = f"{_UNSAFE.sub('_', view.party.household_ref)}-{view.due.as_of.isoformat()}"
    stem += f"-level{view.due.level}"
    path, copy = folder / f"{stem}.pdf", 1
    while path.exists():
        copy += 1
        path = folder / f"{stem}-{copy}.pdf"
    write_atomically(path, pdf)
    try:
        document_id = uow.documents.add(
            REMINDER_KIND, "household", view.party.household_id, digest, str(path)
        )
        queue_uploads(uow, [document_id])  # the S3 archive's copy, when a bucket is set (issue 15)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return ArchivedLetter(document_id, path, digest)


def record(
    uow: UnitOfWork,
    actor: Actor,
    view: ReminderView,
    delivery: str,
    letter: ArchivedLetter | None,
    message_id: int | None,
) -> int:
    """Keep a reminder: its household, level, invoices, letter and message; audited.

    Raises:
        PermissionDenied: the actor may not post money.
        IntegrityError-like database error: an invoice already had this level
            (the database's own guard behind ``decide``).
    """
    audit.require(actor, Permission.POST_MONEY)
    due = view.due
    reminder_id = uow.reminders.add(
        view.party.household_id, due.as_of, due.level, due.total_cents, delivery,
        letter.document_id if letter else None, message_id,
        [(line.invoice_id, line.level, line.owed_cents) for line in due.lines],
        actor.user_id,
    )  # fmt: skip
    audit.record(
        uow, actor, "reminders.send", "reminder", reminder_id, None,
        {
            "household_ref": view.party.household_ref,
            "as_of": due.as_of.isoformat(),
            "level": due.level,
            "total_cents": due.total_cents,
            "delivery": delivery,
            "invoices": [line.number for line in due.lines],
            "sha256": letter.sha256 if letter else None,
        },
    )  # fmt: skip
    return reminder_id


def history(uow: UnitOfWork, account_ref: str | None = None) -> list[SentReminder]:
    """``reminders history``: the reminders sent, newest first."""
    household_id = _household(uow, account_ref) if account_ref else None
    return uow.reminders.sent(household_id)


def still_owed(uow: UnitOfWork, message_id: int) -> str | None:
    """Why a queued reminder must not go now (an invoice paid, voided or covered), or None.

    Asked just before the message is sent, in the transaction that marks it.
    """
    invoice_ids = set(uow.reminders.invoices_of_message(message_id))
    if not invoice_ids:
        return None
    owed = {inv.invoice_id: inv for inv in uow.reminders.remindable(lock=True)}
    gone = sorted(invoice_ids - set(owed))
    if gone:
        return "an invoice on it is no longer owed (paid, voided or credited since it was queued)"
    household_ids = sorted({owed[i].household_id for i in invoice_ids})
    credit = sum(s.credit_cents for s in uow.ledger.lock_balances(household_ids).values())
    if credit >= sum(owed[i].balance_cents for i in invoice_ids):
        return "the household's credit now covers what the reminder asks for"
    return None
