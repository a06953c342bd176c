"""Grammar of ``crechebooks reminders ...``: payment reminders (issue 12).

Handlers are in ``reminder_commands`` and load only when a command runs.
"""

from __future__ import annotations

from crechebooks_desktop.cli.grammar import AddCommand, one_line_text


def register(add: AddCommand) -> None:
    """Add ``reminders`` and its actions."""
    reminders = add(
        "reminders",
        "payment reminders: preview, send, history, the levels, and households held from them",
        "reminder_commands.cmd_preview",
    )
    sub = reminders.add_subparsers(dest="action", required=True, metavar="ACTION")

    preview = sub.add_parser(
        "preview", help="who would get which reminder, for which invoices, why"
    )
    preview.set_defaults(handler="reminder_commands.cmd_preview")
    preview.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    preview.add_argument("--json", action="store_true")

    send = sub.add_parser(
        "send",
        help="send the reminders due: e-mailed when an SMTP server is set, else written to print",
    )
    send.set_defaults(handler="reminder_commands.cmd_send")
    send.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: today)")
    send.add_argument("--json", action="store_true")

    history = sub.add_parser("history", help="the reminders sent, newest first")
    history.set_defaults(handler="reminder_commands.cmd_history")
    history.add_argument("--household", metavar="REF", help="only this household's")
    history.add_argument("--json", action="store_true")

    levels = sub.add_parser("levels", help="the reminder levels (days after the due date)")
    levels.set_defaults(handler="reminder_commands.cmd_levels")
    levels.add_argument(
        "--days",
        metavar="N",
        type=int,
        nargs="+",
        help="set the levels' days, e.g. --days 7 21 45 (each level keeps its words, "
        "new levels get the default words)",
    )
    levels.add_argument("--json", action="store_true")

    wording = sub.add_parser("wording", help="change one level's subject and words")
    wording.set_defaults(handler="reminder_commands.cmd_wording")
    wording.add_argument("level", type=int, metavar="LEVEL")
    wording.add_argument("--subject", type=one_line_text, help="the e-mail's subject and heading")
    wording.add_argument(
        "--text",
        help="the letter's words; {household}, {amount}, {reference} and {days} are filled in",
    )
    wording.add_argument("--file", metavar="FILE.txt", help="read the words from a text file")

    hold = sub.add_parser("hold", help="do not remind a household until a date (a payment plan)")
    hold.set_defaults(handler="reminder_commands.cmd_hold")
    hold.add_argument("household", metavar="REF")
    hold.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    hold.add_argument("--reason", required=True, type=one_line_text)

    release = sub.add_parser("release", help="remind a held household again")
    release.set_defaults(handler="reminder_commands.cmd_release")
    release.add_argument("household", metavar="REF")
