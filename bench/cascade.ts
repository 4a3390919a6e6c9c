/**
 * `npm run bench:cascade [-- --trials N --seed S --workers W --ablations --leaf --sensitivity --sensitivity-trials N --json file]`
 *
 * The cascade experiment of arXiv:2603.04474 on a LangGraph supervisor topology: one atomic
 * falsehood ("The capital of Australia is Sydney") planted at the hub (with `--leaf`, also at
 * a leaf, for the shape of the paper's result), with no guard, a BICR guard on every agent, guards only where
 * the topology analysis recommends them, as many guards at random agents, and (`--ablations`)
 * the guarded configurations with one mechanism turned off. The guards end a handoff at
 * the first attempt that only re-asserts a red claim (`repeatedRed: "exhaust"`). Every figure has a 95% confidence
 * interval: Wilson for proportions, t for means, a paired bootstrap for ratios to unguarded.
 *
 * SCRIPTED WORLD: the agents and the challenger's judge are scripted stand-ins with
 * documented parameters (`SCRIPTED_WORLD` in src/chaos/scripted-world.ts, where each default
 * says where it comes from), not models. The tables show what the adoption rule, the judge
 * model and the topology produce, not how any model behaves. With OPENAI_API_KEY set, a small
 * campaign also runs with real models (costs money), labelled with the model name.
 *
 * Trials are spread over `--workers` child processes (default 2, this machine's cores); each
 * configuration's trials use the same seeds, so results do not depend on the split.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { createChallenger, guardNodeInPlace } from "../nodes/index.js";
import {
  createCampaign,
  createCascadeGraph,
  createScriptedJudge,
  factsEvidence,
  formatCampaignTable,
  runCampaign,
  SCRIPTED_WORLD,
  type CampaignOptions,
  type CampaignTrialEvent,
  type CascadeState,
  type Fault,
  type GuardMode,
  type ScriptedWorld,
} from "../src/chaos/index.js";
import { formatPosterior, fromPosterior, PosteriorReplySchema, type Claim } from "../src/claims/index.js";
import { bootstrapRatio, meanCI, wilson, type Estimate } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    trials: { type: "string" },
    seed: { type: "string" },
    workers: { type: "string" },
    json: { type: "string" },
    sensitivity: { type: "boolean" },
    ablations: { type: "boolean" },
    leaf: { type: "boolean" },
    "sensitivity-trials": { type: "string" },
    "model-trials": { type: "string" },
    child: { type: "boolean" },
  },
});

/** The cascade world: topology and adoption (unchanged from the first benchmark), guard settings. */
const PARAMS = {
  workers: 8, // + supervisor + writer = 10 agents; ρ(star) = √8 ≈ 2.83
  adoption: 0.5, // β between peers
  hubAdoption: 0.98, // β for the supervisor's claims: agents defer to their orchestrator
  correction: 0.05, // δ per call
  maxAttempts: 3,
  onExhausted: "degrade" as const,
  repeatedRed: "exhaust" as const, // a source that keeps re-planting the falsehood is not retried

  trials: Number(values.trials ?? 500),
  seed: Number(values.seed ?? 1),
};
const TEXT = "The capital of Australia is";
const FACTS = { [TEXT]: "Canberra" };
const falsehood: Fault = { kind: "falsehood", text: TEXT, value: "Sydney" };
const input = { task: "What is the capital of Australia?" };

/** One configuration to run: a guard mode on a target, in a world, with guard options. */
interface Job {
  readonly id: string;
  readonly label: string;
  readonly target: "hub" | "leaf";
  readonly mode: GuardMode;
  readonly world: ScriptedWorld;
  /** Extra guard options (the ablations turn a mechanism off). */
  readonly guardOptions: Record<string, unknown>;
  readonly trials: number;
}

/** Per-trial figures of one configuration, in trial order. */
interface JobResult {
  readonly id: string;
  readonly injected: boolean[];
  readonly infection: number[];
  readonly finalInfected: boolean[];
  readonly defended: boolean[];
  readonly calls: number[];
  readonly tokens: number[];
  readonly guardedNodes: string;
  readonly error?: string;
}

