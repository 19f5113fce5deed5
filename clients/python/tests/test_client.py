"""The Python client against a real `cronicle serve` (fixtures in conftest.py)."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import platform
import re
import socket
import time
from typing import Any, Dict, List

import pytest

import cronicle
from conftest import RecordingProxy
from cronicle_server import CronicleServer

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class JobError(Exception):
    """The job's own exception type, which must come back unchanged."""


def only_run(server: CronicleServer, job_id: str) -> Dict[str, Any]:
    runs = server.runs_of(job_id)
    assert len(runs) == 1, runs
    return runs[0]


def expected_client_info() -> Dict[str, Any]:
    return {
        "hostname": socket.gethostname(),
        "os": platform.platform(),
        "runtime": f"{platform.python_implementation()} {platform.python_version()}",
        "pid": os.getpid(),
        "library": f"cronicle-client/{cronicle.__version__}",
    }


# The context manager -------------------------------------------------------------------


def test_run_context_manager_records_a_started_and_succeeded_run(server: CronicleServer) -> None:
    server.create_job("cm_ok")
    client = cronicle.Client(server.url)
    with client.run("cm_ok") as run:
        body_ran = True
    assert body_ran
    assert UUID.match(run.run_id)
    stored = only_run(server, "cm_ok")
    assert stored["run_id"] == run.run_id
    assert stored["status"] == "succeeded"
    assert stored["exit_code"] == 0
    assert stored["start_time"] is not None and stored["end_time"] is not None
    assert run.status == "succeeded"


def test_run_context_manager_fails_the_run_and_reraises_the_same_exception(server: CronicleServer) -> None:
    server.create_job("cm_fail")
    client = cronicle.Client(server.url)
    error = JobError("disk full on /backup")
    with pytest.raises(JobError) as caught:
        with client.run("cm_fail"):
            raise error
    assert caught.value is error
    assert error.__context__ is None and error.__cause__ is None
    stored = only_run(server, "cm_fail")
    assert stored["status"] == "failed"
    assert stored["exit_code"] == 1
    assert stored["message"] == "JobError: disk full on /backup"
    assert stored["start_time"] is not None
    alerts = list(client.alerts(job_id="cm_fail", type="failed", resolved=False))
    assert [alert["run_id"] for alert in alerts] == [stored["run_id"]]


def test_a_long_exception_message_is_cut_to_2000_characters(server: CronicleServer) -> None:
    server.create_job("cm_long")
    client = cronicle.Client(server.url)
    with pytest.raises(ValueError):
        with client.run("cm_long"):
            raise ValueError("x" * 50_000)
    message = only_run(server, "cm_long")["message"]
    assert message.startswith("ValueError: xxx")
    assert len(message) == 2000


def test_system_exit_zero_succeeds_and_non_zero_fails_with_its_code(server: CronicleServer) -> None:
    server.create_job("cm_exit")
    client = cronicle.Client(server.url)
    with pytest.raises(SystemExit):
        with client.run("cm_exit"):
            raise SystemExit(0)
    with pytest.raises(SystemExit):
        with client.run("cm_exit"):
            raise SystemExit(3)
    newest, oldest = server.runs_of("cm_exit")
    assert (oldest["status"], oldest["exit_code"]) == ("succeeded", 0)
    assert (newest["status"], newest["exit_code"]) == ("failed", 3)


# Decorators ----------------------------------------------------------------------------


def test_monitor_decorator_on_a_plain_function(server: CronicleServer) -> None:
    server.create_job("dec_sync")
    client = cronicle.Client(server.url)
    error = JobError("bad row 17")

    @client.monitor("dec_sync")
    def report(value: int, fail: bool = False) -> int:
        """Doc kept."""
        if fail:
            raise error
        return value * 2

    assert report.__name__ == "report" and report.__doc__ == "Doc kept."
    assert report(21) == 42
    with pytest.raises(JobError) as caught:
        report(1, fail=True)
    assert caught.value is error
    failed, succeeded = server.runs_of("dec_sync")
    assert (succeeded["status"], succeeded["exit_code"]) == ("succeeded", 0)
    assert (failed["status"], failed["exit_code"], failed["message"]) == ("failed", 1, "JobError: bad row 17")
    assert succeeded["run_id"] != failed["run_id"]
    assert succeeded["start_time"] is not None and failed["start_time"] is not None


