// Claims loaded from a checkpoint are frozen in every state style (src/claims/load-freeze.ts): LangGraph builds
// the StateSchema/zod channel itself, so the pack wraps BinaryOperatorAggregate.fromCheckpoint for claims
// reducers only. These tests pin both halves: claims channels freeze, every other channel is untouched.
import { Annotation, BinaryOperatorAggregate, END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod/v4";
import { describe, expect, it } from "vitest";
import { claimsChannel, claimsField, claimsReducer } from "../../src/index.js";

const c1 = () => ({ id: "c1", text: "statement c1", confidence: 0.6, origin: { agent: "researcher", source: "model" as const } });

describe("claims loaded from a checkpoint are frozen", () => {
  it("a claims reducer's channel freezes the array and each claim it loads; another channel's value stays as loaded", () => {
    const claims = new BinaryOperatorAggregate(claimsReducer(), () => []);
    const other = new BinaryOperatorAggregate((a: number[], b: number[]) => [...a, ...b], () => []);
    const loadedClaims = claims.fromCheckpoint([structuredClone(c1())] as never);
    const loadedOther = other.fromCheckpoint([1, 2]);
    expect(Object.isFrozen(loadedClaims.get())).toBe(true);
    expect(Object.isFrozen((loadedClaims.get() as any)[0])).toBe(true);
    expect(Object.isFrozen((loadedClaims.get() as any)[0].origin)).toBe(true);
    expect(Object.isFrozen(loadedOther.get())).toBe(false);
    (loadedOther.get() as number[]).push(3); // other channels keep LangGraph's behaviour
    expect(loadedOther.get()).toEqual([1, 2, 3]);
  });

  const styles = {
    annotation: () => Annotation.Root({ claims: claimsChannel() }),
    schema: () => new StateSchema({ claims: claimsChannel() }),
    zod: () => z.object({ claims: claimsField() }),
  } as const;

  it.each(Object.keys(styles) as Array<keyof typeof styles>)(
    "in %s state a node editing a loaded claim in place throws and the checkpoint keeps the claim as it was",
    async (style) => {
      let writes = 0;
      const graph: any = new (StateGraph as any)(styles[style]())
        .addNode("researcher", () => (writes++ === 0 ? { claims: [c1()] } : {}))
        .addNode("sneaky", (s: any) => {
          if (s.claims.length > 0) s.claims[0].confidence = 0.99;
          return {};
        })
        .addEdge(START, "researcher")
        .addEdge("researcher", "sneaky")
        .addEdge("sneaky", END)
        .compile({ checkpointer: new MemorySaver() });
      const config = { configurable: { thread_id: `load-freeze-${style}` } };
      // First run: the claim is stored by the reducer (frozen) and the sneaky edit throws already.
      await expect(graph.invoke({}, config)).rejects.toThrow(TypeError);
      // Second run on the same thread: the claims come from the checkpoint, not from the reducer.
      await expect(graph.invoke({}, config)).rejects.toThrow(/read only|read-only|Cannot assign/);
      const state = await graph.getState(config);
      expect(state.values.claims[0].confidence).toBe(0.6);
    },
  );
});
