/**
 * The BICR guard's wiring: the stages (one file each: buffer, isolate, challenge, recover,
 * escalate, commit) joined into a subgraph, and the node that runs it sealed and returns its
 * commit to the parent.
 */
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch/web";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, END, START, StateGraph, isGraphBubbleUp, type CompiledStateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ReviewPolicy } from "../challenger/review-policy.js";
import { bufferStage } from "./buffer.js";
import { challengeStage } from "./challenge.js";
import { commitStage } from "./commit.js";
import { escalateStage } from "./escalate.js";
import { resolveGuard } from "./guard-options.js";
import { guardAnnotations, type Committed, type GuardState } from "./guard-state.js";
import type { BicrGuardOptions } from "./guard-types.js";
import { sealConfig, type HeldEvent } from "./isolate.js";
import { OUTBOX_NODE, outboxStage, routeAfterChallenge, routeAfterUndo, routeToOutbox, UNDO_NODE, undoStage } from "./guard-effects.js";
import { GuardListeners, type GuardEvents } from "./guard-listeners.js";
import { recoverStage } from "./recover.js";

/** The `firebreak` metadata of a guard node: the topology analysis treats its out-edges as guarded. */
export interface BicrGuardInfo {
  readonly role: "agent";
  readonly guard: { readonly producer?: string; readonly policy: ReviewPolicy; readonly maxAttempts: number };
  readonly hub?: boolean;
}

/**
 * A guard: a compiled subgraph to add in place of the producer. Add it with its metadata so
 * topology analysis sees the guard: `builder.addNode("researcher", guard, { metadata: { firebreak: guard.firebreak } })`.
 */
export type BicrGuard = CompiledStateGraph<any, any, any, any, any, any> &
  GuardEvents & {
    /** The node metadata entry that declares the guard. */
    readonly firebreak: BicrGuardInfo;
  };

/**
 * Creates a BICR guard around a producer: a compiled subgraph that drops into any parent
 * `StateGraph` in place of the producer node.
 *
 * - **Buffer**: the producer runs on its own copy of the parent's state; everything its
 *   attempt would do to the parent (claims, messages, other channels, `Command` routing and
 *   `Send` payloads, handoffs thrown by nested agents' tools) lands in private channels.
 * - **Challenge**: the challenger judges every effect (claims selected by `policy`, everything
 *   else always), seeing only the original intent, the items and its own evidence; an
 *   incomplete review blocks.
 * - **Isolate**: the only way out of the subgraph is a verdict: a pass commits from the
 *   challenge node; a block takes the conditional edge to Recover or to the escalation. No
 *   parent channel and no client stream sees an attempt before a verdict.
 * - **Recover**: a blocked update is discarded — shared state is exactly as before the
 *   producer ran — and the producer retries with a feedback package, up to `maxAttempts`;
 *   then `onExhausted` decides: a human (`interrupt`), `degrade`, or `fail`.
 *
 * On a pass the guard's node returns the update (as a `Command`, with the producer's routing)
 * with its claims labelled by the verdicts: a clean handoff costs two supersteps inside the guard (produce,
 * challenge). Every stage emits a `firebreak/bicr` event and tells the guard's listeners
 * (`onStage`, `onVerdict`, `onRollback`, `onEscalation`, `onCommit`, each returning a disposable). With a checkpointer, a run killed
 * during Challenge resumes there without re-running the producer.
 *
 * @example
 * const guard = createBicrGuard({
 *   producer: researcher,
 *   challenger: createChallenger({ model: judge, evidence: search }),
 *   state: State,
 *   maxAttempts: 3,
 *   onExhausted: "interrupt",
 * });
 * builder.addNode("researcher", guard, { metadata: { firebreak: guard.firebreak } });
 */
