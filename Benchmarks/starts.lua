-- wrk script: start pings of job "flood" that never end, as the hardening review's
-- attacker sent them (no token needed).
request = function()
    return wrk.format("POST", "/jobs/flood/start")
end

done = dofile("Benchmarks/wrk-report.lua")
