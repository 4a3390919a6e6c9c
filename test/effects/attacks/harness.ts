/** Shared pieces for the attacks on docs/effects.md: a world that records what happened, and a guarded graph. */
import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { claimsChannel, effectTool } from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace, guardRecordsChannel, guardOf, type BicrGuardOptions, type GuardRecord } from "langgraph-firebreak/nodes";
import { scriptedJudge } from "langgraph-firebreak/testing";

export const State = new StateSchema({ claims: claimsChannel(), guardRecords: guardRecordsChannel() });

/** What happened outside the graph, in order. */
export class World {
  readonly log: string[] = [];
  readonly keys: string[] = [];
  add(line: string, key?: string): void {
    this.log.push(line);
    if (key !== undefined) this.keys.push(key);
  }
}

let seq = 0;
/** Unique tool names per test file run: effect tools are found again by name. */
export const uniqueName = (base: string): string => `${base}_${process.pid}_${++seq}`;

export function deferTool(world: World, name = uniqueName("publish")) {
  return effectTool({
    name, description: "Publish a report", schema: z.object({ text: z.string() }), mode: "defer",
    run: ({ text }, { idempotencyKey }) => { world.add(`run ${text}`, idempotencyKey); return `ok ${text}`; },
  });
}

export function compensateTool(world: World, name = uniqueName("ticket"), opts: { failUndo?: (title: string) => boolean } = {}) {
  return effectTool({
    name, description: "Open a ticket", schema: z.object({ title: z.string() }), mode: "compensate",
    run: ({ title }, { idempotencyKey }) => { world.add(`open ${title}`, idempotencyKey); return { id: title }; },
    compensate: async ({ title }, result, { idempotencyKey }) => {
      if (opts.failUndo?.(title)) throw new Error(`ticket service refuses to close ${title}`);
      world.add(`close ${title} ${JSON.stringify(result)}`, idempotencyKey);
    },
  });
}

export const claim = (text: string) => ({ claims: [{ text, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }] });

/** Claims containing "bad" are red, every other item green. */
export const judge = () => createChallenger({ model: scriptedJudge((c) => (c.text.includes("bad") ? "red" : "green")) });

type Producer = (state: unknown, config: RunnableConfig) => unknown;

export function guardedGraph(producer: Producer, options: Partial<BicrGuardOptions> = {}, checkpointer?: BaseCheckpointSaver) {
  const builder = new StateGraph(State).addNode("researcher", producer as never).addEdge(START, "researcher").addEdge("researcher", END);
  guardNodeInPlace(builder, "researcher", { challenger: judge(), maxAttempts: 3, ...options } as BicrGuardOptions);
  return { graph: builder.compile(checkpointer ? { checkpointer } : {}), guard: guardOf(builder, "researcher")! };
}

export const effectsOf = (records: readonly GuardRecord[] | undefined) =>
  (records?.[0]?.effects ?? []).map((e) => `${e.attempt}:${e.mode}:${e.status}:${JSON.stringify(e.input)}`);

export const tid = (label: string) => `attack-${label}-${process.pid}-${Date.now()}-${++seq}`;
