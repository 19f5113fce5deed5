"""HTTP transport: a small pool of keep-alive connections and retries within a deadline."""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import os
import random
import socket
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlencode, urlsplit

from ._errors import APIError, MonitorUnreachable

logger = logging.getLogger("cronicle")

#: Statuses worth another try: the request may succeed later (DESIGN 10.4).
RETRYABLE_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))

#: Backoff: full jitter over base * 2**attempt, capped.
BACKOFF_BASE = 0.1
BACKOFF_CAP = 2.0

#: Every attempt gets at least this long, so a ping is tried once even when its
#: deadline is (nearly) used up by the wait for a start still in flight.
MIN_ATTEMPT_TIMEOUT = 0.1

# Errors a reused keep-alive connection shows when the server closed it while idle.
_STALE_CONNECTION_ERRORS = (
    http.client.RemoteDisconnected,
    http.client.BadStatusLine,
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
)


def parse_base_url(url: str) -> Tuple[str, str, int, str]:
    """Split and check a base URL: ``(scheme, host, port, path_prefix)``; ``ValueError`` when unusable."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("Cronicle base URL is empty: pass base_url= or set CRONICLE_URL (e.g. http://127.0.0.1:8000)")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"Cronicle base URL {url!r} must start with http:// or https://")
    if not parts.hostname:
        raise ValueError(f"Cronicle base URL {url!r} has no host")
    if parts.query or parts.fragment:
        raise ValueError(f"Cronicle base URL {url!r} must not carry a query or fragment")
    if parts.username or parts.password:
        raise ValueError(f"Cronicle base URL {url!r} must not carry credentials: use api_token= or ping_key=")
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"Cronicle base URL {url!r} has an invalid port") from error
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port, parts.path.rstrip("/")


def _retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class Response:
    """A decoded answer: status, headers and JSON body (or ``None``)."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: Dict[str, str], body: Any) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def _api_error(response: Response) -> APIError:
    body = response.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        return APIError(response.status, str(error.get("code", f"http_{response.status}")), str(error.get("message", "")))
    text = body if isinstance(body, str) else ""
    return APIError(response.status, f"http_{response.status}", text[:500] or http.client.responses.get(response.status, ""))


class Transport:
    """Keep-alive connections to one server, shared by every thread of the process.

    Each request borrows an idle connection (or opens one) and gives it back when the
    answer was read whole and the server keeps it open.
    """

    def __init__(self, base_url: str, headers: Dict[str, str], timeout: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.scheme, self.host, self.port, self.prefix = parse_base_url(base_url)
        self.base_url = f"{self.scheme}://{self.host}:{self.port}{self.prefix}"
        self.headers = headers
        self.timeout = timeout
        self._sleep = sleep
        self._idle: List[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    # Connections -------------------------------------------------------------------

    def _new_connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(self.host, self.port, timeout=timeout)
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        connection.connect()
        try:
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # pragma: no cover - not every socket supports it
            pass
        return connection

    def _borrow(self) -> Optional[http.client.HTTPConnection]:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child must not share its parent's sockets.
                self._idle = []
                self._pid = os.getpid()
            return self._idle.pop() if self._idle else None

    def _give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < 16:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # One attempt -------------------------------------------------------------------

    def _exchange(self, connection: http.client.HTTPConnection, method: str, path: str, body: Optional[bytes], headers: Dict[str, str], timeout: float) -> Response:
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        data = raw.read()
        response_headers = {name.lower(): value for name, value in raw.getheaders()}
        if raw.will_close:
            connection.close()
        else:
            self._give_back(connection)
        content_type = response_headers.get("content-type", "")
        decoded: Any = None
        if data:
            if "json" in content_type:
                try:
                    decoded = json.loads(data.decode("utf-8"))
                except ValueError:
                    decoded = data.decode("utf-8", "replace")
            else:
                decoded = data.decode("utf-8", "replace")
        return Response(raw.status, response_headers, decoded)

    def _attempt(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str], timeout: float) -> Response:
        connection = self._borrow()
        if connection is not None:
            try:
                return self._exchange(connection, method, path, body, headers, timeout)
            except _STALE_CONNECTION_ERRORS as error:
                # The server closed this idle connection; that says nothing about the
                # server's health, so try again at once on a fresh one. Run events are
                # idempotent (they carry a run id), so a repeat is harmless.
                logger.debug("cronicle: reused connection was closed (%r); reconnecting", error)
                connection.close()
            except BaseException:
                connection.close()
                raise
        connection = self._new_connection(timeout)
        try:
            return self._exchange(connection, method, path, body, headers, timeout)
        except BaseException:
            connection.close()
            raise

    # Requests with retries ---------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Dict[str, Any]] = None,
        json_body: Any = None,
        deadline: float,
        authorization: Optional[str] = None,
    ) -> Response:
        """Send one request, retrying within ``deadline`` seconds.

        ``authorization`` is the ``Authorization`` header of this request, if any: the
        client sends runs and reads with different keys.

        Retries on connection errors, timeouts, 408, 429 and 5xx, with exponential
        backoff and full jitter, honouring ``Retry-After``. Returns a 2xx answer;
        raises ``APIError`` for any other answer (the last one, for retryable statuses)
        and ``MonitorUnreachable`` when the server never answered.
        """
        url = self.prefix + path
        if query:
            url += "?" + urlencode({key: value for key, value in query.items() if value is not None})
        headers = dict(self.headers)
        if authorization is not None:
            headers["Authorization"] = authorization
        body: Optional[bytes] = None
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = "0"
        deadline_at = time.monotonic() + deadline
        attempt = 0
        last_error: Optional[BaseException] = None
        last_response: Optional[Response] = None
        while True:
            remaining = deadline_at - time.monotonic()
            timeout = max(min(self.timeout, remaining), MIN_ATTEMPT_TIMEOUT)
            retry_after: Optional[float] = None
            try:
                response = self._attempt(method, url, body, headers, timeout)
            except (OSError, http.client.HTTPException) as error:
                last_error, last_response = error, None
                logger.debug("cronicle: %s %s failed (attempt %d): %r", method, url, attempt + 1, error)
            else:
                if 200 <= response.status < 300:
                    return response
                if response.status not in RETRYABLE_STATUSES:
                    raise _api_error(response)
                last_error, last_response = None, response
                retry_after = _retry_after(response.headers.get("retry-after"))
                logger.debug("cronicle: %s %s answered %d (attempt %d)", method, url, response.status, attempt + 1)
            attempt += 1
            delay = random.uniform(0.0, min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt)))
            if retry_after is not None:
                delay = max(delay, retry_after)
            remaining = deadline_at - time.monotonic()
            if delay >= remaining:
                break
            self._sleep(delay)
        if last_response is not None:
            raise _api_error(last_response)
        raise MonitorUnreachable(
            f"Cronicle at {self.base_url} did not answer {method} {url} within {deadline:g} s ({attempt} attempts): {last_error!r}",
            attempts=attempt,
            last_error=last_error,
        ) from last_error
