"""Calls to Xero's accounting API within its limits, retried where that is safe.

Every write carries an ``Idempotency-Key``, so a request repeated after a
network error, a 5xx or a crash is applied once by Xero. A 401 refreshes the
access token once; a 429 waits ``Retry-After`` (or stops at the daily limit);
a 5xx or a network error backs off and tries again a few times. Nothing here
logs a request's headers, and no message carries a token.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.xero.endpoints import TIMEOUT, Endpoints
from crechebooks_desktop.integrations.xero.limits import Cancelled, Limits, RateLimiter
from crechebooks_desktop.integrations.xero.tokens import TokenStore
from crechebooks_desktop.integrations.xero.wire import to_json

__all__ = ["DayLimitReached", "XeroApi", "XeroRefused", "XeroUnavailable"]

BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0, 16.0)
"""Waits before each retry after a 5xx or a network error (then the sync stops)."""
DAY_PAUSE_SECONDS = 3600
"""When the day's calls are used up without Xero saying for how long: try again in an hour
(Xero's daily allowance is a rolling 24 hours, so calls come back through the day)."""
MAX_RATE_LIMITED = 10
"""429s (minute or concurrency) taken for one request before giving up."""


class XeroUnavailable(UserFacingError):
    """Xero did not answer usefully after the retries; the items stay pending."""


class DayLimitReached(UserFacingError):
    """The organisation's calls for the day are used up; the sync can go on later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Xero's daily limit of calls for this organisation is reached; "
            f"the sync can go on in {retry_after // 3600} h {retry_after % 3600 // 60} min"
        )
        self.retry_after = retry_after


class XeroRefused(Exception):
    """Xero refused a whole request (HTTP 4xx): its own message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class _Retries:
    """How often one request was retried, by cause."""

    failures: int = 0
    limited: int = 0
    refreshed: bool = False


class XeroApi:
    """The accounting API for one organisation."""

    def __init__(
        self,
        where: Endpoints,
        tokens: TokenStore,
        xero_tenant_id: str,
        limits: Limits | None = None,
        cancel: threading.Event | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self._where = where
        self._tokens = tokens
        self._tenant = xero_tenant_id
        self.cancel = cancel or threading.Event()
        self.limiter = RateLimiter(limits or Limits(), self.cancel)
        self._session = session or requests.Session()
        self._count_lock = threading.Lock()
        self.calls = 0

    def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """GET ``/api.xro/2.0/<path>``."""
        return self.request("GET", path, params=params)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        """One call, retried where safe.

        Raises:
            XeroRefused: Xero refused the request as a whole (4xx).
            XeroUnavailable: no useful answer after the retries.
            DayLimitReached: the day's calls are used up.
            Cancelled: the sync was cancelled while waiting.
        """
        headers = {"Accept": "application/json", "xero-tenant-id": self._tenant}
        data = None
        if body is not None:
            data = to_json(body)
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        url = f"{self._where.accounting}/{path}"
        state = _Retries()
        while True:
            response = self._send(method, url, headers, data, params)
            if not self._should_retry(response, state):
                break
        assert response is not None  # noqa: S101 - _should_retry retries every None
        if response.status_code == HTTPStatus.FORBIDDEN:
            # A connection made before the book asked for a permission it now needs.
            raise XeroRefused(
                response.status_code,
                f"{_message(response)} (the connection lacks a permission this version "
                "needs: connect again with `crechebooks xero connect`)",
            )
        if response.status_code >= HTTPStatus.BAD_REQUEST:
            raise XeroRefused(response.status_code, _message(response))
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {"items": answer}

    def _should_retry(self, response: requests.Response | None, state: _Retries) -> bool:
        """Wait as the answer asks and say whether to send again; raise when giving up."""
        if response is None or response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            what = "no answer" if response is None else f"HTTP {response.status_code}"
            if state.failures >= len(BACKOFF_SECONDS):
                raise XeroUnavailable(
                    f"Xero gave {what} {state.failures + 1} times in a row; "
                    "what was not sent stays queued for the next sync"
                )
            self._wait(BACKOFF_SECONDS[state.failures])
            state.failures += 1
            return True
        if response.status_code == HTTPStatus.UNAUTHORIZED and not state.refreshed:
            state.refreshed = True
            self._tokens.access_token(force=True)
            return True
        if response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = _seconds(response.headers.get("Retry-After"), 60)
            if response.headers.get("X-Rate-Limit-Problem", "").lower() == "day":
                raise DayLimitReached(retry_after)
            state.limited += 1
            if state.limited > MAX_RATE_LIMITED:
                raise XeroUnavailable("Xero kept answering that it is busy (429); try later")
            self.limiter.pause(retry_after)
            return True
        return False

    def _check_day(self) -> None:
        """Stop before a call the day's allowance no longer covers."""
        if self.limiter.day_remaining is not None and self.limiter.day_remaining <= 0:
            raise DayLimitReached(DAY_PAUSE_SECONDS)

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: bytes | None,
        params: Mapping[str, str] | None,
    ) -> requests.Response | None:
        self._check_day()
        self.limiter.acquire()
        try:
            with self._count_lock:
                self.calls += 1
            auth = {"Authorization": f"Bearer {self._tokens.access_token()}"}
            response = self._session.request(
                method, url, headers=headers | auth, data=data, params=params, timeout=TIMEOUT
            )
        except requests.RequestException:
            return None
        finally:
            self.limiter.release()
        self.limiter.observe(response.headers)
        return response

    def _wait(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise Cancelled


def _seconds(text: str | None, default: int) -> int:
    try:
        return max(1, int(text or default))
    except ValueError:
        return default


def _message(response: requests.Response) -> str:
    """Xero's own words for a refusal: the validation messages, else its message or title."""
    try:
        answer = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(answer, dict):
        return f"HTTP {response.status_code}"
    messages = [
        str(error.get("Message", "")).strip()
        for element in answer.get("Elements") or []
        for error in element.get("ValidationErrors") or []
    ]
    if messages:
        return "; ".join(dict.fromkeys(m for m in messages if m))
    return str(
        answer.get("Message") or answer.get("Detail") or answer.get("Title") or response.status_code
    )
