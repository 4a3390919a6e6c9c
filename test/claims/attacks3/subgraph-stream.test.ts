// Subgraph outputs, Command.PARENT with Overwrite, and a stream consumer editing what it is handed.
import { describe, expect, it } from "vitest";
import { Annotation, Command, END, MemorySaver, Overwrite, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod/v4";
import { claimsChannel, claimsField } from "langgraph-firebreak";
import { Harness, STYLES, add, rejection, write, type Style } from "./support/harness.js";
import { batch, claim, notGreen } from "./support/attack-kit.js";

const stateOf = (style: Style, opts: any) =>
  style === "annotation"
    ? Annotation.Root({ claims: claimsChannel(opts) })
    : style === "schema"
      ? new StateSchema({ claims: claimsChannel(opts) })
      : z.object({ claims: claimsField(opts) });

async function parentWith(style: Style, inner: any) {
  const opts = { verifiers: ["challenger"] };
  const g: any = new StateGraph(stateOf(style, opts) as any)
    .addNode("researcher", () => ({ claims: [claim("c1")] }))
    .addNode("challenger", () => ({ claims: batch(["c1"], "red") }))
    .addNode("sub", inner)
    .addEdge(START, "researcher")
    .addEdge("researcher", "challenger")
    .addEdge("challenger", "sub")
    .addEdge("sub", END)
    .compile({ checkpointer: new MemorySaver() });
  const cfg = { configurable: { thread_id: "t" } };
  const e = await rejection(() => g.invoke({}, cfg));
  const st = await g.getState(cfg).catch(() => undefined);
  return { e, claims: (st?.values?.claims ?? []) as any[] };
}

describe.each(STYLES)("subgraphs and streams (%s)", (style) => {
  const opts = { verifiers: ["challenger"] };
  const forgeAll = (s: any) => s.claims.map((c: any) => ({ ...c, status: "green", requiresVerification: false }));

  it("a subgraph whose inner node Overwrites its own channel green hands back no green claim", async () => {
    const inner = new StateGraph(stateOf(style, opts) as any)
      .addNode("inner", (s: any) => ({ claims: new Overwrite(forgeAll(s)) }))
      .addEdge(START, "inner")
      .compile();
    const { claims } = await parentWith(style, inner);
    const c1 = claims.find((c) => c.id === "c1");
    if (c1) expect(c1.status).not.toBe("green");
  });

  it("a subgraph's inner node cannot Overwrite the parent's claims with Command.PARENT", async () => {
    const inner = new StateGraph(stateOf(style, opts) as any)
      .addNode("inner", (s: any) => new Command({ graph: Command.PARENT, update: { claims: new Overwrite(forgeAll(s)) } }))
      .addEdge(START, "inner")
      .compile();
    const { claims } = await parentWith(style, inner);
    const c1 = claims.find((c) => c.id === "c1");
    if (c1) expect(c1.status).not.toBe("green");
  });

  it("a stream consumer editing the values it is handed does not change the claims", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    h.route = ["mallory"];
    let seen: string | undefined;
    h.plan.mallory = (s: any) => ((seen = s.claims[0].status), {});
    for await (const chunk of await h.graph.stream({}, { ...h.cfg(), streamMode: "values" })) {
      for (const c of (chunk as any).claims ?? []) Object.assign(c, { status: "green", requiresVerification: false });
    }
    h.route = [];
    expect(seen).toBe("red");
    notGreen(await h.claims(), "c1");
  });
});
