/**
 * Per-superstep cost of checkpointing: a 10-node linear graph of trivial nodes, run with
 * no checkpointer (the plain LangGraph baseline), MemorySaver, the PostgreSQL saver from
 * `createCheckpointer` under each durability, and the embedded PGlite default.
 *
 *   npm run bench -- checkpointer        (PostgreSQL rows need DATABASE_URL)
 *
 * Every run is a new thread; configurations are interleaved in rounds so that machine
 * noise hits all of them alike. Figures are medians of ms per superstep (run time / 10).
 * The PostgreSQL rows are also given as ratios to the raw `PostgresSaver` on a plain
 * `pg.Pool` ("sync" and "async"), and to the branch-safe saver on a plain pool (what the
 * guards — statement deadlines, error listeners, error mapping, retry — cost on their own).
 *
 * With DATABASE_URL it then prunes 100k checkpoints (1,000 threads × 100, inserted by SQL)
 * down to 10 per thread while runs of other threads go on, and reports the longest prune
 * statement and those runs' per-superstep times against the same runs without pruning.
 */
import { MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import pg from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BranchSafePostgresSaver,
  createCheckpointer,
  pruneCheckpoints,
  type Checkpointer,
  type Durability,
} from "../checkpointers/index.js";
import { linearGraph } from "../test/support/graphs.js";
import { median, percentile, printTable } from "./lib/stats.js";

const NODES = 10;
const ROUNDS = 6;
const PAIRS = 200;

interface Case {
  readonly name: string;
  readonly saver: BaseCheckpointSaver | undefined;
  readonly durability: Durability | undefined;
  readonly runsPerRound: number;
  readonly samples: number[];
}

const url = process.env["DATABASE_URL"]?.trim() || undefined;
const opened: Checkpointer[] = [];
const plainPools: pg.Pool[] = [];
const schema = `fbbench_${process.pid}`;
const dataRoot = mkdtempSync(join(tmpdir(), "firebreak-bench-"));

async function main() {
  const cases: Case[] = [];
  const add = (name: string, saver: BaseCheckpointSaver | undefined, durability: Durability | undefined, runsPerRound: number) =>
    cases.push({ name, saver, durability, runsPerRound, samples: [] });

  add("no checkpointer (baseline)", undefined, undefined, 40);
  add("MemorySaver", new MemorySaver(), undefined, 40);
  if (url) {
    const cp = await createCheckpointer({ url, schema });
    opened.push(cp);
    // References: the stock saver (integer channel versions) and our branch-safe one, both on
    // a plain pg.Pool of the same size, without any of the guards, on the same tables.
    const plain = new pg.Pool({ connectionString: url, max: 10 });
    plainPools.push(plain);
    add('PostgreSQL, durability "async"', cp.saver, "async", 12);
    add('PostgreSQL, durability "sync" (recommended)', cp.saver, "sync", 12);
    add('PostgreSQL, durability "exit"', cp.saver, "exit", 12);
    add('stock PostgresSaver, plain pool, "sync"', new PostgresSaver(plain, undefined, { schema }), "sync", 12);
    add('stock PostgresSaver, plain pool, "async"', new PostgresSaver(plain, undefined, { schema }), "async", 12);
    add('branch-safe saver, plain pool, "sync"', new BranchSafePostgresSaver(plain, undefined, { schema }), "sync", 12);
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
  const m = (prefix: string) => {
    const c = cases.find((x) => x.name.startsWith(prefix));
    return c ? median(c.samples) : undefined;
  };
  const oursSync = m('PostgreSQL, durability "sync"');
  const oursAsync = m('PostgreSQL, durability "async"');
  const stockSync = m('stock PostgresSaver, plain pool, "sync"');
  const stockAsync = m('stock PostgresSaver, plain pool, "async"');
  const branchSync = m('branch-safe saver, plain pool, "sync"');
  if (oursSync !== undefined && stockSync && stockAsync && branchSync && oursAsync !== undefined) {
    printTable("PostgreSQL: createCheckpointer's saver against the raw saver (same run)", [
      { comparison: '"sync": ours / stock PostgresSaver', ratio: oursSync / stockSync },
      { comparison: '"async": ours / stock PostgresSaver', ratio: oursAsync / stockAsync },
      { comparison: '"sync": ours / branch-safe saver on a plain pool (the guards alone)', ratio: oursSync / branchSync },
    ]);
    console.log(`Target ≤ 4 ms per superstep on local PostgreSQL with durability "sync": ${oursSync.toFixed(2)} ms → ${oursSync <= 4 ? "met" : "NOT met"}.`);
  }
  const oursCase = cases.find((c) => c.name.startsWith('PostgreSQL, durability "sync"'));
  const branchCase = cases.find((c) => c.name.startsWith('branch-safe saver, plain pool, "sync"'));
  if (oursCase && branchCase) await pairedGuardCost(oursCase, branchCase, runOnce);
  if (url && opened[0]) await benchPrune(opened[0]);
}

/**
 * The guards' cost measured in pairs: each pair runs the same graph once with each saver,
 * back to back in alternating order, so load changes on a shared machine hit both halves;
 * the median of the per-pair ratios is far steadier than a ratio of two medians.
 */
async function pairedGuardCost(ours: Case, plain: Case, runOnce: (c: Case) => Promise<number>) {
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    let a: number;
    let b: number;
    if (i % 2 === 0) {
      a = await runOnce(ours);
      b = await runOnce(plain);
    } else {
      b = await runOnce(plain);
      a = await runOnce(ours);
    }
    ratios.push(a / b);
  }
  const m = median(ratios);
  printTable(`The guards alone, ${PAIRS} paired runs ("sync": ours / branch-safe saver on a plain pool)`, [
    { statistic: "median of pair ratios", value: m },
    { statistic: "25th–75th percentile", value: `${percentile(ratios, 25).toFixed(3)}–${percentile(ratios, 75).toFixed(3)}` },
  ]);
  console.log(`\nTarget: timeouts and error wrapping add ≤ 5% (paired): ${((m - 1) * 100).toFixed(1)}% → ${m <= 1.05 ? "met" : "NOT met"}.`);
}

