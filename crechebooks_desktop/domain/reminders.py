"""Payment reminders: the creche's policy, and who is due which reminder on a day.

A policy has levels, each a number of days after the due date and the words
of its letter (for example 7, 21 and 45 days: a friendly note, a second
request, a final notice), a minimum amount below which nobody is reminded,
and holds: households the creche has agreed not to remind until a date (a
payment plan), with the reason.

On a day D, an invoice is due its highest level whose days it has reached,
unless that level or a higher one was sent for it already: so each invoice
gets each level at most once, and a level skipped (the creche started
reminding late) is not sent after a higher one. What an invoice owes is
first reduced by the household's unused credit, oldest invoice first, so an
invoice covered by credit is never reminded. A household gets one letter
listing its invoices and the level of each; the letter's level is the
highest among them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crechebooks_desktop.errors import RuleViolation

__all__ = [
    "DEFAULT_LEVELS",
    "Hold",
    "Level",
    "OwedInvoice",
    "ReminderDue",
    "ReminderLine",
    "ReminderPolicy",
    "SentReminder",
    "check_levels",
    "due_reminders",
]

MAX_LEVELS = 5
MAX_WORDING = 2_000
MAX_SUBJECT = 200


@dataclass(frozen=True, slots=True)
class Level:
    """One level of reminder.

    Attributes:
        number: 1 for the first reminder, 2 for the next, ...
        days: days after the due date from which it is sent.
        subject: the e-mail's subject and the letter's heading.
        wording: the letter's text; ``{household}``, ``{amount}``, ``{reference}``
            and ``{days}`` are filled in.
    """

    number: int
    days: int
    subject: str
    wording: str


DEFAULT_LEVELS = (
    Level(
        1,
        7,
        "Friendly reminder: school fees outstanding",
        "Dear {household},\n\nThis is a friendly reminder that {amount} is outstanding on your "
        "account. If you have already paid, thank you, and please ignore this letter. Otherwise "
        "please pay using the reference {reference}.",
    ),
    Level(
        2,
        21,
        "Second reminder: school fees overdue",
        "Dear {household},\n\nOur records show that {amount} on your account is now {days} days "
        "overdue. Please pay as soon as possible using the reference {reference}, or contact the "
        "office to arrange a payment plan.",
    ),
    Level(
        3,
        45,
        "Final notice: school fees overdue",
        "Dear {household},\n\n{amount} on your account is {days} days overdue. Please pay within "
        "seven days using the reference {reference}, or contact the office today. If we do not "
        "hear from you, we may have to suspend your child's place.",
    ),
)


@dataclass(frozen=True, slots=True)
class Hold:
    """A household the creche has agreed not to remind, until a date (inclusive)."""

    household_id: int
    reason: str
    until: dt.date


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """The creche's reminder policy.

    Attributes:
        levels: by number, days increasing.
        min_cents: a household owing less than this (after credit) is not reminded.
        holds: by household id.
    """

    levels: tuple[Level, ...] = DEFAULT_LEVELS
    min_cents: int = 5_000
    holds: Mapping[int, Hold] = field(default_factory=dict)

    def level_for(self, days_overdue: int) -> Level | None:
        """The highest level an invoice this many days past due has reached."""
        reached = [level for level in self.levels if days_overdue >= level.days]
        return reached[-1] if reached else None


def check_levels(levels: Sequence[Level]) -> tuple[Level, ...]:
    """Levels numbered 1.. with days strictly increasing and words given.

    Raises:
        RuleViolation: none, too many, days not increasing or below 1, or empty words.
    """
    if not levels:
        raise RuleViolation("a reminder policy needs at least one level")
    if len(levels) > MAX_LEVELS:
        raise RuleViolation(f"at most {MAX_LEVELS} reminder levels")
    previous = 0
    for number, level in enumerate(levels, start=1):
        if level.number != number:
            raise RuleViolation(f"reminder levels are numbered 1 to {len(levels)}")
        if level.days <= previous:
            raise RuleViolation(
                f"level {number}: its days after the due date ({level.days}) must be more "
                f"than {previous}"
            )
        if not level.subject.strip() or not level.wording.strip():
            raise RuleViolation(f"level {number}: give its subject and its words")
        if len(level.wording) > MAX_WORDING or len(level.subject) > MAX_SUBJECT:
            raise RuleViolation(f"level {number}: its words are too long")
        previous = level.days
    return tuple(levels)


@dataclass(frozen=True, slots=True)
class OwedInvoice:
    """An invoice a household owes on, as reminders see it.

    Attributes:
        balance_cents: what it owes now (before the household's credit).
        sent_levels: the levels already sent for it.
    """

    invoice_id: int
    number: str
    household_id: int
    due_date: dt.date
    balance_cents: int
    sent_levels: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ReminderLine:
    """An invoice on a reminder letter, with its level and what it owes after credit."""

    invoice_id: int
    number: str
    due_date: dt.date
    owed_cents: int
    days_overdue: int
    level: int


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A household's reminder on a day: its invoices and the letter's level.

    Attributes:
        lines: the invoices reminded of, oldest due first.
        also_owing: other invoices past due whose level was sent already
            (listed on the letter so the total is true, not reminded again).
    """

    household_id: int
    as_of: dt.date
    lines: tuple[ReminderLine, ...]
    also_owing: tuple[ReminderLine, ...] = ()

    @property
    def level(self) -> int:
        """The letter's level: the highest among its invoices."""
        return max(line.level for line in self.lines)

    @property
    def total_cents(self) -> int:
        """What the letter asks for: every invoice on it that is past due."""
        return sum(line.owed_cents for line in (*self.lines, *self.also_owing))

    @property
    def key(self) -> str:
        """What makes this reminder one of a kind: each invoice and level, once."""
        return ",".join(f"{line.invoice_id}:{line.level}" for line in self.lines)


def _after_credit(
    invoices: Sequence[OwedInvoice], credit_cents: int
) -> list[tuple[OwedInvoice, int]]:
    """Each invoice and what it owes once the unused credit is used, oldest due first."""
    left = max(0, credit_cents)
    owed = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        used = min(left, invoice.balance_cents)
        left -= used
        owed.append((invoice, invoice.balance_cents - used))
    return owed


def due_reminders(
    policy: ReminderPolicy,
    invoices: Iterable[OwedInvoice],
    unused_credit: Mapping[int, int],
    as_of: dt.date,
) -> tuple[list[ReminderDue], dict[int, str]]:
    """Who is due which reminder on ``as_of``, and why the others are not.

    Args:
        policy: the creche's policy.
        invoices: invoices that can be reminded (sent, not void, not paid), any household.
        unused_credit: each household's unused credit.
        as_of: the day.

    Returns:
        The reminders due, by household id; and for households with past-due
        invoices that get none, the reason in words.
    """
    by_household: dict[int, list[OwedInvoice]] = {}
    for invoice in invoices:
        by_household.setdefault(invoice.household_id, []).append(invoice)
    due: list[ReminderDue] = []
    skipped: dict[int, str] = {}
    for household_id in sorted(by_household):
        reminder, why = _household_reminder(
            policy, by_household[household_id], unused_credit.get(household_id, 0), as_of
        )
        if reminder is not None:
            due.append(reminder)
        elif why:
            skipped[household_id] = why
    return due, skipped


def _household_reminder(
    policy: ReminderPolicy, invoices: Sequence[OwedInvoice], credit_cents: int, as_of: dt.date
) -> tuple[ReminderDue | None, str | None]:
    lines, already = [], []
    covered = 0
    for invoice, owed in _after_credit(invoices, credit_cents):
        days = (as_of - invoice.due_date).days
        level = policy.level_for(days)
        if level is None:
            continue  # not far enough past due for any level
        if owed <= 0:
            covered += 1
            continue
        line = ReminderLine(invoice.invoice_id, invoice.number, invoice.due_date, owed, days,
                            level.number)  # fmt: skip
        if any(sent >= level.number for sent in invoice.sent_levels):
            already.append(line)
        else:
            lines.append(line)
    if not lines:
        if already:
            return None, "every past-due invoice has had its reminder at this level"
        if covered:
            return None, "its past-due invoices are covered by credit it holds"
        return None, None
    household_id = invoices[0].household_id
    hold = policy.holds.get(household_id)
    if hold is not None and hold.until >= as_of:
        return None, f"not reminded until {hold.until.isoformat()}: {hold.reason}"
    total = sum(line.owed_cents for line in (*lines, *already))
    if total < policy.min_cents:
        return None, "owes less than the minimum for a reminder"
    return ReminderDue(household_id, as_of, tuple(lines), tuple(already)), None


@dataclass(frozen=True, slots=True)
class SentReminder:
    """A reminder the book holds: to whom, when, at which level, how, and its letter.

    Attributes:
        message_status: its outbox message's state (QUEUED, SENT, FAILED, PRINTED...).
        sent_at: when the e-mail went, if it has.
    """

    id: int
    household_ref: str
    household_name: str
    as_of: dt.date
    level: int
    total_cents: int
    delivery: str
    document_id: int | None
    outbox_message_id: int | None
    created_at: dt.datetime
    invoices: tuple[str, ...] = ()
    message_status: str | None = None
    sent_at: dt.datetime | None = None

    def as_json(self) -> dict[str, object]:
        """``reminders history --json``: who, when, which level, how much, how, which invoices."""
        return {
            "id": self.id,
            "household_ref": self.household_ref,
            "household_name": self.household_name,
            "as_of": self.as_of.isoformat(),
            "level": self.level,
            "total_cents": self.total_cents,
            "delivery": self.delivery,
            "invoices": list(self.invoices),
            "outbox_message_id": self.outbox_message_id,
            "message_status": self.message_status,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }
