-- wrk script: start and end pings spread over BENCH_JOBS jobs (default 64: "bench-0" to
-- "bench-63"), from job BENCH_OFFSET on (default 0; two wrk processes against two nodes take
-- different offsets, so that they do not ping the same jobs in step), each start
-- followed by the end of the same job, so that pings of different jobs do not wait on one
-- job's lock (PostgreSQL locks per job; SQLite has one writer whatever the job). The counter
-- is shared by the thread's connections: a start and the end after it go out on two
-- connections, often at once, and an end may arrive before its start (a run without a start).
local counter = 0
local jobs = tonumber(os.getenv("BENCH_JOBS") or "64")
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")

request = function()
    counter = counter + 1
    local job = (math.floor((counter - 1) / 2) + offset) % jobs
    if counter % 2 == 1 then
        return wrk.format("POST", "/jobs/bench-" .. job .. "/start")
    else
        return wrk.format("POST", "/jobs/bench-" .. job .. "/end")
    end
end

done = dofile("Benchmarks/wrk-report.lua")
