"""Start and stop a real `cronicle serve` (shared by the tests and bench.py)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DEFAULT_BINARY = os.path.join(REPO_ROOT, ".build", "debug", "cronicle")
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


class CronicleServer:
    """`cronicle serve --port 0 --db DIR/cronicle.db` with its stderr drained in a thread."""

    def __init__(self, directory: str, api_token: Optional[str] = None) -> None:
        self.binary = os.environ.get("CRONICLE_BIN") or DEFAULT_BINARY
        self.directory = directory
        self.api_token = api_token
        self.process: Optional["subprocess.Popen[bytes]"] = None
        self.port = 0
        self.log: List[str] = []
        self._found = threading.Event()
        self._reader: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, attempts: int = 4) -> None:
        """Start the server; a binary missing or failing (being relinked) is retried after 30 s."""
        last = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(30)
            if not os.access(self.binary, os.X_OK):
                last = f"{self.binary} is missing or not executable"
                continue
            if self._try_start():
                return
            last = "\n".join(self.log[-20:])
        raise RuntimeError(f"cronicle serve did not start: {last}")

    def _try_start(self) -> bool:
        command = [self.binary, "serve", "--port", "0", "--db", os.path.join(self.directory, "cronicle.db")]
        if self.api_token:
            command += ["--api-token", self.api_token]
        self.log = []
        self._found.clear()
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as error:
            self.log.append(repr(error))
            return False
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._found.wait(0.05):
                return True
            if self.process.poll() is not None:
                break
        self.stop()
        return False

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.log.append(line)
            if not self._found.is_set():
                match = LISTENING.search(line)
                if match:
                    self.port = int(match.group(1))
                    self._found.set()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(5)

    # Raw HTTP, independent of the client under test --------------------------------

    def call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.api_token:
            request.add_header("Authorization", f"Bearer {self.api_token}")
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def create_key(self, name: str, scope: str, jobs: Optional[str] = None) -> str:
        """`cronicle keys create` on this server's database; returns the secret (`crk_...`).

        The first key switches the server to keys for every route (DESIGN 13); the
        server's own ``api_token`` stays an admin key, so :meth:`call` keeps working.
        """
        command = [self.binary, "keys", "create", name, "--scope", scope, "--db", os.path.join(self.directory, "cronicle.db")]
        if jobs is not None:
            command += ["--jobs", jobs]
        made = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        if made.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({made.returncode}): {made.stderr.decode('utf-8', 'replace')}")
        return made.stdout.decode("utf-8").strip()

    def create_job(self, job_id: str, **fields: Any) -> Dict[str, Any]:
        body = {"job_id": job_id, "schedule": "0 0 1 1 *"}
        body.update(fields)
        return self.call("POST", "/jobs", body)

    def runs_of(self, job_id: str) -> List[Dict[str, Any]]:
        answer = self.call("GET", f"/job_runs?job_id={job_id}&per_page=500")
        return answer["job_runs"]
