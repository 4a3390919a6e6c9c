// Other routes: graph input, updateState, look-alike names, subgraph Command.PARENT, Send with a stale view.
import { describe, expect, it } from "vitest";
import { Annotation, Command, END, MemorySaver, Overwrite, START, Send, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod/v4";
import { claimsChannel, claimsField } from "langgraph-firebreak";
import { Harness, STYLES, add, rejection, write, type Style } from "./support/harness.js";
import { batch, claim, notGreen, stillRed } from "./support/attack-kit.js";

const stateOf = (style: Style, opts: any) =>
  style === "annotation"
    ? Annotation.Root({ claims: claimsChannel(opts) })
    : style === "schema"
      ? new StateSchema({ claims: claimsChannel(opts) })
      : z.object({ claims: claimsField(opts) });

describe.each(STYLES)("routes (%s)", (style) => {
  for (const who of ["ch\u0430llenger", "challenger\u200b", "Challenger", "challenger "]) {
    it(`a node named ${JSON.stringify(who)} cannot verify as "challenger" or as itself`, async () => {
      const b: any = new StateGraph(stateOf(style, { verifiers: ["challenger"] }) as any)
        .addNode("researcher", () => ({ claims: [claim("c1")] }))
        .addNode(who, () => ({ claims: batch(["c1"], "green", who) }))
        .addNode("x", () => ({ claims: batch(["c1"], "green") }))
        .addEdge(START, "researcher")
        .addEdge("researcher", who)
        .addEdge(who, "x")
        .addEdge("x", END);
      const g = b.compile({ checkpointer: new MemorySaver() });
      await rejection(() => g.invoke({}, { configurable: { thread_id: "t" } }));
      const st = await g.getState({ configurable: { thread_id: "t" } }).catch(() => undefined);
      for (const c of st?.values?.claims ?? []) expect(c.status).not.toBe("green");
    });
  }

  it("updateState as the verifier with a fresh batch is rejected", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await rejection(() => h.graph.updateState(h.cfg(), { claims: batch(["c1"], "green") }, "challenger"));
    notGreen(await h.claims(), "c1");
  });

  it("updateState with an Overwrite of restamped claims does not make a red claim green", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
    await rejection(() => h.graph.updateState(h.cfg(), { claims: new Overwrite(forged) }, "sneaky"));
    notGreen(await h.claims(), "c1");
  });

  it("graph input with an Overwrite of restamped claims does not make a red claim green", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
    await rejection(() => h.run("mallory", () => ({}), "t", { claims: new Overwrite(forged) }));
    notGreen(await h.claims(), "c1");
  });

  it("a caller's Command({ update: verdict batch }) as graph input is rejected", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    h.route = ["mallory"];
    h.plan.mallory = () => ({});
    await rejection(() => h.graph.invoke(new Command({ update: { claims: batch(["c1"], "green") }, goto: "mallory" }), h.cfg()));
    h.route = [];
    notGreen(await h.claims(), "c1");
  });

  it("a caller's Command({ update: Overwrite }) as graph input does not make a red claim green", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
    h.route = ["mallory"];
    h.plan.mallory = () => ({});
    await rejection(() => h.graph.invoke(new Command({ update: { claims: new Overwrite(forged) }, goto: "mallory" }), h.cfg()));
    h.route = [];
    notGreen(await h.claims(), "c1");
  });

  it("graph input with a green copy of the claims (no Overwrite) does not lift a red verdict", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "green")));
    const green = structuredClone(await h.claims());
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() => h.run("mallory", () => ({}), "t", { claims: green }));
    stillRed(await h.claims(), "c1");
  });

  it("a subgraph's inner node named like the verifier cannot write a verdict to the parent with Command.PARENT", async () => {
    const opts = { verifiers: ["challenger"] };
    const inner: any = new StateGraph(stateOf(style, opts) as any)
      .addNode("challenger", () => new Command({ graph: Command.PARENT, update: { claims: batch(["c1"], "green") } }))
      .addEdge(START, "challenger")
      .compile();
    const g: any = new StateGraph(stateOf(style, opts) as any)
      .addNode("researcher", () => ({ claims: [claim("c1")] }))
      .addNode("sub", inner)
      .addEdge(START, "researcher")
      .addEdge("researcher", "sub")
      .addEdge("sub", END)
      .compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "t" } };
    const e = await rejection(() => g.invoke({}, cfg));
    const st = await g.getState(cfg).catch(() => undefined);
    const c1 = (st?.values?.claims ?? []).find((c: any) => c.id === "c1");
    if (style !== "annotation") expect(c1?.status ?? "unverified").not.toBe("green");
    else if (c1?.status === "green") expect(e).toBeUndefined(); // documented limit for an unwrapped subgraph node
  });

  it("Send to the verifier with a stale copy of a red claim cannot re-judge it green on that copy", async () => {
    const opts = { verifiers: ["challenger"] };
    let stale: any[] = [];
    let phase = 0;
    const b: any = new StateGraph(stateOf(style, opts) as any)
      .addNode("researcher", () => ({ claims: [claim("c1")] }))
      .addNode("router", () => ({}))
      .addNode("challenger", (s: any) => {
        if (phase === 0) {
          stale = structuredClone(s.claims);
          return { claims: batch(["c1"], "red") };
        }
        // judges what it is handed: the stale, never-judged copy
        return { claims: batch(["c1"], "green") };
      })
      .addEdge(START, "researcher")
      .addEdge("researcher", "challenger")
      .addConditionalEdges("challenger", () => (phase++ === 0 ? [new Send("challenger", { claims: stale })] : END));
    const g = b.compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "t" } };
    await rejection(() => g.invoke({}, cfg));
    const st = await g.getState(cfg).catch(() => undefined);
    const c1 = (st?.values?.claims ?? []).find((c: any) => c.id === "c1");
    expect(c1?.status).not.toBe("green");
  });
});