export function createBicrGuard(options: BicrGuardOptions): BicrGuard {
  const o = resolveGuard(options);
  const listeners = new GuardListeners();
  const { state, input, output } = guardAnnotations(o.parentKeys);
  const commit = commitStage(o);
  const graph = new StateGraph({ stateSchema: state, input, output } as never) as unknown as StateGraph<any, any, any, string>;
  graph.addNode("produce", bufferStage(o) as never, { metadata: { firebreak: { role: "agent" } }, ...(options.producerRetryPolicy ? { retryPolicy: options.producerRetryPolicy } : {}) });
  graph.addNode("challenge", challengeStage(o, commit) as never, { metadata: { firebreak: { role: "verifier" } } });
  graph.addNode("recover", recoverStage(o) as never, { metadata: { firebreak: { role: "router" } } });
  graph.addNode("escalate", escalateStage(o) as never, { metadata: { firebreak: { role: o.onExhausted === "interrupt" ? "human" : "router" } } });
  graph.addNode("commit", ((s: GuardState, config: LangGraphRunnableConfig) => commit(s, s.bicr_review!, s.bicr_attempts, config)) as never, {
    metadata: { firebreak: { role: "router" } },
  });
  // Side effects (effectTool): a blocked attempt's compensations, a committed attempt's outbox.
  graph.addNode(UNDO_NODE, undoStage(o) as never, { metadata: { firebreak: { role: "router" } } });
  graph.addNode(OUTBOX_NODE, outboxStage(o) as never, { metadata: { firebreak: { role: "router" } } });
  graph.addEdge(START, "produce");
  graph.addEdge("produce", "challenge");
  // Isolate: a pass commits from the challenge node; a block never leaves the subgraph.
  graph.addConditionalEdges("challenge", ((s: GuardState) => routeAfterChallenge(s, o)) as never, ["recover", "escalate", UNDO_NODE, OUTBOX_NODE, END]);
  graph.addConditionalEdges(UNDO_NODE, ((s: GuardState) => routeAfterUndo(s, o)) as never, [UNDO_NODE, "recover", "escalate"]);
  graph.addEdge("recover", "produce");
  graph.addEdge("escalate", "commit");
  graph.addConditionalEdges("commit", routeToOutbox as never, [OUTBOX_NODE, END]);
  graph.addConditionalEdges(OUTBOX_NODE, routeToOutbox as never, [OUTBOX_NODE, END]);
  const compiled = graph.compile({ name: o.name ? `bicr:${o.name}` : "bicr" });
  const run = compiled.invoke.bind(compiled);
  // The guard's node: runs the subgraph sealed (no parent stream, tracers only) and returns the
  // commit as its own output, so every stream mode of the parent sees exactly what was committed.
  const invoke = async (value: unknown, config?: RunnableConfig): Promise<Command> => {
    const out = (await run(value as never, sealConfig(config as LangGraphRunnableConfig | undefined, o.tracers, listeners) as never)) as { bicr_commit?: Committed | null };
    const committed = out?.bicr_commit;
    if (committed === null || committed === undefined) throw new Error(`BICR guard${o.name ? ` on node "${o.name}"` : ""}: the guard's subgraph ended without a commit.`);
    await replayHeld(committed.held, config as LangGraphRunnableConfig | undefined);
    return new Command({
      update: committed.update,
      ...(committed.goto.length === 0 ? {} : { goto: (committed.goto.length === 1 ? committed.goto[0] : [...committed.goto]) as never }),
      ...(committed.toParent ? { graph: Command.PARENT } : {}),
    });
  };
  const info: BicrGuardInfo = {
    role: "agent",
    guard: { ...(o.name === undefined ? {} : { producer: o.name }), policy: o.policy, maxAttempts: o.maxAttempts },
    ...(options.hub === true ? { hub: true } : {}),
  };
  const events: GuardEvents = {
    onStage: listeners.onStage,
    onVerdict: listeners.onVerdict,
    onRollback: listeners.onRollback,
    onEscalation: listeners.onEscalation,
    onCommit: listeners.onCommit,
  };
  return Object.assign(compiled, { invoke, firebreak: info }, events) as unknown as BicrGuard;
}

/** Replays a committed attempt's custom-stream chunks and custom events on the parent node's streams. */
async function replayHeld(held: readonly HeldEvent[], config: LangGraphRunnableConfig | undefined): Promise<void> {
  for (const event of held) {
    try {
      if (event.kind === "custom") config?.writer?.(event.chunk);
      else if (config?.callbacks) await dispatchCustomEvent(event.name, event.data, config);
    } catch (error) {
      if (isGraphBubbleUp(error)) throw error;
    }
  }
}