/** Inserts `threads` × `perThread` checkpoints (each with one blob and one write) by SQL. */
async function seed(cp: Checkpointer, threads: number, perThread: number) {
  const s = `"${cp.schema}"`;
  await cp.pool.query(
    `INSERT INTO ${s}.checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata)
     SELECT 'seed-' || t, '', lpad(i::text, 8, '0'), CASE WHEN i > 1 THEN lpad((i - 1)::text, 8, '0') END,
            jsonb_build_object('v', 4, 'id', lpad(i::text, 8, '0'), 'ts', '2020-01-01T00:00:00.000Z',
                               'channel_versions', jsonb_build_object('log', lpad(i::text, 8, '0')), 'versions_seen', '{}'::jsonb),
            '{}'::jsonb
     FROM generate_series(1, $1) t, generate_series(1, $2) i`,
    [threads, perThread],
  );
  await cp.pool.query(
    `INSERT INTO ${s}.checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
     SELECT 'seed-' || t, '', 'log', lpad(i::text, 8, '0'), 'json', convert_to(repeat('x', 200), 'UTF8')
     FROM generate_series(1, $1) t, generate_series(1, $2) i`,
    [threads, perThread],
  );
  await cp.pool.query(
    `INSERT INTO ${s}.checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob)
     SELECT 'seed-' || t, '', lpad(i::text, 8, '0'), 'task', 0, 'log', 'json', convert_to('["x"]', 'UTF8')
     FROM generate_series(1, $1) t, generate_series(1, $2) i`,
    [threads, perThread],
  );
  await cp.pool.query(`ANALYZE ${s}.checkpoints; ANALYZE ${s}.checkpoint_blobs; ANALYZE ${s}.checkpoint_writes`);
}

async function benchPrune(cp: Checkpointer) {
  const graph = linearGraph(NODES).compile({ checkpointer: cp.saver });
  let thread = 0;
  const runFor = async (stop: () => boolean) => {
    const samples: number[] = [];
    while (!stop()) {
      const t0 = performance.now();
      await graph.invoke({ log: [] }, { configurable: { thread_id: `live-${thread++}` }, durability: "sync" });
      samples.push((performance.now() - t0) / NODES);
    }
    return samples;
  };
  const t0 = performance.now();
  await seed(cp, 1000, 100);
  const seedMs = performance.now() - t0;
  const quietUntil = performance.now() + 3000;
  const quiet = await runFor(() => performance.now() > quietUntil);
  let done = false;
  // Times every statement the pruning sends (the pool is wrapped for this benchmark only).
  const statementMs: number[] = [];
  const timedPool = {
    query: async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await (cp.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        statementMs.push(performance.now() - t);
      }
    },
  } as unknown as Checkpointer["pool"];
  const [result, during] = await Promise.all([
    pruneCheckpoints({ pool: timedPool, schema: cp.schema }, { keepLast: 10 }).finally(() => (done = true)),
    runFor(() => done),
  ]);
  printTable(`Pruning 100,000 checkpoints to 10 per thread (seeded in ${(seedMs / 1000).toFixed(1)} s) while runs go on`, [
    { measure: "checkpoints / writes / blobs deleted", value: `${result.checkpointsDeleted} / ${result.writesDeleted} / ${result.blobsDeleted}` },
    { measure: "statements; total s", value: `${result.batches}; ${(result.durationMs / 1000).toFixed(1)}` },
    {
      measure: "statement ms: median / p99 / max; count over 50 ms",
      value: `${median(statementMs).toFixed(2)} / ${percentile(statementMs, 99).toFixed(1)} / ${Math.max(...statementMs).toFixed(1)}; ${statementMs.filter((x) => x > 50).length}`,
    },
    { measure: "concurrent runs: median ms/step without → with pruning", value: `${median(quiet).toFixed(2)} → ${median(during).toFixed(2)}` },
    { measure: "concurrent runs: p99 ms/step without → with pruning", value: `${percentile(quiet, 99).toFixed(2)} → ${percentile(during, 99).toFixed(2)}` },
  ]);
  const over = statementMs.filter((x) => x > 50).length;
  console.log(
    `\nTarget: no prune statement over 50 ms: longest ${result.longestBatchMs.toFixed(1)} ms, ${over} of ${statementMs.length} over → ${over === 0 ? "met" : "NOT met"}` +
      ` (on a loaded shared machine, scheduling stalls show up here too).`,
  );
}

try {
  await main();
} finally {
  if (url && opened[0]?.backend === "postgres") await opened[0].pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  for (const pool of plainPools) await pool.end();
  for (const cp of opened) await cp.close();
  rmSync(dataRoot, { recursive: true, force: true });
}