def test_monitor_decorator_on_an_async_function(server: CronicleServer) -> None:
    server.create_job("dec_async")
    client = cronicle.Client(server.url)
    error = JobError("timeout talking to S3")

    @client.monitor("dec_async")
    async def sync_bucket(fail: bool = False) -> str:
        await asyncio.sleep(0.01)
        if fail:
            raise error
        return "synced"

    assert inspect.iscoroutinefunction(sync_bucket)
    assert asyncio.run(sync_bucket()) == "synced"
    with pytest.raises(JobError) as caught:
        asyncio.run(sync_bucket(fail=True))
    assert caught.value is error
    failed, succeeded = server.runs_of("dec_async")
    assert (succeeded["status"], succeeded["exit_code"]) == ("succeeded", 0)
    assert (failed["status"], failed["message"]) == ("failed", "JobError: timeout talking to S3")
    assert succeeded["start_time"] is not None and failed["start_time"] is not None


def test_async_decorator_does_not_block_the_event_loop_while_pinging(server: CronicleServer, proxy: RecordingProxy) -> None:
    server.create_job("dec_loop")
    proxy.delay = 0.3  # every answer takes 0.3 s
    client = cronicle.Client(proxy.url)

    @client.monitor("dec_loop")
    async def job() -> str:
        await asyncio.sleep(0.05)
        return "done"

    async def main() -> List[Any]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        started = time.monotonic()
        result = await job()
        elapsed = time.monotonic() - started
        stop.set()
        await task
        return [result, elapsed, ticks]

    result, elapsed, ticks = asyncio.run(main())
    assert result == "done"
    assert elapsed >= 0.55  # the start's and the end's 0.3 s answers were awaited
    assert ticks >= 25, f"the loop ticked only {ticks} times in {elapsed:.2f} s: the pings blocked it"
    assert only_run(server, "dec_loop")["status"] == "succeeded"


# Manual control ------------------------------------------------------------------------


def test_manual_start_end_and_fail(server: CronicleServer) -> None:
    server.create_job("manual")
    client = cronicle.Client(server.url)
    first = client.start("manual")
    assert first.delivered and first.status == "running" and UUID.match(first.run_id)
    ended = client.end("manual", run_id=first.run_id)
    assert ended.status == "succeeded" and ended.run_id == first.run_id

    second = client.start("manual", run_id="nightly-2026-11-30", client_info={"shard": 3})
    assert second.run_id == "nightly-2026-11-30"
    failed = client.fail("manual", run_id=second.run_id, message="3 rows rejected")
    assert failed.status == "failed"

    third = client.start("manual")
    assert third.end(exit_code=2).status == "failed"

    runs = {run["run_id"]: run for run in server.runs_of("manual")}
    assert runs[first.run_id]["status"] == "succeeded" and runs[first.run_id]["exit_code"] == 0
    assert runs[second.run_id]["status"] == "failed"
    assert runs[second.run_id]["exit_code"] == 1 and runs[second.run_id]["message"] == "3 rows rejected"
    assert runs[second.run_id]["client_info"]["shard"] == 3
    assert runs[third.run_id]["exit_code"] == 2
    assert len(runs) == 3


def test_a_repeated_start_with_the_same_run_id_is_one_run(server: CronicleServer) -> None:
    server.create_job("manual_repeat")
    client = cronicle.Client(server.url)
    client.start("manual_repeat", run_id="once")
    client.start("manual_repeat", run_id="once")
    assert only_run(server, "manual_repeat")["run_id"] == "once"


# Client info, heartbeats, reads --------------------------------------------------------


def test_client_info_is_stored_as_sent(server: CronicleServer) -> None:
    server.create_job("info")
    client = cronicle.Client(server.url, client_info={"team": "data"})
    with client.run("info", client_info={"metadata": {"batch_size": 1000, "source": "prod_db"}}):
        pass
    expected = expected_client_info()
    expected.update({"team": "data", "metadata": {"batch_size": 1000, "source": "prod_db"}})
    stored = next(client.runs(job_id="info"))
    assert stored["client_info"] == expected
    assert stored["user_agent"].startswith(f"cronicle-client-python/{cronicle.__version__} ")


