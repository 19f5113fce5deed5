-- wrk script: Benchmarks/pings.lua with a ping key in every request, as a monitor with
-- access keys needs (scripts/bench-api's keys round; CRONICLE_KEY holds the secret).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CRONICLE_KEY")
dofile("Benchmarks/pings.lua")
