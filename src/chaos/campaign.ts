/**
 * `runCampaign`: the cascade experiment of arXiv:2603.04474 as a function. For every model
 * configuration × fault × target × guard mode it runs the same seeded trials, measures
 * infection through the claims lineage and reports infection rate, full-infection
 * probability, defence success, safe completion and the token and latency overhead.
 */
import { isGraphInterrupt } from "@langchain/langgraph";
import type { IDisposable } from "cockatiel";
import { Listeners } from "../internal/listeners.js";
import { analyzeTopology, extractTopology, type Topology } from "../topology/index.js";
import type {
  CampaignContext,
  CampaignOptions,
  CampaignReport,
  CampaignRow,
  GuardMode,
} from "./campaign-types.js";
import { createChaosRun, runWithChaos } from "./chaos-run.js";
import { DEFAULT_TAINT, faultLabel, targetLabel, type Fault, type FaultTarget } from "./fault-plan.js";
import { measureInfection } from "./infection.js";
import { injectFaults, injectedFaults, type AnyStateGraph } from "./inject-faults.js";
import { createRng, deriveSeed } from "./rng.js";
import { TrialRecorder } from "./trial-recorder.js";
import { agentCost } from "./world-cost.js";
import { withCorrectingSource } from "./correcting-source.js";
import { invalidOption, parseOptions } from "../internal/options-schema.js";
import { CampaignOptionsSchema } from "./chaos-options.js";
import { ChaosError } from "./chaos-error.js";
import type { ConfigurationKey, TrialDispatch, TrialOutcome, TrialResult, TrialRunner } from "./campaign-dispatch.js";

/** One finished trial, as {@link Campaign.onTrial} reports it. */
export interface CampaignTrialEvent {
  /** The model configuration's name. */
  readonly model: string;
  /** `faultLabel` of the fault. */
  readonly fault: string;
  /** `targetLabel` of the target. */
  readonly target: string;
  /** The guard mode of this configuration. */
  readonly guard: GuardMode;
  /** The trial's index (0-based) and seed. */
  readonly trial: number;
  readonly seed: number;
  /** Whether the fault fired on a target node. */
  readonly injected: boolean;
  /** Share of the population the planted falsehood reached. */
  readonly infectionRate: number;
  /** A guard blocked the fault; the final answer stayed clean (or the run completed). */
  readonly blocked: boolean;
  readonly defended: boolean;
  /** Whether the final answer carried the planted falsehood. */
  readonly finalInfected: boolean;
  /** Completed without an error and without an infected final answer. */
  readonly safe: boolean;
  /** Calls made: model calls (the judge's included) plus scripted agent calls. */
  readonly calls: number;
  /** Tokens spent: reported or estimated by models, plus what scripted agents booked. */
  readonly tokens: number;
  /** The error's name (`"Interrupted"` for an interrupt), when the trial did not complete. */
  readonly error?: string;
  /** Trials done so far and in all. */
  readonly done: number;
  readonly total: number;
}

/** A campaign not yet run: listen to its trials, then `run()` it (once). */
export interface Campaign {
  /** Called after each trial, in completion order; returns a disposable that stops the listener. */
  onTrial(listener: (event: CampaignTrialEvent) => void): IDisposable;
  /** Runs every configuration's trials and returns the report. */
  run(): Promise<CampaignReport>;
}

/**
 * Runs a fault-injection campaign. `factory` builds a fresh uncompiled graph per
 * configuration; faults are injected with `injectFaults`, guards applied with `options.guard`
 * (inside which the faulty producer runs), and every trial runs inside `runWithChaos` with
 * its own seed — the same seeds in every configuration, so differences are the
 * configuration's, not luck's. Same as `createCampaign(factory, options).run()`.
 *
 * @example
 * ```ts
 * const report = await runCampaign(() => createCascadeGraph({ workers: 8 }), {
 *   input: { task: "What is the capital of Australia?" },
 *   faults: [{ kind: "falsehood", text: "The capital of Australia is", value: "Sydney" }],
 *   targets: ["hub", "leaf"],
 *   trials: 200,
 *   guard: (builder, node) => guardNodeInPlace(builder, node, { challenger }),
 * });
 * console.log(formatCampaignTable(report));
 * ```
 */
