import { Annotation, END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod/v4";

import { claimsChannel, claimsField, type Claim, type ClaimsOptions } from "../../../../src/index.js";

export type Style = "StateSchema" | "zod" | "Annotation";
export const STYLES: Style[] = ["StateSchema", "zod", "Annotation"];
export type NodeFn = (state: { claims: Claim[] }, config?: any) => any;

export function stateFor(style: Style, options: ClaimsOptions = { verifiers: ["challenger"] }): any {
  if (style === "StateSchema") return new StateSchema({ claims: claimsChannel(options) });
  if (style === "zod") return z.object({ claims: claimsField(options) });
  return Annotation.Root({ claims: claimsChannel(options) });
}

/** A sequential graph of the given nodes. */
export function chain(style: Style, steps: Array<[string, NodeFn]>, options?: ClaimsOptions, checkpointer?: MemorySaver): any {
  let g: any = new StateGraph(stateFor(style, options));
  for (const [name, fn] of steps) g = g.addNode(name, fn);
  let prev: string = START;
  for (const [name] of steps) {
    g = g.addEdge(prev, name);
    prev = name;
  }
  g = g.addEdge(prev, END);
  return g.compile(checkpointer ? { checkpointer } : undefined);
}

export const claim = (id: string, agent = "researcher", basedOn?: string[], extra: Record<string, unknown> = {}) => ({
  id,
  text: `claim ${id}`,
  confidence: 0.9,
  origin: { agent, source: "model" as const, ...(basedOn ? { basedOn } : {}) },
  ...extra,
});

export async function settle(p: Promise<unknown>): Promise<{ ok: true; value: any } | { ok: false; error: any }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
