"""How the Sync tab and the status bar say what the Xero connection and the sync are doing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crechebooks_desktop.domain.xero import MappingProblem
from crechebooks_desktop.ui.sync.remote import SyncDone

if TYPE_CHECKING:  # the database layer loads on its thread, after the window shows
    from crechebooks_desktop.db.repositories.xero import ConnectionRecord

NOT_CONNECTED = (
    "Not connected to Xero. Connect to send the creche's households, sent invoices and "
    "payments to its Xero organisation; nothing comes back from Xero without you."
)
STEPS = {
    "Contacts": "households",
    "Invoices": "invoices",
    "Payments": "payments",
    "Payments deleted": "reversed payments",
}


def local(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC, with or without its zone) in the computer's own time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone()


def when(moment: dt.datetime) -> str:
    """``21 Nov 2026 14:02`` in the computer's time."""
    return f"{local(moment):%d %b %Y %H:%M}"


def connection_lines(connection: ConnectionRecord | None) -> list[str]:
    """The connection in a few lines (or why there is none)."""
    if connection is None:
        return [NOT_CONNECTED]
    by = f" by {connection.connected_by}" if connection.connected_by else ""
    return [
        f"Connected to {connection.xero_tenant_name} since {when(connection.connected_at)}{by}.",
        f"Invoices issued from {connection.sync_from:%d %b %Y} on are sent to Xero.",
    ]


def last_sync_line(connection: ConnectionRecord | None) -> str:
    """``Last sync: 21 Nov 2026 14:02 · calls left today: 4 987`` (blank when not connected)."""
    if connection is None:
        return ""
    last = when(connection.last_sync_at) if connection.last_sync_at else "never"
    left = "unknown" if connection.day_remaining is None else f"{connection.day_remaining:,}"
    return f"Last sync: {last} · Calls to Xero left today: {left.replace(',', ' ')}"


def resume_line(connection: ConnectionRecord | None, now: dt.datetime) -> str:
    """When the daily limit stopped the last sync, when it can go on (blank otherwise)."""
    if connection is None or connection.resume_after is None:
        return ""
    resume = local(connection.resume_after)
    if resume <= local(now):
        return ""
    return (
        "Xero's daily limit of calls stopped the last sync; it can go on after "
        f"{when(connection.resume_after)}. What was not sent stays queued."
    )


def indicator_text(connected: bool, pending: int, failed: int) -> str:
    """The status bar's word on Xero: failed first, then pending, else up to date."""
    if not connected:
        return ""
    if failed:
        return f"Xero: {failed} failed"
    if pending:
        return f"Xero: {pending} pending"
    return "Xero: up to date"


def progress_text(step: str, done: int, of: int) -> str:
    """``Sending invoices: batch 2 of 5``."""
    what = STEPS.get(step, step.lower())
    if of <= 0:
        return f"Sending {what}…"
    return f"Sending {what}: batch {min(done + 1, of)} of {of}"


def sync_text(done: SyncDone) -> str:
    """How a sync ended, in a sentence or two."""
    if done.problems:
        return "Nothing was sent: map these first (Mappings…)."
    parts = [f"Sent {done.sent}", f"{done.failed} failed", f"{done.pending} still pending"]
    text = "; ".join(parts) + f" ({done.calls} call{'s' * (done.calls != 1)} to Xero)."
    if done.stopped:
        text += f" Stopped: {done.stopped}."
    for payment in done.unknown_payments:
        text += f"\nIn Xero but not here (not imported): payment {payment}."
    return text


def problem_lines(problems: Sequence[MappingProblem]) -> str:
    """The mappings a sync needs, one a line."""
    return "\n".join(f"• {problem_text(p)}" for p in problems)


def problem_text(problem: MappingProblem) -> str:
    """A problem's message as the window says it."""
    text = plain(problem.message)
    return text[:1].upper() + text[1:]


def plain(message: str) -> str:
    """A message without the command line's hint (`` (`crechebooks xero connect`)``)."""
    return _COMMAND_HINT.sub("", message)


_COMMAND_HINT = re.compile(r" \(`(?:crechebooks )?xero [^)]*\)")
