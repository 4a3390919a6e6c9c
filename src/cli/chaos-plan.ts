/**
 * Internal: the campaign a `firebreak chaos` command line describes, ready to run — every
 * option checked and bounded, the graph module and the guard imported. Used by the command
 * and, from the same argv, by a trial worker (`--serve`), so both build the same campaign.
 */
import { getHeapStatistics } from "node:v8";
import { guardNodeInPlace, type Challenger } from "../../nodes/index.js";
import type { AnyStateGraph, CampaignOptions, GuardApplier, GuardMode } from "../chaos/index.js";
import { isExtractableGraph } from "../topology/index.js";
import type { CliIo } from "./audit.js";
import { importExport, loadGuard, parseFault, parseTarget } from "./chaos-args.js";
import { DEFAULT_LOAD_TIMEOUT_MS, MAX_LOAD_TIMEOUT_MS, parseGraphReference, referenceLabel } from "./load-graph.js";
import { parseDecimal, parseWhole } from "./numbers.js";
import { parseCommand, type CommandValues } from "./parse-command.js";
import { forGraph, UsageError } from "./usage-error.js";

/** Most trials per configuration. */
export const MAX_TRIALS = 10_000;
/** Most graph runs in one campaign (trials × faults × targets × guard modes). */
export const MAX_RUNS = 200_000;
/** Memory assumed per recorded trial when checking the heap budget up front. */
const BYTES_PER_TRIAL = 4_096;

/** The chaos command's options (`--serve` is parsed apart: it takes no graph). */
export const CHAOS_OPTIONS = {
  fault: { type: "string", multiple: true },
  target: { type: "string", multiple: true },
  trials: { type: "string" },
  seed: { type: "string" },
  calls: { type: "string" },
  probability: { type: "string" },
  input: { type: "string" },
  marker: { type: "string" },
  "recursion-limit": { type: "string" },
  guard: { type: "string" },
  modes: { type: "string" },
  "max-attempts": { type: "string" },
  "on-exhausted": { type: "string" },
  beta: { type: "string" },
  delta: { type: "string" },
  json: { type: "string" },
  svg: { type: "string" },
  png: { type: "string" },
  quiet: { type: "boolean" },
  "load-timeout": { type: "string" },
  workers: { type: "string" },
  queue: { type: "string" },
  batch: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The values of the chaos command's options. */
export type ChaosValues = CommandValues<typeof CHAOS_OPTIONS>;

/** A planned campaign: its option values, graph factory, campaign options (guard included) and label. */
export interface PreparedCampaign {
  readonly values: ChaosValues;
  readonly factory: () => Promise<AnyStateGraph>;
  readonly options: CampaignOptions;
  readonly label: string;
}

/** Parses `argv` (the chaos command's), checks every bound, imports graph and guard; `undefined` after `--help`. */
export async function prepareCampaign(argv: readonly string[], io: CliIo, help: string): Promise<PreparedCampaign | undefined> {
  const parsed = parseCommand("chaos", argv, CHAOS_OPTIONS, help, io.stdout);
  if (parsed === undefined) return undefined;
  const { values, target } = parsed;
  const ref = parseGraphReference(target, io.cwd);
  // Every number and bound is checked before any module is imported or any trial runs; an
  // option error names the graph it was given for.
  const plan = await forGraph(referenceLabel(ref), () => planCampaign(values));
  const guard = values.guard !== undefined ? await loadGuardApplier(values, io, plan.timeout) : undefined;
  for (const m of plan.modes ?? []) {
    if (m !== "unguarded" && guard === undefined) throw new UsageError(`--modes ${m} needs --guard <module>:<export>.`, referenceLabel(ref));
  }
  const { value, name } = await importExport(ref, plan.timeout);
  const label = `${target.replace(/:[A-Za-z_$][\w$]*$/, "")}:${name}`;
  // A function export is called again for every configuration: each gets a fresh graph.
  const factory = async () =>
    toBuilder(typeof value === "function" && !isExtractableGraph(value) ? await (value as () => unknown)() : value, label);
  return { values, factory, options: { ...plan.options, ...(guard ? { guard } : {}) }, label };
}

/** Reads and bounds every option; throws a UsageError (exit 2) before anything runs. */
function planCampaign(values: ChaosValues): { options: CampaignOptions; modes?: GuardMode[]; timeout: number } {
  const faults = (values.fault ?? ["falsehood"]).map(parseFault);
  const targets = (values.target ?? ["hub", "leaf"]).map(parseTarget);
  const calls = values.calls ?? "every";
  if (calls !== "first" && calls !== "every") throw new UsageError(`--calls must be "first" or "every", got "${calls}".`);
  const modes = values.modes?.split(",").map((m) => m.trim()) as GuardMode[] | undefined;
  for (const m of modes ?? []) {
    if (!["unguarded", "guarded", "recommended", "random"].includes(m)) {
      throw new UsageError(`--modes: unknown mode "${m}"; use unguarded, guarded, recommended, random.`);
    }
  }
  checkWorkerOptions(values);
  const trials = values.trials !== undefined ? parseWhole("--trials", values.trials, 1, MAX_TRIALS) : 50;
  boundRuns(trials, faults.length * targets.length * (modes?.length ?? (values.guard !== undefined ? 3 : 1)));
  const options: CampaignOptions = {
    input: parseInput(values.input),
    faults,
    targets,
    trials,
    seed: values.seed !== undefined ? parseWhole("--seed", values.seed, 0, 2 ** 32 - 1) : 1,
    fire: { calls, ...(values.probability !== undefined ? { probability: parseDecimal("--probability", values.probability, { min: 0, max: 1 }) } : {}) },
    ...(modes ? { guards: modes } : {}),
    ...(values.marker !== undefined ? { marker: values.marker } : {}),
    analysis: {
      ...(values.beta !== undefined ? { beta: parseDecimal("--beta", values.beta, { min: 0, max: 1 }) } : {}),
      ...(values.delta !== undefined ? { delta: parseDecimal("--delta", values.delta, { min: 0, max: 1, exclusiveMin: true }) } : {}),
    },
    ...(values["recursion-limit"] !== undefined ? { config: { recursionLimit: parseWhole("--recursion-limit", values["recursion-limit"], 1, 100_000) } } : {}),
  };
  const timeout = values["load-timeout"] !== undefined ? parseWhole("--load-timeout", values["load-timeout"], 1, MAX_LOAD_TIMEOUT_MS) : DEFAULT_LOAD_TIMEOUT_MS;
  return { options, ...(modes ? { modes } : {}), timeout };
}

/** Refuses a campaign whose run count or recorded trials would not fit, before it starts. */
function boundRuns(trials: number, configurations: number): void {
  const runs = trials * configurations;
  if (runs > MAX_RUNS) {
    throw new UsageError(`--trials ${trials} × ${configurations} configurations = ${runs} runs, more than the ${MAX_RUNS} one campaign allows; lower --trials or the number of faults, targets and modes.`);
  }
  const budget = getHeapStatistics().heap_size_limit / 4;
  if (runs * BYTES_PER_TRIAL > budget) {
    throw new UsageError(`--trials ${trials} × ${configurations} configurations would record about ${Math.round((runs * BYTES_PER_TRIAL) / 2 ** 20)} MB of trial results, more than a quarter of the heap (${Math.round(budget / 2 ** 20)} MB); lower --trials or raise --max-old-space-size.`);
  }
}

function parseInput(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`--input must be JSON, e.g. '{"task":"..."}'; got ${raw}.`);
  }
}

