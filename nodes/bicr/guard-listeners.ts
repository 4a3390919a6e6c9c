/**
 * A guard's listeners (cockatiel style): `onStage` for every stage, and one listener per
 * decision — `onVerdict` (the challenger judged an attempt), `onRollback` (a blocked attempt
 * was discarded and the producer retries), `onEscalation` (every attempt was blocked:
 * interrupt, degrade or fail), `onCommit` (the handoff reached shared state). Each returns a
 * disposable. Nothing is built when nobody listens, and a listener that throws never breaks
 * the run (LangGraph's control flow excepted).
 */
import { isGraphBubbleUp } from "@langchain/langgraph";
import type { IDisposable } from "cockatiel";
import { Listeners } from "../../src/internal/listeners.js";
import type { BicrEventPayload, BicrStage } from "./guard-events.js";

/** A listener of guard events. */
export type GuardListener = (event: BicrEventPayload) => void;

/** The listener methods a guard exposes. */
export interface GuardEvents {
  /** Every stage of every handoff (buffer, challenge, isolate, recover, escalate, commit). */
  onStage(listener: GuardListener): IDisposable;
  /** The challenger judged an attempt (stage `challenge`: `verdicts`, `blocked`, worst `verdict`). */
  onVerdict(listener: GuardListener): IDisposable;
  /** A blocked attempt was discarded (shared state as before) and the producer retries with feedback (stage `recover`). */
  onRollback(listener: GuardListener): IDisposable;
  /** Every attempt was blocked: `mode` is `interrupt`, `degrade` or `fail` (stage `escalate`). */
  onEscalation(listener: GuardListener): IDisposable;
  /** The handoff reached shared state (stage `commit`: `outcome` and the full `record`). */
  onCommit(listener: GuardListener): IDisposable;
}

const BY_STAGE: Partial<Record<BicrStage, keyof GuardEventEmitters>> = {
  challenge: "verdict",
  recover: "rollback",
  escalate: "escalation",
  commit: "commit",
};

interface GuardEventEmitters {
  readonly stage: Listeners<BicrEventPayload>;
  readonly verdict: Listeners<BicrEventPayload>;
  readonly rollback: Listeners<BicrEventPayload>;
  readonly escalation: Listeners<BicrEventPayload>;
  readonly commit: Listeners<BicrEventPayload>;
}

/** The emitters behind one guard's {@link GuardEvents}; the guard's stages call `notify`. */
export class GuardListeners implements GuardEvents {
  readonly #emitters: GuardEventEmitters = {
    stage: guardList("onStage"),
    verdict: guardList("onVerdict"),
    rollback: guardList("onRollback"),
    escalation: guardList("onEscalation"),
    commit: guardList("onCommit"),
  };
  readonly onStage = this.#emitters.stage.addListener;
  readonly onVerdict = this.#emitters.verdict.addListener;
  readonly onRollback = this.#emitters.rollback.addListener;
  readonly onEscalation = this.#emitters.escalation.addListener;
  readonly onCommit = this.#emitters.commit.addListener;

  /** Hands a stage's payload to its listeners. */
  notify(payload: BicrEventPayload): void {
    const specific = BY_STAGE[payload.stage];
    this.#emitters.stage.emit(payload);
    if (specific !== undefined) this.#emitters[specific].emit(payload);
  }
}

/** Each listener is called in isolation; only LangGraph's control flow (an interrupt) passes through. */
function guardList(method: string): Listeners<BicrEventPayload> {
  return new Listeners({ label: `the guard's ${method}`, rethrow: isGraphBubbleUp });
}
