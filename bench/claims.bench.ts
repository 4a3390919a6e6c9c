/**
 * Claims channel: reducer cost per claim and per update at 10 / 1,000 / 100,000 stored
 * claims; a LangGraph superstep with the claims channel vs a plain append reducer on the same
 * data (target: ≤ 5% slower per superstep at 1,000 claims); and how the cost grows with the
 * update size (target: no worse than linear — the fitted exponent is printed); and the cost
 * of the trust boundary (issue 12): sealing a verdict batch at node time, checking its seal
 * and the evidence rule in the reducer, doubt reaching every descendant, and checking the
 * sealed verdict history of claims handed on from another run.
 *
 * Everything is in-process and deterministic (seeded lineage, fixed clock); no model calls.
 */
import { Annotation, END, MemorySaver, ReducedValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod/v4";
import {
  claimsChannel,
  claimsReducer,
  claimVerdicts,
  descendants,
  getClaim,
  lineage,
  reduceClaims,
  type Claim,
  type ClaimInput,
  type ClaimsUpdate,
} from "../src/claims/index.js";
import { signVerdicts } from "../src/claims/verifier-identity.js";
import { withWriteContract } from "../src/claims/write-contract.js";
import { median, printTable, sample } from "./lib/stats.js";

const clock = { now: () => new Date("2026-03-01T09:00:00.000Z") };

const AGENTS = ["researcher", "analyst", "writer", "critic"];

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let serial = 0;
/** `k` new claims, each based on up to two claims among `pool` (and earlier ones in the batch). */
function newClaims(k: number, pool: readonly string[], random: () => number): ClaimInput[] {
  const out: ClaimInput[] = [];
  const ids = [...pool];
  for (let i = 0; i < k; i++) {
    const id = `b${serial++}`;
    const parents = ids.length === 0 ? [] : [...new Set([ids[Math.floor(random() * ids.length)]!, ids[Math.floor(random() * ids.length)]!])];
    out.push({
      id,
      text: `Statement ${id} about the quarterly figures`,
      value: Math.floor(random() * 100),
      origin: { agent: AGENTS[i % AGENTS.length]!, source: "model", basedOn: random() < 0.3 ? [] : parents },
      confidence: 0.5 + random() * 0.35,
      alternatives: [{ value: 1, confidence: 0.1 * random() }],
    });
    ids.push(id);
  }
  return out;
}

const built = new Map<number, Claim[]>();
/** A state of `n` claims with a random lineage (each based on up to two of the 200 before it). */
function stateOf(n: number): Claim[] {
  const cached = built.get(n);
  if (cached) return cached;
  const random = rng(n);
  let state: Claim[] = [];
  while (state.length < n) {
    const k = Math.min(1000, n - state.length);
    const recent = state.slice(-200).map((c) => c.id);
    state = reduceClaims(state, newClaims(k, recent, random), clock);
  }
  built.set(n, state);
  return state;
}

const fmtUs = (ms: number) => Number((ms * 1000).toFixed(2));

/** `k` claims, each verified green by a sealed verdict: what an earlier run hands on. */
function verifiedClaims(k: number): Claim[] {
  const random = rng(k + 1);
  const stored = reduceClaims([], newClaims(k, [], random), clock);
  const batch = claimVerdicts(
    "checker",
    stored.map((c) => ({ id: c.id, status: "green" as const, reason: "entailed", evidence: [`doc:${c.id}`] })),
    { fetched: stored.map((c) => `doc:${c.id}`) },
  );
  return JSON.parse(JSON.stringify(reduceClaims(stored, signVerdicts(batch, stored), clock))) as Claim[];
}

// ---------------------------------------------------------------------------------------
// 1. Reducer cost per update and per claim, by state size.
// ---------------------------------------------------------------------------------------
async function reducerCost(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const n of [10, 1_000, 100_000]) {
    const state = stateOf(n);
    const random = rng(7);
    const pool = state.slice(-100).map((c) => c.id);
    const runs = n === 100_000 ? 30 : 150;
    for (const k of [1, 10, 100]) {
      const update = newClaims(k, pool, random);
      const times = await sample(() => reduceClaims(state, update, clock), { runs });
      const t = median(times);
      rows.push({ "stored claims": n, "update": `${k} new claim${k === 1 ? "" : "s"}`, "µs / update": fmtUs(t), "µs / claim": fmtUs(t / k) });
    }
    const targets = state.slice(-10).filter((c) => c.origin.agent !== "critic");
    const red = claimVerdicts("critic", targets.map((c) => ({ id: c.id, status: "red" as const, reason: "contradicted" })));
    const green = claimVerdicts(
      "critic",
      targets.map((c) => ({ id: c.id, status: "green" as const, reason: "entailed", evidence: [`doc:${c.id}`] })),
      { fetched: targets.map((c) => `doc:${c.id}`) },
    );
    const add = (label: string, t: number) => rows.push({ "stored claims": n, "update": label, "µs / update": fmtUs(t), "µs / claim": fmtUs(t / targets.length) });
    // Identity: the writer vouched for by the caller (no seal work) vs a sealed batch (seal checked, each verification sealed).
    add(`${targets.length} verdicts (red), writer vouched, no seal`, median(await sample(() => reduceClaims(state, red, clock, { writer: "critic" }), { runs })));
    add(`${targets.length} verdicts (red), sealed (identity checked)`, median(await sample(() => reduceClaims(state, signVerdicts(red, state), clock), { runs })));
    add(`  sealing them at node time (signVerdicts)`, median(await sample(() => signVerdicts(red, state), { runs })));
    add(`${targets.length} verdicts (green), sealed, evidence rule checked`, median(await sample(() => reduceClaims(state, signVerdicts(green, state), clock), { runs })));
    const copy = median(await sample(() => state.slice(), { runs }));
    rows.push({ "stored claims": n, "update": "(array copy alone)", "µs / update": fmtUs(copy), "µs / claim": "" });
    if (n >= 1_000) {
      // Doubt reaching every descendant: a red verdict on a claim early in the lineage.
      const early = state[n === 1_000 ? 10 : Math.floor(n / 2)]!;
      const reached = descendants(state, early.id).length;
      const redEarly = signVerdicts(claimVerdicts("critic", [{ id: early.id, status: "red", reason: "contradicted" }]), state);
      const td = median(await sample(() => reduceClaims(state, redEarly, clock), { runs: n === 100_000 ? 8 : runs, warmup: 1 }));
      rows.push({ "stored claims": n, "update": `1 red verdict reaching ${reached} descendants`, "µs / update": fmtUs(td), "µs / claim": reached ? fmtUs(td / reached) : "" });
      // Handing claims on: 1,000 verified claims (sealed verdict history) as a new graph's input.
      const verified = verifiedClaims(1_000);
      const th = median(await sample(() => reduceClaims([], verified, clock), { runs: 20, warmup: 2 }));
      rows.push({ "stored claims": n, "update": "hand on 1,000 verified claims (history seals checked)", "µs / update": fmtUs(th), "µs / claim": fmtUs(th / 1_000) });
    }
    if (n === 100_000) {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const fresh = JSON.parse(JSON.stringify(state)) as Claim[];
        const t0 = performance.now();
        getClaim(fresh, fresh[0]!.id);
        samples.push(performance.now() - t0);
      }
      rows.push({ "stored claims": n, "update": "first lookup on a restored array (index build)", "µs / update": fmtUs(median(samples)), "µs / claim": "" });
      const last = state.findLast((c) => c.origin.basedOn.length > 0)!.id;
      const tl = median(await sample(() => lineage(state, last), { runs: 8, warmup: 1 }));
      rows.push({ "stored claims": n, "update": `lineage() of a recent claim (${lineage(state, last).length} found)`, "µs / update": fmtUs(tl), "µs / claim": "" });
      const mid = state[50_000]!.id;
      const tq = median(await sample(() => descendants(state, mid), { runs: 8, warmup: 1 }));
      rows.push({ "stored claims": n, "update": `descendants() of a mid claim (${descendants(state, mid).length} found)`, "µs / update": fmtUs(tq), "µs / claim": "" });
    }
  }
  printTable("Reducer cost (median; pure reduceClaims, validation included)", rows);
}

