/**
 * A campaign report as a readable text table (the CLI's and the benchmark's output).
 */
import type { CampaignReport, CampaignRow } from "./campaign-types.js";
import { parseOptions } from "../internal/options-schema.js";
import { FormatCampaignOptionsSchema } from "./chaos-options.js";

/** Options of {@link formatCampaignTable}. */
export interface FormatCampaignOptions {
  /** A label printed above the table (e.g. "scripted agents"). @default none */
  label?: string;
  /** Include the wall-clock columns. @default true */
  timing?: boolean;
}

/**
 * Renders a campaign as a Markdown-style table: one row per configuration with infection
 * rate, full-infection probability, final-answer infection, defence success, safe
 * completion, tokens and latency.
 *
 * @example
 * ```ts
 * console.log(formatCampaignTable(await runCampaign(factory, options), { label: "scripted agents" }));
 * ```
 */
export function formatCampaignTable(report: CampaignReport, options: FormatCampaignOptions = {}): string {
  options = parseOptions(FormatCampaignOptionsSchema, options, "formatCampaignTable");
  const timing = options.timing ?? true;
  const models = new Set(report.rows.map((r) => r.model)).size > 1;
  const header = [
    ...(models ? ["model"] : []),
    "fault",
    "seed",
    "guards",
    "injected",
    "infection",
    "full",
    "final",
    "defence",
    "safe",
    "tokens",
    ...(timing ? ["ms (median)"] : []),
  ];
  const rows = report.rows.map((r) => [
    ...(models ? [r.model] : []),
    r.fault,
    `${r.target}${r.targetNodes.length === 1 && r.targetNodes[0] !== r.target ? ` (${r.targetNodes[0]})` : ""}`,
    guards(r),
    `${r.injected}/${r.trials}`,
    pct(r.infectionRate),
    pct(r.fullInfection),
    pct(r.finalInfection),
    r.guard === "unguarded" ? "—" : pct(r.defenceSuccess),
    pct(r.safeCompletion),
    tokens(r),
    ...(timing ? [`${r.timing.medianMs.toFixed(1)}${r.timing.latencyOverhead !== null && r.guard !== "unguarded" ? ` (${r.timing.latencyOverhead.toFixed(2)}×)` : ""}`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const out: string[] = [];
  if (options.label) out.push(options.label, "");
  out.push(line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line));
  out.push(
    "",
    `trials per configuration: ${report.params.trials}, seed: ${report.params.seed ?? "explicit list"}, fault fires on: ${
      Array.isArray(report.params.fire.calls) ? `calls ${report.params.fire.calls.join(",")}` : `${report.params.fire.calls} call(s)`
    }${report.params.fire.probability < 1 ? ` with p = ${report.params.fire.probability}` : ""}`,
    `recommended guards: ${report.recommended.length > 0 ? report.recommended.join(", ") : "none (already sub-threshold)"}; population: ${report.population.length} agents; final: ${report.final.join(", ") || "none"}`,
    "infection = mean share of non-seed agents infected; full = every one infected; final = final answer infected;",
    "defence = blocked by a guard and final answer clean, over injected; safe = completed with a clean final answer" +
      (report.rows.some((r) => r.tokensEstimated) ? "; tokens estimated at 4 characters a token where models report no usage" : ""),
  );
  if (timing) out.push(`${report.rows.reduce((n, r) => n + r.trials, 0)} trials in ${(report.timing.totalMs / 1000).toFixed(1)} s (${report.timing.trialsPerSecond.toFixed(1)} trials/s)`);
  return out.join("\n");
}

function guards(r: CampaignRow): string {
  if (r.guard === "unguarded") return "none";
  if (r.guard === "random") return `random ×${String(r.guardedNodes)}`;
  const nodes = r.guardedNodes as readonly string[];
  return `${r.guard}${nodes.length <= 2 ? ` (${nodes.join(", ")})` : ` ×${nodes.length}`}`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function tokens(r: CampaignRow): string {
  const base = r.meanTokens === 0 ? "0" : `${Math.round(r.meanTokens)}${r.tokensEstimated ? "~" : ""}`;
  if (r.tokenOverhead !== null && r.guard !== "unguarded") return `${base} (${r.tokenOverhead.toFixed(2)}×)`;
  if (r.extraTokens !== null && r.extraTokens > 0) return `${base} (+${Math.round(r.extraTokens)})`;
  return base;
}
