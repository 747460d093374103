-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/results.py: each request GETs a path drawn at random from a file of public results
-- pages and open-data endpoints (election, constituency and precinct pages; JSON and CSV). Argument: PATHS_FILE
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tid * 7919)
  statuses = {}
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Language"] = "ky"})
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do parts[#parts + 1] = code .. "=" .. n end
  io.write("statuses " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("p50_ms %.2f\np90_ms %.2f\np99_ms %.2f\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
