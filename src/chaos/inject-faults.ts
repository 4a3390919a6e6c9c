/**
 * `injectFaults(builder, plan)`: a copy of an uncompiled `StateGraph` whose target nodes
 * misbehave as planned. The copy shares nothing mutable with the original; each target
 * node's runnable is wrapped (metadata, retry policy, `ends` and subgraph info are kept), so
 * the topology, guards and compile options work on it exactly as on the original.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { RunnableLambda } from "@langchain/core/runnables";
import type { StateGraph } from "@langchain/langgraph";
import { ChaosError } from "./chaos-error.js";
import { applyOutputFault } from "./apply-fault.js";
import {
  createChaosRun,
  currentChaosRun,
  nextCall,
  withArmedProviderFault,
  type ChaosRun,
  type FaultEvent,
} from "./chaos-run.js";
import { parseOptions } from "../internal/options-schema.js";
import { InjectFaultsOptionsSchema } from "./chaos-options.js";
import { faultLabel, resolveFaultPlan, type FaultPlan, type FaultTarget, type ResolvedFaultPlan } from "./fault-plan.js";
import { providerError } from "./provider-faults.js";
import { createRng, deriveSeed } from "./rng.js";
import { resolveTargets, type TargetResolution } from "./targets.js";

/** Any uncompiled `StateGraph`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStateGraph = StateGraph<any, any, any, any, any, any, any, any, any, any>;

/** One plan entry and the nodes it resolved to. */
export interface InjectedFault {
  /** The entry after defaults. */
  readonly plan: ResolvedFaultPlan;
  /** Short label of the fault. */
  readonly label: string;
  /** Node names the targets resolved to. */
  readonly nodes: readonly string[];
}

/** Options of {@link injectFaults}. */
export interface InjectFaultsOptions extends TargetResolution {}

interface NodeSpecLike {
  runnable: { invoke: (input: unknown, config?: RunnableConfig) => Promise<unknown> };
  [key: string]: unknown;
}

const injected = new WeakMap<object, readonly InjectedFault[]>();

/**
 * Returns a copy of `builder` whose target nodes misbehave as `plan` says. Faults draw from
 * seeded streams: inside `runWithChaos`/`runCampaign` from the run's seed, otherwise from
 * `plan.seed`. Every fault met is logged in the chaos run's `events`.
 *
 * A fault wraps the node as it is in the builder: on a node already wrapped by `guardNodeInPlace`
 * it strikes the guard's output, after the check. To test a guard, inject into the unguarded
 * builder and guard the faulty node afterwards — `runCampaign` does exactly that.
 *
 * @example
 * ```ts
 * const faulty = injectFaults(builder, {
 *   targets: "hub",
 *   fault: { kind: "falsehood", text: "The capital of Australia is", value: "Sydney" },
 * });
 * const { result, run } = await runWithChaos(7, () => faulty.compile().invoke(input));
 * ```
 */
export function injectFaults<B extends AnyStateGraph>(
  builder: B,
  plan: FaultPlan | readonly FaultPlan[],
  options: InjectFaultsOptions = {},
): B {
  const entries = resolveFaultPlan(plan);
  parseOptions(InjectFaultsOptionsSchema, options, "injectFaults");
  const nodes = (builder as unknown as { nodes: Record<string, NodeSpecLike> }).nodes;
  const channels = (builder as unknown as { channels?: Record<string, unknown> }).channels ?? {};
  const resolved: InjectedFault[] = entries.map((entry) => ({
    plan: entry,
    label: faultLabel(entry.fault),
    nodes: resolveTargets(builder, entry.targets, options),
  }));
  const copy = cloneBuilder(builder);
  const copyNodes = (copy as unknown as { nodes: Record<string, NodeSpecLike> }).nodes;
  let fallback: ChaosRun | undefined;
  const fallbackRun = () => (fallback ??= createChaosRun(entries[0]!.seed));

  const byNode = new Map<string, InjectedFault[]>();
  for (const r of resolved) for (const n of r.nodes) byNode.set(n, [...(byNode.get(n) ?? []), r]);
  for (const [name, faults] of byNode) {
    const spec = nodes[name]!;
    const wrapped = faultyNode({ name, faults, inner: spec.runnable, channels, fallbackRun });
    copyNodes[name] = { ...spec, runnable: wrapped as unknown as NodeSpecLike["runnable"] };
  }
  injected.set(copy, resolved);
  return copy;
}

/** What one faulty node needs: its name, the faults aimed at it, the node it wraps. */
interface FaultyNode {
  readonly name: string;
  readonly faults: readonly InjectedFault[];
  readonly inner: NodeSpecLike["runnable"];
  readonly channels: Record<string, unknown>;
  /** The chaos run used outside `runWithChaos` (seeded from the plan). */
  readonly fallbackRun: () => ChaosRun;
}

/** One node call within a chaos run: which call it is, the faults due, and the event log. */
interface NodeCall {
  readonly run: ChaosRun;
  readonly call: number;
  readonly due: readonly InjectedFault[];
  readonly log: (f: InjectedFault, fired: boolean, extra?: Partial<FaultEvent>) => void;
}

/** The node `name` with its due faults applied: before the call (latency, errors), around it (armed provider errors), on its output. */
function faultyNode(node: FaultyNode) {
  const { name, faults, inner } = node;
  return RunnableLambda.from(async (state: unknown, config?: RunnableConfig) => {
    const run = currentChaosRun() ?? node.fallbackRun();
    const call = nextCall(run, `node\u0000${name}`);
    const nodeCall: NodeCall = {
      run,
      call,
      due: faults.filter((f) => isDue(f.plan, run, name, call)),
      log: (f, fired, extra = {}) => {
        run.events.push({ node: name, kind: f.label, call, fired, ...extra });
      },
    };
    await faultsBefore(name, nodeCall, config);
    const output = await callWithArmedFault(name, nodeCall, () => inner.invoke(state, config));
    return faultsOnOutput(node, nodeCall, output);
  }).withConfig({ runName: name });
}