async function loadGuardApplier(values: ChaosValues, io: CliIo, timeout: number): Promise<GuardApplier> {
  const onExhausted = values["on-exhausted"] ?? "degrade";
  if (onExhausted !== "degrade" && onExhausted !== "fail") throw new UsageError(`--on-exhausted must be "degrade" or "fail", got "${onExhausted}".`);
  const maxAttempts = values["max-attempts"] !== undefined ? parseWhole("--max-attempts", values["max-attempts"], 1, 100) : 2;
  const loaded = await loadGuard(parseGraphReference(values.guard!, io.cwd), timeout);
  return loaded.kind === "applier"
    ? loaded.apply
    : (builder, node) => guardNodeInPlace(builder, node, { challenger: loaded.challenger as Challenger, maxAttempts, onExhausted });
}

/** The uncompiled builder behind a loaded graph (a compiled graph keeps it as `.builder`). */
function toBuilder(graph: unknown, label: string): AnyStateGraph {
  const g = graph as { nodes?: unknown; edges?: unknown; builder?: unknown; graph?: unknown };
  if (typeof g === "object" && g !== null && g.edges instanceof Set && typeof g.nodes === "object") return graph as AnyStateGraph;
  if (typeof g === "object" && g !== null && g.builder !== undefined) return toBuilder(g.builder, label);
  if (typeof g === "object" && g !== null && g.graph !== undefined) return toBuilder(g.graph, label);
  throw new UsageError(`${label} is not a StateGraph or a compiled StateGraph; fault injection needs the graph's nodes.`);
}

/** Checks `--workers`, `--queue` and `--batch` (before anything is imported). */
function checkWorkerOptions(values: ChaosValues): void {
  if (values.workers === undefined) {
    if (values.queue !== undefined || values.batch !== undefined) throw new UsageError("--queue and --batch need --workers <redis-url>.");
    return;
  }
  redisUrl("--workers", values.workers);
  queueOf(values.queue);
  if (values.batch !== undefined) parseWhole("--batch", values.batch, 1, 10_000);
}

/** A `redis://` or `rediss://` URL, or a UsageError naming `flag`. */
export function redisUrl(flag: string, value: string): string {
  if (!/^rediss?:\/\/[^\s]+$/.test(value)) throw new UsageError(`${flag} must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379; got "${value}".`);
  return value;
}

/** The BullMQ queue of trials (`--queue`, default firebreak-chaos). */
export function queueOf(value: string | undefined): string {
  if (value === undefined) return "firebreak-chaos";
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(value)) throw new UsageError(`--queue must be 1–100 letters, digits, "_", "." or "-" (BullMQ keys use ":"); got "${value}".`);
  return value;
}

