-- The load driver's script for wrk: POSTs one operation's body with the caller's token.
--
--   BENCH_RATE=0 wrk -t1 -c16 -d10s -s bench/driver.lua URL -- BODY_FILE TOKEN TAG
--
-- BENCH_RATE (environment): requests/s for each wrk thread, 0 for as fast as the server
-- answers (then no delay() is defined, so wrk keeps its fastest path). TAG: non-empty
-- means every request gets its own body, with __UNIQUE__ replaced by TAG, the thread and a
-- counter (scenario D registers a new customer each time). Every response is checked: a
-- status other than 200, or a body with GraphQL "errors", counts as bad. done() prints one
-- line, "BENCH-RESULT {json}", for bench/load.py to read.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- Per thread (each wrk thread runs its own copy of this script).
responses = 0
bad = 0
local template, prepared, tag, counter
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local next_at = nil

function init(args)
  local file = assert(io.open(args[1], "rb"))
  template = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  if args[3] ~= nil and args[3] ~= "" then
    tag = args[3] .. "t" .. id
  end
  counter = 0
  prepared = wrk.format(nil, nil, nil, template)
end

function request()
  if tag == nil then
    return prepared
  end
  counter = counter + 1
  local body = template:gsub("__UNIQUE__", tag .. "n" .. counter)
  return wrk.format(nil, nil, nil, body)
end

-- Pacing: each request takes the thread's next slot, 1/rate after the previous one; a thread
-- that fell behind by more than 100 ms starts a new schedule instead of bursting to catch up.
if rate > 0 then
  local interval_ms = 1000 / rate
  function delay()
    local now = now_ms()
    if next_at == nil or next_at < now - 100 then
      next_at = now
    end
    local wait = next_at - now
    next_at = next_at + interval_ms
    return math.max(0, math.floor(wait + 0.5))
  end
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local checked, failed = 0, 0
  for _, thread in ipairs(threads) do
    checked = checked + thread:get("responses")
    failed = failed + thread:get("bad")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"max_us":%d,"socket_errors":%d,"status_errors":%d,"bad_responses":%d,"checked":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status, failed, checked))
end