// ---------------------------------------------------------------------------------------
// 2. A superstep with vs without the channel, at 1,000 and 100,000 stored claims.
// ---------------------------------------------------------------------------------------
type Runner = { invoke(input: unknown, config?: object): Promise<unknown> };

/**
 * With a checkpointer: each run on a fresh thread of one `MemorySaver` (the lightest saver: every
 * superstep serializes the state in process, no I/O), and the thread deleted after the run.
 */
function withSaver(compile: (saver: MemorySaver | undefined) => Runner, checkpointed: boolean): Runner {
  if (!checkpointed) return compile(undefined);
  const saver = new MemorySaver();
  const graph = compile(saver);
  let n = 0;
  return {
    async invoke(input, config) {
      const thread_id = `bench-${n++}`;
      try {
        return await graph.invoke(input, { ...config, configurable: { thread_id } });
      } finally {
        await saver.deleteThread(thread_id);
      }
    },
  };
}

function chainNode(i: number) {
  return (s: { claims: Claim[] }) => {
    const parent = s.claims[s.claims.length - 1]!;
    return { claims: [{ id: `g${i}`, text: `Step ${i}`, origin: { agent: `agent${i}`, source: "model" as const, basedOn: [parent.id] }, confidence: 0.6 }] };
  };
}

// Builder generics differ per state style; the chain is the same.
function chain(builder: any, length: number, saver?: MemorySaver): Runner {
  let prev = START as string;
  for (let i = 0; i < length; i++) {
    builder.addNode(`n${i}`, chainNode(i));
    builder.addEdge(prev, `n${i}`);
    prev = `n${i}`;
  }
  builder.addEdge(prev, END);
  return builder.compile({ checkpointer: saver });
}

