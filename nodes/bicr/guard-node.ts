import type { StateGraph } from "@langchain/langgraph";
import { analyzeTopology } from "../../src/topology/index.js";
import { InvalidOptionsError, parseOptions } from "../../src/internal/options-schema.js";
import { quote } from "../../src/internal/quote.js";
import { createBicrGuard, type BicrGuard } from "./create-bicr-guard.js";
import { GuardNodeOptionsSchema } from "./guard-options.js";
import type { BicrGuardOptions } from "./guard-types.js";

/** Options of {@link guardNodeInPlace}: those of `createBicrGuard` without the producer, state and name, which come from the builder. */
export type GuardNodeOptions = Omit<BicrGuardOptions, "producer" | "state" | "name">;

interface NodeSpecLike {
  runnable: unknown;
  metadata?: Record<string, unknown>;
  retryPolicy?: BicrGuardOptions["producerRetryPolicy"];
  subgraphs?: unknown[];
}

/**
 * Wraps a node already added to a builder in a BICR guard, **in place** (the package's rule:
 * a helper that changes what you pass says so in its name; every other helper, such as
 * `injectFaults`, returns a new graph and leaves its argument alone): same name, same edges,
 * same input. The producer keeps its retry policy (it moves inside the guard); a `timeout`
 * stays on the node and so covers the whole guarded handoff (producer, challenger, retries). The node's
 * metadata gains `{ firebreak: { role: "agent", guard: { producer, policy, maxAttempts } } }`
 * so topology analysis treats its out-edges as guarded. For the `"balanced"` policy, `hub`
 * defaults to the node's `firebreak.hub` metadata, else to the topology analysis of the
 * finished graph (run once, at the first handoff): the node is a hub when it is the hub of a
 * supervisor–worker star or has the largest principal-eigenvector entry of a cyclic graph —
 * the most dangerous seed of arXiv:2603.04474. Call it before `compile()`. Returns the
 * builder, for chaining.
 *
 * @example
 * const builder = createSupervisorWorkerGraph({ supervisor, workers, writer });
 * guardNodeInPlace(builder, "researcher", {
 *   challenger: createChallenger({ model: judge, evidence: calculator }),
 *   maxAttempts: 3,
 *   onExhausted: "interrupt",
 * });
 * const graph = builder.compile({ checkpointer });
 */
export function guardNodeInPlace<B extends StateGraph<any, any, any, any, any, any, any, any>>(builder: B, name: string, options: GuardNodeOptions): B {
  return guardNamed("guardNodeInPlace", builder, name, options);
}

/**
 * The former name of {@link guardNodeInPlace}: same behaviour (it changes `builder` and returns
 * it). Kept for 0.1 code; error messages name `guardNode`.
 *
 * @deprecated Use `guardNodeInPlace`, whose name says that it changes the builder you pass.
 */
export function guardNode<B extends StateGraph<any, any, any, any, any, any, any, any>>(builder: B, name: string, options: GuardNodeOptions): B {
  return guardNamed("guardNode", builder, name, options);
}

function guardNamed<B extends StateGraph<any, any, any, any, any, any, any, any>>(where: string, builder: B, name: string, options: GuardNodeOptions): B {
  parseOptions(GuardNodeOptionsSchema, options, where);
  const nodes = (builder as unknown as { nodes: Record<string, NodeSpecLike> }).nodes;
  const spec = nodes?.[name];
  if (spec === undefined) {
    const known = Object.keys(nodes ?? {}).join(", ") || "(none)";
    throw new InvalidOptionsError(where, [{ option: "name", received: quote(name), allowed: "the name of a node already added to the builder" }], {
      message: `${where}: no node ${quote(name)} in this builder (nodes: ${known.length > 200 ? `${known.slice(0, 199)}…` : known}); add the producer with addNode first, then guard it.`,
    });
  }
  const existing = (spec.metadata?.["firebreak"] ?? {}) as Record<string, unknown>;
  if (typeof existing["guard"] === "object" && existing["guard"] !== null) {
    throw new InvalidOptionsError(where, [{ option: "name", received: quote(name), allowed: "a node not guarded yet" }], {
      message: `${where}: node ${quote(name)} is already guarded; guard it once.`,
    });
  }
  const producerRetryPolicy = options.producerRetryPolicy ?? spec.retryPolicy;
  const guard = createBicrGuard({
    ...options,
    producer: spec.runnable as BicrGuardOptions["producer"],
    state: builder as unknown as { channels: Record<string, unknown> },
    name,
    hub: options.hub ?? (existing["hub"] === true ? true : () => isHub(builder, name)),
    ...(producerRetryPolicy ? { producerRetryPolicy } : {}),
  });
  // The node's retry policy now retries the producer inside the guard (retrying the whole guard
  // would also retry a GuardExhaustedError); say so in the metadata the topology analysis reads.
  const firebreak = producerRetryPolicy
    ? { ...existing, ...guard.firebreak, guard: { ...guard.firebreak.guard, producerRetry: true } }
    : { ...existing, ...guard.firebreak };
  nodes[name] = {
    ...spec,
    runnable: guard,
    retryPolicy: undefined,
    subgraphs: [guard],
    metadata: { ...spec.metadata, firebreak },
  };
  return builder;
}

/** Whether `name` is a hub of the builder's topology (top-level nodes only). */
function isHub(builder: unknown, name: string): boolean {
  const report = analyzeTopology(builder, { xray: false });
  if (report.patterns.some((p) => p.hub === name)) return true;
  const top = report.seeds[0];
  return report.rho > 0 && top !== undefined && report.seeds.some((s) => s.node === name && s.score >= top.score - 1e-9);
}

/**
 * The guard `guardNodeInPlace` put on node `name` of `builder` (for its listeners: `onVerdict`,
 * `onRollback`, `onEscalation`, `onCommit`, `onStage`), or `undefined` when that node is not guarded.
 *
 * @example
 * guardNodeInPlace(builder, "researcher", { challenger });
 * const sub = guardOf(builder, "researcher")!.onVerdict((e) => console.log(e.verdict, e.claimIds));
 */
export function guardOf(builder: StateGraph<any, any, any, any, any, any, any, any>, name: string): BicrGuard | undefined {
  if (typeof builder !== "object" || builder === null) {
    throw new InvalidOptionsError("guardOf", [{ option: "builder", received: quote(builder), allowed: "the StateGraph builder guardNodeInPlace was given" }]);
  }
  const spec = (builder as unknown as { nodes?: Record<string, NodeSpecLike> }).nodes?.[name];
  const runnable = spec?.runnable as Partial<BicrGuard> | undefined;
  return typeof runnable?.onVerdict === "function" && typeof runnable.firebreak === "object" ? (runnable as BicrGuard) : undefined;
}
