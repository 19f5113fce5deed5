"""The client against a monitor with scoped access keys (DESIGN 13).

A server of its own: the first key guards every route, and the other tests expect an
open monitor. It runs with an ``--api-token`` (an admin key), which the raw helpers of
``CronicleServer`` send, so they keep creating jobs and reading runs.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from typing import Iterator, List

import pytest

import cronicle
from cronicle_server import CronicleServer

ADMIN_TOKEN = "admin-token-of-the-key-tests"


@dataclasses.dataclass
class KeyedServer:
    server: CronicleServer
    ping_key: str  # ping scope, jobs bill_* only
    read_key: str
    sync_key: str

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def keyed() -> Iterator[KeyedServer]:
    with tempfile.TemporaryDirectory(prefix="cronicle-python-keys-") as directory:
        server = CronicleServer(directory, api_token=ADMIN_TOKEN)
        try:
            server.start()
            yield KeyedServer(
                server,
                ping_key=server.create_key("billing-cron", "ping", jobs="bill_*"),
                read_key=server.create_key("grafana", "read"),
                sync_key=server.create_key("ci-deploy", "sync"),
            )
        finally:
            server.stop()


def statuses(server: CronicleServer, job_id: str) -> List[str]:
    return sorted(run["status"] for run in server.runs_of(job_id))


def test_a_ping_key_records_runs_of_the_jobs_it_covers(keyed: KeyedServer) -> None:
    keyed.server.create_job("bill_daily")
    client = cronicle.Client(keyed.url, ping_key=keyed.ping_key, strict=True)
    with client.run("bill_daily") as run:
        pass
    assert run.status == "succeeded"
    client.start("bill_daily").fail("card declined")
    client.heartbeat("bill_daily")
    assert statuses(keyed.server, "bill_daily") == ["failed", "succeeded", "succeeded"]
    assert len([stored for stored in keyed.server.runs_of("bill_daily") if stored["start_time"]]) == 2  # not the heartbeat


def test_a_ping_key_on_a_job_it_does_not_cover_is_refused(keyed: KeyedServer, caplog: pytest.LogCaptureFixture) -> None:
    keyed.server.create_job("etl_nightly")
    strict = cronicle.Client(keyed.url, ping_key=keyed.ping_key, strict=True)
    body_ran = False
    with pytest.raises(cronicle.APIError) as caught:
        with strict.run("etl_nightly"):
            body_ran = True
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    assert "bill_*" in caught.value.message
    assert not body_ran

    lenient = cronicle.Client(keyed.url, ping_key=keyed.ping_key)

    @lenient.monitor("etl_nightly")
    def job() -> int:
        return 42

    with caplog.at_level(logging.WARNING, logger="cronicle"):
        assert job() == 42
        assert not lenient.start("etl_nightly").delivered
    refusals = [record.getMessage() for record in caplog.records if "403 forbidden" in record.getMessage()]
    assert len(refusals) == 3, caplog.text  # start and end of the decorated job, the manual start
    assert keyed.server.runs_of("etl_nightly") == []


def test_a_read_key_reads_and_cannot_record_runs(keyed: KeyedServer) -> None:
    keyed.server.create_job("read_me")
    keyed.server.call("POST", "/jobs/read_me/end", {})
    client = cronicle.Client(keyed.url, api_token=keyed.read_key, strict=True)
    assert "read_me" in [job["job_id"] for job in client.jobs()]
    assert client.job("read_me")["job_id"] == "read_me"
    assert client.status("read_me")["last_run"]["status"] == "succeeded"
    assert [run["status"] for run in client.runs(job_id="read_me")] == ["succeeded"]
    assert list(client.alerts(job_id="read_me")) == []
    with pytest.raises(cronicle.APIError) as caught:
        client.start("read_me")
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    with pytest.raises(cronicle.APIError) as caught:
        cronicle.Client(keyed.url).job("read_me")
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")


@pytest.mark.parametrize("token", ["read", "sync"])
def test_with_a_token_and_a_ping_key_runs_go_with_the_ping_key_and_reads_with_the_token(
    keyed: KeyedServer, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    job_id = f"bill_both_{token}"
    keyed.server.create_job(job_id)
    monkeypatch.setenv("CRONICLE_URL", keyed.url)
    monkeypatch.setenv("CRONICLE_API_TOKEN", keyed.read_key if token == "read" else keyed.sync_key)
    monkeypatch.setenv("CRONICLE_PING_KEY", keyed.ping_key)
    client = cronicle.Client()  # not strict, as in a job: a refused ping would only log

    @client.monitor(job_id)
    def job() -> str:
        return "done"

    assert job() == "done"
    with client.run(job_id) as run:
        pass
    assert run.delivered
    assert client.heartbeat(job_id).delivered
    assert statuses(keyed.server, job_id) == ["succeeded", "succeeded", "succeeded"]
    assert [stored["status"] for stored in client.runs(job_id=job_id)] == ["succeeded"] * 3
    assert client.status(job_id)["last_run"]["status"] == "succeeded"
    assert job_id in [job["job_id"] for job in client.jobs()]
