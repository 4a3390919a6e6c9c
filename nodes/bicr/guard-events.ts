import type { RunnableConfig } from "@langchain/core/runnables";
import { emitFirebreakEvent, withFirebreakRun } from "../../src/internal/events.js";

/** The name of the custom event every guard stage emits. */
export const BICR_EVENT = "firebreak/bicr";

/** The stages a guard reports, in the order a handoff goes through them. */
export type BicrStage = "buffer" | "challenge" | "isolate" | "recover" | "escalate" | "commit";

/**
 * The payload of a `firebreak/bicr` event (JSON). Always `guard`, `stage`, `attempt` and
 * `maxAttempts`; `buffer` adds `claimIds`, `challenge` adds `verdicts` and `blocked`,
 * `isolate` adds `decision`, `recover` adds the `feedback` package, `escalate` adds `mode`
 * (and `resolution`), `commit` adds the `outcome` and the full `record`.
 */
export interface BicrEventPayload extends Record<string, unknown> {
  readonly guard: string;
  readonly stage: BicrStage;
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** Emits a `firebreak/bicr` event (child run with `firebreak.*` metadata, custom event, custom stream chunk). */
export function emitBicr(payload: BicrEventPayload, config: RunnableConfig | undefined): Promise<void> {
  return emitFirebreakEvent("bicr", payload, config);
}

/** Runs `fn` inside a `firebreak/bicr` child run carrying the stage's metadata, so model calls nest under it. */
export function withBicrRun<T>(payload: BicrEventPayload, config: RunnableConfig | undefined, fn: (config: RunnableConfig | undefined) => Promise<T>): Promise<T> {
  return withFirebreakRun("bicr", payload, config, fn);
}
