/**
 * The one decision a worker makes before running a job: what to give `graph.invoke`, from the
 * job (kind, the checkpoint recorded before its input was applied) and the thread's latest
 * checkpoint. It is what makes a retried or taken-over job safe: an input or resume value is
 * applied only while the thread is still at the checkpoint recorded before applying it.
 */
import type { RunKind } from "./job-id.js";

/** The thread as the worker found it. */
export interface ThreadPosition {
  /** The latest checkpoint id, `null` for a thread without checkpoints. */
  readonly latest: string | null;
  /** How many tasks the next step has (`getState().tasks`, including those whose writes were saved). */
  readonly pending: number;
  /** How many interrupts are pending (`getState().tasks[].interrupts`). */
  readonly interrupts: number;
  /** True when every pending node is in the graph's static `interruptBefore` (parked there). */
  readonly gatedBefore: boolean;
}

/**
 * What to run: `"input"` invoke with the job's input; `"command"` invoke with
 * `new Command({ resume })`; `"continue"` invoke with `null` (finish from the last
 * checkpoint); `"report"` run nothing and report the thread as it is (parked or done).
 */
export type RunPlan = "input" | "command" | "continue" | "report";

/**
 * Plans a job. `base` is the checkpoint recorded by an earlier attempt of this job before it
 * applied its input (`undefined`: no earlier attempt got that far).
 * @example
 * ```ts
 * planRun("start", undefined, { latest: null, pending: 0, interrupts: 0, gatedBefore: false }); // "input"
 * planRun("start", null, { latest: "c3", pending: 2, interrupts: 0, gatedBefore: false }); // "continue": input already applied
 * ```
 */
export function planRun(kind: RunKind, base: string | null | undefined, at: ThreadPosition): RunPlan {
  const applied = base !== undefined && at.latest !== base;
  if (!applied) {
    if (kind === "start") return "input";
    if (at.interrupts > 0) return "command";
    // A static interruptBefore parks without an interrupt value: resuming is invoking with null.
    return at.pending > 0 ? "continue" : "report";
  }
  // Parked (again) at a gate: wait for the next resumeRun; invoking with null would pass a static gate.
  if (at.interrupts > 0 || at.gatedBefore) return "report";
  return at.pending > 0 ? "continue" : "report";
}
