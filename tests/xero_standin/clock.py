"""The stand-in's sense of time: the system clock, or a fake one a test moves by hand.

Token expiry, rate-limit windows, UpdatedDateUTC and the times recorded on
requests all read ``standin.clock.now()`` (seconds since the epoch, UTC), so a
test can expire a token or empty a rate-limit window without sleeping.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` in epoch seconds."""

    def now(self) -> float:
        """Seconds since the epoch, UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> float:
        """Seconds since the epoch, UTC."""
        return time.time()


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        start = start or dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
        self._now = start.timestamp()
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, UTC."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        with self._lock:
            self._now += seconds

    def set(self, when: dt.datetime) -> None:
        """Jump to a moment (timezone-aware)."""
        with self._lock:
            self._now = when.timestamp()


def utc(seconds: float) -> dt.datetime:
    """An epoch time as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
