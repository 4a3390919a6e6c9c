/**
 * The probe lease at a re-sync (docs/scaling.md, "Re-sync rule"): a probe claim sent while Redis
 * hangs (SIGSTOP) times out, the call probes locally, and the claim still runs when Redis answers
 * again, taking the fleet's lease (`probeLeaseMs`, long here) for a probe whose result the store
 * never received. The re-sync must release that lease (only if it holds this circuit's token)
 * and publish the local outcome, so the other stores converge long before the lease expires.
 * A throw-away redis-server of this file; the shared Redis is never touched. The providers are
 * scripted models (they stand in for a provider's answers only).
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisCircuitStore, nonEmpty, withSemanticBreaker, type RedisCircuitStore } from "../../../src/index.js";
import { circuitKeys } from "../../../src/breaker/store/redis-keys.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { outcome } from "../support/outcome.js";
import { startThrowawayRedis, uniquePrefix, waitUntil, type ThrowawayRedis } from "../support/redis.js";
import { Cleanup } from "./attacks/support/fleet.js";

/** The lease every store takes when it wins the probe: far longer than any wait of these tests. */
const LEASE_MS = 120_000;
/** The cool-down: short, so a test reaches half-open quickly. */
const HALF_OPEN_AFTER_MS = 300;
/** How long the other stores may take to converge: well before the lease would expire. */
const CONVERGE_MS = 15_000;

/** The provider's answers, shared by every store's model; `hold` delays an answer until it settles. */
interface Provider {
  mode: "bad" | "good";
  calls: number;
  hold?: Promise<unknown>;
}

/** A scripted provider (stands in for a model's answers only) that can hold an answer back. */
class HeldProvider extends ScriptedChatModel {
  constructor(private readonly provider: Provider) {
    super({ script: () => (provider.mode === "good" ? "fine answer" : "") });
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun) {
    this.provider.calls++;
    await this.provider.hold;
    return super._generate(messages, options, runManager);
  }
}

interface Member {
  readonly store: RedisCircuitStore;
  readonly model: ReturnType<typeof withSemanticBreaker>;
  state(): string;
}