def test_heartbeat_records_a_run_of_a_health_check(server: CronicleServer) -> None:
    server.create_job("hb", schedule="* * * * *", is_health_check=True)
    client = cronicle.Client(server.url, strict=True)  # strict: a refused heartbeat fails the test
    run = client.heartbeat("hb", client_info={"probe": "api"})
    assert run.delivered and run.status == "succeeded"
    stored = only_run(server, "hb")
    assert stored["run_id"] == run.run_id
    assert stored["status"] == "succeeded"
    expected = expected_client_info()
    expected["probe"] = "api"
    assert stored["client_info"] == expected
    assert client.status("hb")["status"] == "ok"


def test_reads_jobs_job_and_status(server: CronicleServer) -> None:
    server.create_job("reads", description="read me")
    client = cronicle.Client(server.url)
    jobs = client.jobs()
    assert iter(jobs) is jobs  # an iterator
    assert "reads" in {job["job_id"] for job in jobs}
    assert client.job("reads")["description"] == "read me"
    status = client.status("reads")
    assert status["job_id"] == "reads" and status["status"] == "new"


def test_runs_iterate_lazily_over_several_pages(server: CronicleServer, proxy: RecordingProxy) -> None:
    server.create_job("pages")
    writer = cronicle.Client(server.url, strict=True)
    for _ in range(250):
        writer.end("pages")  # an end without a start is a run of its own
    client = cronicle.Client(proxy.url)
    runs = client.runs(job_id="pages", per_page=100)
    first = next(runs)
    assert len(proxy.paths("GET")) == 1  # nothing fetched beyond the first page yet
    rest = list(runs)
    everything = [first] + rest
    assert len(everything) == 250
    assert len({run["run_id"] for run in everything}) == 250
    assert all(run["job_id"] == "pages" for run in everything)
    ends = [run["end_time"] for run in everything]
    assert ends == sorted(ends, reverse=True)  # newest first
    pages = proxy.paths("GET")
    assert len(pages) == 3
    assert [re.search(r"[?&]page=(\d+)", path).group(1) for path in pages] == ["1", "2", "3"]  # type: ignore[union-attr]
    assert all("job_id=pages" in path and "per_page=100" in path for path in pages)


def test_connections_are_kept_alive_and_reopened_when_the_server_closed_them(
    server: CronicleServer, proxy: RecordingProxy, caplog: pytest.LogCaptureFixture
) -> None:
    server.create_job("keepalive")
    client = cronicle.Client(proxy.url, strict=True)
    for _ in range(5):
        with client.run("keepalive"):
            pass
    assert len(proxy.requests) == 10
    assert proxy.connections == 1  # ten requests, one connection

    proxy.drop_idle = True
    with caplog.at_level(logging.DEBUG, logger="cronicle"):
        client.job("keepalive")
        client.job("keepalive")
    messages = [record.getMessage() for record in caplog.records if record.name == "cronicle"]
    assert any("reused connection was closed" in message for message in messages)
    assert not any("failed (attempt" in message for message in messages)  # no backoff, no retry counted
    # The first read reused the open connection, which the proxy then dropped; the
    # second found it closed and opened a new one at once.
    assert proxy.connections == 2


def test_client_info_that_is_not_json_raises_type_error_before_any_request(proxy: RecordingProxy) -> None:
    client = cronicle.Client(proxy.url)
    with pytest.raises(TypeError):
        client.run("info", client_info={"when": object()})
    with pytest.raises(TypeError):
        client.start("info", client_info={"when": object()})
    assert proxy.requests == []


# Errors --------------------------------------------------------------------------------