/** Wall time spent inside a reducer, to report the channel's own work per superstep. */
const reducerMs: Record<string, number[]> = {};
/** Wall time of node-time checks (withWriteContract) beyond the node's own work. */
const nodeTimeMs: Record<string, number[]> = {};
function timed<A, B>(name: string, fn: (a: A, b: B) => A): (a: A, b: B) => A {
  return (a, b) => {
    // The graph input lands on the empty default: count only the nodes' updates.
    if ((a as unknown as unknown[]).length === 0) return fn(a, b);
    const t0 = performance.now();
    try {
      return fn(a, b);
    } finally {
      (reducerMs[name] ??= []).push(performance.now() - t0);
    }
  };
}

const concat = (a: Claim[], b: Claim[] | Claim) => a.concat(b);

/** Each node adds a claim and, when `verify`, verifies its parent (green, on evidence it fetched), signing as itself through its contract. */
function verifyingChain(builder: any, length: number, variant: string, verify = true, saver?: MemorySaver): Runner {
  let prev = START as string;
  for (let i = 0; i < length; i++) {
    const name = `n${i}`;
    const node = (s: { claims: Claim[] }) => {
      const parent = s.claims[s.claims.length - 1]!;
      const claim = { id: `g${i}`, text: `Step ${i}`, origin: { agent: name, source: "model" as const, basedOn: [parent.id] }, confidence: 0.6 };
      if (!verify) return { claims: [claim] };
      return {
        claims: [claimVerdicts(name, [{ id: parent.id, status: "green" as const, reason: "entailed", evidence: [`doc:${i}`] }], { fetched: [`doc:${i}`] }), claim],
      };
    };
    const checked = withWriteContract(node, { allowed: ["claims"], role: "verifier", claims: clock });
    // The node-time part of the channel's work (identity check, seal, validation against the
    // input state): the wrapper's time minus the node's own. The reducer then reuses the result.
    builder.addNode(name, async (s: { claims: Claim[] }, config: object) => {
      const t0 = performance.now();
      node(s);
      const t1 = performance.now();
      const out = await checked(s, config as never);
      (nodeTimeMs[variant] ??= []).push(performance.now() - t1 - (t1 - t0));
      return out;
    });
    builder.addEdge(prev, name);
    prev = name;
  }
  builder.addEdge(prev, END);
  return builder.compile({ checkpointer: saver });
}
const PLAIN_A = "Annotation, plain concat reducer";
const CHAN_A = "Annotation, claimsChannel";
const PLAIN_S = "StateSchema, plain ReducedValue";
const CHAN_S = "StateSchema, claimsChannel";
const CHAN_AC = "Annotation, claimsChannel, nodes in withWriteContract";
const CHAN_AV = "Annotation, claimsChannel, withWriteContract, each node also verifies its parent";
const variants: Record<string, (n: number, saver?: MemorySaver) => Runner> = {
  [PLAIN_A]: (n, saver) =>
    chain(new StateGraph(Annotation.Root({ claims: Annotation<Claim[], Claim[] | Claim>({ reducer: timed(PLAIN_A, concat), default: () => [] }) })), n, saver),
  // The reducer claimsChannel uses, timed; claimsChannel() itself is measured in the StateSchema row.
  [CHAN_A]: (n, saver) =>
    chain(new StateGraph(Annotation.Root({ claims: Annotation<Claim[], ClaimsUpdate>({ reducer: timed(CHAN_A, claimsReducer(clock)), default: () => [] }) })), n, saver),
  [PLAIN_S]: (n, saver) =>
    chain(
      new StateGraph(
        new StateSchema({
          claims: new ReducedValue(z.array(z.any()).default(() => []) as unknown as z.ZodType<Claim[]>, {
            inputSchema: z.any() as unknown as z.ZodType<Claim[]>,
            reducer: concat,
          }),
        }),
      ),
      n,
      saver,
    ),
  [CHAN_S]: (n, saver) => chain(new StateGraph(new StateSchema({ claims: claimsChannel(clock) })), n, saver),
  // Every node also verifies its parent: a sealed verdict batch per superstep (seal minted in the node, checked by the reducer).
  [CHAN_AC]: (n, saver) =>
    verifyingChain(new StateGraph(Annotation.Root({ claims: Annotation<Claim[], ClaimsUpdate>({ reducer: timed(CHAN_AC, claimsReducer(clock)), default: () => [] }) })), n, CHAN_AC, false, saver),
  [CHAN_AV]: (n, saver) =>
    verifyingChain(new StateGraph(Annotation.Root({ claims: Annotation<Claim[], ClaimsUpdate>({ reducer: timed(CHAN_AV, claimsReducer(clock)), default: () => [] }) })), n, CHAN_AV, true, saver),
};

