/**
 * The data a thread-run job carries and the result it completes with (both JSON, as BullMQ
 * stores them).
 */
import type { RunKind } from "./job-id.js";

/** The data of a thread-run job (written by `enqueueRun` / `resumeRun`). */
export interface RunJobData {
  /** The name of the graph in the worker's `graphs`. */
  readonly graph: string;
  /** The LangGraph thread the job runs. */
  readonly threadId: string;
  /** `"start"` applies `input`; `"resume"` answers the parked gate with `resume`. */
  readonly kind: RunKind;
  /** The input of a start job. */
  readonly input?: unknown;
  /** The resume value of a resume job (`new Command({ resume })`). */
  readonly resume?: unknown;
  /**
   * Written by the worker before it applies the input or resume value: the thread's latest
   * checkpoint id at that moment (`null`: none). A retried job whose thread has moved past it
   * knows its input was applied and continues instead of applying it again.
   */
  readonly base?: string | null;
}

/** One pending interrupt of a parked thread. */
export interface RunInterrupt {
  /** LangGraph's interrupt id (absent for a static `interruptBefore`). */
  readonly id?: string;
  /** The value given to `interrupt(value)`. */
  readonly value?: unknown;
}

/** What a thread-run job completes with. */
export type RunResult =
  | {
      /** The thread ran to its end. */
      readonly status: "done";
      readonly graph: string;
      readonly threadId: string;
      /** The thread's final state values. */
      readonly values: Record<string, unknown>;
    }
  | {
      /** The thread is parked at a human gate; `resumeRun` continues it. */
      readonly status: "waiting";
      readonly graph: string;
      readonly threadId: string;
      /** The nodes that run when it resumes. */
      readonly next: readonly string[];
      /** The pending interrupts (empty for a static `interruptBefore`). */
      readonly interrupts: readonly RunInterrupt[];
    };
