-- wrk script: start and end pings spread over 64 jobs ("bench-0" to "bench-63"), each start
-- followed by the end of the same job, so that pings of different jobs do not wait on one
-- job's lock (PostgreSQL locks per job; SQLite has one writer whatever the job). The counter
-- is shared by the thread's connections: a start and the end after it go out on two
-- connections, often at once, and an end may arrive before its start (a run without a start).
local counter = 0

request = function()
    counter = counter + 1
    local job = math.floor((counter - 1) / 2) % 64
    if counter % 2 == 1 then
        return wrk.format("POST", "/jobs/bench-" .. job .. "/start")
    else
        return wrk.format("POST", "/jobs/bench-" .. job .. "/end")
    end
end

done = dofile("Benchmarks/wrk-report.lua")
