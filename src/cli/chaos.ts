/**
 * `firebreak chaos <module>:<export>`: runs a fault-injection campaign against a graph and
 * prints the table; writes the report as JSON (`--json <file>`) and the topology picture with
 * infected nodes coloured per configuration (`--svg <file>`, `--png <file>`).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import { guardNodeInPlace, type Challenger } from "../../nodes/index.js";
import {
  formatCampaignTable,
  renderCampaignSvg,
  runCampaign,
  type AnyStateGraph,
  type CampaignOptions,
  type CampaignReport,
  type GuardApplier,
  type GuardMode,
} from "../chaos/index.js";
import { isExtractableGraph } from "../topology/index.js";
import type { CliIo } from "./audit.js";
import { importExport, loadGuard, parseFault, parseTarget } from "./chaos-args.js";
import { DEFAULT_LOAD_TIMEOUT_MS, MAX_LOAD_TIMEOUT_MS, parseGraphReference, referenceLabel } from "./load-graph.js";
import { parseDecimal, parseWhole } from "./numbers.js";
import { parseCommand, type CommandValues } from "./parse-command.js";
import { forGraph, UsageError } from "./usage-error.js";

export const CHAOS_HELP = `Usage: firebreak chaos <module>[:<export>] [options]

Injects faults into a LangGraph graph and measures how far they spread through the claims
lineage (arXiv:2603.04474): infection rate, full-infection probability, final-answer
infection, defence success and safe completion, unguarded vs guarded side by side.
<export> is a StateGraph, a compiled graph, or a function returning one (called again for
every configuration, so each gets a fresh graph). Infection is measured on the graph's
claims channel ("claims"); with --marker also on its messages.

Faults (repeatable, one configuration each; default: falsehood):
  --fault falsehood[:<text>=<value>]     a tainted false claim (default: a neutral probe claim)
  --fault contradiction:<text>=<a>|<b>   two tainted claims with different answers
  --fault malformed | garbage | empty    off-schema output, noise, an empty update
  --fault latency:<ms>                   a slow node
  --fault provider:<429|500|502|503|timeout>[:node]
                                         provider errors from models wrapped with
                                         withProviderFaults (":node": the node throws)
Targets (repeatable; default: hub and leaf):
  --target hub | leaf | role:<role> | <node>

Campaign:
  --trials <n>            trials per configuration (default 50)
  --seed <n>              base seed; the same seed gives the same numbers (default 1)
  --calls first|every     which calls of the target misbehave (default every)
  --probability <p>       chance that an eligible call misbehaves (default 1)
  --input <json>          the graph input (default {})
  --marker <text>         also count a node infected when its messages contain <text>
  --recursion-limit <n>   LangGraph recursion limit per run

Guards:
  --guard <module>[:<export>]   a function (builder, node) => builder, a challenger
                                (createChallenger) or a chat model; enables guarded modes
  --modes <list>          comma-separated: unguarded, guarded, recommended, random
                          (default: unguarded,guarded,recommended with --guard)
  --max-attempts <n>      guard attempts when --guard is a challenger or model (default 2)
  --on-exhausted <mode>   degrade | fail (default degrade)
  --beta <p>, --delta <p> transmission and correction rates for the recommendation

Output:
  --json <file>           write the report as JSON
  --svg <file>            write the topology picture, infected nodes coloured
  --png <file>            also convert it to PNG with rsvg-convert (when installed)
  --quiet                 no progress on stderr

Loading:
  --load-timeout <ms>     time allowed to import each module (default 30000)

Bounds (checked before anything runs): --trials ≤ 10000, trials × faults × targets × modes
≤ 200000 runs, and the recorded trials must fit in a quarter of the heap.

Exit codes: 0 done, 2 usage or load error (one message naming module, export and cause).
`;

/** Most trials per configuration. */
export const MAX_TRIALS = 10_000;
/** Most graph runs in one campaign (trials × faults × targets × guard modes). */
export const MAX_RUNS = 200_000;
/** Memory assumed per recorded trial when checking the heap budget up front. */
const BYTES_PER_TRIAL = 4_096;

const CHAOS_OPTIONS = {
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
  help: { type: "boolean", short: "h" },
} as const;

type ChaosValues = CommandValues<typeof CHAOS_OPTIONS>;

/** Runs the chaos command; returns the exit code. */
export async function chaos(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand("chaos", argv, CHAOS_OPTIONS, CHAOS_HELP, io.stdout);
  if (parsed === undefined) return 0;
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
  const report = await runCampaign(factory, { ...plan.options, ...(guard ? { guard } : {}), onProgress: progress(values, io) });
  io.stdout(`${formatCampaignTable(report, { label: `firebreak chaos ${label}` })}\n`);
  writeOutputs(report, values, io, label);
  return 0;
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

function progress(values: ChaosValues, io: CliIo): CampaignOptions["onProgress"] {
  if (values.quiet) return undefined;
  let lastShown = -1;
  return (done, total) => {
    const step = Math.floor((done / total) * 10);
    if (step !== lastShown) {
      lastShown = step;
      io.stderr(`firebreak chaos: ${done}/${total} trials\n`);
    }
  };
}

function writeOutputs(report: CampaignReport, values: ChaosValues, io: CliIo, label: string): void {
  if (values.json !== undefined) {
    writeFileSync(resolve(io.cwd, values.json), `${JSON.stringify(report, null, 2)}\n`);
    io.stdout(`report: ${values.json}\n`);
  }
  if (values.svg === undefined && values.png === undefined) return;
  const svg = renderCampaignSvg(report, { title: `firebreak chaos ${label}` });
  const svgPath = resolve(io.cwd, values.svg ?? `${values.png!.replace(/\.png$/i, "")}.svg`);
  writeFileSync(svgPath, svg);
  io.stdout(`picture: ${values.svg ?? svgPath}\n`);
  if (values.png === undefined) return;
  const converted = spawnSync("rsvg-convert", [svgPath, "-o", resolve(io.cwd, values.png)], { encoding: "utf8" });
  if (converted.error !== undefined || converted.status !== 0) {
    io.stderr(`firebreak chaos: could not write ${values.png}: rsvg-convert ${converted.error ? "is not installed" : `failed: ${converted.stderr}`}; the SVG is at ${svgPath}.\n`);
  } else io.stdout(`picture: ${values.png}\n`);
}

/** The uncompiled builder behind a loaded graph (a compiled graph keeps it as `.builder`). */
function toBuilder(graph: unknown, label: string): AnyStateGraph {
  const g = graph as { nodes?: unknown; edges?: unknown; builder?: unknown; graph?: unknown };
  if (typeof g === "object" && g !== null && g.edges instanceof Set && typeof g.nodes === "object") return graph as AnyStateGraph;
  if (typeof g === "object" && g !== null && g.builder !== undefined) return toBuilder(g.builder, label);
  if (typeof g === "object" && g !== null && g.graph !== undefined) return toBuilder(g.graph, label);
  throw new UsageError(`${label} is not a StateGraph or a compiled StateGraph; fault injection needs the graph's nodes.`);
}
