-- wrk script: each connection alternates a start and an end ping of job "bench",
-- the way a wrapped cron job reports itself.
local counter = 0

request = function()
    counter = counter + 1
    if counter % 2 == 1 then
        return wrk.format("POST", "/jobs/bench/start")
    else
        return wrk.format("POST", "/jobs/bench/end")
    end
end

done = dofile("Benchmarks/wrk-report.lua")
