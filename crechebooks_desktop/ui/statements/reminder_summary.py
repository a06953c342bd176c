"""What the reminders dialog says after Send: e-mailed, failed (the server's words), printed."""

from __future__ import annotations

import datetime as dt
from html import escape

from crechebooks_desktop.ui.statements.reminder_jobs import SendResult

NO_SMTP = "No SMTP server is set (Settings: smtp-host and smtp-from)"


def said(result: SendResult, as_of: dt.date) -> list[str]:
    """The run in plain sentences, most important first."""
    if not result.decided and not result.emailed and not result.failed:
        return [f"Nothing was sent: nobody is due a reminder on {as_of:%d %b %Y}."]
    lines = []
    if result.email:
        lines.append(f"E-mailed {result.emailed} reminder(s).")
    lines += _failed(result)
    lines += _printed(result)
    if result.stopped:
        lines.append(f"Stopped: {result.stopped}.")
    if result.still_queued:
        lines.append(
            f"{result.still_queued} message(s) are still waiting in the outbox; "
            "Send (or `crechebooks outbox send`) sends them."
        )
    return lines


def _failed(result: SendResult) -> list[str]:
    if not result.failed:
        return []
    return [f"Not sent: {len(result.failed)}"] + [
        f"  {failure.who}: {failure.error}" for failure in result.failed
    ]


def _printed(result: SendResult) -> list[str]:
    if not result.printed:
        return []
    where = ", ".join(str(folder) for folder in result.folders)
    names = "; ".join(result.printed)
    if not result.email:
        return [
            f"{NO_SMTP}, so {len(result.printed)} letter(s) were written for printing: {names}.",
            f"The letters are in {where}.",
        ]
    return [
        f"No e-mail address, so print theirs: {names}.",
        f"The letters are in {where}.",
    ]


def as_html(lines: list[str]) -> str:
    """The sentences for a rich-text label (failures in red)."""
    shown = []
    for line in lines:
        text = escape(line.strip())
        if line.startswith(("Not sent", "  ", "Stopped")):
            text = f'<span style="color:#9b2c2c">{text}</span>'
        shown.append(("&nbsp;&nbsp;&nbsp;&nbsp;" if line.startswith("  ") else "") + text)
    return "<br>".join(shown)
