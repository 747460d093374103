-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/sms_webhooks.py: each request is a new SMS to 119 (a unique gateway id, a sender
-- number of its own) carrying a PIN drawn from a sample file. Arguments: kannel|jasmin|inbound SECRET PINS_FILE RUN
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode, secret, run = args[1], args[2], args[4]
  pins = {}
  for line in io.lines(args[3]) do pins[#pins + 1] = line end
  math.randomseed(tid * 7919)
  sent = 0
end

function request()
  sent = sent + 1
  local pin = pins[math.random(#pins)]
  local id = run .. "-" .. tid .. "-" .. sent
  local from = string.format("99670%07d", (tid * 1000003 + sent * 7) % 10000000)
  if mode == "kannel" then
    return wrk.format("GET", "/sms/kannel?secret=" .. secret .. "&id=" .. id .. "&from=" .. from ..
      "&to=119&text=RU+" .. pin)
  end
  if mode == "inbound" then
    return wrk.format("POST", "/sms/inbound", {["Content-Type"] = "application/json", ["X-Shailoo-Secret"] = secret},
      '{"id": "' .. id .. '", "from": "' .. from .. '", "to": "119", "text": "RU ' .. pin .. '"}')
  end
  local body = "id=" .. id .. "&from=" .. from .. "&to=119&coding=0&content=" .. pin
  return wrk.format("POST", "/sms/jasmin?secret=" .. secret,
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