def test_unknown_job_raises_api_error_not_found(server: CronicleServer, proxy: RecordingProxy, caplog: pytest.LogCaptureFixture) -> None:
    client = cronicle.Client(proxy.url)
    with pytest.raises(cronicle.APIError) as caught:
        client.job("nosuch")
    assert (caught.value.status, caught.value.code) == (404, "not_found")
    assert "nosuch" in caught.value.message

    strict = cronicle.Client(proxy.url, strict=True)
    with pytest.raises(cronicle.APIError) as caught:
        strict.start("nosuch")
    assert (caught.value.status, caught.value.code) == (404, "not_found")
    assert len(proxy.paths("POST")) == 1  # a 404 is not retried

    with caplog.at_level(logging.WARNING, logger="cronicle"):
        run = client.start("nosuch")  # not strict: logged, never raised
    assert not run.delivered
    assert any(record.name == "cronicle" and "not_found" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.run("bad id"),
        lambda client: client.monitor("x/y"),
        lambda client: client.heartbeat(""),
        lambda client: client.start("a b"),
        lambda client: client.start("ok", run_id="bad id"),
        lambda client: client.end("-leading-dash"),
        lambda client: client.fail("é"),
        lambda client: client.job("../jobs"),
        lambda client: client.status("x" * 129),
        lambda client: client.runs(job_id="a?b"),
        lambda client: client.alerts(job_id="a#b"),
        lambda client: client.heartbeat("trailing-newline\n"),
    ],
)
def test_invalid_ids_raise_value_error_before_any_request(proxy: RecordingProxy, call: Any) -> None:
    client = cronicle.Client(proxy.url, strict=True)
    with pytest.raises(ValueError, match=r"invalid (job|run) id"):
        call(client)
    assert proxy.requests == []


@pytest.mark.parametrize("url", ["", "ftp://example.com", "localhost:8000", "http://", "https:///path", "http://host/?q=1", "http://host:99999"])
def test_unusable_base_urls_raise_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="Cronicle base URL"):
        cronicle.Client(url)


def test_without_base_url_or_cronicle_url_the_client_refuses_and_says_what_to_write(monkeypatch: pytest.MonkeyPatch) -> None:
    # A job that silently pinged 127.0.0.1:8000 would go unmonitored without a word.
    expected = 'no monitor URL: pass base_url="http://monitor:8000" to Client() or set CRONICLE_URL'
    with pytest.raises(ValueError) as unset:
        cronicle.Client()
    assert str(unset.value) == expected
    monkeypatch.setenv("CRONICLE_URL", "")
    with pytest.raises(ValueError) as empty:
        cronicle.Client()
    assert str(empty.value) == expected
    assert cronicle.Client("http://monitor:8000").base_url == "http://monitor:8000"
    monkeypatch.setenv("CRONICLE_URL", "http://monitor:8000")
    assert cronicle.Client().base_url == "http://monitor:8000"


def test_base_url_from_the_argument_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRONICLE_URL", "https://cronicle.example.com/monitor/")
    assert cronicle.Client().base_url == "https://cronicle.example.com:443/monitor"
    assert cronicle.Client("http://10.0.0.5:9000").base_url == "http://10.0.0.5:9000"
    monkeypatch.setenv("CRONICLE_URL", "cronicle.example.com")
    with pytest.raises(ValueError, match="http:// or https://"):
        cronicle.Client()


