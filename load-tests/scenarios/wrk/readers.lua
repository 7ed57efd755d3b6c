-- wrk script: anonymous public readers of a charity day (scenario f), or a control that reads /health/live.
--
--   WRK_CAMPAIGN=<campaignId> WRK_READ=mix WRK_OUT=readers.json \
--     wrk -t2 -c14 -d30s --latency -s load-tests/scenarios/wrk/readers.lua http://127.0.0.1:5080
--
-- WRK_READ:
--   mix   80% GET /v1/projects/{id}, 10% GET /v1/campaigns/{id}, 10% GET /v1/campaigns/{id}/leaderboard?top=10.
--         A project read goes to the hub (WRK_HUB) with probability WRK_HUB_SHARE (default 0.1), otherwise to a
--         uniformly drawn project: WRK_PROJECT_PREFIX%05d (i < WRK_PROJECTS, the donated-to projects) or
--         WRK_HUB_CHILD_PREFIX%05d (i < WRK_HUB_CHILDREN, the hub's sub-projects).
--   hub   GET /v1/projects/{WRK_HUB} only (a second wrk instance: the hub's own latency).
--   live  GET /health/live only (the control run).
-- The result (requests, non-2xx answers, latency percentiles) is printed and written to WRK_OUT as JSON.
-- No response() callback: wrk counts non-2xx answers itself (summary.errors.status), and parsing bodies
-- would cost the client CPU the server should have.

local env = os.getenv
local mode = env("WRK_READ") or "mix"
local campaign = env("WRK_CAMPAIGN") or ""
local prefix = env("WRK_PROJECT_PREFIX") or (campaign .. "-p")
local projects = tonumber(env("WRK_PROJECTS") or "1000")
local hub = env("WRK_HUB") or (campaign .. "-hub")
local childPrefix = env("WRK_HUB_CHILD_PREFIX") or (hub .. "-c")
local children = tonumber(env("WRK_HUB_CHILDREN") or "0")
local hubShare = tonumber(env("WRK_HUB_SHARE") or "0.1")
local headers = { ["Accept"] = "application/json" }

local threads = {}
local nextThread = 0
function setup(thread)
  thread:set("tid", nextThread)
  nextThread = nextThread + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 104729)
end

local campaignPath = "/v1/campaigns/" .. campaign
local leaderboardPath = campaignPath .. "/leaderboard?top=10"
local hubPath = "/v1/projects/" .. hub

local function project()
  if children > 0 and math.random() < hubShare then
    return hubPath
  end
  local i = math.random(0, projects + children - 1)
  if i < projects then
    return string.format("/v1/projects/%s%05d", prefix, i)
  end
  return string.format("/v1/projects/%s%05d", childPrefix, i - projects)
end

function request()
  if mode == "live" then
    return wrk.format("GET", "/health/live", headers)
  elseif mode == "hub" then
    return wrk.format("GET", hubPath, headers)
  end
  local r = math.random()
  if r < 0.8 then
    return wrk.format("GET", project(), headers)
  elseif r < 0.9 then
    return wrk.format("GET", campaignPath, headers)
  end
  return wrk.format("GET", leaderboardPath, headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local p = function(q) return latency:percentile(q) / 1000.0 end
  io.write(string.format("readers.lua %s: %.0f reads/s, non-2xx %d, socket errors %d, latency p50 %.2f ms p99 %.2f ms\n",
    mode, summary.requests / seconds, e.status, e.connect + e.read + e.write + e.timeout, p(50), p(99)))
  local out = env("WRK_OUT")
  if not out then return end
  local f = assert(io.open(out, "w"))
  f:write(string.format('{"label":"%s","mode":"%s","campaign":"%s","threads":%d,"durationSeconds":%.3f,"requests":%d,"bytes":%d,"readsPerSecond":%.1f,"non2xx":%d,',
    env("WRK_LABEL") or "", mode, campaign, #threads, seconds, summary.requests, summary.bytes, summary.requests / seconds, e.status))
  f:write(string.format('"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},', e.connect, e.read, e.write, e.timeout))
  f:write(string.format('"latencyMs":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f,"mean":%.3f}}\n',
    p(50), p(90), p(99), p(99.9), latency.max / 1000.0, latency.mean / 1000.0))
  f:close()
end
