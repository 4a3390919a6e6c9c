// Attack kit for the seal/key attacks: graphs built from any copy of the package (passed in as `lib`),
// with a producer, the declared verifier, a non-verifier and a slow sibling, routed per run.
import { Annotation, END, MemorySaver, START, StateGraph, StateSchema, type BaseCheckpointSaver } from "@langchain/langgraph";
import { z } from "zod/v4";
import type * as Pkg from "../../../src/index.js";

export type Lib = typeof Pkg;
export type Style = "annotation" | "schema" | "zod";
export const STYLES: Style[] = ["annotation", "schema", "zod"];
export type Claim = Pkg.Claim;
type State = { claims?: Claim[] };
export type Act = (state: State) => unknown;

export const ORIGIN = { agent: "researcher", source: "model" as const };
export const NODES = ["researcher", "challenger", "sneaky", "slow"] as const;
export type NodeName = (typeof NODES)[number];

export const newClaim = (id: string, basedOn?: string[]) => ({
  id,
  text: `claim ${id}`,
  confidence: 0.8,
  origin: { ...ORIGIN, ...(basedOn ? { basedOn } : {}) },
});

/** A graph whose nodes do what `plan` says on each run; Annotation.Root wraps producer and verifier. */
export class Rig {
  readonly plan: Partial<Record<NodeName, Act>> = {};
  route: NodeName[] = [];
  readonly graph: ReturnType<typeof compileRig>;
  constructor(
    readonly lib: Lib,
    readonly style: Style,
    readonly saver: BaseCheckpointSaver = new MemorySaver(),
    readonly opts: { verifiers?: string[] } = { verifiers: ["challenger"] },
  ) {
    this.graph = compileRig(this, lib, style, saver, opts);
  }
  cfg(thread: string) {
    return { configurable: { thread_id: thread } };
  }
  async run(thread: string, nodes: NodeName[], acts: Act[], input: State = {}): Promise<Claim[]> {
    this.route = nodes;
    nodes.forEach((n, i) => (this.plan[n] = acts[i] ?? acts[0]));
    try {
      await this.graph.invoke(input, this.cfg(thread));
    } finally {
      this.route = [];
    }
    return this.claims(thread);
  }
  /** The thread's claims; when getState throws (Annotation.Root re-applies a rejected pending write: a stuck
   * thread, documented host behaviour), the last committed checkpoint's claims. */
  async claims(thread: string): Promise<Claim[]> {
    try {
      const s = await this.graph.getState(this.cfg(thread));
      return ((s.values as State).claims ?? []) as Claim[];
    } catch {
      const t = await this.saver.getTuple(this.cfg(thread));
      return ((t?.checkpoint.channel_values as State | undefined)?.claims ?? []) as Claim[];
    }
  }
}

function compileRig(rig: Rig, lib: Lib, style: Style, saver: BaseCheckpointSaver, opts: { verifiers?: string[] }) {
  const state =
    style === "annotation"
      ? Annotation.Root({ claims: lib.claimsChannel(opts) })
      : style === "schema"
        ? new StateSchema({ claims: lib.claimsChannel(opts) })
        : z.object({ claims: lib.claimsField(opts) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one builder over three state styles
  const b: any = new StateGraph(state as any);
  for (const name of NODES) {
    const act = (s: State) => (rig.plan[name] ?? (() => ({})))(s);
    let fn: unknown = act;
    if (style === "annotation" && name === "researcher") fn = lib.withWriteContract(act as never, { allowed: ["claims"], claims: opts });
    if (style === "annotation" && name === "challenger")
      fn = lib.withWriteContract(act as never, { allowed: ["claims"], role: "verifier", claims: opts });
    b.addNode(name, fn);
  }
  b.addConditionalEdges(START, () => (rig.route.length ? rig.route : END), [...NODES]);
  for (const name of NODES) b.addEdge(name, END);
  return b.compile({ checkpointer: saver }) as {
    invoke(input: unknown, cfg: unknown): Promise<State>;
    getState(cfg: unknown): Promise<{ values: unknown; next: string[] }>;
    updateState(cfg: unknown, values: unknown, asNode?: string): Promise<unknown>;
  };
}

export const verdict = (lib: Lib, ids: string[], status: "green" | "red" | "yellow", ev = `ev-${Math.random().toString(36).slice(2, 8)}`) =>
  lib.claimVerdicts("challenger", ids.map((id) => ({ id, status, reason: `${status} on ${id}`, evidence: [ev] })), { fetched: [ev] });

export const byId = (claims: Claim[], id: string): Claim => {
  const c = claims.find((x) => x.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c;
};

/** Runs fn and returns the error it throws (or undefined). */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A green claim c1 (and c2 based on it) verified in a fresh graph of `lib`; returns the JSON-safe claims. */
export async function verifiedClaims(lib: Lib, style: Style): Promise<Claim[]> {
  const rig = new Rig(lib, style);
  await rig.run("v", ["researcher"], [() => ({ claims: [newClaim("c1"), newClaim("c2", ["c1"])] })]);
  const out = await rig.run("v", ["challenger"], [() => ({ claims: verdict(lib, ["c1", "c2"], "green") })]);
  return JSON.parse(JSON.stringify(out)) as Claim[];
}

/** Hands `claims` to a fresh graph of `lib` as input; returns the claims there, or the error. */
export async function handOn(lib: Lib, style: Style, claims: Claim[]): Promise<{ claims?: Claim[]; error?: unknown }> {
  const rig = new Rig(lib, style);
  try {
    return { claims: await rig.run("h", ["slow"], [() => ({})], { claims: structuredClone(claims) }) };
  } catch (error) {
    return { error };
  }
}