const RUN = { recursionLimit: 1_000 };
/**
 * Per superstep, in one run: wall time of each variant, the reducer's own time per call, the
 * node-time checks' own time, and the channel's own work as a share of the plain superstep.
 */
async function superstepCost(stored: number, short: number, long: number, rounds: number, runs: number, checkpointed = false): Promise<void> {
  const input = { claims: stateOf(stored) };
  const built = Object.entries(variants).map(([name, make]) => ({
    name,
    s: withSaver((saver) => make(short, saver), checkpointed),
    l: withSaver((saver) => make(long, saver), checkpointed),
  }));
  for (const g of built) for (let i = 0; i < (stored > 10_000 ? 1 : 5); i++) await g.l.invoke(input, RUN); // warm up
  for (const k of Object.keys(reducerMs)) delete reducerMs[k];
  for (const k of Object.keys(nodeTimeMs)) delete nodeTimeMs[k];
  // Interleaved rounds; within a round the fastest of the runs is the least disturbed by other
  // load on the machine. Per superstep = (T(long) − T(short)) / (long − short): the input's
  // one-off validation cancels out.
  const perStep: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const g of built) {
      const ts = Math.min(...(await sample(() => g.s.invoke(input, RUN), { runs, warmup: 1 })));
      const tl = Math.min(...(await sample(() => g.l.invoke(input, RUN), { runs, warmup: 1 })));
      (perStep[g.name] ??= []).push((tl - ts) / (long - short));
    }
  }
  const rows = built.map(({ name }) => {
    const ms = median(perStep[name]!);
    const ref = median(perStep[name.startsWith("Annotation") ? PLAIN_A : PLAIN_S]!);
    const own = reducerMs[name] === undefined ? "" : Number((median(reducerMs[name]!) * 1000).toFixed(1));
    const node = nodeTimeMs[name] === undefined ? "" : Number((median(nodeTimeMs[name]!) * 1000).toFixed(1));
    return { "state style, claims field": name, "ms / superstep": Number(ms.toFixed(4)), "vs plain": `${((ms / ref - 1) * 100).toFixed(1)}%`, "reducer µs / call (median)": own, "node-time checks µs (median)": node };
  });
  printTable(
    `Superstep cost at ${stored.toLocaleString("en")}–${(stored + long).toLocaleString("en")} stored claims, ${checkpointed ? "MemorySaver checkpointer" : "no checkpointer"} (per superstep = (T(${long} nodes) − T(${short})) / ${long - short}, fastest of ${runs} runs, median of ${rounds} interleaved rounds; target: the channel's own work ≤ 5% of a plain superstep)`,
    rows,
  );
  const own = median(reducerMs[CHAN_A]!) - median(reducerMs[PLAIN_A]!);
  const ownVerifying = median(reducerMs[CHAN_AV]!) + median(nodeTimeMs[CHAN_AV]!) - median(reducerMs[PLAIN_A]!);
  const ownContract = median(reducerMs[CHAN_AC]!) + median(nodeTimeMs[CHAN_AC]!) - median(reducerMs[PLAIN_A]!);
  const step = median(perStep[PLAIN_A]!);
  const pct = (x: number) => `${((x / step) * 100).toFixed(2)}%`;
  console.log(
    `\nAt ${stored.toLocaleString("en")} stored claims, ${checkpointed ? "with a MemorySaver checkpointer" : "no checkpointer"}, plain superstep ${step.toFixed(3)} ms (median). The channel's own extra work per superstep ` +
      `(median reducer call minus the plain reducer's, measured inside the run):` +
      `\n- a node adds a claim: ${(own * 1000).toFixed(1)} µs = ${pct(own)};` +
      `\n- the same through withWriteContract (checked in the node, reducer reuses the result): ${(ownContract * 1000).toFixed(1)} µs = ${pct(ownContract)};` +
      `\n- a node adds a claim and verifies its parent (identity checked and the batch sealed in the node, evidence rule, verification sealed; ` +
      `node-time ${(median(nodeTimeMs[CHAN_AV]!) * 1000).toFixed(1)} µs + reducer ${(median(reducerMs[CHAN_AV]!) * 1000).toFixed(1)} µs): ` +
      `${(ownVerifying * 1000).toFixed(1)} µs = ${pct(ownVerifying)}; the verdict with its identity and evidence checks adds ` +
      `${((ownVerifying - ownContract) * 1000).toFixed(1)} µs = ${pct(ownVerifying - ownContract)}.`,
  );
}

