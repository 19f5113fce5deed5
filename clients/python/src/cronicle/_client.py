"""The Cronicle client: report runs and heartbeats, read jobs, runs and alerts."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import functools
import inspect
import json
import logging
import os
import platform
import re
import socket
import threading
import time
import uuid
from types import TracebackType
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Type, TypeVar, Union, cast
from urllib.parse import quote

from ._errors import APIError, CronicleError, MonitorUnreachable
from ._http import Transport
from ._version import __version__

logger = logging.getLogger("cronicle")

#: The address ``cronicle serve`` listens on by default. The client never falls back to it
#: (a job pinging a monitor that is not there would go unmonitored without a word): pass it
#: as ``Client(cronicle.DEFAULT_URL)`` when the monitor runs beside the job.
DEFAULT_URL = "http://127.0.0.1:8000"

#: Job and run ids, as the server accepts them.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")

#: The server keeps 10,000 characters of a message; the client sends at most this many.
MAX_MESSAGE_LENGTH = 2000

F = TypeVar("F", bound=Callable[..., Any])
Timestamp = Union[str, datetime.datetime]


def _check_id(kind: str, value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"invalid {kind} {value!r}: 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    return value


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name)
    return value if value else None


def _truncate(message: str) -> str:
    if len(message) <= MAX_MESSAGE_LENGTH:
        return message
    return message[: MAX_MESSAGE_LENGTH - 1] + "…"


def exception_message(error: BaseException) -> str:
    """``"ValueError: boom"``: the exception's type and text, cut to 2,000 characters."""
    name = type(error).__qualname__
    try:
        text = str(error)
    except Exception:  # a broken __str__ must not replace the job's exception
        text = "<unprintable>"
    return _truncate(f"{name}: {text}" if text else name)


@functools.lru_cache(maxsize=1)
def _static_client_info() -> Dict[str, Any]:
    return {
        "hostname": socket.gethostname(),
        "os": platform.platform(),
        "runtime": f"{platform.python_implementation()} {platform.python_version()}",
        "library": f"cronicle-client/{__version__}",
    }


def default_client_info() -> Dict[str, Any]:
    """What every start and heartbeat sends: hostname, os, runtime, pid and library."""
    info = dict(_static_client_info())
    info["pid"] = os.getpid()
    return info


