import { Annotation, END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod/v4";
import {
  claimsChannel,
  claimsField,
  confirmingContexts,
  intentChannel,
  intentField,
  InvalidClaimError,
  lineage,
  withWriteContract,
  type Claim,
  type ClaimsUpdate,
} from "../../src/index.js";
import { claim, fixedClock } from "./support/builders.js";

type Node = (state: { claims: Claim[] }) => { claims: ClaimsUpdate };

const relay: Record<string, Node> = {
  researcher: () => ({ claims: [claim("researcher", "The bridge opened in 1932", { id: "r1", value: 1932 })] }),
  analyst: () => ({ claims: claim("analyst", "The bridge is over 90 years old", { id: "a1", basedOn: ["r1"] }) }),
  writer: (s) => ({ claims: [claim("writer", "A 90-year-old landmark", { basedOn: [s.claims.at(-1)!.id] })] }),
};

function annotationGraph(nodes: Record<string, Node>, order: string[]) {
  const State = Annotation.Root({ intent: intentChannel(), claims: claimsChannel(fixedClock) });
  const builder = new StateGraph(State);
  for (const name of order) builder.addNode(name, nodes[name]!);
  return chain(builder, order);
}

function schemaGraph(nodes: Record<string, Node>, order: string[]) {
  const State = new StateSchema({ intent: intentChannel(), claims: claimsChannel(fixedClock) });
  const builder = new StateGraph(State);
  for (const name of order) builder.addNode(name, nodes[name]!);
  return chain(builder, order);
}

function zodGraph(nodes: Record<string, Node>, order: string[]) {
  const State = z.object({ intent: intentField(), claims: claimsField(fixedClock) });
  const builder = new StateGraph(State);
  for (const name of order) builder.addNode(name, nodes[name]! as never);
  return chain(builder, order);
}

// The builders' precise generic types differ per style; the chain itself is the same.
function chain(builder: any, order: string[]) {
  builder.addEdge(START, order[0]);
  for (let i = 1; i < order.length; i++) builder.addEdge(order[i - 1], order[i]);
  builder.addEdge(order.at(-1), END);
  return builder.compile({ checkpointer: new MemorySaver() }) as {
    invoke(input: unknown, config: object): Promise<{ claims: Claim[] }>;
    getState(config: object): Promise<{ values: { claims: Claim[] }; next: string[] }>;
  };
}

const styles = [
  ["Annotation.Root", annotationGraph],
  ["StateSchema", schemaGraph],
  ["zod object", zodGraph],
] as const;
const thread = (id: string) => ({ configurable: { thread_id: id } });

describe.each(styles)("claims in a compiled graph (%s)", (_name, build) => {
  it("relays claims with lineage, doubt and confirming contexts", async () => {
    const graph = build(relay, ["researcher", "analyst", "writer"]);
    const { claims } = await graph.invoke({ intent: "How old is the bridge?" }, thread("relay"));
    expect(claims.map((c) => c.origin.agent)).toEqual(["researcher", "analyst", "writer"]);
    expect(lineage(claims, claims[2]!.id).map((c) => c.id)).toEqual(["r1", "a1"]);
    expect(confirmingContexts(claims, "r1")).toBe(2);
    expect(claims.slice(1).every((c) => c.requiresVerification)).toBe(true);
  });

  it("rejects an update naming an unknown claim and keeps the earlier state", async () => {
    const nodes = { ...relay, analyst: () => ({ claims: claim("analyst", "x", { basedOn: ["ghost"] }) }) };
    const graph = build(nodes, ["researcher", "analyst"]);
    const error = await graph.invoke({}, thread("bad")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClaimError);
    expect((error as InvalidClaimError).field).toBe("origin.basedOn[0]");
  });
});

describe("where an invalid claims update is stopped", () => {
  it.each([
    ["StateSchema", schemaGraph],
    ["zod object", zodGraph],
  ] as const)("in %s state it fails the writing node: state is untouched and the thread resumes", async (_name, build) => {
    let attempts = 0;
    const nodes: Record<string, Node> = {
      ...relay,
      analyst: () => {
        attempts++;
        return attempts === 1
          ? { claims: [claim("analyst", "fine"), claim("analyst", "too sure", { confidence: 2 })] }
          : { claims: claim("analyst", "fixed", { basedOn: ["r1"] }) };
      },
    };
    const graph = build(nodes, ["researcher", "analyst", "writer"]);
    const error = await graph.invoke({}, thread("t")).catch((e: unknown) => e);
    expect((error as InvalidClaimError).index).toBe(1);
    const stuck = await graph.getState(thread("t"));
    expect(stuck.values.claims.map((c) => c.id)).toEqual(["r1"]);
    expect(stuck.next).toEqual(["analyst"]);
    const done = await graph.invoke(null, thread("t"));
    expect(done.claims.map((c) => c.origin.agent)).toEqual(["researcher", "analyst", "writer"]);
    expect(attempts).toBe(2);
  });

  it("in Annotation state a rejected write aborts its whole superstep: a parallel node's valid claims are not applied", async () => {
    const State = Annotation.Root({ claims: claimsChannel(fixedClock) });
    const saver = new MemorySaver();
    const graph = new StateGraph(State)
      .addNode("seed", () => ({ claims: claim("seed", "base", { id: "s1" }) }))
      .addNode("good", () => ({ claims: claim("good", "valid", { id: "g1", basedOn: ["s1"] }) }))
      .addNode("bad", () => ({ claims: claim("bad", "invalid", { basedOn: ["ghost"] }) }))
      .addEdge(START, "seed")
      .addEdge("seed", "good")
      .addEdge("seed", "bad")
      .addEdge("good", END)
      .addEdge("bad", END)
      .compile({ checkpointer: saver });
    const error = await graph.invoke({}, thread("p")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClaimError);
    const saved = await saver.getTuple(thread("p"));
    expect((saved!.checkpoint.channel_values["claims"] as Claim[]).map((c) => c.id)).toEqual(["s1"]);
  });

  it("in Annotation state LangGraph 1.7 keeps the rejected write pending and replays it on resume (host behaviour)", async () => {
    // Documents why claimsChannel recommends withWriteContract (or StateSchema) with Annotation:
    // the reducer runs after the write was recorded, so a resume hits the same rejection.
    let attempts = 0;
    const State = Annotation.Root({ claims: claimsChannel(fixedClock) });
    const graph = new StateGraph(State)
      .addNode("writer", () => {
        attempts++;
        return { claims: attempts === 1 ? claim("writer", "x", { basedOn: ["ghost"] }) : claim("writer", "x") };
      })
      .addEdge(START, "writer")
      .addEdge("writer", END)
      .compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke({}, thread("poison"))).rejects.toBeInstanceOf(InvalidClaimError);
    await expect(graph.invoke(null, thread("poison"))).rejects.toBeInstanceOf(InvalidClaimError);
    expect(attempts).toBe(1);
  });

  it("in Annotation state withWriteContract checks inside the node, so the thread resumes and re-runs the node", async () => {
    let attempts = 0;
    const State = Annotation.Root({ claims: claimsChannel(fixedClock) });
    const writer = withWriteContract(
      () => {
        attempts++;
        return { claims: attempts === 1 ? claim("writer", "x", { basedOn: ["ghost"] }) : claim("writer", "x") };
      },
      { allowed: ["claims"] },
    );
    const graph = new StateGraph(State)
      .addNode("writer", writer)
      .addEdge(START, "writer")
      .addEdge("writer", END)
      .compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke({}, thread("safe"))).rejects.toBeInstanceOf(InvalidClaimError);
    expect((await graph.getState(thread("safe"))).next).toEqual(["writer"]);
    const done = await graph.invoke(null, thread("safe"));
    expect(done.claims).toHaveLength(1);
    expect(attempts).toBe(2);
  });
});
