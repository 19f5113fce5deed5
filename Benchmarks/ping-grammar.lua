-- wrk script: each connection alternates the Healthchecks-style start and success pings
-- of the job whose ping_uuid is below, as runitor or a crontab's curl sends them.
local counter = 0
local url = "/ping/0b7c4f3e-5a6d-4e8f-9a1b-2c3d4e5f6a7b"

request = function()
    counter = counter + 1
    if counter % 2 == 1 then
        return wrk.format("POST", url .. "/start")
    else
        return wrk.format("POST", url .. "/0")
    end
end

done = dofile("Benchmarks/wrk-report.lua")
