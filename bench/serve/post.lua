-- wrk script for the serving benchmark: POST /v1/predict with real
-- messages, cycling through a JSON-lines file of request bodies (one
-- {"subject", "from", "body"} object a line), the same file and the same
-- order for both servers.
--
--   wrk -t1 -c32 -d10s -s bench/serve/post.lua http://127.0.0.1:PORT -- MESSAGES.jsonl [ROUTE]
--
-- ROUTE (default /v1/predict) is where to post: /v1/predict/batch with a
-- file of {"messages": [...]} bodies, one a line, measures batches.
--
-- Each wrk thread formats every request once, in init, and starts at its
-- own offset in the file, so the threads do not all send the same message
-- at the same time. When the run is over, `done` prints one JSON line (the
-- last line of wrk's output): requests, duration, errors (socket errors,
-- and `status`: responses with a status of 400 or more) and latency
-- percentiles in microseconds.

local requests = {}
local next_index = 1
local thread_number = 0

function setup(thread)
   thread:set("id", thread_number)
   thread_number = thread_number + 1
end

function init(args)
   local path = args[1]
   if path == nil then
      error("post.lua needs the messages file: wrk ... URL -- MESSAGES.jsonl")
   end
   local route = args[2] or "/v1/predict"
   local headers = { ["Content-Type"] = "application/json" }
   for line in io.lines(path) do
      if #line > 0 then
         requests[#requests + 1] = wrk.format("POST", route, headers, line)
      end
   end
   if #requests == 0 then
      error("no messages in " .. path)
   end
   next_index = ((id or 0) * 7919) % #requests + 1
end

function request()
   local r = requests[next_index]
   next_index = next_index % #requests + 1
   return r
end

function done(summary, latency, _)
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "bytes": %d, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
         .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "p999": %d, "mean": %.1f, "max": %d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.mean, latency.max))
end