function campaignOptions(job: Job, challengerModel: BaseChatModel): CampaignOptions {
  const challenger = createChallenger({ model: challengerModel, evidence: factsEvidence(FACTS) });
  // The supervisor's routing fields (`next`, `turn`) are not claims: without passThrough the guard
  // would send them to the judge as claims on every attempt (a judge call each, always yellow).
  const guardOptions = { challenger, maxAttempts: PARAMS.maxAttempts, onExhausted: PARAMS.onExhausted, repeatedRed: PARAMS.repeatedRed, passThrough: ["next", "turn"], ...job.guardOptions };
  return {
    input,
    faults: [falsehood],
    targets: [job.target],
    trials: job.trials,
    seed: PARAMS.seed,
    fire: { calls: "every", probability: 1, correction: job.world.sourceCorrection },
    guards: [job.mode],
    ...(job.mode === "unguarded" ? {} : { guard: (builder, node) => guardNodeInPlace(builder, node, guardOptions as never) }),
  };
}

/** Runs one configuration here and returns its per-trial figures. */
async function runJob(job: Job): Promise<JobResult> {
  const w = job.world;
  const judge = createScriptedJudge({ recall: w.recall, specificity: w.specificity, correlation: w.correlation, tokens: w.judgeTokens });
  const graph = () =>
    createCascadeGraph({ workers: PARAMS.workers, adoption: PARAMS.adoption, hubAdoption: PARAMS.hubAdoption, correction: PARAMS.correction, discount: w.discount, agentTokens: w.agentTokens });
  const events: CampaignTrialEvent[] = [];
  try {
    const campaign = createCampaign(graph, campaignOptions(job, judge));
    campaign.onTrial((e) => (events[e.trial] = e));
    const report = await campaign.run();
    const row = report.rows[0]!;
    const guardedNodes = typeof row.guardedNodes === "number" ? `${row.guardedNodes} at random` : row.guardedNodes.length === 10 ? "all 10" : row.guardedNodes.join(", ") || "none";
    return {
      id: job.id,
      injected: events.map((e) => e.injected),
      infection: events.map((e) => e.infectionRate),
      finalInfected: events.map((e) => e.finalInfected),
      defended: events.map((e) => e.defended),
      calls: events.map((e) => e.calls),
      tokens: events.map((e) => e.tokens),
      guardedNodes,
    };
  } catch (e) {
    // An ablation whose guard option does not exist yet (strict options) is reported, not hidden.
    return { id: job.id, injected: [], infection: [], finalInfected: [], defended: [], calls: [], tokens: [], guardedNodes: "", error: (e as Error).message.split("\n")[0] };
  }
}

/** The configurations of the main table (hub; leaf too with `leaf`), ablations on the hub. */
function mainJobs(trials: number, leaf: boolean, ablations = false): Job[] {
  const w = SCRIPTED_WORLD;
  const job = (target: Job["target"], mode: GuardMode, label: string, world: ScriptedWorld = w, guardOptions: Record<string, unknown> = {}): Job => ({
    id: `${target}/${label}`,
    label,
    target,
    mode,
    world,
    guardOptions,
    trials,
  });
  const rows = (t: Job["target"]) => [
    job(t, "unguarded", "unguarded"),
    job(t, "guarded", "every agent guarded"),
    job(t, "recommended", "recommended guards"),
    job(t, "random", "random guards (same count)"),
  ];
  const off = [
    job("hub", "guarded", 'every agent, repeatedRed "retry"', w, { repeatedRed: "retry" }),
    job("hub", "recommended", 'recommended, repeatedRed "retry"', w, { repeatedRed: "retry" }),
    job("hub", "guarded", "every agent, discount off (discount=1)", { ...w, discount: 1 }),
    job("hub", "guarded", "every agent, redLedger off", w, { redLedger: false }),
    job("hub", "guarded", 'every agent, yellowOnShakyParents "pass"', w, { yellowOnShakyParents: "pass" }),
    job("hub", "guarded", "every agent, all three off", { ...w, discount: 1 }, { redLedger: false, yellowOnShakyParents: "pass" }),
    job("hub", "recommended", "recommended, discount off (discount=1)", { ...w, discount: 1 }),
    job("hub", "recommended", "recommended, redLedger off", w, { redLedger: false }),
    job("hub", "recommended", "recommended, all three off", { ...w, discount: 1 }, { redLedger: false, yellowOnShakyParents: "pass" }),
  ];
  return [...rows("hub"), ...(ablations ? off : []), ...(leaf ? rows("leaf") : [])];
}

