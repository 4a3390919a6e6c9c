/**
 * Helpers of the store attack tests: several stores on one prefix (stand-ins for processes),
 * each with a breaker over a scripted provider whose replies a test switches (bad: an empty
 * answer that `nonEmpty()` counts; good: text; slow: an answer after a delay), counting the calls
 * that reach the provider. Scripted models stand in only for a provider's answers.
 */
import { Redis } from "ioredis";
import { createRedisCircuitStore, nonEmpty, withSemanticBreaker, type RedisCircuitStore, type RedisCircuitStoreOptions } from "../../../../../src/index.js";
import { ScriptedChatModel } from "../../../../../src/testing/index.js";
import { deleteUnder, SHARED_REDIS_URL } from "../../../support/redis.js";

/** What the scripted provider answers. */
export interface Provider {
  mode: "bad" | "good";
  /** Delay of every answer (ms). */
  delayMs: number;
  /** Calls that reached the provider. */
  calls: number;
}

/** A scripted provider (stands in for a model's answers only). */
export function scriptedProvider(provider: Provider) {
  return new ScriptedChatModel({
    script: () => {
      provider.calls++;
      const text = provider.mode === "good" ? "fine answer" : "";
      return provider.delayMs > 0 ? { text, delayMs: provider.delayMs } : { text };
    },
  });
}

/** One member of an in-process fleet. */
export interface Member {
  readonly store: RedisCircuitStore;
  readonly model: ReturnType<typeof withSemanticBreaker>;
  state(): string;
}

/** Cleanups registered by the tests of one file. */
export class Cleanup {
  private readonly tasks: (() => Promise<unknown>)[] = [];
  add(task: () => Promise<unknown>) {
    this.tasks.push(task);
  }
  async run() {
    for (const t of this.tasks.splice(0).reverse()) await t().catch(() => {});
  }
}

/** Options of {@link startFleet}. */
export interface FleetOptions {
  readonly n: number;
  readonly keyPrefix: string;
  readonly name: string;
  readonly provider: Provider;
  readonly trip: number | { kind: "failure-rate"; threshold: number; window: number; minimumCalls?: number };
  readonly halfOpenAfter?: number;
  readonly url?: string;
  readonly store?: Partial<RedisCircuitStoreOptions>;
}

/** Starts `n` stores on one prefix, each with one breaker, and waits until every store is synced. */
export async function startFleet(o: FleetOptions, cleanup: Cleanup): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = 0; i < o.n; i++) {
    const store = createRedisCircuitStore({ url: o.url ?? SHARED_REDIS_URL, keyPrefix: o.keyPrefix, timeoutMs: 2_000, ...o.store });
    cleanup.add(() => store.close());
    const model = withSemanticBreaker(scriptedProvider(o.provider), {
      name: o.name,
      checks: [nonEmpty()],
      trip: o.trip,
      halfOpenAfter: o.halfOpenAfter ?? 60_000,
      store,
    });
    members.push({ store, model, state: () => model.breaker.status()[0]!.state });
  }
  const ready = await Promise.all(members.map((m) => m.store.ready(20_000)));
  if (ready.some((r) => !r)) throw new Error(`a store did not connect: ${JSON.stringify(ready)}`);
  return members;
}

/** A plain client on the shared Redis that deletes `prefixes`' keys at cleanup. */
export function inspectorFor(cleanup: Cleanup, prefixes: string[], url = SHARED_REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  cleanup.add(async () => {
    for (const p of prefixes) await deleteUnder(client, p);
    client.disconnect();
  });
  return client;
}

/** The fleet's failure count in Redis (`c` of the state hash; observed, 0 when absent). */
export async function fleetCount(client: Redis, keyPrefix: string, name: string): Promise<number> {
  const encoded = name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`); // docs/scaling.md key format
  return Number((await client.hget(`${keyPrefix}{${encoded}}:state`, "c")) ?? 0);
}
