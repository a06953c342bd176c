"""Xero's limits, kept on our side: calls a minute, calls at once, calls a day.

Xero allows an app, per organisation, 60 calls in any minute, 5 at once and
5,000 a day, and answers 429 with ``Retry-After`` beyond them. The limiter
keeps under the first two itself (a rolling window of call times and a
semaphore), follows Xero's ``X-MinLimit-Remaining`` and ``Retry-After`` when
other work used the allowance, and reports ``X-DayLimit-Remaining`` so a sync
can stop cleanly before the day's allowance is gone. Waits end at once when
the sync is cancelled.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Cancelled", "Limits", "RateLimiter"]


class Cancelled(Exception):
    """The person cancelled the sync while it waited."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Xero's limits per organisation (smaller in tests, to keep them quick)."""

    per_minute: int = 60
    window_seconds: float = 60.0
    concurrent: int = 5
    per_day: int = 5_000


class RateLimiter:
    """Waits before a call so that no limit is passed."""

    def __init__(
        self,
        limits: Limits,
        cancel: threading.Event,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self._cancel = cancel
        self._clock = clock
        self._lock = threading.Lock()
        self._finished: deque[float] = deque()
        self._in_flight = 0
        self._at_once = threading.BoundedSemaphore(limits.concurrent)
        self._blocked_until = 0.0
        self.day_remaining: int | None = None
        self.waited_seconds = 0.0

    def acquire(self) -> None:
        """Wait until a call may start (then it counts as in flight).

        A call counts in the rolling window from when its answer came back:
        Xero received it somewhere between its start and its answer, so
        counting from the answer (and every call still in flight) can never
        put more in Xero's window than the limit, however slow the network.

        Raises:
            Cancelled: the sync was cancelled while waiting.
        """
        while not self._at_once.acquire(timeout=0.2):
            self._check_cancel()
        try:
            while True:
                self._check_cancel()
                with self._lock:
                    now = self._clock()
                    while self._finished and now - self._finished[0] >= self.limits.window_seconds:
                        self._finished.popleft()
                    wait = self._blocked_until - now
                    if len(self._finished) + self._in_flight >= self.limits.per_minute:
                        oldest = self._finished[0] if self._finished else now
                        wait = max(wait, oldest + self.limits.window_seconds - now, 0.05)
                    if wait <= 0:
                        self._in_flight += 1
                        return
                self._sleep(wait)
        except BaseException:
            self._at_once.release()
            raise

    def release(self) -> None:
        """A call finished (its answer came, or it failed)."""
        with self._lock:
            self._in_flight -= 1
            self._finished.append(self._clock())
        self._at_once.release()

    def observe(self, headers: Mapping[str, str]) -> None:
        """Follow the allowance Xero reports on an answer."""
        day = _number(headers.get("X-DayLimit-Remaining"))
        minute = _number(headers.get("X-MinLimit-Remaining"))
        with self._lock:
            if day is not None:
                self.day_remaining = day
            if minute == 0:
                # Others used this minute's calls: wait a whole window from now.
                self._blocked_until = max(
                    self._blocked_until, self._clock() + self.limits.window_seconds
                )

    def pause(self, seconds: float) -> None:
        """Make no call for this long (Xero's ``Retry-After``)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def _sleep(self, seconds: float) -> None:
        started = self._clock()
        if self._cancel.wait(min(seconds, 1.0)):
            raise Cancelled
        self.waited_seconds += self._clock() - started

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise Cancelled


def _number(text: str | None) -> int | None:
    try:
        return None if text is None else int(text)
    except ValueError:
        return None
