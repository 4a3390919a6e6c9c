/**
 * One process of a fleet (child of processes.test.ts): a breaker on a Redis circuit store over a
 * scripted provider that asks the parent's loopback server for every answer (so the parent counts
 * calls and probes in flight across processes). Driven over IPC:
 * { op: "call", id, n } runs n calls at once and replies their outcomes; "state"; "close".
 * Scripted models stand in only for a provider's answers.
 */
import { createRedisCircuitStore, isCircuitOpenError, nonEmpty, withSemanticBreaker } from "../../../../../src/index.js";
import { RemoteProvider } from "./remote-provider.js";

const env = process.env as Record<string, string>;

const store = createRedisCircuitStore({ url: env.ATK_REDIS_URL!, keyPrefix: env.ATK_PREFIX!, timeoutMs: 5_000 });
const model = withSemanticBreaker(new RemoteProvider(env.ATK_PROVIDER_URL!), {
  name: "p",
  checks: [nonEmpty()],
  trip: Number(env.ATK_TRIP),
  halfOpenAfter: Number(env.ATK_COOLDOWN_MS),
  store,
});
const crashes: string[] = [];
process.on("unhandledRejection", (e) => void crashes.push(String(e)));

async function call(): Promise<string> {
  try {
    await model.invoke("hi");
    return "ok";
  } catch (error) {
    return isCircuitOpenError(error) ? "open" : "failed";
  }
}

type Request = { op: "call" | "state" | "close"; id: number; n?: number };
process.on("message", async (raw) => {
  const request = raw as Request;
  const reply = (body: Record<string, unknown>) => process.send!({ id: request.id, ...body });
  if (request.op === "state") return reply({ state: model.breaker.status()[0]!.state, crashes });
  if (request.op === "close") {
    await store.close();
    reply({});
    return process.disconnect();
  }
  const results = await Promise.all(Array.from({ length: request.n ?? 1 }, call));
  reply({ results });
});

const ready = await store.ready(60_000);
process.send!({ id: 0, ready });
