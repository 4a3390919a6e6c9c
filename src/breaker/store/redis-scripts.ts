/**
 * The Lua scripts of the Redis circuit store. Each runs atomically on the server, so counting
 * and tripping, claiming the probe and closing are one step for the whole fleet. Time is the
 * server's (`TIME`), and replies carry *remaining* milliseconds, so clocks of the processes
 * never need to agree. Every reply is `{ state, remainingMs, generation }`; the generation
 * grows at every transition and is at least the server's clock in µs, so it keeps growing after
 * Redis lost its keys (restarted empty, `FLUSHALL`), and a process never lets an older reply undo
 * a newer message.
 *
 * Keys of one provider (all in one hash slot): `KEYS[1]` the state hash (`s` state, `u`
 * open-until in server ms, `c` consecutive failures, `g` generation; for a `consecutive` rule
 * also `ls`, when the newest success happened, and `ft`, when each counted failure happened,
 * both in server ms), `KEYS[2]` the
 * failure-rate window (a list of `f`/`s`), `KEYS[3]` the probe lease (`SET NX PX`).
 * A key holding anything else is reported as `FIREBREAK_CORRUPT <key> <what>`, never read as
 * "closed".
 */

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Generations are at least the server's clock in microseconds: a script takes longer than that,
-- so they never run ahead of the clock, and keep growing after Redis lost its keys.
local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local gen = nil
-- The generation of this script's one transition (the same value however often it is asked for).
local function next_gen(g, now)
  if gen == nil then gen = math.max(g + 1, now_us()) end
  return gen
end
-- A probe lease taken for a probe that was running when Redis lost its keys, by a process that
-- saw it (half-open) but did not run it: the running prober takes it over, and its result ends it.
local HELD_ELSEWHERE = 'held-elsewhere'
local function corrupt(key, what)
  return redis.error_reply('FIREBREAK_CORRUPT ' .. key .. ' ' .. what)
end
local function read_state()
  local kind = redis.call('TYPE', KEYS[1])['ok']
  if kind == 'none' then return 'closed', 0, 0, 0 end
  if kind ~= 'hash' then return nil, 'holds a ' .. kind .. ', not a hash' end
  local v = redis.call('HMGET', KEYS[1], 's', 'u', 'c', 'g')
  local s = v[1] or 'closed'
  local u, c, g = tonumber(v[2] or '0'), tonumber(v[3] or '0'), tonumber(v[4] or '0')
  if (s ~= 'closed' and s ~= 'open') or u == nil or c == nil or g == nil then
    return nil, 'has unreadable fields (s=' .. tostring(v[1]) .. ', u=' .. tostring(v[2]) .. ', c=' .. tostring(v[3]) .. ')'
  end
  return s, u, c, g
end
local function check_window()
  local kind = redis.call('TYPE', KEYS[2])['ok']
  if kind ~= 'none' and kind ~= 'list' then return 'holds a ' .. kind .. ', not a list' end
  return nil
end
local function view(s, u, g, now)
  if s == 'closed' then return {'closed', 0, g} end
  if now < u then return {'open', u - now, g} end
  local kind = redis.call('TYPE', KEYS[3])['ok']
  if kind == 'none' then return {'open', 0, g} end
  local ttl = redis.call('PTTL', KEYS[3])
  if kind ~= 'string' or ttl < 0 then return nil end
  return {'half-open', ttl, g}
end
local function announce(channel, provider, state, ms, g)
  -- Formatted by hand: cjson writes numbers with 14 significant digits, a generation has 16.
  redis.call('PUBLISH', channel, string.format('{"p":%s,"s":"%s","ms":%d,"g":%d}', cjson.encode(provider), state, ms, g))
end
local function set_open(now, ms, g)
  redis.call('HSET', KEYS[1], 's', 'open', 'u', string.format('%d', now + ms), 'c', '0', 'ft', '', 'g', string.format('%d', g))
  redis.call('DEL', KEYS[2])
end
local function set_closed(now, g)
  -- failures that happened before the fleet closed (sent late) are not counted against it
  redis.call('HSET', KEYS[1], 's', 'closed', 'u', '0', 'c', '0', 'ft', '', 'ls', string.format('%d', now), 'g', string.format('%d', g))
  redis.call('DEL', KEYS[2])
