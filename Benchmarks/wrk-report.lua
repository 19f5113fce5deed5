-- The RESULT line every wrk script of the benchmarks prints, for the bench scripts to read.
-- Loaded by them with dofile, relative to the repository (the scripts run from there).
return function(summary, latency, requests)
    io.write(string.format("RESULT requests=%d errors=%d non2xx=%d seconds=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
        summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
