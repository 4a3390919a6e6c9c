/**
 * Shared helpers of the attacks3 files: a fleet of in-process stores (each optionally behind its
 * own partition proxy) on a throw-away redis-server, a held half-open probe, and a refusal clock.
 * Scripted models stand in only for a provider's answers.
 */
import { outcome } from "../../support/outcome.js";
import { waitUntil, type ThrowawayRedis } from "../../support/redis.js";
import type { Cleanup } from "../attacks/support/fleet.js";
import { allReady, sleep, startMember, type Member, type Provider } from "../attacks2/support/members.js";
import { startProxy, type PartitionProxy } from "../attacks2/support/proxy.js";

export const COOL_DOWN_MS = 300;

export interface Fleet {
  readonly members: Member[];
  readonly proxies: (PartitionProxy | undefined)[];
}

/** `n` members; those whose index is in `proxied` reach Redis through their own proxy. */
export async function startFleet(
  redis: ThrowawayRedis, cleanup: Cleanup, keyPrefix: string, provider: Provider,
  o: { n: number; leaseMs: number; proxied?: number[] },
): Promise<Fleet> {
  const members: Member[] = [];
  const proxies: (PartitionProxy | undefined)[] = [];
  for (let i = 0; i < o.n; i++) {
    let url = redis.url;
    let proxy: PartitionProxy | undefined;
    if (o.proxied?.includes(i)) {
      proxy = await startProxy(redis.port);
      cleanup.add(() => proxy!.close());
      url = proxy.url;
    }
    proxies.push(proxy);
    members.push(startMember({ url, keyPrefix, provider, trip: 1, halfOpenAfter: COOL_DOWN_MS, store: { probeLeaseMs: o.leaseMs } }, cleanup));
  }
  await allReady(members);
  return { members, proxies };
}

export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Opens the fleet, waits out the cool-down, starts a held probe on `members[prober]`. */
export async function startHeldProbe(members: Member[], provider: Provider, prober = 0) {
  await outcome(members[prober]!.model.invoke("hi"));
  await waitUntil(() => members.every((m) => m.state() === "open"), 10_000, "the fleet opened");
  await sleep(COOL_DOWN_MS + 150);
  const hold = gate();
  provider.hold = hold.promise;
  const before = provider.calls;
  const probe = outcome(members[prober]!.model.invoke("hi"));
  await waitUntil(() => provider.calls === before + 1, 10_000, "the probe reached the provider");
  const others = members.filter((_, i) => i !== prober);
  await waitUntil(() => others.every((m) => m.state() === "half-open"), 10_000, "the others saw the probe");
  return { probe, release: hold.open };
}

/**
 * Polls until every member's circuit reads `closed` (no calls), up to `limitMs`.
 * Returns the ms it took, or undefined when some member still refused at the limit.
 */
export async function msUntilAllClosed(members: Member[], limitMs: number): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (members.every((m) => m.state() === "closed")) return Math.round(performance.now() - started);
    await sleep(20);
  }
  return undefined;
}

/** Calls every member `k` times concurrently; returns how many calls reached the provider. */
export async function callAll(members: Member[], provider: Provider, k = 2): Promise<{ sent: number; results: string[] }> {
  const before = provider.calls;
  const results = await Promise.all(members.flatMap((m) => Array.from({ length: k }, () => outcome(m.model.invoke("hi")))));
  return { sent: provider.calls - before, results };
}
