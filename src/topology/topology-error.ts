/** The error `assertTopology` and `compileWithFirebreak` throw when a topology rule fails. */
import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";
import { formatPath, type TopologyFinding } from "./findings.js";

/** A topology rule failed; `findings` holds every error finding as data. */
export class TopologyError extends FirebreakError {
  override name = "TopologyError";
  /** The failing findings (severity `error`). */
  readonly findings: readonly TopologyFinding[];

  constructor(findings: readonly TopologyFinding[], options?: { graph?: string; cause?: unknown }) {
    super("TOPOLOGY", describe(findings, options?.graph), options);
    this.findings = findings;
  }
}

/** True for a {@link TopologyError}, even one thrown by another copy of the package. */
export function isTopologyError(error: unknown): error is TopologyError {
  return hasFirebreakCode(error, "TOPOLOGY");
}

function describe(findings: readonly TopologyFinding[], graph: string | undefined): string {
  const where = graph ? ` in graph "${graph}"` : "";
  if (findings.length === 0) return `Topology check failed${where}.`;
  const lines = findings.map((f) => {
    const at = f.path && f.path.length > 0 ? ` at ${formatPath(f.path)}` : f.node ? ` at node "${f.node}"` : "";
    return `${f.code}${at}: ${f.message} Fix: ${f.fix}`;
  });
  return `Topology check failed${where} (${findings.length} error${findings.length === 1 ? "" : "s"}):\n- ${lines.join("\n- ")}`;
}
