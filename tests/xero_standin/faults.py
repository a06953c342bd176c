"""Failures a test asks for: error answers, dropped connections, a held response, bad elements.

- ``fail_next`` queues failures for the next matching requests (any of the
  three sites; ``path_contains`` narrows it). 429/500/503 answer without
  touching anything; ``drop`` closes the connection before doing anything;
  ``drop_after_apply`` does the work and then closes the connection without an
  answer (the client cannot tell it happened: what an idempotency key is for).
- ``hold_after_applying`` lets the next ``count`` matching requests do their
  work, then keeps their answers back until ``release()``; ``held`` is set when
  all of them are waiting, so a test can kill the client at that moment.
- ``reject_element`` makes every element of a collection whose fields match
  get a validation error (as if Xero refused it), ``times`` times or always.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

FaultKind = Literal["429", "500", "503", "drop", "drop_after_apply"]
HOLD_LIMIT_SECONDS = 120.0


@dataclass
class Failure:
    """One queued failure."""

    kind: FaultKind
    path_contains: str | None
    retry_after: int


@dataclass
class _Rejection:
    collection: str
    match: Mapping[str, Any]
    message: str
    times: int | None


class Faults:
    """The failures queued for the stand-in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._rejections: list[_Rejection] = []
        self._hold_path: str | None = None
        self._hold_left = 0
        self._holding = 0
        self.held = threading.Event()
        self._released = threading.Event()
        self.injected = 0

    def fail_next(
        self, n: int, kind: FaultKind, path_contains: str | None, retry_after: int
    ) -> None:
        """Queue ``n`` failures of one kind."""
        with self._lock:
            self._failures += [Failure(kind, path_contains, retry_after) for _ in range(n)]

    def take(self, path: str) -> Failure | None:
        """The first queued failure this request matches, removed from the queue."""
        with self._lock:
            for failure in self._failures:
                if failure.path_contains is None or failure.path_contains in path:
                    self._failures.remove(failure)
                    self.injected += 1
                    return failure
        return None

    def pending(self) -> int:
        """Failures still queued."""
        with self._lock:
            return len(self._failures)

    def hold_after_applying(self, path_contains: str, count: int) -> None:
        """Hold the answers of the next ``count`` matching requests until ``release()``."""
        with self._lock:
            self._hold_path, self._hold_left, self._holding = path_contains, count, 0
            self.held.clear()
            self._released.clear()

    def hold_if_wanted(self, path: str) -> None:
        """Called after a request did its work: wait here if it is one to hold."""
        with self._lock:
            if self._hold_left <= 0 or self._hold_path is None or self._hold_path not in path:
                return
            self._hold_left -= 1
            self._holding += 1
            if self._hold_left == 0:
                self.held.set()
        self._released.wait(HOLD_LIMIT_SECONDS)

    @property
    def holding(self) -> int:
        """How many answers are being held."""
        with self._lock:
            return self._holding if not self._released.is_set() else 0

    def release(self) -> None:
        """Let every held answer go."""
        with self._lock:
            self._hold_left = 0
            self._released.set()

    def reject_element(
        self, collection: str, match: Mapping[str, Any], message: str, times: int | None
    ) -> None:
        """Refuse elements of ``collection`` whose fields equal ``match``."""
        with self._lock:
            self._rejections.append(_Rejection(collection, dict(match), message, times))

    def rejections(self, collection: str, element: Mapping[str, Any]) -> list[str]:
        """Messages for an element (each counts one of its rule's ``times``)."""
        found = []
        with self._lock:
            for rule in self._rejections:
                if rule.collection != collection or rule.times == 0:
                    continue
                if all(element.get(key) == value for key, value in rule.match.items()):
                    found.append(rule.message)
                    if rule.times is not None:
                        rule.times -= 1
        return found

    def clear(self) -> None:
        """Forget queued failures and rejections and let held answers go."""
        with self._lock:
            self._failures.clear()
            self._rejections.clear()
        self.release()