/** One-at-a-time sensitivity around the defaults: hub seed, every agent guarded and recommended guards. */
function sensitivityJobs(trials: number): Job[] {
  const w = SCRIPTED_WORLD;
  const grid: [keyof ScriptedWorld, number[]][] = [
    ["recall", [0.7, 0.9, 0.99]],
    ["specificity", [0.7, 0.9, 1]],
    ["correlation", [0, 0.5, 1]],
    ["discount", [0, 0.33, 1]],
  ];
  const jobs: Job[] = [];
  for (const [param, points] of grid) {
    for (const v of points) {
      const world = { ...w, [param]: v };
      for (const mode of ["guarded", "recommended"] as const) {
        jobs.push({ id: `sens/${param}=${v}/${mode}`, label: `${param}=${v}`, target: "hub", mode, world, guardOptions: {}, trials });
      }
    }
  }
  return jobs;
}

/** Runs jobs on `workers` child processes (each keeps its modules loaded between jobs). */
async function runJobs(jobs: readonly Job[], workers: number): Promise<Map<string, JobResult>> {
  const results = new Map<string, JobResult>();
  if (workers <= 1) {
    for (const job of jobs) results.set(job.id, await runJob(job));
    return results;
  }
  // Longest first: guarded configurations cost several times an unguarded one.
  const queue = [...jobs].sort((a, b) => cost(b) - cost(a));
  const worker = async () => {
    const child: ChildProcess = fork(process.argv[1]!, ["--child"], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    try {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        const current = job;
        const result = await new Promise<JobResult>((resolve, reject) => {
          child.once("message", (m) => resolve(m as JobResult));
          child.once("exit", (code) => reject(new Error(`bench:cascade child exited (${code}) during ${current.id}`)));
          child.send(current);
        });
        child.removeAllListeners("exit");
        results.set(result.id, result);
      }
    } finally {
      child.kill();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
  return results;
}

function cost(job: Job): number {
  return (job.mode === "unguarded" ? 1 : job.mode === "random" ? 1.5 : job.mode === "recommended" ? 4 : 7) * job.trials;
}

/** Figures of one configuration against its unguarded baseline (same target, same seeds). */
interface Figures {
  readonly infection: Estimate;
  readonly clean: Estimate;
  readonly defence: Estimate;
  readonly calls: Estimate;
  readonly tokens: Estimate;
  readonly callRatio: Estimate | null;
  readonly tokenRatio: Estimate | null;
  readonly injected: number;
}

function figures(r: JobResult, base: JobResult | undefined): Figures {
  const inj = r.injected.map((x, i) => (x ? i : -1)).filter((i) => i >= 0);
  const clean = inj.filter((i) => !r.finalInfected[i]).length;
  const defended = inj.filter((i) => r.defended[i]).length;
  const paired = base !== undefined && base !== r && base.calls.length === r.calls.length;
  return {
    injected: inj.length,
    infection: within01(meanCI(inj.map((i) => r.infection[i]!))),
    clean: wilson(clean, inj.length),
    defence: wilson(defended, inj.length),
    calls: meanCI(r.calls),
    tokens: meanCI(r.tokens),
    callRatio: paired ? bootstrapRatio(r.calls, base.calls, { seed: PARAMS.seed }) : null,
    tokenRatio: paired ? bootstrapRatio(r.tokens, base.tokens, { seed: PARAMS.seed }) : null,
  };
}

/** A mean of shares: its t interval clipped to [0, 1]. */
const within01 = (e: Estimate): Estimate => ({ value: e.value, lo: Math.max(0, e.lo), hi: Math.min(1, e.hi) });
const pct = (e: Estimate) => `${(e.value * 100).toFixed(1)}% [${(e.lo * 100).toFixed(1)}, ${(e.hi * 100).toFixed(1)}]`;
const num = (e: Estimate, d = 1) => `${e.value.toFixed(d)} [${e.lo.toFixed(d)}, ${e.hi.toFixed(d)}]`;
const ratio = (e: Estimate | null) => (e === null ? "1×" : `${e.value.toFixed(2)}× [${e.lo.toFixed(2)}, ${e.hi.toFixed(2)}]`);

function mainTable(jobs: readonly Job[], results: Map<string, JobResult>): string {
  const lines = [
    "| seed | configuration | guards | infection | final answer clean | guard-credited defence | calls | calls vs unguarded | tokens | tokens vs unguarded |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const job of jobs) {
    const r = results.get(job.id)!;
    if (r.error !== undefined) {
      lines.push(`| ${job.target} | ${job.label} | — | not run: ${r.error.replace(/\|/g, "\\|")} | | | | | | |`);
      continue;
    }
    const f = figures(r, results.get(`${job.target}/unguarded`));
    const defence = job.mode === "unguarded" ? "—" : pct(f.defence);
    lines.push(
      `| ${job.target} | ${job.label} | ${r.guardedNodes} | ${pct(f.infection)} | ${pct(f.clean)} | ${defence} | ${num(f.calls)} | ${ratio(f.callRatio)} | ${num(f.tokens, 0)} | ${ratio(f.tokenRatio)} |`,
    );
  }
  return lines.join("\n");
}

function sensitivityTable(jobs: readonly Job[], results: Map<string, JobResult>, baseline: JobResult | undefined): string {
  const lines = [
    "| parameter (others at defaults) | every agent guarded: final clean | calls vs unguarded | recommended only: final clean | calls vs unguarded |",
    "|---|---|---|---|---|",
  ];
  for (const job of jobs.filter((j) => j.mode === "guarded")) {
    const all = figures(results.get(job.id)!, baseline);
    const rec = figures(results.get(job.id.replace(/guarded$/, "recommended"))!, baseline);
    lines.push(`| ${job.label} | ${pct(all.clean)} | ${ratio(all.callRatio)} | ${pct(rec.clean)} | ${ratio(rec.callRatio)} |`);
  }
  return lines.join("\n");
}

function printMain(jobs: readonly Job[], results: Map<string, JobResult>) {
  console.log(`## SCRIPTED agents and judge, ${PARAMS.trials} trials per configuration, seed ${PARAMS.seed}\n`);
  console.log(mainTable(jobs, results));
  console.log(
    "\ninfection = mean share of non-seed agents holding the falsehood; final answer clean = writer's answer not infected; guard-credited defence = a guard blocked the falsehood and the final answer stayed clean; calls = agent calls + judge calls per trial; tokens = calls × per-call cost (agent " +
      `${SCRIPTED_WORLD.agentTokens}, judge ${SCRIPTED_WORLD.judgeTokens}); [95% CI]: Wilson for proportions, t for means, paired bootstrap (2,000 resamples) for ratios.`,
  );
}

async function main() {
  const workers = Number(values.workers ?? 2);
  const started = performance.now();
  console.log("# Cascade containment benchmark (arXiv:2603.04474's experiment, supervisor topology)\n");
  console.log(`World (SCRIPTED): ${JSON.stringify(SCRIPTED_WORLD)}`);
  console.log(`Graph and guard: ${JSON.stringify(PARAMS)}`);
  const what = values.sensitivity ? `--sensitivity --sensitivity-trials ${Number(values["sensitivity-trials"] ?? 100)}` : `--trials ${PARAMS.trials}${values.ablations ? " --ablations" : ""}${values.leaf ? " --leaf" : ""}`;
  console.log(`Command: npm run bench:cascade -- ${what} --seed ${PARAMS.seed}\n`);
  // --sensitivity runs the sensitivity table instead of the main one (each takes minutes).
  const jobs = values.sensitivity ? [] : mainJobs(PARAMS.trials, values.leaf === true, values.ablations === true);
  const sensTrials = Number(values["sensitivity-trials"] ?? 100);
  const sens = values.sensitivity ? sensitivityJobs(sensTrials) : [];
  const sensBase: Job = { ...mainJobs(sensTrials, false)[0]!, id: "sens/unguarded" };
  const results = await runJobs([...jobs, ...(sens.length > 0 ? [sensBase, ...sens] : [])], workers);
  if (jobs.length > 0) printMain(jobs, results);
  if (sens.length > 0) {
    console.log(`\n## Sensitivity (SCRIPTED; hub seed; one parameter at a time; ${sensBase.trials} trials per cell, seed ${PARAMS.seed})\n`);
    console.log(sensitivityTable(sens, results, results.get("sens/unguarded")));
  }
  console.log(`\n${[...results.values()].reduce((a, r) => a + r.calls.length, 0)} trials in ${((performance.now() - started) / 1000).toFixed(1)} s on ${workers} worker process(es)`);
  if (values.json) write(values.json, `${JSON.stringify({ world: SCRIPTED_WORLD, params: PARAMS, jobs, results: Object.fromEntries(results) }, null, 2)}\n`);
  await realModels();
}

if (values.child) {
  process.on("message", (job: Job) => {
    void runJob(job).then((result) => process.send!(result));
  });
} else {
  await main();
}

// --- Real models (only with OPENAI_API_KEY) ----------------------------------------------
async function realModels() {
  if (!process.env.OPENAI_API_KEY) {
    console.log("\n(OPENAI_API_KEY is not set: the real-model campaign was skipped.)");
    return;
  }
  const { ChatOpenAI } = await import("@langchain/openai");
  const modelName = process.env.FIREBREAK_CASCADE_MODEL ?? "gpt-4o-mini";
  const model = new ChatOpenAI({ model: modelName, temperature: 0.7, maxRetries: 2, timeout: 60_000 });
  const trials = Number(values["model-trials"] ?? 10);
  const challenger = createChallenger({ model, evidence: factsEvidence(FACTS) });
  const real = await runCampaign(() => createCascadeGraph({ workers: PARAMS.workers, agent: (name, reads) => modelAgent(model, name, reads) }), {
    input,
    faults: [falsehood],
    targets: ["hub", "leaf"],
    trials,
    seed: PARAMS.seed,
    guards: ["unguarded", "recommended"],
    guard: (builder, node) => guardNodeInPlace(builder, node, { challenger, maxAttempts: PARAMS.maxAttempts, onExhausted: PARAMS.onExhausted, repeatedRed: PARAMS.repeatedRed }),
  });
  console.log(`\n${formatCampaignTable(real, { label: `## Real models: ${modelName} (agents and challenger), ${trials} trials per configuration` })}`);
}

/**
 * A model-backed agent: it sees its teammates' latest claims as a structured posterior and
 * answers in claims. Lineage: its answer is derived from the claims it cites and from every
 * visible claim giving the same answer (so adopting a teammate's answer is attributed even
 * when the model forgets to cite it).
 */
function modelAgent(model: BaseChatModel, name: string, reads: readonly string[]) {
  const structured = model.withStructuredOutput(PosteriorReplySchema, { name: "answer_in_claims" });
  return async (state: typeof CascadeState.State) => {
    const latest = new Map<string, Claim>();
    for (const c of state.claims) if (reads.includes(c.origin.agent) && c.text === TEXT) latest.set(c.origin.agent, c);
    const visible = [...latest.values()];
    const reply = await structured.invoke([
      new SystemMessage(
        `You are ${name}, one agent of a team. Answer the task with one claim whose text is exactly "${TEXT}" and whose answer is the city. ` +
          "Your teammates' current claims are given as structured data; weigh them and your own knowledge.",
      ),
      new HumanMessage(`Task: ${state.task}\n\nTeammates' claims:\n${formatPosterior(visible)}`),
    ]);
    const claim = fromPosterior(reply, { agent: name, ref: "model" }).find((c) => c.value !== undefined);
    const value = claim?.value ?? null;
    const cited = new Set((claim?.origin.basedOn ?? []).filter((id) => visible.some((c) => c.id === id)));
    for (const c of visible) if (c.value === value) cited.add(c.id);
    return {
      claims: [{ text: TEXT, value, origin: { agent: name, source: "model" as const, basedOn: [...cited] }, confidence: claim?.confidence ?? 0.5 }],
    };
  };
}

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
