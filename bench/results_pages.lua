-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/results.py: each request GETs a path drawn at random from a file of public results
-- pages and open-data endpoints (election, constituency and precinct pages; JSON and CSV). Argument: PATHS_FILE
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_report.lua")

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tid * 7919)
  statuses = {}
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Language"] = "ky"})
end
