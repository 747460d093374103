-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/lookup_api.py: each request POSTs {"pin": …} to /api/v1/lookup with a PIN drawn
-- at random from a sample file (listed PINs and PINs on no list). Argument: PINS_FILE
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  pins = {}
  for line in io.lines(args[1]) do pins[#pins + 1] = line end
  math.randomseed(tid * 7919)
  statuses = {}
end

function request()
  local pin = pins[math.random(#pins)]
  return wrk.format("POST", "/api/v1/lookup", {["Content-Type"] = "application/json"}, '{"pin": "' .. pin .. '"}')
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