let redis: ThrowawayRedis;
let client: Redis;
const cleanup = new Cleanup();
beforeAll(async () => {
  redis = await startThrowawayRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
});
afterEach(async () => {
  redis.thaw();
  await cleanup.run();
});
afterAll(async () => {
  redis.thaw();
  client.disconnect();
  await redis.kill();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` stores on one prefix (stand-ins for processes), each with a trip-1 breaker over `provider`. */
async function startMembers(n: number, keyPrefix: string, provider: Provider): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = 0; i < n; i++) {
    const store = createRedisCircuitStore({ url: redis.url, keyPrefix, timeoutMs: 100, probeLeaseMs: LEASE_MS });
    cleanup.add(() => store.close());
    const model = withSemanticBreaker(new HeldProvider(provider), { name: "p", checks: [nonEmpty()], trip: 1, halfOpenAfter: HALF_OPEN_AFTER_MS, store });
    members.push({ store, model, state: () => model.breaker.status()[0]!.state });
  }
  const ready = await Promise.all(members.map((m) => m.store.ready(20_000)));
  if (ready.some((r) => !r)) throw new Error(`a store did not connect: ${JSON.stringify(ready)}`);
  return members;
}

/** Opens the fleet with one bad answer and waits out the cool-down; the provider is good after. */
async function openAndCoolDown(fleet: Member[], provider: Provider): Promise<void> {
  await outcome(fleet[0]!.model.invoke("hi"));
  await waitUntil(() => fleet.every((m) => m.state() === "open"), 10_000, "the fleet opened");
  provider.mode = "good";
  await sleep(HALF_OPEN_AFTER_MS + 200); // the cool-down is time itself
}

/** Resolves at the next event of `on`. */
function next(on: (listener: () => void) => unknown): Promise<void> {
  return new Promise((resolve) => void on(() => resolve()));
}

describe("a probe claim that timed out while Redis hung, at the re-sync", () => {
  it("a probe that ended during the outage: the re-sync releases this store's lease and closes the fleet, long before the lease expires", async () => {
    const provider: Provider = { mode: "bad", calls: 0 };
    const keyPrefix = uniquePrefix("lease-resync");
    const fleet = await startMembers(3, keyPrefix, provider);
    await openAndCoolDown(fleet, provider);
    const down = next((l) => fleet[0]!.store.onUnavailable(l));
    provider.hold = down; // the probe's answer comes once the store has noticed the hang
    redis.freeze();
    // The claim waits 100 ms, gets no answer, and the call probes locally; the claim stays queued.
    expect(await outcome(fleet[0]!.model.invoke("hi"))).toBe("ok");
    expect(fleet[0]!.state()).toBe("closed");
    expect(fleet[0]!.store.status).toBe("down"); // so the probe's result could not be sent
    provider.hold = undefined;
    const recovered = next((l) => fleet[0]!.store.onRecovered(l));
    redis.thaw(); // the queued claim runs now and takes the lease for this store
    await recovered;
    await waitUntil(() => fleet.every((m) => m.state() === "closed"), CONVERGE_MS, "every store closed (not half-open for the lease)");
    const before = provider.calls;
    expect(await Promise.all(fleet.map((m) => outcome(m.model.invoke("hi"))))).toEqual(["ok", "ok", "ok"]);
    expect(provider.calls).toBe(before + 3);
    expect(await client.exists(circuitKeys(keyPrefix, "p")[2])).toBe(0);
  });

  it("a probe still running at the re-sync keeps its lease (the others wait), and its result then closes the fleet", async () => {
    const provider: Provider = { mode: "bad", calls: 0 };
    const keyPrefix = uniquePrefix("lease-probing");
    const fleet = await startMembers(3, keyPrefix, provider);
    await openAndCoolDown(fleet, provider);
    let answer!: () => void;
    provider.hold = new Promise<void>((r) => (answer = r));
    const down = next((l) => fleet[0]!.store.onUnavailable(l));
    redis.freeze();
    const probe = outcome(fleet[0]!.model.invoke("hi"));
    await down; // the claim timed out and Redis counts as hung; the local probe is still held
    expect(fleet[0]!.state()).toBe("half-open");
    const recovered = next((l) => fleet[0]!.store.onRecovered(l));
    redis.thaw();
    await recovered;
    // The lease is this store's and its probe runs: the others refuse rather than probe too.
    expect(await client.exists(circuitKeys(keyPrefix, "p")[2])).toBe(1);
    await waitUntil(() => fleet.slice(1).every((m) => m.state() === "half-open"), CONVERGE_MS, "the others saw the probe");
    const before = provider.calls;
    expect(await Promise.all(fleet.slice(1).map((m) => outcome(m.model.invoke("hi"))))).toEqual(["open", "open"]);
    expect(provider.calls).toBe(before);
    answer();
    expect(await probe).toBe("ok");
    await waitUntil(() => fleet.every((m) => m.state() === "closed"), CONVERGE_MS, "every store closed after the probe");
    expect(await client.exists(circuitKeys(keyPrefix, "p")[2])).toBe(0);
  });

  it("another process's lease is never deleted by the re-sync (compare-and-delete on this store's token)", async () => {
    const provider: Provider = { mode: "bad", calls: 0 };
    const keyPrefix = uniquePrefix("lease-foreign");
    const fleet = await startMembers(2, keyPrefix, provider);
    await openAndCoolDown(fleet, provider);
    const lease = circuitKeys(keyPrefix, "p")[2];
    await client.set(lease, "another-process", "PX", LEASE_MS); // someone else probes (no announcement)
    const down = next((l) => fleet[0]!.store.onUnavailable(l));
    provider.hold = down;
    redis.freeze();
    expect(await outcome(fleet[0]!.model.invoke("hi"))).toBe("ok"); // a local probe: no answer in time
    provider.hold = undefined;
    const recovered = next((l) => fleet[0]!.store.onRecovered(l));
    redis.thaw();
    await recovered;
    expect(await client.get(lease)).toBe("another-process");
    expect(await client.pttl(lease)).toBeGreaterThan(LEASE_MS / 2);
    // The fleet follows the other process's probe: this store adopts its half-open state.
    await waitUntil(() => fleet[0]!.state() === "half-open", CONVERGE_MS, "the store adopted the other process's probe");
  });
});
