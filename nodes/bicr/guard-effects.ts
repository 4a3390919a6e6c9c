/**
 * Side effects under the guard (`effectTool`): the ledger the guard keeps in its checkpoint
 * (`bicr_effects`), and the two stages that act on it. `bicr_undo` undoes a blocked attempt's
 * compensated effects, latest first, one per superstep (each recorded before and after), before
 * the retry or the escalation; a compensation that fails escalates. `bicr_outbox` runs a
 * committed attempt's deferred effects in call order, one per superstep; a process killed in
 * between resumes with the pending ones and runs them with the same idempotency keys.
 */
import { END, isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { EffectFailedError } from "../../src/effects/effect-error.js";
import { compensateEffect, executeDeferred, failureText } from "../../src/effects/run-effect.js";
import type { EffectEntry, EffectStatus } from "../../src/effects/effect-types.js";
import { emitBicr } from "./guard-events.js";
import { producerName, type ResolvedGuard } from "./guard-options.js";
import type { Committed, GuardState } from "./guard-state.js";
import { retryAfterBlock } from "./retry-rule.js";

/** The guard subgraph's effect nodes. */
export const UNDO_NODE = "bicr_undo";
export const OUTBOX_NODE = "bicr_outbox";

/** Reports one effect's new status as a `firebreak/bicr` event of stage `effect`. */
export async function emitEffect(o: ResolvedGuard, guard: string, entry: EffectEntry, config: LangGraphRunnableConfig | undefined): Promise<void> {
  await emitBicr(
    {
      guard,
      stage: "effect",
      attempt: entry.attempt,
      maxAttempts: o.maxAttempts,
      effect: entry.status,
      tool: entry.tool,
      mode: entry.mode,
      key: entry.key,
      toolCallId: entry.toolCallId,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    },
    config,
  );
}

/** The ledger with the entry of `key` replaced. */
function replaced(ledger: readonly EffectEntry[], entry: EffectEntry): EffectEntry[] {
  return ledger.map((e) => (e.key === entry.key && e.attempt === entry.attempt ? entry : e));
}

/**
 * Settles an attempt's effects once the handoff's outcome is known: committed as it is
 * (`passed`, `approved`): deferred effects become pending and compensated ones are kept;
 * otherwise deferred effects are dropped. Returns the new ledger and the entries that changed.
 */
export function settle(ledger: readonly EffectEntry[], attempt: number, committed: boolean): { ledger: EffectEntry[]; changed: EffectEntry[] } {
  const changed: EffectEntry[] = [];
  const next = ledger.map((e) => {
    if (e.attempt !== attempt) return e;
    let status: EffectStatus | undefined;
    if (e.status === "deferred") status = committed ? "pending" : "dropped";
    else if (e.status === "applied" && committed) status = "kept";
    if (status === undefined) return e;
    const out = { ...e, status };
    changed.push(out);
    return out;
  });
  return { ledger: next, changed };
}

/** The next compensated effect of the attempt to undo (latest first). */
function nextToUndo(ledger: readonly EffectEntry[], attempt: number): EffectEntry | undefined {
  return [...ledger].reverse().find((e) => e.attempt === attempt && e.status === "applied");
}

/** True when a compensation of the attempt failed (the handoff escalates). */
export function undoFailed(ledger: readonly EffectEntry[], attempt: number): boolean {
  return ledger.some((e) => e.attempt === attempt && e.status === "compensation-failed");
}

/** Undoes `entry`; the entry with its new status (`compensated` or `compensation-failed`). */
export async function undoOne(entry: EffectEntry, guard: string, config: LangGraphRunnableConfig | undefined): Promise<EffectEntry> {
  try {
    await compensateEffect(entry, guard, config);
    return { ...entry, status: "compensated" };
  } catch (error) {
    return { ...entry, status: "compensation-failed", error: failureText(error) };
  }
}

/** The Undo stage: one compensation of the blocked attempt per superstep, latest first. */
export function undoStage(o: ResolvedGuard) {
  return async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const entry = nextToUndo(s.bicr_effects, s.bicr_attempt);
    if (entry === undefined) return {};
    const done = await undoOne(entry, name, config);
    await emitEffect(o, name, done, config);
    return { bicr_effects: replaced(s.bicr_effects, done) };
  };
}

/** The Outbox stage: one pending deferred effect per superstep, in call order; the record follows. */
export function outboxStage(o: ResolvedGuard) {
  return async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const entry = s.bicr_effects.find((e) => e.status === "pending");
    if (entry === undefined) return {};
    // A run that throws fails the handoff here; the entry stays pending and a resume runs it again with the same key.
    let result: unknown;
    try {
      result = await executeDeferred(entry, name, config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
      throw new EffectFailedError({ guard: name, tool: entry.tool, key: entry.key, toolCallId: entry.toolCallId }, { cause: error });
    }
    const done: EffectEntry = { ...entry, status: "executed", result };
    await emitEffect(o, name, done, config);
    const ledger = replaced(s.bicr_effects, done);
    return { bicr_effects: ledger, bicr_commit: withLedgerInRecord(o, s.bicr_commit, ledger) };
  };
}

/** The commit with its guard record's `effects` brought up to date. */
export function withLedgerInRecord(o: ResolvedGuard, commit: Committed | null, ledger: readonly EffectEntry[]): Committed | null {
  const records = commit?.update[o.keys.recordKey];
  if (commit === null || !Array.isArray(records) || records.length === 0) return commit;
  const record = { ...(records[0] as object), effects: [...ledger] };
  return { ...commit, update: { ...commit.update, [o.keys.recordKey]: [record, ...records.slice(1)] } };
}

/** After the challenge: a commit with pending effects runs the outbox; a blocked attempt with compensated effects undoes them first. */
export function routeAfterChallenge(s: GuardState, o: Pick<ResolvedGuard, "maxAttempts" | "repeatedRed">): string {
  if (s.bicr_commit !== null && s.bicr_commit !== undefined) return s.bicr_effects.some((e) => e.status === "pending") ? OUTBOX_NODE : END;
  if (nextToUndo(s.bicr_effects, s.bicr_attempt) !== undefined) return UNDO_NODE;
  return retryAfterBlock(o, s.bicr_attempt, s.bicr_review) ? "recover" : "escalate";
}

/** After one compensation: the next one, else the retry; a failed compensation escalates. */
export function routeAfterUndo(s: GuardState, o: Pick<ResolvedGuard, "maxAttempts" | "repeatedRed">): string {
  if (undoFailed(s.bicr_effects, s.bicr_attempt)) return "escalate";
  if (nextToUndo(s.bicr_effects, s.bicr_attempt) !== undefined) return UNDO_NODE;
  return retryAfterBlock(o, s.bicr_attempt, s.bicr_review) ? "recover" : "escalate";
}

/** After the commit node or an outbox step: more pending effects, or the end. */
export function routeToOutbox(s: GuardState): string {
  return s.bicr_effects.some((e) => e.status === "pending") ? OUTBOX_NODE : END;
}

/** Undoes an attempt's compensated effects at once (the producer threw mid-attempt), latest first. */
export async function undoAttempt(o: ResolvedGuard, entries: readonly EffectEntry[], guard: string, config: LangGraphRunnableConfig): Promise<EffectEntry[]> {
  const out: EffectEntry[] = [];
  for (const entry of [...entries].reverse()) {
    if (entry.status !== "applied") continue;
    const done = await undoOne(entry, guard, config);
    await emitEffect(o, guard, done, config);
    out.push(done);
  }
  return out;
}
