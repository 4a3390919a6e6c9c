/**
 * Tracing cost on a graph run with a nested guard subgraph, two (scripted) model calls and
 * four firebreak events: tracing off vs in-memory exporter vs OTLP (protobuf) to a local
 * receiver vs Langfuse to a local receiver; plus the cost of `emitFirebreakEvent` when
 * nothing listens, and per event when tracing is on. Modes are measured in interleaved
 * rounds so load from other processes colours them alike. Run: `npm run bench -- tracing`.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { median, percentile, printTable, sample } from "./lib/stats.js";
import { emitFirebreakEvent } from "../src/internal/events.js";
import { setupTracing, type TracingOptions } from "../src/tracing/index.js";
import { buildTracedTeam } from "../test/tracing/support/traced-team.js";
import { startOtlpReceiver } from "../test/tracing/support/otlp-receiver.js";

const ROUNDS = 5;
const RUNS_PER_ROUND = 20;
for (const key of ["LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "LANGFUSE_BASE_URL", "PHOENIX_COLLECTOR_ENDPOINT"]) delete process.env[key];

/** Runs each case `rounds` times in turn (setup → sample → teardown) and pools its samples. */
async function interleaved<K extends string>(
  cases: Record<K, { setup?: () => Promise<() => Promise<void>>; run: () => Promise<unknown> }>,
  rounds: number,
  runs: number,
): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(Object.keys(cases).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const key of Object.keys(cases) as K[]) {
      const teardown = (await cases[key].setup?.()) ?? (async () => {});
      out[key].push(...(await sample(cases[key].run, { runs, warmup: 5 })));
      await teardown();
    }
  }
  return out;
}

// ---- a traced graph run ------------------------------------------------------------------
const receiver = await startOtlpReceiver();
const team = buildTracedTeam().compile();
const input = { task: "How often is a 5-stage relay right?" };
let callbacks: unknown[] = [];
const traced = (options: TracingOptions) => async () => {
  const handle = await setupTracing(options);
  callbacks = handle.callbacks;
  return async () => {
    await handle.shutdown();
    callbacks = [];
  };
};
const runTeam = () => team.invoke(input, { callbacks: callbacks as never });
const runs = await interleaved(
  {
    off: { run: runTeam },
    memory: { setup: traced({ inMemory: true }), run: runTeam },
    otlp: { setup: traced({ otlp: { endpoint: `${receiver.url}/v1/traces` } }), run: runTeam },
    langfuse: { setup: traced({ langfuse: { publicKey: "pk-bench", secretKey: "sk-bench", baseUrl: receiver.url } }), run: runTeam },
  },
  ROUNDS,
  RUNS_PER_ROUND,
);
await receiver.close();

const base = median(runs.off);
const row = (mode: string, xs: number[]) => ({ mode, "median ms": median(xs), "p95 ms": percentile(xs, 95), ratio: median(xs) / base });
printTable(`graph run (2 graph levels, 9 nodes, 4 firebreak events, 2 scripted model calls), ${ROUNDS}×${RUNS_PER_ROUND} runs each`, [
  row("tracing off (baseline)", runs.off),
  row("in-memory exporter", runs.memory),
  row("OTLP protobuf → local receiver", runs.otlp),
  row("Langfuse → local receiver", runs.langfuse),
]);

// ---- emitFirebreakEvent ---------------------------------------------------------------------
const CALLS = 5_000;
const payload = { state: "open", failingCheck: "schema" };
const loop = (fn: () => Promise<void>) => async () => {
  for (let i = 0; i < CALLS; i++) await fn();
};
const micro = await interleaved(
  {
    empty: { run: loop(async () => {}) },
    noConfig: { run: loop(() => emitFirebreakEvent("breaker", payload)) },
    noCallbacks: { run: loop(() => emitFirebreakEvent("breaker", payload, { callbacks: [], tags: ["x"] })) },
  },
  ROUNDS,
  5,
);
const ns = (xs: number[]) => `${((median(xs) * 1e6) / CALLS).toFixed(0)} ns`;

// Inside a real node (so the config is a node's config, writer included): the time of N
// emits measured in the node itself, untraced and with in-memory tracing.
const State = Annotation.Root({ n: Annotation<number>() });
const inNode = (events: number, emit: boolean) => {
  const times: number[] = [];
  const graph = new StateGraph(State)
    .addNode("worker", async (s, config) => {
      const t0 = performance.now();
      for (let i = 0; i < events; i++) {
        if (emit) await emitFirebreakEvent("breaker", payload, config);
        else await (async () => {})();
      }
      times.push(((performance.now() - t0) * 1000) / events);
      return { n: s.n + 1 };
    })
    .addEdge(START, "worker")
    .addEdge("worker", END)
    .compile();
  return { times, run: () => graph.invoke({ n: 0 }) };
};
const untracedEmit = inNode(2_000, true);
const untracedEmpty = inNode(2_000, false);
const tracedEmit = inNode(50, true);
const memory = traced({ inMemory: true });
await interleaved(
  {
    untracedEmit: { run: untracedEmit.run },
    untracedEmpty: { run: untracedEmpty.run },
    tracedEmit: { setup: memory, run: tracedEmit.run },
  },
  ROUNDS,
  10,
);
const us = (xs: number[]) => `${median(xs).toFixed(2)} µs`;
printTable("emitFirebreakEvent cost per event", [
  { case: "empty async call (reference)", "per event": ns(micro.empty) },
  { case: "no config", "per event": ns(micro.noConfig) },
  { case: "config without callbacks or writer", "per event": ns(micro.noCallbacks) },
  { case: "empty async call in a node (reference)", "per event": us(untracedEmpty.times) },
  { case: "in a node, tracing off (writer only)", "per event": us(untracedEmit.times) },
  { case: "in a node, in-memory tracing (child run + custom event)", "per event": us(tracedEmit.times) },
]);
