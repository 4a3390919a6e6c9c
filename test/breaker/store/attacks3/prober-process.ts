/**
 * A child process of dead-prober.test.ts: one breaker (trip 1) on a Redis circuit store over a
 * scripted provider that asks the parent's loopback server for each answer (the parent holds the
 * answer to keep a probe running, and SIGKILLs this process mid-probe). IPC: { op: "call" | "state", id }.
 * Scripted models stand in only for a provider's answers.
 */
import { createRedisCircuitStore, isCircuitOpenError, nonEmpty, withSemanticBreaker } from "../../../../src/index.js";
import { RemoteProvider } from "../attacks2/support/remote-provider.js";

const env = process.env as Record<string, string>;
const store = createRedisCircuitStore({ url: env.ATK3_REDIS_URL!, keyPrefix: env.ATK3_PREFIX!, timeoutMs: 5_000, probeLeaseMs: Number(env.ATK3_LEASE_MS) });
const model = withSemanticBreaker(new RemoteProvider(env.ATK3_PROVIDER_URL!), {
  name: "p",
  checks: [nonEmpty()],
  trip: 1,
  halfOpenAfter: Number(env.ATK3_COOLDOWN_MS),
  store,
});

async function call(): Promise<string> {
  try {
    await model.invoke("hi");
    return "ok";
  } catch (error) {
    return isCircuitOpenError(error) ? "open" : "failed";
  }
}

process.on("message", async (raw) => {
  const request = raw as { op: "call" | "state"; id: number };
  if (request.op === "state") process.send!({ id: request.id, state: model.breaker.status()[0]!.state });
  else process.send!({ id: request.id, result: await call() });
});

const ready = await store.ready(60_000);
process.send!({ id: 0, ready });