// ---------------------------------------------------------------------------------------
// 3. Growth with the update size: fitted exponent of t(k) ~ k^e.
// ---------------------------------------------------------------------------------------
function exponent(points: readonly [number, number][]): number {
  const xs = points.map(([k]) => Math.log(k));
  const ys = points.map(([, t]) => Math.log(t));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

async function growth(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const fits: Record<string, string | number>[] = [];
  for (const n of [1_000, 100_000]) {
    const state = stateOf(n);
    const random = rng(11);
    const pool = state.slice(-100).map((c) => c.id);
    const points: [number, number][] = [];
    for (const k of [10, 100, 1_000, 10_000]) {
      const update = newClaims(k, pool, random);
      const runs = k >= 10_000 ? 6 : k >= 1_000 ? 15 : 40;
      const times = await sample(() => reduceClaims(state, update, clock), { runs, warmup: 2 });
      const fastest = Math.min(...times);
      points.push([k, fastest]);
      rows.push({
        "stored claims": n,
        "update size k": k,
        "ms / update (median)": Number(median(times).toFixed(3)),
        "ms / update (fastest)": Number(fastest.toFixed(3)),
        "µs / claim (fastest)": fmtUs(fastest / k),
      });
    }
    fits.push({
      "stored claims": n,
      "e, k = 10…1,000": Number(exponent(points.slice(0, 3)).toFixed(3)),
      "e, k = 10…10,000": Number(exponent(points).toFixed(3)),
    });
  }
  printTable("Cost vs update size", rows);
  printTable("Growth exponent e of t ~ k^e, fitted on the fastest runs (≤ 1: no worse than linear; the O(n) array copy is a constant term)", fits);
  console.log(
    "\nEach claim costs O(1 + its parents) map operations. Between 1,000 and 10,000 claims in one update the " +
      "per-claim time steps up once, when the update's new objects outgrow V8's young generation (GC copying, not " +
      "the algorithm; with a full collection before each sample it is flat from 10,000 to 30,000).",
  );
}

const only = process.env["CLAIMS_BENCH_ONLY"];
if (!only || only === "reducer") await reducerCost();
// CLAIMS_BENCH_ONLY=superstep1k: the per-superstep cost at 1,000 claims only (the 5% target's row).
if (!only || only === "superstep" || only === "superstep1k") await superstepCost(1_000, 5, 105, 7, 4);
// The same graphs with a checkpointer (each superstep serializes the state): what a durable graph pays.
if (!only || only === "superstep" || only === "superstep1k") await superstepCost(1_000, 5, 25, 5, 3, true);
if (!only || only === "superstep") await superstepCost(100_000, 5, 25, 3, 2);
if (!only || only === "growth") await growth();
