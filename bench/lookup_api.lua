-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/lookup_api.py: each request POSTs {"pin": …} to /api/v1/lookup with a PIN drawn
-- at random from a sample file (listed PINs and PINs on no list). Arguments: PINS_FILE [CHALLENGES_FILE SKIP
-- THREADS]: with a file of solved proof-of-work payloads, each request carries one never used before (thread
-- t of THREADS takes lines SKIP + t, SKIP + t + THREADS, ...).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_report.lua")

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
