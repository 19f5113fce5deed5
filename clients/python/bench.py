#!/usr/bin/env python3
"""How long `with client.run("bench"):` around an empty block takes against a local server.

Starts its own `cronicle serve` (CRONICLE_BIN, else .build/debug/cronicle) on a
temporary database, creates the job `bench`, warms up 20 runs, then times 300 and
prints the median and p99 in milliseconds. The goal is a median under 10 ms.

    .build/clients/python-venv/bin/python clients/python/bench.py [--iterations N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "src"))
sys.path.insert(0, os.path.join(HERE, "tests"))

import cronicle  # noqa: E402
from cronicle_server import CronicleServer  # noqa: E402


def percentile(sorted_values: "list[float]", fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values))) - 1))
    return sorted_values[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=300)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cronicle-python-bench-") as directory:
        server = CronicleServer(directory)
        try:
            server.start()
            server.create_job("bench", schedule="* * * * *")
            results = []
            # The default client (start sent from a background thread, end waits for
            # it), then strict (start sent before the block).
            for label, strict in (("default", False), ("strict", True)):
                client = cronicle.Client(server.url, strict=strict)
                for _ in range(arguments.warmup):
                    with client.run("bench"):
                        pass
                durations = []
                for _ in range(arguments.iterations):
                    started = time.perf_counter()
                    with client.run("bench") as run:
                        pass
                    durations.append((time.perf_counter() - started) * 1000)
                    if run.status != "succeeded":
                        raise SystemExit(f"run {run.run_id} was not recorded as succeeded: {run.data}")
                client.close()
                results.append((label, sorted(durations)))
            recorded = server.call("GET", "/job_runs?job_id=bench&per_page=1")["total"]
        finally:
            server.stop()

    expected = 2 * (arguments.warmup + arguments.iterations)
    print(f"with client.run('bench'): pass, {arguments.iterations} runs after {arguments.warmup} warm-up per mode; "
          f"{recorded}/{expected} runs recorded (goal: median under 10 ms)")
    for label, durations in results:
        print(f"  {label:8} median {statistics.median(durations):.2f} ms, p99 {percentile(durations, 0.99):.2f} ms, "
              f"min {durations[0]:.2f} ms, max {durations[-1]:.2f} ms")
    return 0 if recorded == expected else 1


if __name__ == "__main__":
    sys.exit(main())
