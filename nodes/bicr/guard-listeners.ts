/**
 * A guard's listeners (cockatiel style): `onStage` for every stage, and one listener per
 * decision — `onVerdict` (the challenger judged an attempt), `onRollback` (a blocked attempt
 * was discarded and the producer retries), `onEscalation` (every attempt was blocked:
 * interrupt, degrade or fail), `onCommit` (the handoff reached shared state). Each returns a
 * disposable. Nothing is built when nobody listens, and a listener that throws never breaks
 * the run (LangGraph's control flow excepted).
 */
import { isGraphBubbleUp } from "@langchain/langgraph";
import { EventEmitter, type IDisposable } from "cockatiel";
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
  readonly stage: EventEmitter<BicrEventPayload>;
  readonly verdict: EventEmitter<BicrEventPayload>;
  readonly rollback: EventEmitter<BicrEventPayload>;
  readonly escalation: EventEmitter<BicrEventPayload>;
  readonly commit: EventEmitter<BicrEventPayload>;
}

/** The emitters behind one guard's {@link GuardEvents}; the guard's stages call `notify`. */
export class GuardListeners implements GuardEvents {
  readonly #emitters: GuardEventEmitters = {
    stage: new EventEmitter(),
    verdict: new EventEmitter(),
    rollback: new EventEmitter(),
    escalation: new EventEmitter(),
    commit: new EventEmitter(),
  };
  readonly onStage = this.#emitters.stage.addListener;
  readonly onVerdict = this.#emitters.verdict.addListener;
  readonly onRollback = this.#emitters.rollback.addListener;
  readonly onEscalation = this.#emitters.escalation.addListener;
  readonly onCommit = this.#emitters.commit.addListener;

  /** Hands a stage's payload to its listeners. */
  notify(payload: BicrEventPayload): void {
    const specific = BY_STAGE[payload.stage];
    this.#emit(this.#emitters.stage, payload);
    if (specific !== undefined) this.#emit(this.#emitters[specific], payload);
  }

  #emit(emitter: EventEmitter<BicrEventPayload>, payload: BicrEventPayload): void {
    if (emitter.size === 0) return;
    try {
      emitter.emit(payload);
    } catch (error) {
      // A listener's own bug must not fail the handoff it observes.
      if (isGraphBubbleUp(error)) throw error;
    }
  }
}