export async function runCampaign(
  factory: (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>,
  options: CampaignOptions,
): Promise<CampaignReport> {
  return createCampaign(factory, options).run();
}

/**
 * A campaign with listeners (cockatiel style): options are checked at once, nothing runs
 * until `run()`.
 *
 * @example
 * ```ts
 * const campaign = createCampaign(() => createCascadeGraph({ workers: 8 }), { input, faults, trials: 50 });
 * const sub = campaign.onTrial((t) => console.log(`${t.done}/${t.total} ${t.guard} infected ${t.infectionRate}`));
 * const report = await campaign.run();
 * sub.dispose();
 * ```
 */
export function createCampaign(
  factory: (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>,
  options: CampaignOptions,
): Campaign {
  return createDispatchedCampaign(factory, options, undefined);
}

/**
 * Internal: a campaign whose trials `dispatch` runs elsewhere (workers); without it, here.
 * Rows are aggregated from the outcomes in trial order either way. @internal
 */
export function createDispatchedCampaign(
  factory: (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>,
  options: CampaignOptions,
  dispatch: TrialDispatch | undefined,
): Campaign {
  const o = normalise(options);
  const trials = new Listeners<CampaignTrialEvent>({ label: "the campaign's onTrial" });
  let started = false;
  return {
    onTrial: trials.addListener,
    run: async () => {
      if (started) throw new ChaosError("createCampaign: run() was called twice; create a new campaign for a second run.");
      started = true;
      return execute(createTrialRunner(factory, options), options, o, { trials, dispatch });
    },
  };
}

type Normalised = ReturnType<typeof normalise>;

/** What a model configuration's probe graph says: the topology, its recommendation, and who counts. */
interface Probe {
  readonly topology: Topology;
  readonly recommended: string[];
  readonly guardable: readonly string[];
  readonly population: readonly string[];
  readonly final: readonly string[];
}

/** One (model, fault, target, guard mode) configuration. */
interface Configuration {
  readonly key: ConfigurationKey;
  readonly model: string;
  readonly context: CampaignContext;
  readonly fault: Fault;
  readonly target: FaultTarget;
  readonly mode: GuardMode;
  readonly probe: Probe;
}

/** The unguarded configuration's means, for overheads. */
interface Baseline {
  readonly tokens: number;
  readonly calls: number;
  readonly medianMs: number;
}

/** Counts trials across configurations (for `onProgress` and `onTrial`). */
interface Progress {
  done: number;
  readonly total: number;
}

async function execute(
  runner: CampaignTrialRunner,
  options: CampaignOptions,
  o: Normalised,
  on: { trials: Listeners<CampaignTrialEvent>; dispatch: TrialDispatch | undefined },
): Promise<CampaignReport> {
  const started = performance.now();
  const rows: CampaignRow[] = [];
  let first: Probe | undefined;
  let last: Probe | undefined;
  const progress: Progress = { done: 0, total: o.modelNames.length * o.faults.length * o.targets.length * o.guards.length * o.seeds.length };
  for (const [m, model] of o.modelNames.entries()) {
    const probe = await runner.probe(m);
    first ??= probe;
    last = probe;
    for (const [f, fault] of o.faults.entries()) {
      for (const [t, target] of o.targets.entries()) {
        let baseline: Baseline | undefined;
        for (const [g, mode] of o.guards.entries()) {
          const c: Configuration = { key: { model: m, fault: f, target: t, guard: g }, model, context: contextOf(o, m), fault, target, mode, probe };
          const row = await runConfiguration(runner, c, options, o, { baseline, progress, ...on });
          if (mode === "unguarded") baseline = { tokens: row.meanTokens, calls: row.meanCalls, medianMs: row.timing.medianMs };
          rows.push(row);
        }
      }
    }
  }
  const totalMs = performance.now() - started;
  return {
    kind: "firebreak/campaign",
    params: {
      trials: o.seeds.length,
      seed: options.seeds ? null : (options.seed ?? 1),
      seeds: o.seeds,
      models: o.modelNames,
      faults: o.faults,
      targets: o.targets.map(targetLabel),
      guards: o.guards,
      fire: { calls: o.fire.calls, probability: o.fire.probability, correction: o.correction },
    },
    topology: first!.topology,
    recommended: first!.recommended,
    population: last?.population ?? [],
    final: last?.final ?? [],
    rows,
    timing: { totalMs, trialsPerSecond: progress.done / (totalMs / 1000) },
  };
}

/** Builds one graph of a model configuration to read its topology and guard recommendation. */
async function probeConfiguration(
  factory: (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>,
  context: CampaignContext,
  options: CampaignOptions,
  o: Normalised,
): Promise<Probe> {
  const topology = extractTopology(await factory(context), { xray: false });
  const agents = topology.nodes.filter((n) => n.role === "agent").map((n) => n.id);
  const analysis = analyzeTopology(topology, { ...o.analysis, cycles: false });
  const recommended = (analysis.guards?.recommended ?? []).map((r) => r.node).filter((n): n is string => n !== undefined);
  return {
    topology,
    recommended,
    guardable: options.guardable ?? agents,
    population: options.population ?? agents,
    final: options.final ?? topology.exits,
  };
}

/** Runs every seed of one configuration (here, or through `dispatch`) and aggregates its row in trial order. */
async function runConfiguration(
  runner: CampaignTrialRunner,
  c: Configuration,
  options: CampaignOptions,
  o: Normalised,
  run: {
    baseline: Baseline | undefined;
    progress: Progress;
    trials: Listeners<CampaignTrialEvent>;
    dispatch: TrialDispatch | undefined;
  },
): Promise<CampaignRow> {
  const { model, fault, target, mode, probe } = c;
  const { guardable, recommended, population } = probe;
  const outcomes: TrialOutcome[] = [];
  let targetNodes: readonly string[] | undefined;
  const report = (trial: number, result: TrialResult) => {
    if (outcomes[trial] !== undefined) return; // a batch retried after its worker died
    outcomes[trial] = result.outcome;
    targetNodes ??= result.targetNodes;
    const done = ++run.progress.done;
    options.onProgress?.(done, run.progress.total);
    if (run.trials.size > 0) run.trials.emit(trialEvent(c, trial, o.seeds[trial]!, result.outcome, run.progress));
  };
  if (run.dispatch) await run.dispatch(c.key, o.seeds.length, report);
  else await pool(o.seeds.length, o.concurrency, async (trial) => report(trial, await runner.run(c.key, trial)));
  const missing = o.seeds.findIndex((_, i) => outcomes[i] === undefined);
  if (missing >= 0) throw new ChaosError(`runCampaign: trial ${missing} of ${model}/${faultLabel(fault)}/${targetLabel(target)}/${mode} reported no outcome; its workers did not finish it.`);
  const placement = placementFor(mode, guardable, recommended);
  return aggregate(outcomes, {
    model,
    fault: faultLabel(fault),
    target: targetLabel(target),
    targetNodes: targetNodes ?? [],
    guard: mode,
    guardedNodes: mode === "random" ? Math.min(guardable.length, recommended.length) : (placement ?? []),
    population,
    baseline: run.baseline,
  });
}

/** A {@link TrialRunner} that also answers each model configuration's probe (cached). */
interface CampaignTrialRunner extends TrialRunner {
  probe(model: number): Promise<Probe>;
}

/**
 * Internal: runs single trials of a campaign, named by configuration indices and trial number.
 * Probes and compiled graphs (one per guard placement) are built once and kept. Used by the
 * campaign itself and by a worker that runs trials for a campaign elsewhere. @internal
 */
export function createTrialRunner(
  factory: (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>,
  options: CampaignOptions,
): CampaignTrialRunner {
  const o = normalise(options);
  const probes = new Map<number, Promise<Probe>>();
  const builds = new Map<string, Promise<{ graph: CompiledLike; targetNodes: readonly string[] }>>();
  const probe = (m: number) => once(probes, m, () => probeConfiguration(factory, contextOf(o, m), options, o));
  return {
    trials: o.seeds.length,
    probe,
    async run(key, trial) {
      const [model, fault, target, mode] = [o.modelNames[key.model], o.faults[key.fault], o.targets[key.target], o.guards[key.guard]];
      const seed = o.seeds[trial];
      if (model === undefined || fault === undefined || target === undefined || mode === undefined || seed === undefined) {
        throw new ChaosError(`runCampaign: no trial ${trial} of configuration ${JSON.stringify(key)} in this campaign; the campaign's options differ from the ones it was dispatched with.`);
      }
      const { guardable, recommended, population, final } = await probe(key.model);
      const nodes =
        mode === "random"
          ? createRng(deriveSeed(seed, "placement")).shuffle(guardable).slice(0, Math.min(guardable.length, recommended.length))
          : (placementFor(mode, guardable, recommended) ?? []);
      const id = `${key.model}/${key.fault}/${key.target}/${key.guard}/${[...nodes].sort().join("\u0000")}`; // per configuration, as before
      const { graph, targetNodes } = await once(builds, id, () => buildFaulty(factory, contextOf(o, key.model), fault, target, nodes, o));
      const outcome = await runOneTrial(graph, {
        seed,
        input: typeof options.input === "function" ? (options.input as (t: number) => unknown)(trial) : options.input,
        fault,
        targetNodes,
        population,
        final,
        marker: options.marker,
        config: options.config,
        threadId: o.compile.checkpointer ? `chaos-${model}-${faultLabel(fault)}-${targetLabel(target)}-${mode}-${trial}` : undefined,
      });
      return { outcome, targetNodes };
    },
  };
}

function contextOf(o: Normalised, model: number): CampaignContext {
  const name = o.modelNames[model]!;
  return { model: name, modelValue: o.models[name] };
}

function once<K, V>(cache: Map<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
  let entry = cache.get(key);
  if (entry === undefined) cache.set(key, (entry = make()));
  return entry;
}

/** A fresh graph with the fault injected on `target` and guards on `nodes`, compiled. */
async function buildFaulty(
  factory: (context: CampaignContext) => AnyStateGraph | Promise<AnyStateGraph>,
  context: CampaignContext,
  fault: Fault,
  target: FaultTarget,
  nodes: readonly string[],
  o: Normalised,
): Promise<{ graph: CompiledLike; targetNodes: readonly string[] }> {
  const fresh = await factory(context);
  let faulty: AnyStateGraph = injectFaults(fresh, { targets: [target], fault, ...o.fire });
  const targetNodes = injectedFaults(faulty)[0]!.nodes;
  if (fault.kind === "falsehood" || fault.kind === "contradiction") withCorrectingSource(faulty, fresh, targetNodes, fault.text, o.correction);
  for (const node of nodes) faulty = await o.guard!(faulty, node);
  return { graph: faulty.compile(o.compile) as unknown as CompiledLike, targetNodes };
}

function trialEvent(c: Configuration, trial: number, seed: number, t: TrialOutcome, progress: Progress): CampaignTrialEvent {
  return {
    model: c.model,
    fault: faultLabel(c.fault),
    target: targetLabel(c.target),
    guard: c.mode,
    trial,
    seed,
    injected: t.injected,
    infectionRate: t.rate,
    blocked: t.blocked,
    defended: t.defended,
    finalInfected: t.finalInfected,
    safe: t.safe,
    calls: t.calls ?? 0,
    tokens: t.tokens,
    ...(t.error === undefined ? {} : { error: t.error }),
    done: progress.done,
    total: progress.total,
  };
}

interface CompiledLike {
  stream(input: unknown, config: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
}

interface TrialSpec {
  seed: number;
  input: unknown;
  fault: Fault;
  targetNodes: readonly string[];
  population: readonly string[];
  final: readonly string[];
  marker: string | undefined;
  config: CampaignOptions["config"];
  threadId: string | undefined;
}

async function runOneTrial(graph: CompiledLike, spec: TrialSpec): Promise<TrialOutcome> {
  const recorder = new TrialRecorder();
  const run = createChaosRun(spec.seed);
  let last: Record<string, unknown> = {};
  let error: string | undefined;
  let interrupted = false;
  const t0 = performance.now();
  try {
    await runWithChaos(run, async () => {
      const base = spec.config ?? {};
      const stream = await graph.stream(spec.input, {
        ...base,
        ...(spec.threadId ? { configurable: { ...base.configurable, thread_id: spec.threadId } } : {}),
        callbacks: [recorder],
        streamMode: ["values", "updates"],
      });
      for await (const chunk of stream) {
        const [mode, data] = chunk as [string, Record<string, unknown>];
        if (mode === "values") last = data;
        else if (data && typeof data === "object" && "__interrupt__" in data) interrupted = true;
      }
    });
  } catch (e) {
    if (isGraphInterrupt(e)) interrupted = true;
    else error = (e as { name?: string })?.name ?? "Error";
  }
  const ms = performance.now() - t0;
  const taint = taintOf(spec.fault);
  const fired = run.events.filter((e) => e.fired && spec.targetNodes.includes(e.node));
  const injected = fired.length > 0;
  const infection = measureInfection(last, {
    ...(taint !== undefined ? { taints: [taint] } : {}),
    population: spec.population,
    seeds: spec.targetNodes,
    final: spec.final,
    ...(spec.marker !== undefined ? { marker: spec.marker } : {}),
  });
  const blocked = recorder.guardRecords.some((r) =>
    taint !== undefined ? r.blockedTaints.includes(taint) : spec.targetNodes.includes(r.guard) && r.blocked > 0,
  );
  const completed = error === undefined && !interrupted;
  const agents = agentCost(run);
  const finalInfected = taint !== undefined && infection.finalInfected;
  return {
    injected,
    rate: taint !== undefined ? infection.rate : 0,
    full: taint !== undefined && infection.full,
    finalInfected,
    blocked: injected && blocked,
    defended: injected && blocked && (taint !== undefined ? !finalInfected : completed),
    safe: completed && !finalInfected,
    ...(error !== undefined ? { error } : interrupted ? { error: "Interrupted" } : {}),
    tokens: recorder.tokens + agents.tokens,
    calls: recorder.modelCalls + agents.calls,
    estimated: recorder.estimated,
    ms,
    infected: infection.infected,
    seedInfected: infection.seedInfected,
  };
}

function taintOf(fault: Fault): string | undefined {
  return fault.kind === "falsehood" || fault.kind === "contradiction" ? (fault.taint ?? DEFAULT_TAINT) : undefined;
}

function aggregate(
  outcomes: readonly TrialOutcome[],
  info: {
    model: string;
    fault: string;
    target: string;
    targetNodes: readonly string[];
    guard: GuardMode;
    guardedNodes: readonly string[] | number;
    population: readonly string[];
    baseline: Baseline | undefined;
  },
): CampaignRow {
  const injected = outcomes.filter((t) => t.injected);
  const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const frac = (n: number, d: number) => (d === 0 ? 0 : n / d);
  const errorKinds: Record<string, number> = {};
  for (const t of outcomes) if (t.error !== undefined) errorKinds[t.error] = (errorKinds[t.error] ?? 0) + 1;
  const nodeInfection: Record<string, number> = {};
  for (const node of info.population) {
    const isSeed = info.targetNodes.includes(node);
    nodeInfection[node] = frac(injected.filter((t) => (isSeed ? t.seedInfected : t.infected.includes(node))).length, injected.length);
  }
  const ms = outcomes.map((t) => t.ms).sort((a, b) => a - b);
  const medianMs = ms.length === 0 ? 0 : ms.length % 2 ? ms[ms.length >> 1]! : (ms[ms.length / 2 - 1]! + ms[ms.length / 2]!) / 2;
  const meanTokens = mean(outcomes.map((t) => t.tokens));
  const meanCalls = mean(outcomes.map((t) => t.calls ?? 0));
  const blocked = injected.filter((t) => t.blocked).length;
  return {
    model: info.model,
    fault: info.fault,
    target: info.target,
    targetNodes: info.targetNodes,
    guard: info.guard,
    guardedNodes: info.guardedNodes,
    trials: outcomes.length,
    injected: injected.length,
    infectionRate: mean(injected.map((t) => t.rate)),
    fullInfection: frac(injected.filter((t) => t.full).length, injected.length),
    finalInfection: frac(injected.filter((t) => t.finalInfected).length, injected.length),
    blocked,
    defenceSuccess: frac(injected.filter((t) => t.defended).length, injected.length),
    safeCompletion: frac(outcomes.filter((t) => t.safe).length, outcomes.length),
    errors: outcomes.filter((t) => t.error !== undefined).length,
    errorKinds,
    meanTokens,
    meanCalls,
    callOverhead: info.baseline && info.baseline.calls > 0 ? meanCalls / info.baseline.calls : null,
    tokensEstimated: outcomes.some((t) => t.estimated),
    tokenOverhead: info.baseline && info.baseline.tokens > 0 ? meanTokens / info.baseline.tokens : null,
    extraTokens: info.baseline && info.guard !== "unguarded" ? meanTokens - info.baseline.tokens : null,
    nodeInfection,
    timing: {
      medianMs,
      meanMs: mean(ms),
      latencyOverhead: info.baseline && info.baseline.medianMs > 0 ? medianMs / info.baseline.medianMs : null,
    },
  };
}

function placementFor(mode: GuardMode, guardable: readonly string[], recommended: readonly string[]): readonly string[] | undefined {
  switch (mode) {
    case "unguarded":
      return [];
    case "guarded":
      return guardable;
    case "recommended":
      return recommended;
    case "random":
      return undefined;
  }
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
}

function normalise(input: CampaignOptions) {
  const options = parseOptions(CampaignOptionsSchema, input, "runCampaign") as CampaignOptions;
  const targets: readonly FaultTarget[] = options.targets ?? ["hub", "leaf"];
  const guards: readonly GuardMode[] = options.guards ?? (options.guard ? ["unguarded", "guarded", "recommended"] : ["unguarded"]);
  const needy = guards.findIndex((g) => g !== "unguarded");
  if (needy >= 0 && options.guard === undefined) {
    throw invalidOption(
      "runCampaign",
      `guards[${needy}]`,
      guards[needy],
      `"unguarded" only, unless \`guard\` is given: guard mode "${guards[needy]}" needs \`guard\`, a function that wraps a node in a guard, e.g. (b, n) => guardNodeInPlace(b, n, { challenger })`,
    );
  }
  let seeds: readonly number[];
  if (options.seeds !== undefined) {
    seeds = options.seeds.map((s) => s >>> 0);
  } else {
    const trials = options.trials ?? 100;
    const base = options.seed ?? 1;
    seeds = Array.from({ length: trials }, (_, i) => deriveSeed(base, "trial", i));
  }
  const models = options.models ?? { default: undefined };
  const modelNames = Object.keys(models);
  const concurrency = options.concurrency ?? 1;
  return {
    faults: options.faults,
    targets,
    guards,
    guard: options.guard,
    seeds,
    models,
    modelNames,
    concurrency,
    fire: { calls: options.fire?.calls ?? ("every" as const), probability: options.fire?.probability ?? 1 },
    correction: options.fire?.correction ?? 0,
    analysis: options.analysis ?? {},
    compile: options.compile ?? {},
  };
}
