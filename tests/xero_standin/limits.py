"""Xero's rate limits per organisation: calls per rolling minute, per day, at once.

Defaults are Xero's (60 a minute, 5,000 a day, 5 at once per organisation;
10,000 a minute for the app across organisations). A call over a limit gets
429 with ``Retry-After`` (whole seconds until the window lets one more in) and
``X-Rate-Limit-Problem`` (minute, day, concurrent or appminute); refused calls
do not count against the windows. Every admitted call's response carries the
``X-*Limit-Remaining`` headers, and so does a refusal. With ``limits_enabled``
off nothing is refused but everything is still measured.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Protocol


class LimitSettings(Protocol):
    """The stand-in's limit switches, read on every call."""

    limits_enabled: bool
    minute_limit: int
    window_seconds: float
    day_limit: int
    day_seconds: float
    concurrent_limit: int
    app_minute_limit: int


@dataclass(frozen=True)
class Refusal:
    """Why a call was refused, when to try again, and the remaining-calls headers."""

    problem: str
    retry_after: int
    headers: dict[str, str] = field(default_factory=dict)


class Limits:
    """Counts calls per organisation and refuses those over a limit."""

    def __init__(self, settings: LimitSettings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._times: defaultdict[str, list[float]] = defaultdict(list)
        self._app_times: list[float] = []
        self._in_flight: Counter[str] = Counter()
        self.max_concurrent_seen = 0
        self.refused: Counter[str] = Counter()

    def admit(self, tenant: str, now: float) -> Refusal | dict[str, str]:
        """Let a call in (returning its headers) or say why not; a let-in call must be released."""
        settings = self._settings
        with self._lock:
            times = self._times[tenant]
            in_minute = _count_since(times, now - settings.window_seconds)
            in_day = _count_since(times, now - settings.day_seconds)
            in_app = _count_since(self._app_times, now - 60)
            refusal = None
            if settings.limits_enabled:
                refusal = self._refusal(tenant, times, now, in_minute, in_day, in_app)
            if refusal is not None:
                self.refused[refusal.problem] += 1
                return replace(refusal, headers=self._remaining(in_day, in_minute, in_app))
            bisect.insort(times, now)
            bisect.insort(self._app_times, now)
            self._in_flight[tenant] += 1
            self.max_concurrent_seen = max(self.max_concurrent_seen, self._in_flight[tenant])
            return self._remaining(in_day + 1, in_minute + 1, in_app + 1)

    def _remaining(self, day: int, minute: int, app: int) -> dict[str, str]:
        settings = self._settings
        return {
            "X-DayLimit-Remaining": str(max(0, settings.day_limit - day)),
            "X-MinLimit-Remaining": str(max(0, settings.minute_limit - minute)),
            "X-AppMinLimit-Remaining": str(max(0, settings.app_minute_limit - app)),
        }

    def _refusal(
        self, tenant: str, times: list[float], now: float, in_minute: int, in_day: int, in_app: int
    ) -> Refusal | None:
        settings = self._settings
        if self._in_flight[tenant] >= settings.concurrent_limit:
            return Refusal("concurrent", 1)
        if in_minute >= settings.minute_limit:
            return Refusal("minute", _wait(times, in_minute, settings.window_seconds, now))
        if in_day >= settings.day_limit:
            return Refusal("day", _wait(times, in_day, settings.day_seconds, now))
        if in_app >= settings.app_minute_limit:
            return Refusal("appminute", _wait(self._app_times, in_app, 60, now))
        return None

    def release(self, tenant: str) -> None:
        """The call's response has gone (or its connection has)."""
        with self._lock:
            self._in_flight[tenant] -= 1

    def max_calls_in_window(self, window: float) -> int:
        """The most calls any organisation had admitted within any ``window`` seconds."""
        with self._lock:
            best = 0
            for times in self._times.values():
                start = 0
                for end, moment in enumerate(times):
                    while moment - times[start] >= window:
                        start += 1
                    best = max(best, end - start + 1)
            return best

    def calls(self, tenant: str) -> list[float]:
        """When each admitted call to that organisation came in."""
        with self._lock:
            return list(self._times[tenant])


def _count_since(times: list[float], since: float) -> int:
    """How many of the (sorted) times are after ``since``."""
    return len(times) - bisect.bisect_right(times, since)


def _wait(times: list[float], in_window: int, window: float, now: float) -> int:
    """Whole seconds until the oldest call in the window leaves it."""
    oldest = times[len(times) - in_window]
    return max(1, math.ceil(oldest + window - now))
