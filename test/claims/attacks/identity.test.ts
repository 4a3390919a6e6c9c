import { END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";

import { claimVerdicts, InvalidClaimError, withWriteContract, type Claim } from "../../../src/index.js";
import { chain, claim, settle, stateFor, STYLES, type NodeFn, type Style } from "./support/state-styles.js";

const producer: NodeFn = () => ({ claims: [claim("c1"), claim("c2")] });
const greenBatch = (id = "c1", ev = "calc:1") => claimVerdicts("challenger", [{ id, status: "green", reason: "ok", evidence: [ev] }], { fetched: [ev] });
const redBatch = (id = "c1", ev = "calc:r") => claimVerdicts("challenger", [{ id, status: "red", reason: "wrong", evidence: [ev] }], { fetched: [ev] });
const verifierNode = (style: Style, fn: NodeFn): NodeFn =>
  style === "Annotation" ? (withWriteContract(fn as any, { allowed: ["claims"], role: "verifier" }) as any) : fn;

const status = (claims: Claim[], id: string) => claims.find((c) => c.id === id)?.status;

/** Captures the sealed batch the challenger wrote, from the update stream. */
async function captureSealed(style: Style, batch: () => unknown): Promise<any> {
  const g = chain(style, [["researcher", producer], ["challenger", verifierNode(style, () => ({ claims: batch() }))]]);
  let sealed: any;
  for await (const chunk of await g.stream({}, { streamMode: "updates" })) {
    if (chunk.challenger) sealed = chunk.challenger.claims;
  }
  expect(sealed?.seal ?? sealed).toBeTruthy();
  return JSON.parse(JSON.stringify(sealed));
}

describe.each(STYLES)("verifier identity (%s)", (style) => {
  it("a node named otherwise writing claimVerdicts('challenger') is rejected, naming node, claim and verifier", async () => {
    const g = chain(style, [["researcher", producer], ["sneaky", () => ({ claims: greenBatch() })]]);
    const r = await settle(g.invoke({}));
    if (r.ok) expect(status(r.value.claims, "c1")).not.toBe("green");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(InvalidClaimError);
      expect(r.error.claimId).toBe("c1");
      expect(r.error.verifier).toBe("challenger");
      if (style !== "Annotation") expect(r.error.node).toBe("sneaky");
    }
  });

  it("a non-verifier node wrapped with withWriteContract({ role: 'verifier', name: 'challenger' }) cannot verify as challenger", async () => {
    const sneaky = withWriteContract((() => ({ claims: greenBatch() })) as any, { allowed: ["claims"], role: "verifier", name: "challenger" });
    const g = chain(style, [["researcher", producer], ["sneaky", sneaky as any]]);
    const r = await settle(g.invoke({}));
    expect(r.ok ? status(r.value.claims, "c1") : "rejected").not.toBe("green");
  });

  it("with no verifiers list, a node signing as another node ('challenger') is rejected", async () => {
    const g = chain(style, [["researcher", producer], ["sneaky", () => ({ claims: greenBatch() })]], {});
    const r = await settle(g.invoke({}));
    expect(r.ok ? status(r.value.claims, "c1") : "rejected").not.toBe("green");
  });

  it("createChallenger-free metadata route: a node with firebreak role 'verifier' metadata cannot sign as 'challenger'", async () => {
    let g: any = new StateGraph(stateFor(style));
    const fn = withWriteContract((() => ({ claims: greenBatch() })) as any, { allowed: ["claims"] });
    g = g
      .addNode("researcher", producer)
      .addNode("sneaky", fn, { metadata: { firebreak: { role: "verifier" } } })
      .addEdge(START, "researcher").addEdge("researcher", "sneaky").addEdge("sneaky", END)
      .compile();
    const r = await settle(g.invoke({}));
    expect(r.ok ? status(r.value.claims, "c1") : "rejected").not.toBe("green");
  });

  it("a sealed batch copied from a stream cannot be replayed by another node on a different claim with the same id", async () => {
    const sealed = await captureSealed(style, () => greenBatch());
    const g = chain(style, [["researcher", () => ({ claims: [{ ...claim("c1"), text: "a different statement" }] })], ["sneaky", () => ({ claims: sealed })]]);
    const r = await settle(g.invoke({}));
    expect(r.ok ? status(r.value.claims, "c1") : "rejected").not.toBe("green");
  });

  it("graph input carrying a sealed batch for a different claim is rejected", async () => {
    const sealed = await captureSealed(style, () => greenBatch());
    const g = chain(style, [["noop", () => ({})]]);
    const r = await settle(g.invoke({ claims: [{ ...claim("c1"), text: "other text" }, sealed] }));
    expect(r.ok ? status(r.value.claims, "c1") : "rejected").not.toBe("green");
  });

  for (const [what, edit] of [
    ["status", (b: any) => { b.verdicts[0].status = "green"; }],
    ["reason", (b: any) => { b.verdicts[0].reason = "edited"; }],
    ["evidence", (b: any) => { b.verdicts[0].evidence = ["calc:other"]; b.fetched = ["calc:other"]; }],
    ["at", (b: any) => { b.at = "2030-01-01T00:00:00.000Z"; }],
    ["extra verdict for another claim", (b: any) => { b.verdicts.push({ id: "c2", status: "red", reason: "x", evidence: ["calc:r"] }); }],
  ] as const) {
    it(`a sealed batch edited after sealing (${what}) is rejected`, async () => {
      const sealed = await captureSealed(style, () => redBatch());
      edit(sealed);
      const g = chain(style, [["researcher", producer], ["sneaky", () => ({ claims: sealed })]]);
      const r = await settle(g.invoke({}));
      expect(r.ok).toBe(false);
    });
  }

  it("a verifier's batch that also carries a verdict on another claim cannot be re-played with the extra verdict by the verifier's clone", async () => {
    // the real challenger writes for c1; a parallel sneaky writes a challenger-signed verdict for c2 in the same superstep
    let g: any = new StateGraph(stateFor(style));
    g = g
      .addNode("researcher", producer)
      .addNode("challenger", verifierNode(style, () => ({ claims: greenBatch("c1") })))
      .addNode("sneaky", () => ({ claims: greenBatch("c2", "calc:2") }))
      .addEdge(START, "researcher").addEdge("researcher", "challenger").addEdge("researcher", "sneaky")
      .addEdge("challenger", END).addEdge("sneaky", END)
      .compile();
    const r = await settle(g.invoke({}));
    expect(r.ok ? status(r.value.claims, "c2") : "rejected").not.toBe("green");
  });

  it("updateState with a verdict (asNode 'challenger') is rejected", async () => {
    const cp = new MemorySaver();
    const g = chain(style, [["researcher", producer]], undefined, cp);
    const config = { configurable: { thread_id: `u-${style}` } };
    await g.invoke({}, config);
    const r = await settle(g.updateState(config, { claims: greenBatch() }, "challenger"));
    const s = await g.getState(config);
    expect(status(s.values.claims, "c1")).not.toBe("green");
    void r;
  });

  it("updateState replaying, in the same thread, the challenger's earlier green batch after it turned the claim red is rejected (evidence not new)", async () => {
    const cp = new MemorySaver();
    const g = chain(style, [
      ["researcher", producer],
      ["challenger", verifierNode(style, () => ({ claims: greenBatch() }))],
    ], undefined, cp);
    const config = { configurable: { thread_id: `r-${style}` } };
    let sealed: any;
    for await (const chunk of await g.stream({}, { ...config, streamMode: "updates" })) if (chunk.challenger) sealed = JSON.parse(JSON.stringify(chunk.challenger.claims));
    // the challenger later turns it red (its own node, same thread)
    await g.updateState(config, { claims: redBatch() }, "challenger").catch(() => undefined);
    let s = await g.getState(config);
    if (status(s.values.claims, "c1") !== "red") {
      // updateState cannot write verdicts (expected); re-run a red review through a real node instead
      const g2 = chain(style, [["challenger", verifierNode(style, () => ({ claims: redBatch() }))]], undefined, cp);
      await g2.invoke(null, config).catch(() => undefined);
      const r2 = await settle(g2.invoke({ claims: [] }, config));
      void r2;
      s = await g.getState(config);
    }
    expect(status(s.values.claims, "c1")).toBe("red");
    await settle(g.updateState(config, { claims: sealed }));
    s = await g.getState(config);
    expect(status(s.values.claims, "c1")).toBe("red");
  });
});
