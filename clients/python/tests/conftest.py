"""Fixtures: a real `cronicle serve` for the whole session, and a small HTTP proxy in front of it."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cronicle_server import CronicleServer  # noqa: E402


@pytest.fixture(scope="session")
def server() -> Iterator[CronicleServer]:
    with tempfile.TemporaryDirectory(prefix="cronicle-python-client-") as directory:
        instance = CronicleServer(directory)
        try:
            instance.start()
            yield instance
        finally:
            instance.stop()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the caller's CRONICLE_* settings unless it sets them."""
    for name in ("CRONICLE_URL", "CRONICLE_API_TOKEN", "CRONICLE_PING_KEY"):
        monkeypatch.delenv(name, raising=False)


class RecordingProxy:
    """A tiny threaded HTTP proxy in front of the real server.

    It speaks HTTP/1.1 with keep-alive, counts the connections clients open, records
    every request (method, path, headers), can answer the next ``fail_next`` requests
    itself with ``fail_status`` (and ``Retry-After``), can hold each answer back for
    ``delay`` seconds, and with ``drop_idle`` closes each connection after its answer
    without saying so (as a server does with an idle keep-alive connection).
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.requests: List[Tuple[str, str, Dict[str, str]]] = []
        self.fail_next = 0
        self.fail_status = 503
        self.retry_after: Optional[str] = "1"
        self.delay = 0.0
        self.drop_idle = False
        self.connections = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with proxy.lock:
                    proxy.connections += 1

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy.lock:
                    proxy.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                    failing = proxy.fail_next > 0
                    if failing:
                        proxy.fail_next -= 1
                if proxy.delay:
                    time.sleep(proxy.delay)
                if failing:
                    payload = json.dumps({"error": {"code": "storage_unavailable", "message": "test proxy says no"}}).encode()
                    self.send_response(proxy.fail_status)
                    if proxy.retry_after is not None:
                        self.send_header("Retry-After", proxy.retry_after)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=10)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    upstream.close()
                if proxy.drop_idle:
                    self.close_connection = True

            do_GET = do_POST = do_DELETE = _handle

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self, method: Optional[str] = None) -> List[str]:
        with self.lock:
            return [path for m, path, _ in self.requests if method is None or m == method]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy(server: CronicleServer) -> Iterator[RecordingProxy]:
    instance = RecordingProxy(server.port)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