def _timestamp(value: Optional[Timestamp]) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone: use an aware datetime (e.g. datetime.timezone.utc)")
    value = value.astimezone(datetime.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _flag(value: Optional[bool]) -> Optional[str]:
    if value is None:
        return None
    return "true" if value else "false"


class Run:
    """One run of a job, as this client knows it.

    ``run_id`` is known at once (the client makes it); ``data`` is the server's run
    object (``status``, ``start_time``, ``client_info``...) once a ping was delivered,
    else ``None`` (``delivered`` says which).
    """

    def __init__(self, client: "Client", job_id: str, run_id: str, data: Optional[Dict[str, Any]] = None) -> None:
        self._client = client
        self.job_id = job_id
        self.run_id = run_id
        self.data = data

    @property
    def delivered(self) -> bool:
        """Whether the monitor recorded the last ping sent for this run."""
        return self.data is not None

    @property
    def status(self) -> Optional[str]:
        """The server's status of the run (``running``, ``succeeded``, ``failed``), if delivered."""
        return None if self.data is None else self.data.get("status")

    def end(self, exit_code: int = 0, message: Optional[str] = None) -> "Run":
        """End this run (see :meth:`Client.end`)."""
        return self._client.end(self.job_id, run_id=self.run_id, exit_code=exit_code, message=message)

    def fail(self, message: Optional[str] = None, exit_code: int = 1) -> "Run":
        """End this run as failed (see :meth:`Client.fail`)."""
        return self._client.fail(self.job_id, run_id=self.run_id, message=message, exit_code=exit_code)

    def __repr__(self) -> str:
        return f"Run(job_id={self.job_id!r}, run_id={self.run_id!r}, status={self.status!r})"


class RunContext:
    """``with client.run(job_id):``: a start, then an end or a failed end.

    Without ``strict`` the start is sent from one of the client's worker threads, so
    the block begins at once; the end waits for it (within the deadline), so the monitor sees start,
    then end. With ``strict`` the start is sent before the block and raises when it
    fails.
    """

    def __init__(self, client: "Client", job_id: str, run_id: Optional[str], client_info: Optional[Mapping[str, Any]]) -> None:
        self._client = client
        self.run = Run(client, _check_id("job id", job_id), _check_id("run id", run_id) if run_id is not None else str(uuid.uuid4()))
        # Built (and checked to be JSON) now, so a bad client_info raises here rather
        # than in the background thread.
        self._client_info = client._client_info(client_info)
        self._start_sent: Optional["concurrent.futures.Future[None]"] = None

    # The two halves, shared by the context manager and the decorators.

    def begin(self) -> Run:
        if self._client.strict:
            self._client._send_start(self.run, self._client_info)
        else:
            self._start_sent = self._client._background().submit(self._client._send_start, self.run, self._client_info)
        return self.run

    def finish(self, error: Optional[BaseException]) -> None:
        deadline_at = time.monotonic() + self._client.deadline
        if self._start_sent is not None:
            concurrent.futures.wait([self._start_sent], timeout=max(0.0, deadline_at - time.monotonic()))
            self._start_sent.cancel()  # still queued behind other starts: the end says it all
            self._start_sent = None
        remaining = max(0.0, deadline_at - time.monotonic())
        if error is None:
            self._client._send_end(self.run, "end", 0, None, remaining, raise_errors=self._client.strict)
            return
        exit_code = 1
        if isinstance(error, SystemExit):
            if error.code is None or error.code == 0:
                self._client._send_end(self.run, "end", 0, None, remaining, raise_errors=False)
                return
            if isinstance(error.code, int) and 0 < error.code < 256:
                exit_code = error.code
        # The job's own exception matters more than ours: never raise here.
        self._client._send_end(self.run, "fail", exit_code, exception_message(error), remaining, raise_errors=False)

    def __enter__(self) -> Run:
        return self.begin()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.finish(exc)  # returning None: the job's exception, if any, goes on unchanged


class Client:
    """A connection to one Cronicle monitor.

    Every argument falls back to the environment: ``base_url`` to ``CRONICLE_URL``,
    ``api_token`` to ``CRONICLE_API_TOKEN``, ``ping_key`` to ``CRONICLE_PING_KEY``.
    There is no default monitor: with neither ``base_url`` nor a non-empty
    ``CRONICLE_URL`` the constructor raises ``ValueError``. Each key is sent as
    ``Authorization: Bearer`` where its scope is meant to reach: runs (starts, ends,
    failures, heartbeats) with the ping key, else the token; reads with the token, else
    the ping key. So a ``read`` or ``sync`` token beside a ``ping`` key records runs and
    reads alike (DESIGN 13).

    Pings (starts, ends, heartbeats) are retried for ``deadline`` seconds on connection
    errors, 408, 429 and 5xx; if the monitor still cannot be reached a warning is logged
    on the ``cronicle`` logger and the job goes on, unless ``strict`` is set, in which
    case ``MonitorUnreachable`` or ``APIError`` is raised. ``timeout`` bounds each
    attempt. Reads raise in any case.

    ``client_info`` is merged into what every start and heartbeat reports.
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        *,
        api_token: Optional[str] = None,
        ping_key: Optional[str] = None,
        timeout: float = 5.0,
        deadline: float = 10.0,
        strict: bool = False,
        client_info: Optional[Mapping[str, Any]] = None,
    ) -> None:
        if base_url is None:
            base_url = _env("CRONICLE_URL")
            if base_url is None:
                raise ValueError('no monitor URL: pass base_url="http://monitor:8000" to Client() or set CRONICLE_URL')
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout!r}")
        if deadline <= 0:
            raise ValueError(f"deadline must be positive, not {deadline!r}")
        token = api_token or _env("CRONICLE_API_TOKEN")
        ping_key = ping_key or _env("CRONICLE_PING_KEY")
        # One key cannot serve both when scopes differ: a ping key may not read, and a
        # read or sync token may not record runs (the server answers 403 forbidden).
        run_key = ping_key or token
        read_key = token or ping_key
        self._run_authorization = f"Bearer {run_key}" if run_key else None
        self._read_authorization = f"Bearer {read_key}" if read_key else None
        headers = {
            "Accept": "application/json",
            "User-Agent": f"cronicle-client-python/{__version__} ({platform.python_implementation()} {platform.python_version()})",
        }
        self._transport = Transport(base_url, headers, timeout)
        self.base_url = self._transport.base_url
        self.timeout = timeout
        self.deadline = deadline
        self.strict = strict
        self.client_info: Dict[str, Any] = dict(client_info or {})
        self._executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._executor_lock = threading.Lock()
        self._executor_pid = 0

    # Lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        """Close idle connections and let the start threads end (the client stays usable)."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)
        self._transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, strict={self.strict!r}, deadline={self.deadline!r})"

    # Runs ----------------------------------------------------------------------

    def run(self, job_id: str, *, run_id: Optional[str] = None, client_info: Optional[Mapping[str, Any]] = None) -> RunContext:
        """A context manager around one run of ``job_id``.

        On entry a start; on a normal exit an end with exit code 0; on an exception a
        failed end (exit code 1, message ``"Type: text"``), then the exception goes on
        unchanged. ``SystemExit(0)`` counts as success, ``SystemExit(n)`` as exit code n.
        ``as`` gives the :class:`Run` (its ``run_id``).
        """
        return RunContext(self, job_id, run_id, client_info)

    def monitor(self, job_id: str, *, client_info: Optional[Mapping[str, Any]] = None) -> Callable[[F], F]:
        """Decorate a function (plain or ``async def``) so each call is one run of ``job_id``.

        For coroutine functions the pings run in worker threads, never blocking the
        event loop.
        """
        _check_id("job id", job_id)

        def decorate(function: F) -> F:
            if inspect.iscoroutinefunction(function):

                @functools.wraps(function)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    context = RunContext(self, job_id, None, client_info)
                    if self.strict:
                        await asyncio.to_thread(context.begin)
                    else:
                        context.begin()  # only starts a thread
                    try:
                        result = await function(*args, **kwargs)
                    except BaseException as error:
                        await asyncio.shield(asyncio.to_thread(context.finish, error))
                        raise
                    await asyncio.to_thread(context.finish, None)
                    return result

                return cast(F, async_wrapper)

            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with RunContext(self, job_id, None, client_info):
                    return function(*args, **kwargs)

            return cast(F, wrapper)

        return decorate

    def start(self, job_id: str, run_id: Optional[str] = None, client_info: Optional[Mapping[str, Any]] = None) -> Run:
        """Record a start now and return the :class:`Run` (end it with :meth:`end` or :meth:`fail`).

        ``run_id`` defaults to a new UUID. Without ``strict`` a start that cannot be
        delivered is logged and the returned run has ``delivered == False``.
        """
        run = Run(self, _check_id("job id", job_id), _check_id("run id", run_id) if run_id is not None else str(uuid.uuid4()))
        self._send_start(run, self._client_info(client_info))
        return run

    def end(
        self,
        job_id: str,
        run_id: Optional[str] = None,
        exit_code: int = 0,
        message: Optional[str] = None,
        client_info: Optional[Mapping[str, Any]] = None,
    ) -> Run:
        """Record an end. Without ``run_id`` the server closes the job's oldest open run,
        or records a run of its own when none is open. A non-zero ``exit_code`` fails it."""
        # Without a run id the server chooses which run this ends; ``run_id`` is then
        # filled in from its answer.
        run = Run(self, _check_id("job id", job_id), _check_id("run id", run_id) if run_id is not None else "")
        info = self._client_info(client_info) if client_info is not None else None
        self._send_end(run, "end", exit_code, message, self.deadline, raise_errors=self.strict, client_info=info)
        return run

    def fail(
        self,
        job_id: str,
        run_id: Optional[str] = None,
        message: Optional[str] = None,
        exit_code: int = 1,
        client_info: Optional[Mapping[str, Any]] = None,
    ) -> Run:
        """Record a failed end (``POST /jobs/{id}/fail``); ``message`` is cut to 2,000 characters."""
        run = Run(self, _check_id("job id", job_id), _check_id("run id", run_id) if run_id is not None else "")
        info = self._client_info(client_info) if client_info is not None else None
        self._send_end(run, "fail", exit_code, message, self.deadline, raise_errors=self.strict, client_info=info)
        return run

    def heartbeat(self, job_id: str, client_info: Optional[Mapping[str, Any]] = None) -> Run:
        """One ping for a health check: an end without a start, which is a whole run.

        It carries a fresh run id, so a retried heartbeat is recorded once.
        """
        run = Run(self, _check_id("job id", job_id), str(uuid.uuid4()))
        self._send_end(run, "end", None, None, self.deadline, raise_errors=self.strict, client_info=self._client_info(client_info))
        return run

    # Reads ---------------------------------------------------------------------

    def jobs(self) -> Iterator[Dict[str, Any]]:
        """Every job (with its derived ``status``, ``next_fire_time`` and ``deadline``)."""
        return iter(self._get("/jobs")["jobs"])

    def job(self, job_id: str) -> Dict[str, Any]:
        """One job's configuration; ``APIError`` with code ``not_found`` when unknown."""
        return cast(Dict[str, Any], self._get(f"/jobs/{quote(_check_id('job id', job_id))}"))

    def status(self, job_id: str) -> Dict[str, Any]:
        """``status``, ``last_run``, ``next_fire_time``, ``deadline`` and ``open_alerts`` of a job."""
        return cast(Dict[str, Any], self._get(f"/jobs/{quote(_check_id('job id', job_id))}/status"))

    def runs(
        self,
        *,
        job_id: Optional[str] = None,
        status: Optional[str] = None,
        since: Optional[Timestamp] = None,
        until: Optional[Timestamp] = None,
        per_page: int = 100,
    ) -> Iterator[Dict[str, Any]]:
        """Runs, newest first, fetched a page at a time as the iterator advances."""
        if job_id is not None:
            _check_id("job id", job_id)
        query = {"job_id": job_id, "status": status, "since": _timestamp(since), "until": _timestamp(until)}
        return self._pages("/job_runs", "job_runs", query, per_page)

    def alerts(
        self,
        *,
        job_id: Optional[str] = None,
        type: Optional[str] = None,
        acknowledged: Optional[bool] = None,
        resolved: Optional[bool] = None,
        per_page: int = 100,
    ) -> Iterator[Dict[str, Any]]:
        """Alerts, newest first, fetched a page at a time as the iterator advances."""
        if job_id is not None:
            _check_id("job id", job_id)
        query = {"job_id": job_id, "type": type, "acknowledged": _flag(acknowledged), "resolved": _flag(resolved)}
        return self._pages("/alerts", "alerts", query, per_page)

    # Internals -----------------------------------------------------------------

    def _get(self, path: str, query: Optional[Dict[str, Any]] = None) -> Any:
        return self._transport.request("GET", path, query=query, deadline=self.deadline, authorization=self._read_authorization).body

    def _pages(self, path: str, key: str, query: Dict[str, Any], per_page: int) -> Iterator[Dict[str, Any]]:
        if not 1 <= per_page <= 500:
            raise ValueError(f"per_page must be from 1 to 500, not {per_page!r}")

        def pages() -> Iterator[Dict[str, Any]]:
            page = 1
            while True:
                body = self._get(path, dict(query, page=page, per_page=per_page))
                items = body.get(key, [])
                yield from items
                total = body.get("total")
                if len(items) < per_page or (isinstance(total, int) and page * per_page >= total):
                    return
                page += 1

        return pages()

    def _background(self) -> concurrent.futures.ThreadPoolExecutor:
        """Worker threads for the starts of ``run`` and ``monitor`` (kept, so a run costs no thread start)."""
        with self._executor_lock:
            if self._executor is None or self._executor_pid != os.getpid():
                self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="cronicle-start")
                self._executor_pid = os.getpid()
            return self._executor

    def _client_info(self, extra: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
        """The client info to send, checked to be JSON now (``TypeError``), before any request."""
        info = default_client_info()
        info.update(self.client_info)
        if extra:
            info.update(extra)
        json.dumps(info)
        return info

    def _send_start(self, run: Run, client_info: Dict[str, Any]) -> None:
        body = {"run_id": run.run_id, "client_info": client_info}
        path = f"/jobs/{quote(run.job_id)}/start"
        try:
            data = self._transport.request(
                "POST", path, json_body=body, deadline=self.deadline, authorization=self._run_authorization
            ).body
            if run.data is None:  # a start answered after its end (given up waiting for) must not win
                run.data = data
        except CronicleError as error:
            if self.strict:
                raise
            logger.warning("cronicle: start of job %r (run %s) not recorded: %s", run.job_id, run.run_id, error)
        except Exception:
            if self.strict:
                raise
            # Also when sent from the background thread: log, never let it print.
            logger.warning("cronicle: start of job %r (run %s) not recorded", run.job_id, run.run_id, exc_info=True)

    def _send_end(
        self,
        run: Run,
        action: str,
        exit_code: Optional[int],
        message: Optional[str],
        deadline: float,
        *,
        raise_errors: bool,
        client_info: Optional[Mapping[str, Any]] = None,
    ) -> None:
        body: Dict[str, Any] = {}
        if run.run_id:
            body["run_id"] = run.run_id
        if exit_code is not None:
            body["exit_code"] = exit_code
        if message is not None:
            body["message"] = _truncate(message)
        if client_info is not None:
            body["client_info"] = dict(client_info)
        path = f"/jobs/{quote(run.job_id)}/{action}"
        try:
            data = self._transport.request("POST", path, json_body=body, deadline=deadline, authorization=self._run_authorization).body
        except CronicleError as error:
            if raise_errors:
                raise
            logger.warning("cronicle: %s of job %r (run %s) not recorded: %s", action, run.job_id, run.run_id or "-", error)
            return
        except Exception:
            if raise_errors:
                raise
            logger.warning("cronicle: %s of job %r (run %s) not recorded", action, run.job_id, run.run_id or "-", exc_info=True)
            return
        run.data = data
        if isinstance(data, dict) and isinstance(data.get("run_id"), str):
            run.run_id = data["run_id"]
