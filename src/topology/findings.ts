/**
 * Findings are the analyzers' output as data: a stable `code`, a severity, where it
 * applies (node or path), what is wrong and how to fix it. Only `assertX` throws them.
 */

/** How bad a finding is; any `error` fails `assertTopology` and `compileWithFirebreak`. */
export type FindingSeverity = "error" | "warning" | "info";

/** Stable codes of every topology finding. */
export type TopologyFindingCode =
  | "NOT_A_GRAPH"
  | "INVALID_OPTION"
  | "UNKNOWN_BRANCH_TARGETS"
  | "SUBGRAPH_NOT_EXPANDED"
  | "CLOSURE_SCAN_FAILED"
  | "ERROR_HANDLER_NOT_MODELLED"
  | "NO_DECLARED_EXIT"
  | "DEFAULT_ROLES"
  | "ACYCLIC"
  | "CYCLIC"
  | "SUPERVISOR_WORKER"
  | "CYCLE_WITHOUT_EXIT"
  | "CYCLES_TRUNCATED"
  | "RHO_NOT_CONVERGED"
  | "RHO_EXCEEDED"
  | "EPIDEMIC"
  | "AT_THRESHOLD"
  | "DANGEROUS_SEED"
  | "GUARDS_RECOMMENDED"
  | "GUARDS_INSUFFICIENT"
  | "RELAY_DEPTH_EXCEEDED"
  | "RELAY_UNBOUNDED"
  | "AGENT_SELF_LOOP"
  | "CONTROL_MISSING";

/** One finding. Plain JSON data. */
export interface TopologyFinding {
  /** Stable code to branch on. */
  readonly code: TopologyFindingCode;
  /** `error` fails the build; `warning` and `info` only inform. */
  readonly severity: FindingSeverity;
  /** What is wrong, with numbers. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /** The node the finding is about, when there is one. */
  readonly node?: string;
  /** The path (chain, cycle) the finding is about, when there is one. */
  readonly path?: readonly string[];
}

/** Builds a finding, leaving out empty locations so the JSON stays small. */
export function finding(
  code: TopologyFindingCode,
  severity: FindingSeverity,
  message: string,
  fix: string,
  where: { node?: string; path?: readonly string[] } = {},
): TopologyFinding {
  return {
    code,
    severity,
    message,
    fix,
    ...(where.node !== undefined ? { node: where.node } : {}),
    ...(where.path !== undefined ? { path: [...where.path] } : {}),
  };
}

/** Renders a path as `a → b → c`. */
export function formatPath(path: readonly string[]): string {
  return path.join(" → ");
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Errors first, then warnings, then notes; stable within a severity. */
export function sortFindings(findings: readonly TopologyFinding[]): TopologyFinding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort((a, b) => ORDER[a[0].severity] - ORDER[b[0].severity] || a[1] - b[1])
    .map(([f]) => f);
}
