"""A bank line's transaction date, in words, where the bank gives one apart (issue 14).

Capitec and Investec export the day a payment was posted and the day the
payer made it. Screens list a line by its posting date (its place on the
statement and in the balance, and what the bank's own statement sorts by);
where the transaction date differs, a tooltip and the line's details say it.
"""

from __future__ import annotations

import datetime as dt

SHOWN = "%d %b %Y"
"""How screens write a day (``02 Mar 2026``)."""


def _apart(posted: dt.date, transacted: dt.date | None) -> dt.date | None:
    return None if transacted is None or transacted == posted else transacted


def transacted_note(posted: dt.date, transacted: dt.date | None) -> str | None:
    """``Transacted 02 Mar 2026 (posted 03 Mar 2026)``, or None with no other date."""
    day = _apart(posted, transacted)
    if day is None:
        return None
    return f"Transacted {day:{SHOWN}} (posted {posted:{SHOWN}})"


def transacted_aside(posted: dt.date, transacted: dt.date | None) -> str:
    """`` (transacted 02 Mar 2026)`` to follow the posting date in a sentence, or nothing."""
    day = _apart(posted, transacted)
    return "" if day is None else f" (transacted {day:{SHOWN}})"