end
local function read_run()
  local v = redis.call('HMGET', KEYS[1], 'ls', 'ft')
  local ls = tonumber(v[1] or '0')
  if ls == nil then return nil, 'has an unreadable field (ls=' .. tostring(v[1]) .. ')' end
  local ft = {}
  for x in string.gmatch(v[2] or '', '%S+') do
    local t = tonumber(x)
    if t == nil then return nil, 'has an unreadable field (ft=' .. tostring(v[2]) .. ')' end
    ft[#ft + 1] = t
  end
  return ls, ft
end
local function finish(s, u, g, now)
  local v = view(s, u, g, now)
  if v == nil then return corrupt(KEYS[3], 'is not a probe lease with an expiry') end
  return v
end
`;

/**
 * `record`: ARGV = outcomes ("f"/"s" in order), rule kind ("c" consecutive / "r" rate),
 * threshold, window, minimumCalls, first cool-down ms, channel, provider, and each outcome's
 * age in ms when sent (comma-separated, same order; a `consecutive` rule orders by it).
 */
export const RECORD_SCRIPT = `${PRELUDE}
local s, u, c, g = read_state()
if s == nil then return corrupt(KEYS[1], u) end
local now = now_ms()
if s == 'open' then return finish(s, u, g, now) end
local outcomes, kind, threshold = ARGV[1], ARGV[2], tonumber(ARGV[3])
local tripped = false
if kind == 'c' then
  -- Counted in the order the outcomes happened (now - age), not the order they arrived: a
  -- success resets only the failures that happened before it, and a failure older than the
  -- newest success is not counted. ft holds the times of the counted failures, ascending.
  local ls, ft = read_run()
  if ls == nil then return corrupt(KEYS[1], ft) end
  local ages = {}
  for x in string.gmatch(ARGV[9] or '', '%d+') do ages[#ages + 1] = tonumber(x) end
  for i = 1, #outcomes do
    local t = now - (ages[i] or 0)
    if string.sub(outcomes, i, i) == 'f' then
      if t >= ls then
        local at = #ft + 1
        while at > 1 and ft[at - 1] > t do at = at - 1 end
        table.insert(ft, at, t)
        if #ft >= threshold then tripped = true break end
      end
    else
      if t > ls then ls = t end
      local kept = {}
      for _, f in ipairs(ft) do if f > t then kept[#kept + 1] = f end end
      ft = kept
    end
  end
  if not tripped then
    local times = {}
    for i, f in ipairs(ft) do times[i] = string.format('%d', f) end
    redis.call('HSET', KEYS[1], 'c', string.format('%d', #ft), 'ls', string.format('%d', ls), 'ft', table.concat(times, ' '))
  end
else
  local bad = check_window()
  if bad then return corrupt(KEYS[2], bad) end
  local window, minimum = tonumber(ARGV[4]), tonumber(ARGV[5])
  for i = 1, #outcomes do
    redis.call('LPUSH', KEYS[2], string.sub(outcomes, i, i))
    redis.call('LTRIM', KEYS[2], 0, window - 1)
    local all = redis.call('LRANGE', KEYS[2], 0, -1)
    local failures = 0
    for _, o in ipairs(all) do if o == 'f' then failures = failures + 1 end end
    if #all >= minimum and failures / #all > threshold then tripped = true break end
  end
end
if tripped then
  local ms = tonumber(ARGV[6])
  set_open(now, ms, next_gen(g, now))
  announce(ARGV[7], ARGV[8], 'open', ms, next_gen(g, now))
  return {'open', ms, next_gen(g, now)}
end
return {'closed', 0, g}
`;

/**
 * `claim`: ARGV = lease ms, channel, provider, token. Replies `won` when this caller holds the
 * probe. A claim finding no state at all (Redis lost the keys in place: `FLUSHALL`, `DEL`) rebuilds
 * the circuit open with its cool-down over: only a circuit whose cool-down ended here claims.
 */
export const CLAIM_SCRIPT = `${PRELUDE}
local missing = redis.call('TYPE', KEYS[1])['ok'] == 'none'
local s, u, c, g = read_state()
if s == nil then return corrupt(KEYS[1], u) end
local now = now_ms()
if missing then
  -- The fleet's state was lost (FLUSHALL, DEL) while this circuit was open: it claims because its
  -- cool-down is over, so the circuit is rebuilt open with the cool-down over (else it never probed).
  set_open(now, 0, next_gen(g, now))
  s, u, g = 'open', now, next_gen(g, now)
end
if s == 'closed' or now < u then return finish(s, u, g, now) end
local lease = tonumber(ARGV[1])
if redis.call('SET', KEYS[3], ARGV[4], 'NX', 'PX', lease) then
  redis.call('HSET', KEYS[1], 'g', string.format('%d', next_gen(g, now)))
  announce(ARGV[2], ARGV[3], 'half-open', lease, next_gen(g, now))
  return {'won', lease, next_gen(g, now)}
end
return finish(s, u, g, now)
`;

/**
 * `probeDone`: ARGV = "1" (the probe succeeded) or "0", the next cool-down ms, channel, provider,
 * this link's token. A result reaching Redis while another process holds the probe lease (this
 * probe's lease expired, or its claim timed out and it probed alone, and the result was held up
 * by a hung connection) is stale: it changes nothing and the lease stays with its holder, so no
 * second probe can start beside the running one. Replies with the fleet's state.
 */
export const PROBE_DONE_SCRIPT = `${PRELUDE}
local s, u, c, g = read_state()
if s == nil then return corrupt(KEYS[1], u) end
local now = now_ms()
local kind = redis.call('TYPE', KEYS[3])['ok']
if kind == 'string' then
  local holder = redis.call('GET', KEYS[3])
  if holder ~= ARGV[5] and holder ~= HELD_ELSEWHERE then return finish(s, u, g, now) end
end
if kind ~= 'none' then redis.call('DEL', KEYS[3]) end
if ARGV[1] == '1' then
  set_closed(now, next_gen(g, now))
  announce(ARGV[3], ARGV[4], 'closed', 0, next_gen(g, now))
  return {'closed', 0, next_gen(g, now)}
end
local ms = tonumber(ARGV[2])
set_open(now, ms, next_gen(g, now))
announce(ARGV[3], ARGV[4], 'open', ms, next_gen(g, now))
return {'open', ms, next_gen(g, now)}
`;

/**
 * `sync` (on connect and after an outage): ARGV = ms this process's circuit stays open
 * (0: closed here), channel, provider, this link's token, and its local state ("closed", "open",
 * "half-open", "probing", or "unknown" when the breaker does not say). A circuit opened locally while the store was away reaches the
 * store; the fleet keeps the longer cool-down. A probe lease still holding this link's token
 * while it is not probing is released (compared and deleted in this script, so another
 * process's lease is never touched): its result never reached the store (a claim that timed out
 * ran once Redis answered again, or the probe ended while the store was away). A fleet half-open
 * on that lease then takes the local outcome: closed here closes it; otherwise it is re-announced
 * open (the rest of its cool-down, or the local one if longer), so no process waits out the lease.
 *
 * ARGV[6] is how long the probe lease this process last saw still runs (half-open here, someone
 * else probing), ARGV[7] the lease for a probe of its own, ARGV[8] the confirmation window. When
 * Redis lost the circuit's keys (restarted empty) while a probe ran, the half-open fleet is
 * rebuilt: the prober takes its lease again (or takes over one a waiting process put back as
 * `held-elsewhere`), and a waiting process puts the lease back as `held-elsewhere` for the time it
 * saw left, at most the confirmation window, so nobody else calls the provider before that probe
 * reports (or the window ends: the prober died, or the probe had ended unseen). Replies with the
 * fleet's state.
 */
export const SYNC_SCRIPT = `${PRELUDE}
local missing = redis.call('TYPE', KEYS[1])['ok'] == 'none'
local s, u, c, g = read_state()
if s == nil then return corrupt(KEYS[1], u) end
local bad = check_window()
if bad then return corrupt(KEYS[2], bad) end
local now = now_ms()
local ms = tonumber(ARGV[1])
local lease_kind = redis.call('TYPE', KEYS[3])['ok']
if ARGV[5] == 'probing' and lease_kind == 'string' and redis.call('GET', KEYS[3]) == HELD_ELSEWHERE then
  redis.call('SET', KEYS[3], ARGV[4], 'PX', tonumber(ARGV[7]))
end
local held = tonumber(ARGV[6]) or 0
local window = math.min(held, tonumber(ARGV[8]) or held)
if ARGV[5] == 'half-open' and window > 0 and lease_kind == 'string' and redis.call('GET', KEYS[3]) == HELD_ELSEWHERE then
  -- Another waiter put the lease back first, for its own (shorter) window: the longer one holds.
  if redis.call('PTTL', KEYS[3]) < window then redis.call('SET', KEYS[3], HELD_ELSEWHERE, 'PX', window) end
end
if missing and ((ARGV[5] == 'probing') or (ARGV[5] == 'half-open' and held > 0)) then
  -- Put back for what was seen left, at most the confirmation window (ARGV[8]): long enough for the
  -- prober to re-sync and take it over; a stale view (the probe had ended) holds the fleet that long only.
  local lease = ARGV[5] == 'probing' and (tonumber(ARGV[7]) or 0) or window
  local holder = ARGV[5] == 'probing' and ARGV[4] or HELD_ELSEWHERE
  if lease > 0 and lease_kind == 'none' then redis.call('SET', KEYS[3], holder, 'PX', lease) end
  set_open(now, 0, next_gen(g, now))
  local v = finish('open', now, next_gen(g, now), now)
  if v[1] then announce(ARGV[2], ARGV[3], v[1], v[2], v[3]) end
  return v
end
local released = false
local settled = ARGV[5] == 'closed' or ARGV[5] == 'open' or ARGV[5] == 'half-open'
if settled and redis.call('TYPE', KEYS[3])['ok'] == 'string' and redis.call('GET', KEYS[3]) == ARGV[4] then
  redis.call('DEL', KEYS[3])
  released = true
  if ARGV[5] == 'closed' and s == 'open' and now >= u then
    set_closed(now, next_gen(g, now))
    announce(ARGV[2], ARGV[3], 'closed', 0, next_gen(g, now))
    return {'closed', 0, next_gen(g, now)}
  end
end
if ms > 0 and (s == 'closed' or u < now + ms) then
  set_open(now, ms, next_gen(g, now))
  announce(ARGV[2], ARGV[3], 'open', ms, next_gen(g, now))
  return {'open', ms, next_gen(g, now)}
end
if released and s == 'open' then
  local left = math.max(0, u - now)
  redis.call('HSET', KEYS[1], 'g', string.format('%d', next_gen(g, now)))
  announce(ARGV[2], ARGV[3], 'open', left, next_gen(g, now))
  return {'open', left, next_gen(g, now)}
end
return finish(s, u, g, now)
`;
