"""The same cases as Benchmarks/CronBenchmark through cronsim, the Python library
Healthchecks.io uses, for the comparison in docs/performance.md."""

import json
import sys
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from cronsim import CronSim


def run_all(cases, chain, recording):
    results = []
    for expression, zone, start in cases:
        tz = ZoneInfo(zone)
        iterator = CronSim(expression, datetime.fromtimestamp(start, tz))
        fires = []
        for _ in range(chain):
            fire = next(iterator)
            if recording:
                fires.append(int(fire.timestamp()))
        if recording:
            results.append(fires)
    return results


def main():
    path = sys.argv[1]
    chain = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    minimum_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3
    cases = []
    with open(path) as handle:
        for line in handle:
            expression, zone, start = line.rstrip("\n").split("\t")
            cases.append((expression, zone, int(start)))
    first_round = run_all(cases, chain, True)
    rounds = 0
    started = time.perf_counter()
    while time.perf_counter() - started < minimum_seconds:
        run_all(cases, chain, False)
        rounds += 1
    elapsed = time.perf_counter() - started
    computations = rounds * len(cases) * chain
    print(json.dumps({
        "engine": "cronsim",
        "fire_times": computations,
        "seconds": elapsed,
        "per_second": computations / elapsed,
        "results": first_round,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
