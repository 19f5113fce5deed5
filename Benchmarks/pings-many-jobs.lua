-- wrk script: start and end pings spread over 64 jobs ("bench-0" to "bench-63"), each start
-- followed by the end of the same job, so that pings of different jobs do not wait on one
-- job's lock (PostgreSQL locks per job; SQLite has one writer whatever the job).
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
