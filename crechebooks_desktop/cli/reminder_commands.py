"""Handlers of ``crechebooks reminders ...``.

``send`` decides, writes, keeps and queues every reminder in one transaction,
then e-mails the queue (or, with no SMTP server set, says where the letters
for printing are). Run again, it sends nobody a level twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from crechebooks_desktop.cli.common import as_actor, open_book, parse_day, print_json, reading
from crechebooks_desktop.cli.delivery_support import (
    exit_status,
    password_for,
    print_delivered,
    send_now,
)
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.cli.table import money, number, print_table, text
from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.reminders import DEFAULT_LEVELS, Level
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.services.delivery.report import DeliveryReport
from crechebooks_desktop.services.household_statements import reminders
from crechebooks_desktop.services.household_statements.reminders import ReminderPreview

if TYPE_CHECKING:
    from crechebooks_desktop.exporters.reminder_delivery import ReminderDelivery


def _as_of(args: argparse.Namespace) -> dt.date:
    if args.as_of:
        return parse_day(args.as_of, "--as-of", warn=False)
    return dt.date.today()  # noqa: DTZ011 - the book's business date is local


def print_preview(found: ReminderPreview) -> None:
    """Who gets which reminder, and who does not and why."""
    print(f"Reminders due on {found.as_of.isoformat()}: {len(found.reminders)}")
    for view in found.reminders:
        numbers = ", ".join(f"{line.number} (level {line.level})" for line in view.due.lines)
        to = view.party.email or "no e-mail address: printed"
        print(
            f"  {view.party.household_ref:<12} level {view.due.level}  "
            f"{format_rands(view.due.total_cents):>14}  {numbers}  <{to}>"
        )
    if found.skipped:
        print(f"Not reminded: {len(found.skipped)}")
        for ref, _name, reason in found.skipped:
            print(f"  {ref:<12} {reason}")


def cmd_preview(args: argparse.Namespace) -> int:
    """``reminders preview [--as-of D] [--json]``."""
    as_of = _as_of(args)
    with open_book(args) as book, reading(book, args) as uow:
        found = reminders.preview(uow, as_of)
    if args.json:
        print_json(found.as_json())
    else:
        print_preview(found)
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    """``reminders send [--as-of D] [--json]``."""
    # reportlab loads for the letters only, not for every reminders command.
    from crechebooks_desktop.exporters.reminder_delivery import queue_reminders  # noqa: PLC0415

    as_of = _as_of(args)
    with open_book(args) as book:
        creche, _ = creche_and_actor(book, args)
        email = creche.smtp is not None
        # Asked before anything changes: without a password nothing is recorded or queued.
        password = password_for(creche) if email else None
        with as_actor(book, args) as (uow, actor):
            done = queue_reminders(uow, actor, as_of, book.settings.data_dir, creche, email=email)
        report = send_now(book, creche, actor, password) if email else None
    if args.json:
        print_json(_json(done, report))
    else:
        _print_sent(done, report)
    return 0 if report is None else exit_status(report)


def _print_sent(done: ReminderDelivery, report: DeliveryReport | None) -> None:
    print_preview(done.decided)
    print_delivered(report, done.printed, done.letters, "letter", "letters")


def _json(done: ReminderDelivery, report: DeliveryReport | None) -> dict[str, object]:
    return {
        **done.decided.as_json(),
        "mode": "email" if report is not None else "print",
        "letters": [str(path) for path in done.letters],
        "queued": [m.id for m in done.emailed],
        "printed": [m.id for m in done.printed],
        "report": report.as_json() if report is not None else None,
    }


def cmd_history(args: argparse.Namespace) -> int:
    """``reminders history [--household REF] [--json]``."""
    with open_book(args) as book, reading(book, args) as uow:
        sent = reminders.history(uow, args.household)
    if args.json:
        print_json({"reminders": [item.as_json() for item in sent]})
        return 0
    print_table(
        (
            number("id", lambda r: r.id),
            text("as of", lambda r: r.as_of.isoformat()),
            text("household", lambda r: r.household_ref),
            number("level", lambda r: r.level),
            money("owed", lambda r: r.total_cents),
            text("by", lambda r: r.delivery),
            text("message", lambda r: (r.message_status or "").lower()),
            text("invoices", lambda r: ", ".join(r.invoices)),
        ),
        sent,
    )
    print(f"{len(sent)} reminder(s)")
    return 0


def cmd_levels(args: argparse.Namespace) -> int:
    """``reminders levels [--days N N ...] [--json]``."""
    with open_book(args) as book:
        if args.days:
            with as_actor(book, args) as (uow, actor):
                current = reminders.policy(uow).levels
                levels = reminders.set_levels(uow, actor, _with_days(current, args.days))
        else:
            with reading(book, args) as uow:
                levels = reminders.policy(uow).levels
    if args.json:
        print_json(
            {"levels": [{"number": lv.number, "days": lv.days, "subject": lv.subject,
                         "wording": lv.wording} for lv in levels]}
        )  # fmt: skip
        return 0
    for level in levels:
        print(f"level {level.number}: {level.days} days after the due date — {level.subject}")
    return 0


def _with_days(current: tuple[Level, ...], days: list[int]) -> list[Level]:
    """Levels with these days: each keeps its words; a new one takes the default words."""
    words = {lv.number: lv for lv in current}
    defaults = {lv.number: lv for lv in DEFAULT_LEVELS}
    found = []
    for level, day in enumerate(days, start=1):
        base = words.get(level) or defaults.get(level) or DEFAULT_LEVELS[-1]
        found.append(replace(base, number=level, days=day))
    return found


def cmd_wording(args: argparse.Namespace) -> int:
    """``reminders wording LEVEL [--subject S] [--text T | --file F]``."""
    if args.text is not None and args.file is not None:
        raise UserFacingError("give the words with --text or --file, not both")
    text = args.text
    if args.file is not None:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserFacingError(f"{args.file}: cannot read it ({exc})") from None
    if text is None and args.subject is None:
        raise UserFacingError("give --subject, --text or --file")
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        levels = list(reminders.policy(uow).levels)
        if not 1 <= args.level <= len(levels):
            raise UserFacingError(f"there is no level {args.level} (levels 1 to {len(levels)})")
        old = levels[args.level - 1]
        levels[args.level - 1] = replace(
            old,
            subject=args.subject or old.subject,
            wording=text if text is not None else old.wording,
        )
        reminders.set_levels(uow, actor, levels)
    print(f"level {args.level}'s words changed")
    return 0


def cmd_hold(args: argparse.Namespace) -> int:
    """``reminders hold REF --until D --reason TEXT``."""
    until = parse_day(args.until, "--until", warn=False)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        reminders.hold(uow, actor, args.household, args.reason, until)
    print(f"{args.household.upper()} is not reminded until {until.isoformat()}: {args.reason}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    """``reminders release REF``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        reminders.release(uow, actor, args.household)
    print(f"{args.household.upper()} is reminded again")
    return 0