def test_authorization_header_from_arguments_and_environment(server: CronicleServer, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    server.create_job("auth_header")

    def sent_authorization(client: cronicle.Client) -> Any:
        """What a read and what a run sent: ``(read, start, end)``."""
        before = len(proxy.requests)
        list(client.jobs())
        with client.run("auth_header"):
            pass
        return tuple(headers.get("authorization") for _, _, headers in proxy.requests[before:])

    def everywhere(value: Any) -> Any:
        return (value, value, value)

    assert sent_authorization(cronicle.Client(proxy.url)) == everywhere(None)
    assert sent_authorization(cronicle.Client(proxy.url, api_token="tok-arg")) == everywhere("Bearer tok-arg")
    assert sent_authorization(cronicle.Client(proxy.url, ping_key="ping-arg")) == everywhere("Bearer ping-arg")
    monkeypatch.setenv("CRONICLE_PING_KEY", "ping-key-from-env")
    assert sent_authorization(cronicle.Client(proxy.url)) == everywhere("Bearer ping-key-from-env")
    # Both: runs with the ping key, reads with the token.
    monkeypatch.setenv("CRONICLE_API_TOKEN", "token-from-env")
    assert sent_authorization(cronicle.Client(proxy.url)) == ("Bearer token-from-env",) + ("Bearer ping-key-from-env",) * 2
    assert sent_authorization(cronicle.Client(proxy.url, api_token="tok-arg")) == ("Bearer tok-arg",) + ("Bearer ping-key-from-env",) * 2
    assert sent_authorization(cronicle.Client(proxy.url, ping_key="ping-arg")) == ("Bearer token-from-env",) + ("Bearer ping-arg",) * 2


# The monitor down or struggling ---------------------------------------------------------


def test_monitor_down_never_fails_or_holds_up_the_job(closed_port: int, caplog: pytest.LogCaptureFixture) -> None:
    client = cronicle.Client(f"http://127.0.0.1:{closed_port}", deadline=1.0)
    calls: List[str] = []

    @client.monitor("down")
    def job() -> str:
        calls.append("sync")
        return "value"

    @client.monitor("down")
    async def async_job() -> str:
        calls.append("async")
        return "async value"

    with caplog.at_level(logging.WARNING, logger="cronicle"):
        started = time.monotonic()
        with client.run("down"):
            calls.append("with")
        assert time.monotonic() - started < 1.5

        started = time.monotonic()
        assert job() == "value"
        assert time.monotonic() - started < 1.5

        started = time.monotonic()
        assert asyncio.run(async_job()) == "async value"
        assert time.monotonic() - started < 1.5

        error = JobError("still mine")
        started = time.monotonic()
        with pytest.raises(JobError) as caught:
            with client.run("down"):
                raise error
        assert caught.value is error
        assert time.monotonic() - started < 1.5

        assert client.heartbeat("down").delivered is False
    assert calls == ["with", "sync", "async"]
    warnings = [record for record in caplog.records if record.name == "cronicle" and record.levelno == logging.WARNING]
    assert warnings and all(f"127.0.0.1:{closed_port}" in record.getMessage() for record in warnings)


def test_monitor_down_with_strict_raises_after_retrying_until_the_deadline(closed_port: int) -> None:
    client = cronicle.Client(f"http://127.0.0.1:{closed_port}", deadline=1.0, strict=True)
    ran: List[bool] = []
    started = time.monotonic()
    with pytest.raises(cronicle.MonitorUnreachable) as caught:
        with client.run("down"):
            ran.append(True)
    elapsed = time.monotonic() - started
    assert ran == []  # strict: the start is sent, and fails, before the block
    assert caught.value.attempts > 1
    assert isinstance(caught.value.__cause__, ConnectionRefusedError)
    assert elapsed < 1.5  # within the deadline; attempts > 1 shows it retried (jitter may end it early)
    with pytest.raises(cronicle.MonitorUnreachable):
        client.heartbeat("down")


def test_a_503_is_retried_after_retry_after_and_records_one_run(server: CronicleServer, proxy: RecordingProxy) -> None:
    server.create_job("retry")
    proxy.fail_next = 1
    proxy.retry_after = "1"
    client = cronicle.Client(proxy.url)
    started = time.monotonic()
    with client.run("retry") as run:
        pass
    elapsed = time.monotonic() - started
    assert elapsed >= 0.95  # Retry-After: 1 was honoured
    stored = only_run(server, "retry")
    assert stored["run_id"] == run.run_id
    assert stored["status"] == "succeeded"
    assert stored["start_time"] is not None  # the refused start was sent again and recorded
    posts = proxy.paths("POST")
    assert posts == ["/jobs/retry/start", "/jobs/retry/start", "/jobs/retry/end"]


def test_a_5xx_that_persists_raises_api_error_with_the_server_code_when_strict(server: CronicleServer, proxy: RecordingProxy) -> None:
    server.create_job("retry_strict")
    proxy.fail_next = 1000
    proxy.retry_after = None
    client = cronicle.Client(proxy.url, strict=True, deadline=0.8)
    with pytest.raises(cronicle.APIError) as caught:
        client.start("retry_strict")
    assert (caught.value.status, caught.value.code) == (503, "storage_unavailable")
    assert len(proxy.paths("POST")) > 1
    assert server.runs_of("retry_strict") == []
