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
import { buildTracedTeam } from "../test/tracing/helpers/traced-team.js";
import { startOtlpReceiver } from "../test/tracing/helpers/otlp-receiver.js";

const ROUNDS = 6;
const RUNS_PER_ROUND = 25;
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
const CALLS = 10_000;
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

// Inside a real node: a node emitting 10 events vs a node emitting none, untraced and traced.
const State = Annotation.Root({ n: Annotation<number>() });
const nodeGraph = (events: number) =>
  new StateGraph(State)
    .addNode("worker", async (s, config) => {
      for (let i = 0; i < events; i++) await emitFirebreakEvent("breaker", payload, config);
      return { n: s.n + 1 };
    })
    .addEdge(START, "worker")
    .addEdge("worker", END)
    .compile();
const quiet = nodeGraph(0);
const chatty = nodeGraph(10);
const memory = traced({ inMemory: true });
const node = await interleaved(
  {
    quiet: { run: () => quiet.invoke({ n: 0 }) },
    chatty: { run: () => chatty.invoke({ n: 0 }) },
    quietTraced: { setup: memory, run: () => quiet.invoke({ n: 0 }) },
    chattyTraced: { setup: memory, run: () => chatty.invoke({ n: 0 }) },
  },
  ROUNDS,
  RUNS_PER_ROUND,
);
const perEvent = (a: number[], b: number[]) => `${(((median(b) - median(a)) * 1000) / 10).toFixed(1)} µs`;
printTable("emitFirebreakEvent cost", [
  { case: "empty async call (reference)", "per event": ns(micro.empty) },
  { case: "no config", "per event": ns(micro.noConfig) },
  { case: "config without callbacks or writer", "per event": ns(micro.noCallbacks) },
  { case: "in a node, tracing off (10 events vs 0)", "per event": perEvent(node.quiet, node.chatty) },
  { case: "in a node, in-memory tracing (10 events vs 0)", "per event": perEvent(node.quietTraced, node.chattyTraced) },
]);
printTable("one-node graph run", [
  { graph: "0 events, tracing off", "median ms": median(node.quiet), ratio: 1 },
  { graph: "10 events, tracing off", "median ms": median(node.chatty), ratio: median(node.chatty) / median(node.quiet) },
  { graph: "0 events, in-memory tracing", "median ms": median(node.quietTraced), ratio: median(node.quietTraced) / median(node.quiet) },
  { graph: "10 events, in-memory tracing", "median ms": median(node.chattyTraced), ratio: median(node.chattyTraced) / median(node.quiet) },
]);