/** Faults before the call: latency, then provider errors thrown by the node itself. */
async function faultsBefore(name: string, { run, call, due, log }: NodeCall, config: RunnableConfig | undefined): Promise<void> {
  for (const f of due) {
    const fault = f.plan.fault;
    if (fault.kind === "latency") {
      const rng = streamFor(run, f.plan, name, call);
      const ms = fault.ms + (fault.jitterMs ? rng.next() * fault.jitterMs : 0);
      await sleep(ms, config?.signal);
      log(f, true, { note: `delayed ${Math.round(ms)} ms` });
    } else if (fault.kind === "provider-error" && fault.via === "node") {
      log(f, true, { note: `node threw ${fault.error}` });
      throw providerError(fault.error, `node "${name}"`);
    }
  }
}

/** Runs the node; a provider-error fault aimed at its models is armed for the call (models wrapped with `withProviderFaults` throw). */
async function callWithArmedFault(name: string, { run, due, log }: NodeCall, invoke: () => Promise<unknown>): Promise<unknown> {
  const armedFault = due.find((f) => f.plan.fault.kind === "provider-error" && (f.plan.fault as { via?: string }).via !== "node");
  if (!armedFault) return invoke();
  const fault = armedFault.plan.fault as Extract<typeof armedFault.plan.fault, { kind: "provider-error" }>;
  const armed = {
    node: name,
    error: () => providerError(fault.error, `node "${name}"`),
    every: (fault.modelCalls ?? "every") === "every",
    thrown: 0,
  };
  try {
    return await withArmedProviderFault(run, armed, invoke);
  } finally {
    log(
      armedFault,
      armed.thrown > 0,
      armed.thrown > 0
        ? { note: `${armed.thrown} model call(s) threw ${fault.error}` }
        : { note: "no model wrapped with withProviderFaults was called in this node call; nothing thrown" },
    );
  }
}

/** Faults on the output (falsehood, contradiction, empty, malformed), in plan order. */
function faultsOnOutput({ name, channels }: FaultyNode, { run, call, due, log }: NodeCall, output: unknown): unknown {
  for (const f of due) {
    const kind = f.plan.fault.kind;
    if (kind === "latency" || kind === "provider-error") continue;
    const applied = applyOutputFault(output, f.plan.fault, {
      node: name,
      call,
      entry: f.plan,
      hasClaims: f.plan.claimsKey in channels,
      hasMessages: f.plan.messagesKey in channels,
      rng: streamFor(run, f.plan, name, call).fork("output"),
    });
    output = applied.output;
    log(f, applied.fired, {
      ...(applied.note !== undefined ? { note: applied.note } : {}),
      ...(applied.taint !== undefined ? { taint: applied.taint } : {}),
      ...(applied.claimIds !== undefined ? { claimIds: applied.claimIds } : {}),
    });
  }
  return output;
}

/** The faults `injectFaults` put into `builder` (empty for a builder it did not make). */
export function injectedFaults(builder: object): readonly InjectedFault[] {
  return injected.get(builder) ?? [];
}

/**
 * A shallow copy of an uncompiled `StateGraph` with its own node table, edges and branches:
 * replacing a node in the copy leaves the original untouched. Channels are shared, as they
 * are between two compilations of one builder.
 */
export function cloneBuilder<B extends AnyStateGraph>(builder: B): B {
  const source = builder as unknown as Record<string, unknown>;
  if (typeof source.nodes !== "object" || source.nodes === null || !(source.edges instanceof Set)) {
    throw new ChaosError(
      "injectFaults: expected an uncompiled StateGraph (with `nodes` and `edges`); for a compiled graph pass `compiled.builder`.",
    );
  }
  const copy = Object.assign(Object.create(Object.getPrototypeOf(builder) as object) as object, builder) as Record<string, unknown>;
  copy.nodes = { ...(source.nodes as Record<string, unknown>) };
  copy.edges = new Set(source.edges as Set<unknown>);
  if (source.waitingEdges instanceof Set) copy.waitingEdges = new Set(source.waitingEdges);
  if (typeof source.branches === "object" && source.branches !== null) {
    copy.branches = Object.fromEntries(
      Object.entries(source.branches as Record<string, Record<string, unknown>>).map(([k, v]) => [k, { ...v }]),
    );
  }
  if (typeof source._nodeDefaults === "object" && source._nodeDefaults !== null) {
    copy._nodeDefaults = { ...(source._nodeDefaults as object) };
  }
  copy.compiled = false;
  return copy as unknown as B;
}

function isDue(plan: ResolvedFaultPlan, run: ChaosRun, node: string, call: number): boolean {
  const eligible = plan.calls === "every" ? true : plan.calls === "first" ? call === 0 : plan.calls.includes(call);
  if (!eligible) return false;
  if (plan.probability >= 1) return true;
  return streamFor(run, plan, node, call).fork("fire").chance(plan.probability);
}

function streamFor(run: ChaosRun, plan: ResolvedFaultPlan, node: string, call: number) {
  return createRng(deriveSeed(run.seed, "fault", plan.entry, node, call));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Re-exported for callers that want the target type next to `injectFaults`. */
export type { FaultTarget };
