-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/lookup_api.py: each request POSTs {"pin": …} to /api/v1/lookup with a PIN drawn
-- at random from a sample file (listed PINs and PINs on no list). Arguments: PINS_FILE [CHALLENGES_FILE SKIP
-- THREADS]: with a file of solved proof-of-work payloads, each request carries one never used before (thread
-- t of THREADS takes lines SKIP + t, SKIP + t + THREADS, ...).
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
  payloads = nil
  if args[2] then
    payloads = {}
    for line in io.lines(args[2]) do payloads[#payloads + 1] = line end
    next_payload = tonumber(args[3]) + tid
    stride = tonumber(args[4])
  end
end

function request()
  local pin = pins[math.random(#pins)]
  local body = '{"pin": "' .. pin .. '"}'
  if payloads then
    local payload = payloads[next_payload] or "exhausted"
    next_payload = next_payload + stride
    body = '{"pin": "' .. pin .. '", "altcha": "' .. payload .. '"}'
  end
  return wrk.format("POST", "/api/v1/lookup", {["Content-Type"] = "application/json"}, body)
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
