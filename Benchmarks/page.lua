-- wrk script: the dashboard's front page, as a browser loads it.
request = function()
    return wrk.format("GET", "/", { ["Accept"] = "text/html" })
end

done = dofile("Benchmarks/wrk-report.lua")
