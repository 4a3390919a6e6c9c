/**
 * `firebreak audit <module>:<export>`: extracts the graph's topology, analyses it and prints
 * a readable report, JSON (`--json`) or Mermaid (`--mermaid`). Exit code 1 when a rule fails.
 */
import {
  analyzeTopology,
  extractTopology,
  formatTopologyReport,
  topologyToMermaid,
  type AnalyzeTopologyOptions,
  type TierFacts,
} from "../topology/index.js";
import { loadGraph, parseGraphReference } from "./load-graph.js";
import { parseCommand } from "./parse-command.js";
import { UsageError } from "./usage-error.js";

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
  --no-xray               do not expand subgraphs

Tier facts:
  --duration <s>          typical run time in seconds
  --cost <usd>            LLM cost per run
  --side-effects          runs write to external systems
  --regulated             regulated workload

Exit codes: 0 pass, 1 a rule failed, 2 usage error.
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
  if (values.json && values.mermaid) throw new UsageError("Choose one of --json and --mermaid.");

  const facts: TierFacts = {
    ...(values.duration !== undefined ? { expectedDurationSeconds: number("--duration", values.duration, 0) } : {}),
    ...(values.cost !== undefined ? { costPerRunUsd: number("--cost", values.cost, 0) } : {}),
    ...(values["side-effects"] ? { externalSideEffects: true } : {}),
    ...(values.regulated ? { regulated: true } : {}),
  };
  const unit = values["guard-unit"];
  if (unit !== undefined && unit !== "node" && unit !== "edge") {
    throw new UsageError(`--guard-unit must be "node" or "edge", got "${unit}".`);
  }
  const options: AnalyzeTopologyOptions = {
    ...(values.beta !== undefined ? { beta: number("--beta", values.beta, 0, 1) } : {}),
    ...(values.delta !== undefined ? { delta: number("--delta", values.delta, Number.MIN_VALUE, 1) } : {}),
    ...(values["guard-residual"] !== undefined
      ? { guardResidual: number("--guard-residual", values["guard-residual"], 0, 1) }
      : {}),
    ...(values["max-relay-depth"] !== undefined
      ? { maxRelayDepth: integer("--max-relay-depth", values["max-relay-depth"]) }
      : {}),
    ...(values["max-rho"] !== undefined ? { maxRho: number("--max-rho", values["max-rho"], 0) } : {}),
    ...(values["fail-on-epidemic"] ? { failOnEpidemic: true } : {}),
    ...(values["no-xray"] ? { xray: false } : {}),
    ...(unit !== undefined ? { guards: { unit } } : {}),
    facts,
  };

  const ref = parseGraphReference(target, io.cwd);
  const { graph, label } = await loadGraph(ref);
  const topology = extractTopology(graph, options);
  const report = analyzeTopology(topology, options);
  if (values.json) io.stdout(`${JSON.stringify({ ...report, topology }, null, 2)}\n`);
  else if (values.mermaid) io.stdout(topologyToMermaid(topology, report));
  else io.stdout(formatTopologyReport(report, { title: label }));
  return report.ok ? 0 : 1;
}

function number(flag: string, raw: string, min: number, max = Infinity): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `between ${min === Number.MIN_VALUE ? "0 (exclusive)" : min} and ${max}`;
    throw new UsageError(`${flag} must be a number ${range}, got "${raw}".`);
  }
  return value;
}

function integer(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`${flag} must be a whole number ≥ 0, got "${raw}".`);
  }
  return value;
}
