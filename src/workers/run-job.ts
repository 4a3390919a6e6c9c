/**
 * Running one thread-run job: claim the thread (`runExclusive`), look at where it stands,
 * record the checkpoint before applying anything (`base`), run what `planRun` says, and report
 * the thread as done or parked at a gate.
 */
import { Command, type StateSnapshot } from "@langchain/langgraph";
import type { Job } from "bullmq";
import type { Checkpointer } from "../../checkpointers/checkpointer.js";
import { runExclusive } from "../../checkpointers/run-exclusive.js";
import type { RunnableGraph } from "./options.js";
import { planRun, type ThreadPosition } from "./plan-run.js";
import type { RunJobData, RunResult } from "./types.js";

/** Runs `job` on `graph` as the only run of its thread; throws `CHECKPOINTER_SETUP` ("thread-busy") when another run holds it. */
export async function runJob(job: Job<RunJobData, RunResult>, graph: RunnableGraph, checkpointer: Checkpointer, leaseMs: number): Promise<RunResult> {
  const { threadId, kind } = job.data;
  return runExclusive(
    checkpointer,
    threadId,
    async (config) => {
      const at = positionOf(await graph.getState(config), graph.interruptBefore);
      const plan = planRun(kind, job.data.base, at);
      if (plan !== "report" && job.data.base === undefined) {
        // Recorded before anything is applied: a retry of this job that finds the thread moved on continues instead.
        await job.updateData({ ...job.data, base: at.latest });
      }
      if (plan === "input") await graph.invoke(job.data.input ?? null, config);
      else if (plan === "command") await graph.invoke(new Command({ resume: job.data.resume }), config);
      else if (plan === "continue") await graph.invoke(null, config);
      return resultOf(job.data, await graph.getState(config));
    },
    { leaseMs },
  );
}

/**
 * The tasks of the thread's next step. Not `snapshot.next`: it leaves out tasks whose writes
 * were saved, so a thread whose worker died after its step's writes but before the step's
 * checkpoint would look finished (`next: []`) while `invoke(null)` still has work to do.
 */
function pendingOf(snapshot: StateSnapshot): string[] {
  return snapshot.tasks.map((t) => t.name);
}

/** Where a thread stands. */
export function positionOf(snapshot: StateSnapshot, interruptBefore: unknown): ThreadPosition {
  const next = pendingOf(snapshot);
  const interrupts = snapshot.tasks.reduce((n, t) => n + (t.interrupts?.length ?? 0), 0);
  const gates = interruptBefore === "*" ? next : Array.isArray(interruptBefore) ? next.filter((n) => interruptBefore.includes(n)) : [];
  return {
    latest: (snapshot.config?.configurable?.checkpoint_id as string | undefined) ?? null,
    pending: next.length,
    interrupts,
    gatedBefore: next.length > 0 && interrupts === 0 && gates.length === next.length,
  };
}

/** The job's result from the thread's state after the run. */
function resultOf(data: RunJobData, snapshot: StateSnapshot): RunResult {
  const { graph, threadId } = data;
  const next = pendingOf(snapshot);
  if (next.length === 0) return { status: "done", graph, threadId, values: snapshot.values as Record<string, unknown> };
  const interrupts = snapshot.tasks.flatMap((t) => (t.interrupts ?? []).map((i) => ({ id: i.id, value: i.value })));
  return { status: "waiting", graph, threadId, next, interrupts };
}
