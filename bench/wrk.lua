-- wrk script for make bench: one scenario per run, chosen by environment variables.
--   BENCH_MODE    plain (one fixed request), get (URL path + a random id), post (a new ticket)
--   BENCH_TOKENS  file of bearer tokens, one a line; each request takes one at random
--   BENCH_IDS     file of ticket ids, one a line (get)
-- When done it prints one line for `servicedesk-bench report`:
--   BENCH requests=N seconds=S p50_us=X p99_us=Y non2xx=N socket_errors=N

local mode = os.getenv("BENCH_MODE") or "plain"

local function lines(path)
    local out = {}
    if path and path ~= "" then
        for line in io.lines(path) do
            if line ~= "" then out[#out + 1] = line end
        end
    end
    return out
end

local tokens = lines(os.getenv("BENCH_TOKENS"))
local ids = lines(os.getenv("BENCH_IDS"))
local kinds = { "incident", "service_request", "problem" }

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

function init(args)
    math.randomseed(os.time() * 1000 + (thread_number or 0))
end

local function headers()
    local h = {}
    if #tokens > 0 then
        h["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
    end
    return h
end

if mode == "get" then
    function request()
        return wrk.format("GET", wrk.path .. ids[math.random(#ids)], headers())
    end
elseif mode == "post" then
    function request()
        local h = headers()
        h["Content-Type"] = "application/json"
        local body = string.format(
            '{"kind":"%s","category":"it_system","title":"Printer on floor 3 is offline",' ..
            '"description":"Raised by make bench: the printer shows a paper jam that is not there."}',
            kinds[math.random(#kinds)])
        return wrk.format("POST", wrk.path, h, body)
    end
elseif #tokens > 1 then
    function request()
        return wrk.format(nil, nil, headers())
    end
elseif #tokens == 1 then
    wrk.headers["Authorization"] = "Bearer " .. tokens[1]
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "BENCH requests=%d seconds=%.3f p50_us=%.0f p99_us=%.0f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
        e.status, e.connect + e.read + e.write + e.timeout))
end
