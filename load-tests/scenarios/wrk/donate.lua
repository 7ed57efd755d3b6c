-- wrk script: single donations (POST /v1/donations) as CharityDay.LoadTests scenario b posts them.
--
--   WRK_KEY=<partner key> WRK_CAMPAIGN=<campaignId> WRK_RUN=<unique run prefix> WRK_OUT=result.json \
--     wrk -t2 -c64 -d30s --latency -s load-tests/scenarios/wrk/donate.lua http://127.0.0.1:5080
--
-- Environment (the setup command's JSON has the values):
--   WRK_KEY           partner key (Authorization: Bearer …); the baselines' stub key is bl_<partnerId>
--   WRK_PROJECT_PREFIX project ids are PREFIX%05d for 0 <= i < WRK_PROJECTS (default <campaign>-p, 1000)
--   WRK_DONORS        donors donor-000000 … (default 100000); amounts uniform WRK_MIN..WRK_MAX fen (100..1000)
--   WRK_MERCHANT_SHARE percent of the donations that are merchant gifts (SPEC §7: merchantId + orderCount
--                     instead of donorId; default 10) from WRK_MERCHANTS merchants shop-NNNNNN (default 1000),
--                     numbered after the donors, so the per-donor tallies tell a merchant from a person
--   WRK_RUN           prefix of every donationId; ids are <run>-t<thread>-<counter>, unique across threads
--   WRK_OUT           where done() writes the result as JSON (for `CharityDay.LoadTests verify --wrk`)
--   WRK_LABEL         copied into the JSON
--
-- Every answer is tallied: status codes, and for a 2xx the donation it names (donationId, matchedTotal)
-- against what this thread sent, so that the acknowledged amount and matches are exact. Donations sent
-- but never answered (in flight at the end, socket errors, non-2xx) are listed as "unresolved": the
-- verify command looks them up (GET /v1/donations/{id}) before it checks the campaign's totals.

local env = os.getenv
local key = assert(env("WRK_KEY"), "WRK_KEY (partner key) is required")
local campaign = env("WRK_CAMPAIGN") or ""
local prefix = env("WRK_PROJECT_PREFIX") or (campaign .. "-p")
local projects = tonumber(env("WRK_PROJECTS") or "1000")
local donors = tonumber(env("WRK_DONORS") or "100000")
local minAmount = tonumber(env("WRK_MIN") or "100")
local maxAmount = tonumber(env("WRK_MAX") or "1000")
local run = env("WRK_RUN") or ("wrk" .. os.time())
local merchantShare = tonumber(env("WRK_MERCHANT_SHARE") or "10")
local merchants = tonumber(env("WRK_MERCHANTS") or "1000")
assert(donors + merchants < 1000000, "donors and merchants are packed below 1,000,000")

local threads = {}
local nextThread = 0

-- Main state: give every thread its number before it starts.
function setup(thread)
  thread:set("tid", nextThread)
  nextThread = nextThread + 1
  table.insert(threads, thread)
end

-- Thread state (each wrk thread has its own Lua state).
local counter = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
pending = {}          -- donationId -> amount * 1e6 + donor index (sent, no 2xx seen yet)
status = {}           -- status code -> count
acked, ackedAmount, ackedMatched, replays, overAmount, unparsed = 0, 0, 0, 0, 0, 0
donorMatched = {}     -- donor index -> matched fen
startedAt = 0

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  startedAt = os.time()
end

function request()
  counter = counter + 1
  local id = run .. "-t" .. tid .. "-" .. counter
  local amount = math.random(minAmount, maxAmount)
  local body
  if merchants > 0 and math.random() * 100 < merchantShare then
    local merchant = donors + math.random(0, merchants - 1)
    pending[id] = amount * 1000000 + merchant
    body = string.format('{"donationId":"%s","projectId":"%s%05d","merchantId":"shop-%06d","orderCount":%d,"amount":%d}',
      id, prefix, math.random(0, projects - 1), merchant, math.random(1, 199), amount)
  else
    local donor = math.random(0, donors - 1)
    pending[id] = amount * 1000000 + donor
    body = string.format('{"donationId":"%s","projectId":"%s%05d","donorId":"donor-%06d","amount":%d}',
      id, prefix, math.random(0, projects - 1), donor, amount)
  end
  return wrk.format("POST", "/v1/donations", headers, body)
end

function response(code, hdrs, body)
  status[code] = (status[code] or 0) + 1
  if code < 200 or code >= 300 then
    return -- the donation stays pending: verify looks it up
  end
  local id = body:match('"donationId"%s*:%s*"([^"]+)"')
  local packed = id and pending[id]
  if not packed then
    unparsed = unparsed + 1
    return
  end
  pending[id] = nil
  local amount = math.floor(packed / 1000000)
  local donor = packed % 1000000
  local matched = tonumber(body:match('"matchedTotal"%s*:%s*(%-?%d+)') or "0")
  acked = acked + 1
  ackedAmount = ackedAmount + amount
  ackedMatched = ackedMatched + matched
  if matched > 0 then
    donorMatched[donor] = (donorMatched[donor] or 0) + matched
  end
  if matched > amount or matched < 0 then
    overAmount = overAmount + 1
  end
  if body:find('"replayed"%s*:%s*true') then
    replays = replays + 1
  end
end

local function pct(latency, p) return latency:percentile(p) / 1000.0 end

function done(summary, latency, requests)
  local total = { acked = 0, amount = 0, matched = 0, replays = 0, over = 0, unparsed = 0 }
  local codes, donorsAll, unresolved = {}, {}, {}
  local started, ended = nil, os.time()
  for _, t in ipairs(threads) do
    total.acked = total.acked + t:get("acked")
    total.amount = total.amount + t:get("ackedAmount")
    total.matched = total.matched + t:get("ackedMatched")
    total.replays = total.replays + t:get("replays")
    total.over = total.over + t:get("overAmount")
    total.unparsed = total.unparsed + t:get("unparsed")
    local s = t:get("startedAt")
    if started == nil or s < started then started = s end
    for code, n in pairs(t:get("status")) do codes[code] = (codes[code] or 0) + n end
    for donor, m in pairs(t:get("donorMatched")) do donorsAll[donor] = (donorsAll[donor] or 0) + m end
    for id, packed in pairs(t:get("pending")) do
      table.insert(unresolved, string.format('{"id":"%s","amount":%d,"donor":%d}', id, math.floor(packed / 1000000), packed % 1000000))
    end
  end
  local seconds = summary.duration / 1e6
  local ok, other = 0, 0
  local codeList = {}
  for code, n in pairs(codes) do
    if code >= 200 and code < 300 then ok = ok + n else other = other + n end
    table.insert(codeList, string.format('"%d":%d', code, n))
  end
  local e = summary.errors
  io.write(string.format("donate.lua: %d answers 2xx, %d other (%s); socket errors connect %d read %d write %d timeout %d\n",
    ok, other, table.concat(codeList, " "), e.connect, e.read, e.write, e.timeout))
  io.write(string.format("donate.lua: %.0f donations/s acknowledged, %.0f requests/s, latency p50 %.2f ms p99 %.2f ms, %d unresolved\n",
    total.acked / seconds, summary.requests / seconds, pct(latency, 50), pct(latency, 99), #unresolved))

  local out = env("WRK_OUT")
  if not out then return end
  local f = assert(io.open(out, "w"))
  local donorList = {}
  for donor, m in pairs(donorsAll) do table.insert(donorList, string.format('"%d":%d', donor, m)) end
  f:write("{\n")
  f:write(string.format('"label":"%s","run":"%s","campaign":"%s","threads":%d,\n', env("WRK_LABEL") or "", run, campaign, #threads))
  f:write(string.format('"durationSeconds":%.3f,"requests":%d,"bytes":%d,"requestsPerSecond":%.1f,\n',
    seconds, summary.requests, summary.bytes, summary.requests / seconds))
  f:write(string.format('"acked":%d,"ackedAmount":%d,"ackedMatched":%d,"donationsPerSecond":%.1f,\n',
    total.acked, total.amount, total.matched, total.acked / seconds))
  f:write(string.format('"replays":%d,"matchOverAmount":%d,"unparsed":%d,"answers2xx":%d,"answersOther":%d,\n',
    total.replays, total.over, total.unparsed, ok, other))
  f:write(string.format('"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},\n', e.connect, e.read, e.write, e.timeout))
  f:write(string.format('"latencyMs":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f,"mean":%.3f},\n',
    pct(latency, 50), pct(latency, 90), pct(latency, 99), pct(latency, 99.9), latency.max / 1000.0, latency.mean / 1000.0))
  f:write(string.format('"startedAt":%d,"endedAt":%d,\n', started or ended, ended))
  f:write('"status":{' .. table.concat(codeList, ",") .. '},\n')
  f:write('"unresolved":[' .. table.concat(unresolved, ",\n") .. '],\n')
  f:write('"donorMatched":{' .. table.concat(donorList, ",") .. '}\n')
  f:write("}\n")
  f:close()
end
