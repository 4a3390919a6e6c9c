import type { RunnableConfig } from "@langchain/core/runnables";
import { emitFirebreakEvent, withFirebreakRun } from "../../src/internal/events.js";
import { guardSink } from "./isolate.js";

/** The name of the custom event every guard stage emits. */
export const BICR_EVENT = "firebreak/bicr";

/** The stages a guard reports, in the order a handoff goes through them. */
export type BicrStage = "buffer" | "challenge" | "isolate" | "recover" | "escalate" | "commit" | "effect";

/**
 * The payload of a `firebreak/bicr` event (JSON). Always `guard`, `stage`, `attempt` and
 * `maxAttempts`; `buffer` adds `claimIds`, `challenge` adds `verdicts` and `blocked` (plus
 * the filterable {@link verdictAttributes}: `verdict`, `claimIds`, `redClaimIds`, `origins`),
 * `isolate` adds `decision`, `recover` adds the `feedback` package, `escalate` adds `mode`
 * (and `resolution`), `commit` adds the `outcome` and the full `record`. `effect` (a side effect
 * of an `effectTool` changed status) adds `effect` (`deferred`, `applied`, `pending`, `executed`,
 * `dropped`, `kept`, `compensated`, `compensation-failed`), `tool`, `mode`, `key`, `toolCallId`
 * (and `error`).
 */
export interface BicrEventPayload extends Record<string, unknown> {
  readonly guard: string;
  readonly stage: BicrStage;
  readonly attempt: number;
  readonly maxAttempts: number;
}

/**
 * Emits a `firebreak/bicr` event: a child run with `firebreak.*` metadata for the tracers inside
 * the (sealed) guard, and — through the guard's sink — the guard's listeners (`onStage`, …),
 * a custom event (`streamEvents`) and a custom-stream chunk on the parent node's streams.
 * The parent side gets no child run (`childRun: false`): a stage's run carries the blocked
 * attempt, which the seal shows to tracers only (docs/events.md, the guard exception).
 */
export async function emitBicr(payload: BicrEventPayload, config: RunnableConfig | undefined): Promise<void> {
  await emitFirebreakEvent("bicr", payload, config);
  const sink = guardSink(config);
  if (sink === undefined) return;
  sink.listeners?.notify(payload);
  await emitFirebreakEvent("bicr", payload, { ...sink.config, ...(sink.writer ? { writer: sink.writer } : {}) }, { childRun: false });
}

/** Runs `fn` inside a `firebreak/bicr` child run carrying the stage's metadata, so model calls nest under it. */
export function withBicrRun<T>(payload: BicrEventPayload, config: RunnableConfig | undefined, fn: (config: RunnableConfig | undefined) => Promise<T>): Promise<T> {
  return withFirebreakRun("bicr", payload, config, fn);
}

/** The verdicts of a challenged batch, worst first. */
const SEVERITY: Readonly<Record<string, number>> = { red: 3, yellow: 2, green: 1 };

/** Filterable attributes of a challenged batch (each becomes `firebreak.<key>` on the stage's run). */
export interface VerdictAttributes extends Record<string, unknown> {
  /** The worst verdict of the batch (red > yellow > green); absent when no claim was judged. */
  readonly verdict?: "red" | "yellow" | "green";
  /** Ids of every claim of the batch. */
  readonly claimIds: string[];
  /** Ids of the claims judged red. */
  readonly redClaimIds: string[];
  /** The agents that produced the claims judged (distinct, in order). */
  readonly origins: string[];
}

/**
 * Flattens a batch of verdicts into filterable attributes: the worst verdict, the claim ids,
 * the red ones, and the producing agents (`origin` of each claim, or `producer`).
 */
export function verdictAttributes(
  claims: readonly { readonly id: string; readonly verdict: string; readonly origin?: string }[],
  producer: string,
): VerdictAttributes {
  let worst: VerdictAttributes["verdict"];
  const origins = new Set<string>();
  const redClaimIds: string[] = [];
  for (const c of claims) {
    const severity = SEVERITY[c.verdict];
    if (severity === undefined) continue;
    origins.add(c.origin ?? producer);
    if (worst === undefined || severity > SEVERITY[worst]!) worst = c.verdict as NonNullable<VerdictAttributes["verdict"]>;
    if (c.verdict === "red") redClaimIds.push(c.id);
  }
  return { ...(worst === undefined ? {} : { verdict: worst }), claimIds: claims.map((c) => c.id), redClaimIds, origins: [...origins] };
}
