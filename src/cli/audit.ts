/**
 * `firebreak audit <module>:<export>`: extracts the graph's topology, analyses it and prints
 * a readable report, JSON (`--json`) or Mermaid (`--mermaid`). Exit code 1 when a rule fails.
 */
import {
  analyzeTopology,
  formatTopologyReport,
  topologyToMermaid,
  type AnalyzeTopologyOptions,
  type ExtractTopologyOptions,
  type TierFacts,
} from "../topology/index.js";
import { DEFAULT_LOAD_TIMEOUT_MS, loadTopology, MAX_LOAD_TIMEOUT_MS, parseGraphReference, referenceLabel } from "./load-graph.js";
import { parseDecimal, parseWhole } from "./numbers.js";
import { parseCommand } from "./parse-command.js";
import { forGraph, UsageError } from "./usage-error.js";

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

/** Help text of `firebreak audit`. */
export const AUDIT_HELP = `Usage: firebreak audit <module>[:<export>] [options]

Audits a LangGraph graph's topology: spectral radius ρ and R = β·ρ/δ (arXiv:2603.04474),
cycles, most dangerous seeds, relay depth (arXiv:2603.26993), recommended guards and the
risk tier. <module> is a .ts or .js file; <export> names a StateGraph, a compiled graph or a
function returning one (default: the default export, or the only graph exported).

Output:
  --json                  the report (and topology) as JSON
  --mermaid               a Mermaid diagram, cycles and recommended guards highlighted

Rules (exit code 1 when one fails):
  --max-relay-depth <n>   longest unverified agent chain allowed (default 3, a heuristic)
  --max-rho <x>           fail when the effective ρ exceeds x
  --fail-on-epidemic      fail when R > 1

Model:
  --beta <p>              transmission probability per handoff, 0–1 (default 0.5)
  --delta <p>             self-correction rate, 0–1 (default 0.5)
  --guard-residual <p>    share of wrong claims a guard lets through (default 0.11)
  --guard-unit <u>        recommend guards on "node"s (default) or "edge"s
  --level <level>         "agent" (default): a prebuilt agent's model ⇄ tools loop is one
                          agent, subgraphs of several agents are expanded, handoff tools
                          are handoffs; "node": every node of every subgraph
  --no-xray               do not expand subgraphs at all

Tier facts:
  --duration <s>          typical run time in seconds
  --cost <usd>            LLM cost per run
  --side-effects          runs write to external systems
  --regulated             regulated workload

Loading:
  --load-timeout <ms>     time allowed to import the module and build the graph, in a
                          child process (default ${DEFAULT_LOAD_TIMEOUT_MS})

Exit codes: 0 the report passes, 1 the report has an error finding, 2 usage or load error
(a module that throws or exits on import, a missing or non-graph export, a load timeout, an
out-of-range option): one message naming module, export and cause, and no report.
`;

/** Runs the audit command; returns the exit code. */
export async function audit(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(
    "audit",
    argv,
    {
      json: { type: "boolean" },
      mermaid: { type: "boolean" },
      beta: { type: "string" },
      delta: { type: "string" },
      "max-relay-depth": { type: "string" },
      "max-rho": { type: "string" },
      "fail-on-epidemic": { type: "boolean" },
      "guard-residual": { type: "string" },
      "guard-unit": { type: "string" },
      "no-xray": { type: "boolean" },
      level: { type: "string" },
      "load-timeout": { type: "string" },
      duration: { type: "string" },
      cost: { type: "string" },
      "side-effects": { type: "boolean" },
      regulated: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    AUDIT_HELP,
    io.stdout,
  );
  if (parsed === undefined) return 0;
  const { values, target } = parsed;
  const ref = parseGraphReference(target, io.cwd);
  // Every option error names the graph it was given for: firebreak: <module>:<export>: <cause>.
  const options = await forGraph(referenceLabel(ref), () => auditOptions(values));
  const timeout =
    values["load-timeout"] !== undefined
      ? await forGraph(referenceLabel(ref), () => parseWhole("--load-timeout", values["load-timeout"]!, 1, MAX_LOAD_TIMEOUT_MS))
      : DEFAULT_LOAD_TIMEOUT_MS;
  const { topology, label } = await loadTopology(ref, extractOptions(options), timeout);
  const report = analyzeTopology(topology, options);
  if (values.json) io.stdout(`${JSON.stringify({ ...report, topology }, null, 2)}\n`);
  else if (values.mermaid) io.stdout(topologyToMermaid(topology, report));
  else io.stdout(formatTopologyReport(report, { title: label }));
  return report.ok ? 0 : 1;
}

type AuditValues = Record<string, string | boolean | undefined>;

/** Reads and checks every analysis option; throws a UsageError (exit 2) on the first bad one. */
function auditOptions(values: AuditValues): AnalyzeTopologyOptions {
  const str = (key: string) => values[key] as string | undefined;
  if (values.json && values.mermaid) throw new UsageError("Choose one of --json and --mermaid.");

  const facts: TierFacts = {
    ...(values.duration !== undefined ? { expectedDurationSeconds: parseDecimal("--duration", str("duration")!, { min: 0 }) } : {}),
    ...(values.cost !== undefined ? { costPerRunUsd: parseDecimal("--cost", str("cost")!, { min: 0 }) } : {}),
    ...(values["side-effects"] ? { externalSideEffects: true } : {}),
    ...(values.regulated ? { regulated: true } : {}),
  };
  const level = str("level");
  if (level !== undefined && level !== "agent" && level !== "node") {
    throw new UsageError(`--level must be "agent" or "node", got "${level}".`);
  }
  if (level !== undefined && values["no-xray"]) throw new UsageError("Choose one of --level and --no-xray.");
  const unit = str("guard-unit");
  if (unit !== undefined && unit !== "node" && unit !== "edge") {
    throw new UsageError(`--guard-unit must be "node" or "edge", got "${unit}".`);
  }
  return {
    ...(values.beta !== undefined ? { beta: parseDecimal("--beta", str("beta")!, { min: 0, max: 1 }) } : {}),
    ...(values.delta !== undefined ? { delta: parseDecimal("--delta", str("delta")!, { min: 0, max: 1, exclusiveMin: true }) } : {}),
    ...(values["guard-residual"] !== undefined
      ? { guardResidual: parseDecimal("--guard-residual", str("guard-residual")!, { min: 0, max: 1 }) }
      : {}),
    ...(values["max-relay-depth"] !== undefined
      ? { maxRelayDepth: parseWhole("--max-relay-depth", str("max-relay-depth")!, 0, 1_000_000) }
      : {}),
    ...(values["max-rho"] !== undefined ? { maxRho: parseDecimal("--max-rho", str("max-rho")!, { min: 0, max: 1e9 }) } : {}),
    ...(values["fail-on-epidemic"] ? { failOnEpidemic: true } : {}),
    ...(values["no-xray"] ? { xray: false } : {}),
    ...(level !== undefined ? { level } : {}),
    ...(unit !== undefined ? { guards: { unit } } : {}),
    facts,
  };
}

/** The options extraction needs, as JSON data for the loader's child process. */
function extractOptions(options: AnalyzeTopologyOptions): ExtractTopologyOptions {
  const { xray, level } = options;
  return { ...(xray !== undefined ? { xray } : {}), ...(level !== undefined ? { level } : {}) };
}
