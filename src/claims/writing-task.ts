/**
 * Internal: the LangGraph task that writes a claims update, and the node-time checks that bind
 * a sealed verdict batch (and a verdict coming back from a subgraph) to it.
 *
 * A task is named by its checkpoint namespace, `langgraph_checkpoint_ns`: the node path and the
 * task id, e.g. `"challenger:<task id>"` at the top level, `"worker:<id>|challenger:<id>"` for a
 * node of a subgraph run by `worker`. LangGraph derives the task id from the id of the
 * checkpoint the task runs from (`uuid5([ns, step, name, …], checkpoint.id)`), so a task of
 * another thread, of a fork (time travel, `updateState` on an old checkpoint) or of a later step
 * has another name; a task resumed after an interrupt or re-run after a crash keeps its name.
 *
 * A seal binds the task that minted it (`task` in the batch, inside the MAC). At node time
 * (zod/`StateSchema` state, `withWriteContract`) the writing task is known, so a sealed batch is
 * accepted only from the task that sealed it, or from the node of the verifier it names (its own
 * earlier batch, still held to the version binding). The reducer cannot see the writing task
 * (LangGraph 1.7 gives a reducer the values only), so in `Annotation.Root` state a node that is
 * neither wrapped nor a verifier is checked by the seal and the version alone.
 */
import { getConfig } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ClaimsUpdate } from "./claim-schema.js";
import type { ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, preview } from "./errors.js";
import { isClaimVerdicts } from "./verdicts.js";
import { quote } from "../internal/quote.js";

let sealingTask: string | undefined;

/**
 * The writing task's checkpoint namespace, from `config` or LangGraph's current config;
 * `undefined` outside a graph run. Inside {@link sealingFor}, the task given there.
 */
export function currentTask(config?: RunnableConfig): string | undefined {
  if (sealingTask !== undefined) return sealingTask;
  let c = config;
  if (c === undefined) {
    try {
      c = getConfig();
    } catch {
      return undefined;
    }
  }
  const ns = c?.metadata?.["langgraph_checkpoint_ns"] ?? c?.configurable?.["checkpoint_ns"];
  return typeof ns === "string" && ns.length > 0 ? ns : undefined;
}

/**
 * Runs `fn` (synchronously) with seals bound to `task`: for a capability holder that seals inside
 * its own subgraph for the parent task that will write its output (the BICR guard).
 */
export function sealingFor<T>(task: string | undefined, fn: () => T): T {
  const previous = sealingTask;
  sealingTask = task;
  try {
    return fn();
  } finally {
    sealingTask = previous;
  }
}

/** The task that runs the subgraph `task` belongs to (`"a:1|b:2"` → `"a:1"`), or `undefined` at the top. */
export function parentTask(task: string | undefined): string | undefined {
  const cut = task?.lastIndexOf("|") ?? -1;
  return cut < 0 ? undefined : task!.slice(0, cut);
}

/** The writer of an update at node time: its node name and task. */
export interface Writer {
  readonly node: string | undefined;
  readonly task: string | undefined;
}

/**
 * Node-time check of a sealed verdict batch: it is written by the task that sealed it, or by the
 * node of the verifier it names (an accepted one). Anything else — a non-verifier node writing a
 * batch copied from a stream, another thread or a fork, the graph input — throws, naming the
 * node, the claim and the verifier.
 */
export function checkSealedBatch(
  batch: { readonly verifier?: unknown; readonly task?: unknown; readonly verdicts?: unknown },
  index: number,
  writer: Writer,
  opts: ResolvedClaimsOptions,
): void {
  if (writer.task !== undefined && batch.task === writer.task) return;
  const verifier = String(batch.verifier);
  if (writer.node !== undefined && batch.verifier === writer.node && (opts.verifiers === undefined || opts.verifiers.has(writer.node))) return;
  const first = Array.isArray(batch.verdicts) ? (batch.verdicts[0] as { id?: unknown } | undefined)?.id : undefined;
  const who = writer.node === undefined ? "the graph input (or a state edit)" : `node ${quote(writer.node, 60)}`;
  throw new InvalidClaimError(
    {
      index,
      claimId: typeof first === "string" ? first : undefined,
      field: "task",
      expected:
        `a batch sealed in the writing task${writer.task === undefined ? "" : ` (${quote(writer.task, 80)})`}, or written by verifier ` +
        `${quote(verifier, 60)}'s own node: a sealed batch is applied only by the task that sealed it, so one copied from a stream, ` +
        `another thread, a fork or another node is no verdict. Let ${quote(verifier, 60)} judge the claim again`,
      received: `a batch sealed in task ${preview(batch.task ?? "(none)")}`,
      node: writer.node ?? "(graph input)",
      verifier,
    },
    { context: `Verdicts from ${who} rejected` },
  );
}

/**
 * Node-time check of claims coming back from a subgraph run by the writing node: a verdict made
 * inside that subgraph (its task nested under the writer's) is not this graph's verifier unless
 * the channel lists the subgraph's node in `verifiers` (with no list, any node verifies as itself).
 */
export function checkSubgraphVerdicts(update: ClaimsUpdate, writer: Writer, opts: ResolvedClaimsOptions): void {
  if (update === null || update === undefined || writer.task === undefined || opts.verifiers === undefined) return;
  if (writer.node !== undefined && opts.verifiers.has(writer.node)) return;
  const inside = `${writer.task}|`;
  const items: readonly unknown[] = Array.isArray(update) ? update : [update];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as { id?: unknown; verifiedBy?: { verifier?: unknown; task?: unknown } } | null;
    if (typeof item !== "object" || item === null || isClaimVerdicts(item)) continue;
    const task = item.verifiedBy?.task;
    if (typeof task !== "string" || !task.startsWith(inside)) continue;
    const node = writer.node ?? "(unknown node)";
    throw new InvalidClaimError(
      {
        index: i,
        claimId: typeof item.id === "string" ? item.id : undefined,
        field: "verifiedBy.task",
        expected:
          `a verdict of this graph's own verifiers: this one was made inside the subgraph run by node ${quote(node, 60)}, and a ` +
          `verdict made in a subgraph counts in the parent only when the parent's channel lists that node in \`verifiers\` ` +
          `(add ${quote(node, 60)} if its inner verifiers are yours)`,
        received: `a verdict by ${preview(item.verifiedBy?.verifier)} in task ${preview(task)}`,
        node,
        verifier: String(item.verifiedBy?.verifier),
      },
      { context: `Claims from node ${quote(node, 60)} rejected` },
    );
  }
}
