"""The errors the client raises."""

from __future__ import annotations

from typing import Optional


class CronicleError(Exception):
    """Base class of every error this library raises (besides ``ValueError`` for bad input)."""


class APIError(CronicleError):
    """The monitor answered with an error.

    ``status`` is the HTTP status (404), ``code`` the server's stable error code
    (``"not_found"``, ``"invalid_request"``, ``"unauthorized"``, ``"storage_full"``...)
    and ``message`` its explanation (``"job 'x' does not exist"``).
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class MonitorUnreachable(CronicleError):
    """No answer from the monitor within the deadline (connection refused, timeout, DNS...).

    ``__cause__`` holds the last underlying error.
    """

    def __init__(self, message: str, attempts: int = 0, last_error: Optional[BaseException] = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error
