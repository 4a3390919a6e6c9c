/**
 * Buffer: the producer runs on its own copy of the parent's state, with its streams held, and
 * everything its attempt would do to the parent is kept in the guard's private channels as
 * review items.
 */
import { isGraphBubbleUp, isParentCommand, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { handoffScope, threadOf } from "../../src/effects/effect-key.js";
import { EFFECT_RECORDER_KEY, EffectRecorder, runWithRecorder } from "../../src/effects/effect-recorder.js";
import { emitEffect, undoAttempt } from "./guard-effects.js";
import { reduceClaims, type Claim, type ClaimsUpdate } from "../../src/claims/index.js";
import { isFirebreakError } from "../../src/internal/errors.js";
import { GUARDED_NODE_KEY } from "../../src/internal/node-name.js";
import { extractClaims, fillClaimIds, newItemId, stripFeedback } from "./guard-claims.js";
import { emitBicr } from "./guard-events.js";
import { GUARD_FEEDBACK_KEY, injectFeedback } from "./guard-feedback.js";
import { producerName, type ResolvedGuard } from "./guard-options.js";
import { parentValues, type Buffered, type GuardState } from "./guard-state.js";
import type { BufferedClaim, GuardProducer } from "./guard-types.js";
import { attemptConfig, forgedEvents, snapshot, type HeldEvent } from "./isolate.js";
import { dropEchoes, fromCommand, readProducerOutput, reviewItems, type ProducerOutput } from "./review-items.js";

/**
 * Runs the producer. A handoff `Command.PARENT` thrown by a nested agent's tool (as in
 * `createSupervisor` and swarm handoffs) is caught here: it is the producer's output, held for
 * review like any other, and committed to the parent only after a passing verdict.
 */
async function runProducer(producer: GuardProducer, view: Record<string, unknown>, config: LangGraphRunnableConfig, name: string): Promise<ProducerOutput> {
  try {
    const raw = typeof producer === "function" ? await producer(view, config) : await producer.invoke(view, config);
    return readProducerOutput(raw, name);
  } catch (error) {
    if (isParentCommand(error)) return fromCommand(error.command, true);
    throw error;
  }
}

/**
 * Runs the attempt; when the producer throws (other than LangGraph's control flow), the effects
 * it already applied are undone, latest first, before the error goes on: nothing half-applied.
 */
async function producerWithEffects(o: ResolvedGuard, recorder: EffectRecorder, name: string, config: LangGraphRunnableConfig, run: () => Promise<ProducerOutput>): Promise<ProducerOutput> {
  try {
    const returned = await runWithRecorder(recorder, run);
    await recorder.settle(); // calls the producer left running, for a moment, belong to the attempt
    return returned;
  } catch (error) {
    await recorder.settle();
    const applied = recorder.close();
    if (isGraphBubbleUp(error) || applied.length === 0) throw error;
    const undone = await undoAttempt(o, applied, name, config);
    const failed = undone.filter((e) => e.status === "compensation-failed");
    if (failed.length > 0 && error instanceof Error) {
      error.message += ` [firebreak guard on "${name}": the attempt's effects could not all be undone: ${failed.map((e) => `${e.tool} (key ${e.key}): ${e.error}`).join("; ")}]`;
    }
    throw error;
  }
}

/** The claims already in the parent's channel. */
export function storedClaims(parent: Record<string, unknown>, claimsKey: string): Claim[] {
  return Array.isArray(parent[claimsKey]) ? (parent[claimsKey] as Claim[]) : [];
}

/**
 * Runs the producer's claims through the parent channel's reducer without writing anything:
 * an invalid update blocks the attempt (with feedback) instead of failing the parent, and the
 * claims the challenger sees carry the channel's doubt propagation, confidence cap and taint.
 */
function previewClaims(o: ResolvedGuard, parent: Record<string, unknown>, update: Record<string, unknown>, items: BufferedClaim[]): { items: BufferedClaim[]; invalid?: string } {
  if (!o.hasClaims || update[o.keys.claimsKey] === undefined || update[o.keys.claimsKey] === null) return { items };
  const before = storedClaims(parent, o.keys.claimsKey);
  let after: Claim[];
  try {
    after = reduceClaims(before, update[o.keys.claimsKey] as ClaimsUpdate, o.claimsOptions);
  } catch (error) {
    if (isFirebreakError(error)) return { items, invalid: error.message };
    throw error;
  }
  const added = new Map(after.slice(before.length).map((c) => [c.id, c]));
  return {
    items: items.map((c) => {
      const stored = added.get(c.id);
      if (stored === undefined || c.from.kind !== "claims") return c;
      return {
        ...c,
        confidence: stored.confidence,
        requiresVerification: stored.requiresVerification,
        basedOn: [...stored.origin.basedOn],
        ...(stored.taint === undefined ? {} : { taint: [...stored.taint] }),
      };
    }),
  };
}

/** The Buffer stage (the guard's `produce` node). */
export function bufferStage(o: ResolvedGuard) {
  return async (s: GuardState, config: LangGraphRunnableConfig) => {
    const name = producerName(o, config);
    const attempt = s.bicr_attempt + 1;
    const parent = parentValues(s, o.parentKeys);
    const feedback = s.bicr_feedback;
    // Isolate: the producer's own copy; mutating it in place reaches nothing outside.
    const own = snapshot(parent);
    const view = feedback ? injectFeedback(own, feedback, o.feedback, o.keys.messagesKey) : own;
    const held: HeldEvent[] = [];
    // The attempt's effects (effectTool) record themselves here, never in what the producer returns.
    const recorder = new EffectRecorder({ guard: name, attempt, scope: handoffScope(config), ...(threadOf(config) === undefined ? {} : { threadId: threadOf(config)! }) });
    const extra = { [GUARDED_NODE_KEY]: name, [EFFECT_RECORDER_KEY]: recorder, ...(feedback ? { [GUARD_FEEDBACK_KEY]: feedback } : {}) };
    const returned = await producerWithEffects(o, recorder, name, config, () => runProducer(o.producer, view, attemptConfig(config, held, extra), name));
    const effects = recorder.close();
    // What is reviewed is what is committed: a copy the producer cannot change after returning it.
    const output = { ...returned, update: snapshot(returned.update), goto: snapshot(returned.goto) };
    const update = fillClaimIds(dropEchoes(stripFeedback(output.update, o.keys.messagesKey), parent, o.keys), o.keys.claimsKey, name);
    const claims = await extractClaims(update, { producer: name, state: parent, attempt }, o.keys, o.extractClaims);
    const total = reviewItems({ ...output, update }, claims, {
      producer: name,
      parent,
      parentKeys: o.parentKeys,
      keys: o.keys,
      passThrough: o.passThrough,
      hasClaims: o.hasClaims,
      newId: () => newItemId(name),
    });
    const forged = forgedEvents(held);
    const invalid = total.invalid ?? (forged.length > 0 ? `The update cannot be committed: it emitted ${forged.map((n) => JSON.stringify(n)).join(", ")} events that the pack did not emit (only the guard writes its audit trail).` : undefined);
    const preview = invalid === undefined ? previewClaims(o, parent, update, total.items) : { items: total.items, invalid };
    const buffer: Buffered = {
      attempt,
      update,
      goto: output.goto,
      toParent: output.toParent,
      claims: preview.items,
      held,
      ...(preview.invalid === undefined ? {} : { invalid: preview.invalid }),
    };
    await emitBicr(
      { guard: name, attempt, maxAttempts: o.maxAttempts, stage: "buffer", claimIds: buffer.claims.map((c) => c.id), ...(buffer.invalid === undefined ? {} : { invalid: buffer.invalid }) },
      config,
    );
    for (const entry of effects) await emitEffect(o, name, entry, config);
    return { bicr_attempt: attempt, bicr_buffer: buffer, ...(effects.length === 0 ? {} : { bicr_effects: [...s.bicr_effects, ...effects] }) };
  };
}
