// Attack kit (attacks6, copied from attacks5): hostile objects against the claims channel's identity and authorship checks.
// One graph per test over three state styles; nodes run what `plan` says, routed per run.
// researcher: producer (withWriteContract in Annotation.Root); challenger: the declared verifier
// (withWriteContract role verifier in Annotation.Root); sneaky: a producer wrapped in withWriteContract in
// every style (authorship attacks); rogue: a verifier-role node in Annotation.Root, a plain node elsewhere
// (verifier-name attacks); pauser: interrupts once; slow: does nothing.
import { Annotation, END, MemorySaver, START, StateGraph, StateSchema, interrupt, type BaseCheckpointSaver } from "@langchain/langgraph";
import { expect } from "vitest";
import { z } from "zod/v4";
import * as lib from "../../../src/index.js";

export type Style = "annotation" | "schema" | "zod";
export const STYLES: Style[] = ["annotation", "schema", "zod"];
export type Claim = lib.Claim;
type State = { claims?: Claim[] };
export type Act = (state: State) => unknown;
export const NODES = ["researcher", "challenger", "sneaky", "rogue", "pauser", "slow"] as const;
export type NodeName = (typeof NODES)[number];

export const newClaim = (id: string, agent = "researcher", basedOn?: string[]) => ({
  id,
  text: `claim ${id}`,
  confidence: 0.8,
  origin: { agent, source: "model" as const, ...(basedOn ? { basedOn } : {}) },
});

type Graph = {
  invoke(input: unknown, cfg: unknown): Promise<State>;
  getState(cfg: unknown): Promise<{ values: unknown; next: string[] }>;
};

export class Rig {
  readonly plan: Partial<Record<NodeName, Act>> = {};
  route: NodeName[] = [];
  readonly graph: Graph;
  constructor(
    readonly style: Style,
    readonly saver: BaseCheckpointSaver = new MemorySaver(),
    readonly opts: { verifiers?: string[] } = { verifiers: ["challenger"] },
  ) {
    this.graph = compile(this);
  }
  cfg(thread = "t") {
    return { configurable: { thread_id: thread } };
  }
  async run(nodes: NodeName[], acts: Act[], input: unknown = {}, thread = "t"): Promise<State> {
    this.route = nodes;
    nodes.forEach((n, i) => (this.plan[n] = acts[i] ?? acts[0]));
    try {
      return await this.graph.invoke(input, this.cfg(thread));
    } finally {
      this.route = [];
    }
  }
  /** Runs and returns the error thrown (undefined when none). */
  async attempt(nodes: NodeName[], acts: Act[], input: unknown = {}, thread = "t"): Promise<unknown> {
    return rejection(() => this.run(nodes, acts, input, thread));
  }
  /** The thread's claims; the last committed checkpoint's when getState throws (stuck thread). */
  async claims(thread = "t"): Promise<Claim[]> {
    try {
      return (((await this.graph.getState(this.cfg(thread))).values as State).claims ?? []) as Claim[];
    } catch {
      const t = await this.saver.getTuple(this.cfg(thread));
      return ((t?.checkpoint.channel_values as State | undefined)?.claims ?? []) as Claim[];
    }
  }
  /** researcher writes c1..cn. */
  async seed(...ids: string[]) {
    await this.run(["researcher"], [() => ({ claims: ids.map((id) => newClaim(id)) })]);
  }
}

function compile(rig: Rig): Graph {
  const { style, opts } = rig;
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
    const producer = name === "sneaky" || (style === "annotation" && name === "researcher");
    const verifier = style === "annotation" && (name === "challenger" || name === "rogue");
    if (producer) fn = lib.withWriteContract(act as never, { allowed: ["claims"], claims: opts });
    if (verifier) fn = lib.withWriteContract(act as never, { allowed: ["claims"], role: "verifier", claims: opts });
    if (name === "pauser") fn = () => (interrupt("pause"), {});
    b.addNode(name, fn);
  }
  b.addConditionalEdges(START, () => (rig.route.length ? rig.route : END), [...NODES]);
  for (const name of NODES) b.addEdge(name, END);
  return b.compile({ checkpointer: rig.saver }) as Graph;
}

export type VerdictIn = { id: string; status: "green" | "red" | "yellow"; reason: string; evidence: string[] };
export const batch = (verifier: string, verdicts: VerdictIn[], fetched?: string[]) =>
  lib.claimVerdicts(verifier, verdicts as never, fetched ? { fetched } : undefined);
export const green = (id: string, ev = "e1"): VerdictIn => ({ id, status: "green", reason: `green ${id}`, evidence: [ev] });
export const red = (id: string, evidence: string[] = []): VerdictIn => ({ id, status: "red", reason: `red ${id}`, evidence });

export const byId = (claims: Claim[], id: string): Claim | undefined => claims.find((x) => x.id === id);

export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** `obj[key]` answers `first` on the first `k` reads, `later` afterwards; returns the read counter. */
export function flip<T>(obj: object, key: string | symbol, first: T, later: T, k: number): { reads: number } {
  const c = { reads: 0 };
  Object.defineProperty(obj, key, { get: () => (c.reads++ < k ? first : later), enumerable: true, configurable: true });
  return c;
}

/** A Proxy whose `get` of `key` answers `first` on the first `k` reads and `later` afterwards. */
export function proxyFlip<T extends object>(target: T, key: string | symbol, first: unknown, later: unknown, k: number): T {
  let n = 0;
  return new Proxy(target, {
    get: (t, p, r) => (p === key ? (n++ < k ? first : later) : Reflect.get(t, p, r)),
    getOwnPropertyDescriptor: (t, p) => {
      const d = Reflect.getOwnPropertyDescriptor(t, p);
      return p === key && d ? { ...d, value: n++ < k ? first : later } : d;
    },
  });
}

/** A rejection, when there is one, is a claims error naming the node (never a bare TypeError). */
export function clearError(e: unknown, node: string, claimId?: string) {
  if (e === undefined) return;
  const err = e as Error & { node?: string; claimId?: string };
  expect(err instanceof lib.InvalidClaimError || err instanceof lib.WriteContractError, `${err?.constructor?.name}: ${err?.message}`).toBe(true);
  expect(`${err.node ?? ""} ${err.message}`).toContain(node);
  if (claimId) expect(`${err.claimId ?? ""} ${err.message}`).toContain(claimId);
}

/** Nobody but challenger's own node recorded a verdict in challenger's name. */
export function noForgedChallenger(claims: Claim[]) {
  for (const c of claims) {
    const records = [c.verifiedBy, ...((c.verifiedBy as { history?: unknown[] } | undefined)?.history ?? [])] as { verifier?: string; task?: string }[];
    for (const r of records) if (r?.verifier === "challenger") expect(r.task ?? "").toMatch(/^challenger:/);
  }
}

/** Polls (setImmediate ticks) until `ready()` or `ticks` ticks have passed, then runs `mutate`; never throws. */
export async function later(ready: () => boolean, mutate: () => void, ticks = 200): Promise<string> {
  for (let i = 0; i < ticks && !ready(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  try {
    mutate();
    return "mutated";
  } catch (e) {
    return `threw ${(e as Error).constructor.name}`;
  }
}
