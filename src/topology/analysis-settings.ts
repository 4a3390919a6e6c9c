/**
 * Internal: the numbers an analysis runs with (β, δ, guard residual), each checked once; an
 * out-of-range value is replaced by its default and reported as an `INVALID_OPTION` finding.
 */
import { finding, type TopologyFinding } from "./findings.js";

/**
 * Residual pass-through of a guard: the measured defence success of lineage-based
 * governance is 0.89–0.94 (arXiv:2603.04474), so at worst 11% of wrong claims get through.
 */
export const DEFAULT_GUARD_RESIDUAL = 0.11;
/** Default transmission probability β; with the default δ, R equals ρ. */
export const DEFAULT_BETA = 0.5;
/** Default self-correction rate δ. */
export const DEFAULT_DELTA = 0.5;

/** Resolved numbers. */
export interface AnalysisSettings {
  readonly beta: number;
  readonly delta: number;
  readonly residual: number;
}

function num(value: number | undefined, fallback: number, min: number, max: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

/** β, δ and the residual, defaults in place of invalid values. */
export function resolveSettings(options: { beta?: number; delta?: number; guardResidual?: number }): AnalysisSettings {
  return {
    beta: num(options.beta, DEFAULT_BETA, 0, 1),
    delta: num(options.delta, DEFAULT_DELTA, Number.MIN_VALUE, 1),
    residual: num(options.guardResidual, DEFAULT_GUARD_RESIDUAL, 0, 1),
  };
}

/** One `INVALID_OPTION` finding per option that was replaced. */
export function settingsFindings(
  options: { beta?: number; delta?: number; guardResidual?: number; maxRelayDepth?: number },
  s: AnalysisSettings,
): TopologyFinding[] {
  const out: TopologyFinding[] = [];
  const checks: [string, unknown, number, string][] = [
    ["beta", options.beta, s.beta, "a probability in [0, 1]"],
    ["delta", options.delta, s.delta, "a rate in (0, 1]"],
    ["guardResidual", options.guardResidual, s.residual, "a fraction in [0, 1]"],
  ];
  for (const [name, given, used, expected] of checks) {
    if (given !== undefined && given !== used) {
      out.push(finding("INVALID_OPTION", "warning", `Option ${name} = ${String(given)} is not ${expected}; ${used} was used instead.`, `Pass ${name} as ${expected}.`));
    }
  }
  const depth = options.maxRelayDepth;
  if (depth !== undefined && !(Number.isFinite(depth) && depth >= 0)) {
    out.push(
      finding("INVALID_OPTION", "warning", `Option maxRelayDepth = ${String(depth)} is not a whole number ≥ 0; 3 was used instead.`, "Pass maxRelayDepth as a whole number ≥ 0."),
    );
  }
  return out;
}
