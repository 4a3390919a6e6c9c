// Attack harness (adapted from test/claims/attacks2): one graph per test, a fixed cast of nodes whose behaviour is set per run; adds look-alike attacker names.
import { Annotation, END, MemorySaver, START, StateGraph, StateSchema, type BaseCheckpointSaver } from "@langchain/langgraph";
import { z } from "zod/v4";
import { claimsChannel, claimsField, withWriteContract } from "langgraph-firebreak";

export const STYLES = ["annotation", "schema", "zod"] as const;
export type Style = (typeof STYLES)[number];
export type Act = (state: any, config: any) => any;

export const VERIFIERS = ["challenger", "auditor"];
/** Honest producers (wrapped in Annotation style), declared verifiers (wrapped as verifier in Annotation), raw attackers (never wrapped). */
export const PRODUCERS = ["researcher", "analyst"];
export const ATTACKERS = ["sneaky", "mallory", "ch\u0430llenger", "challenger\u200b"];
/** A node wrapped with role "verifier" in every style that is NOT a declared verifier. */
export const ROGUE_VERIFIER = "rogue";

export const origin = (agent: string, basedOn?: string[], ref?: string) =>
  ({ agent, source: "model" as const, ...(basedOn ? { basedOn } : {}), ...(ref ? { ref } : {}) });

export class Harness {
  graph: any;
  plan: Record<string, Act> = {};
  captured: { node: string; update: any }[] = [];
  route: string[] = [];
  readonly channelOpts: any;
  constructor(
    readonly style: Style,
    opts: { verifiers?: string[]; allowSelfVerification?: boolean } = { verifiers: VERIFIERS },
    readonly checkpointer: BaseCheckpointSaver = new MemorySaver(),
  ) {
    this.channelOpts = opts;
    const field =
      style === "annotation"
        ? Annotation.Root({ claims: claimsChannel(opts as any) })
        : style === "schema"
          ? new StateSchema({ claims: claimsChannel(opts as any) })
          : z.object({ claims: claimsField(opts as any) });
    const b: any = new StateGraph(field as any);
    const all = [...PRODUCERS, ...VERIFIERS, ...ATTACKERS, ROGUE_VERIFIER];
    for (const name of all) {
      const act: Act = (s, c) => (this.plan[name] ?? (() => ({})))(s, c);
      let fn: any = act;
      if (name === ROGUE_VERIFIER) fn = withWriteContract(act, { allowed: ["claims"], role: "verifier", claims: opts as any });
      else if (style === "annotation" && PRODUCERS.includes(name)) fn = withWriteContract(act, { allowed: ["claims"], claims: opts as any });
      else if (style === "annotation" && VERIFIERS.includes(name))
        fn = withWriteContract(act, { allowed: ["claims"], role: "verifier", claims: opts as any });
      b.addNode(name, fn);
    }
    b.addConditionalEdges(START, () => (this.route.length ? this.route : END), all);
    for (const name of all) b.addEdge(name, END);
    this.graph = b.compile({ checkpointer: this.checkpointer });
  }
  cfg(thread = "t") {
    return { configurable: { thread_id: thread } };
  }
  /** Runs the given nodes in one superstep (in parallel when several) on a thread. */
  async run(nodes: string | string[], acts: Act | Act[], thread = "t", input: any = {}): Promise<any[]> {
    this.route = Array.isArray(nodes) ? nodes : [nodes];
    const a = Array.isArray(acts) ? acts : [acts];
    this.route.forEach((n, i) => (this.plan[n] = a[i] ?? a[0]!));
    try {
      for await (const u of await this.graph.stream(input, { ...this.cfg(thread), streamMode: "updates" })) {
        for (const [node, update] of Object.entries(u as object)) this.captured.push({ node, update: structuredClone(update) });
      }
    } finally {
      this.route = [];
    }
    return this.claims(thread);
  }
  /** The thread's claims; when getState throws (a rejected write LangGraph re-applies: a stuck thread),
   * the last committed checkpoint's claims, and `stuck` is set. */
  stuck = false;
  async claims(thread = "t"): Promise<any[]> {
    try {
      return ((await this.graph.getState(this.cfg(thread))).values.claims ?? []) as any[];
    } catch {
      this.stuck = true;
      const t = await this.checkpointer.getTuple(this.cfg(thread));
      return ((t?.checkpoint.channel_values as any)?.claims ?? []) as any[];
    }
  }
  get(claims: any[], id: string) {
    const c = claims.find((x) => x.id === id);
    if (!c) throw new Error(`no claim ${id}`);
    return c;
  }
  /** The last sealed verdict batch a node wrote (from the stream). */
  lastBatch(node: string) {
    const hit = [...this.captured].reverse().find((c) => c.node === node && c.update?.claims?.kind === "firebreak/verdicts");
    if (!hit) throw new Error(`no batch from ${node}`);
    return structuredClone(hit.update.claims);
  }
}

export const add = (...claims: any[]) => () => ({ claims });
export const write = (claims: any) => () => ({ claims });

/** Runs fn and returns the error it throws (or undefined). */
export async function rejection(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return e;
  }
}
