/**
 * Per-superstep cost of checkpointing: a 10-node linear graph of trivial nodes, run with
 * no checkpointer (the plain LangGraph baseline), MemorySaver, the PostgreSQL saver from
 * `createCheckpointer` under each durability, and the embedded PGlite default.
 *
 *   npm run bench -- checkpointer        (PostgreSQL rows need DATABASE_URL)
 *
 * Every run is a new thread; configurations are interleaved in rounds so that machine
 * noise hits all of them alike. Figures are medians of ms per superstep (run time / 10).
 */
import { MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCheckpointer, type Checkpointer, type Durability } from "../checkpointers/index.js";
import { linearGraph } from "../test/support/graphs.js";
import { median, percentile, printTable } from "./lib/stats.js";

const NODES = 10;
const ROUNDS = 6;

interface Case {
  readonly name: string;
  readonly saver: BaseCheckpointSaver | undefined;
  readonly durability: Durability | undefined;
  readonly runsPerRound: number;
  readonly samples: number[];
}

const url = process.env["DATABASE_URL"]?.trim() || undefined;
const opened: Checkpointer[] = [];
const schema = `fbbench_${process.pid}`;
const dataRoot = mkdtempSync(join(tmpdir(), "firebreak-bench-"));

async function main() {
  const cases: Case[] = [];
  const add = (name: string, saver: BaseCheckpointSaver | undefined, durability: Durability | undefined, runsPerRound: number) =>
    cases.push({ name, saver, durability, runsPerRound, samples: [] });

  add("no checkpointer (baseline)", undefined, undefined, 40);
  add("MemorySaver", new MemorySaver(), undefined, 40);
  if (url) {
    const pg = await createCheckpointer({ url, schema });
    opened.push(pg);
    add('PostgreSQL, durability "async"', pg.saver, "async", 12);
    add('PostgreSQL, durability "sync" (recommended)', pg.saver, "sync", 12);
    add('PostgreSQL, durability "exit"', pg.saver, "exit", 12);
    // Reference: the stock saver (integer channel versions) on the same pool and tables.
    add('stock PostgresSaver, durability "sync"', new PostgresSaver(pg.pool, undefined, { schema }), "sync", 12);
  }
  const embedded = await createCheckpointer({ backend: "embedded", dataDir: join(dataRoot, "pglite") });
  opened.push(embedded);
  add('embedded PGlite, durability "sync" (recommended)', embedded.saver, "sync", 6);
  add('embedded PGlite, durability "async"', embedded.saver, "async", 6);

  let thread = 0;
  const runOnce = async (c: Case) => {
    const graph = linearGraph(NODES).compile(c.saver ? { checkpointer: c.saver } : {});
    const config = {
      configurable: { thread_id: `bench-${thread++}` },
      ...(c.durability ? { durability: c.durability } : {}),
    };
    const t0 = performance.now();
    await graph.invoke({ log: [] }, config);
    return (performance.now() - t0) / NODES;
  };

  for (const c of cases) for (let i = 0; i < 5; i++) await runOnce(c); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) for (let i = 0; i < c.runsPerRound; i++) c.samples.push(await runOnce(c));
  }

  const base = median(cases[0]!.samples);
  printTable(`Checkpointing cost, ${NODES}-node linear graph of trivial nodes (ms per superstep)`, cases.map((c) => ({
    configuration: c.name,
    runs: c.samples.length,
    "median ms/step": median(c.samples),
    "p90 ms/step": percentile(c.samples, 90),
    "× baseline": median(c.samples) / base,
    "+ms/step vs baseline": median(c.samples) - base,
  })));
  if (!url) console.log("\nPostgreSQL rows skipped: set DATABASE_URL to include them.");
  const sync = cases.find((c) => c.name.startsWith('PostgreSQL, durability "sync"'));
  if (sync) {
    const m = median(sync.samples);
    console.log(`\nTarget ≤ 4 ms per superstep on local PostgreSQL with durability "sync": ${m.toFixed(2)} ms → ${m <= 4 ? "met" : "NOT met"}.`);
  }
}

try {
  await main();
} finally {
  if (url && opened[0]?.backend === "postgres") await opened[0].pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  for (const cp of opened) await cp.close();
  rmSync(dataRoot, { recursive: true, force: true });
}
