/**
 * Four processes share one Redis circuit store (issue #20): each child runs a real ChatOpenAI
 * behind withSemanticBreaker against this test's loopback OpenAI-compatible server, which
 * counts every request. The fleet opens after the configured number of bad answers in total
 * (one or two per process would never trip a per-process circuit), sends exactly one half-open
 * probe across the fleet, and a recovered provider closes every circuit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { startFakeOpenAI, type Behaviour, type FakeOpenAI } from "./support/fake-openai-server.js";
import { startFleet, type FleetMember } from "./store/support/fleet-members.js";
import { SHARED_REDIS_URL, deleteUnder, inspector, uniquePrefix, waitUntil } from "./support/redis.js";

const TRIP = 4;
const COOL_DOWN_MS = 1_500;
let server: FakeOpenAI;
let fleet: FleetMember[] = [];
let redis: Redis;
const prefix = uniquePrefix("fleet");
let behaviour: Behaviour = { kind: "good" };

beforeAll(async () => {
  redis = inspector();
  server = await startFakeOpenAI(() => behaviour);
  const env = {
    FLEET_REDIS_URL: SHARED_REDIS_URL,
    FLEET_PREFIX: prefix,
    FLEET_BASE_URL: server.baseURL,
    FLEET_TRIP: String(TRIP),
    FLEET_COOLDOWN_MS: String(COOL_DOWN_MS),
  };
  // One at a time: four children loading ChatOpenAI through tsx at once on a loaded 2-core machine
  // took more than 30 s each; one by one they start sooner, each within its own limit.
  for (let i = 0; i < 4; i++) fleet.push(...(await startFleet(1, env)));
}, 600_000);

afterAll(async () => {
  await Promise.all(fleet.map((m) => Promise.race([m.send("close"), new Promise((r) => setTimeout(r, 2_000))])));
  for (const m of fleet) if (m.child.exitCode === null) m.child.kill();
  await server.close();
  await deleteUnder(redis, prefix);
  redis.disconnect();
});

type CallReply = { result: "ok" | "refused" | "failed"; code?: string };
type StateReply = { state: string; transitions: string[] };

const states = async () => (await Promise.all(fleet.map((m) => m.send<StateReply>("state")))).map((r) => r.state);
const everyState = async (want: string) => (await states()).every((s) => s === want);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a fleet of 4 processes on one Redis circuit store", () => {
  // Was skipped (issue #20): under the full suite's load the 4th bad answer did not open the fleet.
  // The cause: a member's success, batched for up to 20 ms and later still on a starved event
  // loop, reached Redis after the next member's failures and reset the fleet's consecutive count.
  // Outcomes now carry their age and Redis counts them in the order they happened
  // (test/breaker/store/outcome-order.test.ts pins it).
  it("opens after 4 bad answers in total, probes once in half-open, and closes everywhere when the provider recovers", async () => {
    for (const m of fleet) expect((await m.send<CallReply>("call")).result).toBe("ok");

    // Degraded: HTTP 200 with an empty answer (rejected by the default nonEmpty check).
    behaviour = { kind: "content", content: "" };
    const degradedFrom = server.requests.length;
    for (let i = 0; i < TRIP - 1; i++) {
      expect((await fleet[i]!.send<CallReply>("call")).result).toBe("failed");
      await sleep(100); // time for any (wrong) trip to propagate
      expect(await states(), `after ${i + 1} bad answers in total`).toEqual(["closed", "closed", "closed", "closed"]);
    }
    expect((await fleet[TRIP - 1]!.send<CallReply>("call")).result).toBe("failed");
    // Convergence, not speed: the trip's propagation time (2–3 ms on loopback) is measured by
    // `npm run bench -- breaker`; a loaded CI machine may take longer to schedule four processes.
    await waitUntil(() => everyState("open"), 10_000, "every process sees the fleet's circuit open");
    expect(server.requests.length - degradedFrom).toBe(TRIP);
    for (const m of fleet) expect((await m.send<CallReply>("call")).result).toBe("refused");
    expect(server.requests.length - degradedFrom).toBe(TRIP);

    // Half-open while still degraded: all four call at once; one probe reaches the provider.
    await sleep(COOL_DOWN_MS + 200);
    behaviour = { kind: "good", content: "", delayMs: 300 };
    let before = server.requests.length;
    let results = (await Promise.all(fleet.map((m) => m.send<CallReply>("call")))).map((r) => r.result);
    expect(server.requests.length - before).toBe(1);
    expect(results.sort()).toEqual(["failed", "refused", "refused", "refused"]);
    await waitUntil(() => everyState("open"), 10_000, "the failed probe re-opens every circuit");

    // Recovered: again one probe; it succeeds and every circuit closes.
    await sleep(COOL_DOWN_MS + 200);
    behaviour = { kind: "good", delayMs: 300 };
    before = server.requests.length;
    results = (await Promise.all(fleet.map((m) => m.send<CallReply>("call")))).map((r) => r.result);
    expect(server.requests.length - before).toBe(1);
    expect(results.sort()).toEqual(["ok", "refused", "refused", "refused"]);
    await waitUntil(() => everyState("closed"), 10_000, "every circuit closes");
    behaviour = { kind: "good" };
    before = server.requests.length;
    for (const m of fleet) expect((await m.send<CallReply>("call")).result).toBe("ok");
    expect(server.requests.length - before).toBe(4);
    const transitions = (await Promise.all(fleet.map((m) => m.send<StateReply>("state")))).map((r) => r.transitions.join(" "));
    for (const t of transitions) expect(t).toMatch(/^closed->open .*half-open->open .*->closed$/);
  }, 120_000);
});
