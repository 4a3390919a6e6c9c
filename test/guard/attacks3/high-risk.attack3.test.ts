// Promise 1: a claim that passes the guard as yellow is committed tagged high-risk, listed in
// highRiskClaimIds and still requires verification, in every onExhausted mode; the posterior
// shows status, risk and pending verification; what is built on it inherits the doubt.
// Judges are SCRIPTED stand-ins for a model's judgement.
import { END, MemorySaver, START, StateGraph, Annotation } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { HIGH_RISK_META } from "../../../nodes/index.js";
import { claimsChannel, formatPosterior, fromPosterior, toPosterior } from "../../../src/claims/index.js";
import { INPUT, MsgState, chain, claim, moodJudge, say, source, tid } from "./world.js";

const byId = (claims: any[], id: string) => claims.find((c) => c.id === id);

describe("yellow passes are committed tagged high-risk", () => {
  it.each(["fail", "degrade", "interrupt"] as const)("onExhausted %s: a producer's own risk \"low\" tag is replaced, the record lists the claim, it still requires verification", async (mode) => {
    const { judge } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "maybe the tower is 330 m", { id: "y", value: 330, meta: { firebreak: { risk: "low", by: "me" }, note: 1 } })] }));
    const out: any = await chain([["a", src.producer, { onExhausted: mode }]], judge).compile({ checkpointer: new MemorySaver() }).invoke(INPUT, { configurable: { thread_id: tid("hr") } });
    const y = byId(out.claims, "y");
    expect(y.status).toBe("yellow");
    expect(y.requiresVerification).toBe(true);
    expect(y.meta.firebreak).toEqual(HIGH_RISK_META.firebreak);
    expect(y.meta.note).toBe(1);
    expect(out.guardRecords[0].outcome).toBe("passed");
    expect(out.guardRecords[0].highRiskClaimIds).toEqual(["y"]);
    const p = toPosterior(out.claims).claims.find((c) => c.id === "y")!;
    expect([p.status, p.risk, p.requires_verification]).toEqual(["yellow", "high", true]);
  });

  it("degrade after exhaustion: the red claim is withheld, the yellow one forwarded tagged and listed", async () => {
    const { judge } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "WRONG: the tower is in Rome", { id: "r" }), claim("a", "maybe it is 330 m", { id: "y" })] }));
    const out: any = await chain([["a", src.producer, { onExhausted: "degrade" }]], judge).compile().invoke(INPUT);
    expect(out.guardRecords[0].outcome).toBe("degraded");
    expect(byId(out.claims, "r")).toBeUndefined();
    expect(byId(out.claims, "y").meta.firebreak.risk).toBe("high");
    expect(byId(out.claims, "y").requiresVerification).toBe(true);
    expect(out.guardRecords[0].highRiskClaimIds).toEqual(["y"]);
  });

  it("prose only: the claim made from a yellow AI message is tagged high-risk and listed", async () => {
    const { judge } = moodJudge();
    const src = source(() => ({ messages: [say("a", "Maybe the tower is 330 m tall.")] }));
    const out: any = await chain([["a", src.producer]], judge).compile().invoke(INPUT);
    expect(out.claims).toHaveLength(1);
    expect(out.claims[0].status).toBe("yellow");
    expect(out.claims[0].meta?.firebreak?.risk).toBe("high");
    expect(out.guardRecords[0].highRiskClaimIds).toEqual([out.claims[0].id]);
  });

  it("a consumer re-writing the yellow claim with risk \"low\" leaves it tagged; what it derives (two deep) is high-risk in the posterior", async () => {
    const { judge } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "maybe the tower is 330 m", { id: "y" })] }));
    const build = (consumer: (s: any) => any) =>
      new StateGraph(MsgState).addNode("a", chain([["a", src.producer]], judge).compile() as any).addNode("consumer", consumer).addEdge(START, "a").addEdge("a", "consumer").addEdge("consumer", END).compile();
    const strip = (s: any) => {
      const c = JSON.parse(JSON.stringify(byId(s.claims, "y")));
      delete c.meta;
      return { claims: [{ ...c, meta: { firebreak: { risk: "low" } } }] };
    };
    const rewritten: any = await build(strip).invoke(INPUT); // the stored claim is kept as it was (claims are immutable)
    expect(byId(rewritten.claims, "y").meta.firebreak.risk).toBe("high");
    expect(toPosterior(rewritten.claims).claims.find((c) => c.id === "y")!.risk).toBe("high");
    const out: any = await build(() => ({ claims: [claim("c", "so it is tall", { id: "d1", basedOn: ["y"] }), claim("c", "so it is very tall", { id: "d2", basedOn: ["d1"] })] })).invoke(INPUT);
    const post = toPosterior(out.claims).claims;
    for (const id of ["y", "d1", "d2"]) {
      const p = post.find((c) => c.id === id)!;
      expect([id, p.risk, p.requires_verification]).toEqual([id, "high", true]);
    }
    const text = formatPosterior(out.claims);
    expect(text).toMatch(/"id": "y"[\s\S]*"requires_verification": true,[\s\S]*"status": "yellow",[\s\S]*"risk": "high"/);
  });

  it("handed to another graph (JSON round trip): kept yellow/high where the challenger is accepted, unverified but still high-risk where it is not", async () => {
    const { judge } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "maybe the tower is 330 m", { id: "y" })] }));
    const out: any = await chain([["a", src.producer]], judge).compile().invoke(INPUT);
    for (const [verifiers, status] of [[["challenger", "human"], "yellow"], [["auditor"], "unverified"]] as const) {
      const S2 = Annotation.Root({ claims: claimsChannel({ verifiers: [...verifiers] }) });
      const g2 = new StateGraph(S2).addNode("n", () => ({})).addEdge(START, "n").addEdge("n", END).compile();
      const o = await g2.invoke({ claims: JSON.parse(JSON.stringify(out.claims)) });
      const p = toPosterior(o.claims).claims[0]!;
      expect([p.status, p.risk, p.requires_verification]).toEqual([status, "high", true]);
    }
  });

  // Was BROKEN (fixed: claimRisk reads the kept verdict history of a claim that is not green now): docs/guard.md promises a yellow pass is tagged high-risk and "formatPosterior shows the next agent its risk";
  // the tag is not covered by any seal, so a hand-over that drops `meta` into a graph whose verifier list lacks the
  // challenger makes the claim arrive unverified with risk "unknown", although its kept history says yellow.
  it("handed on with meta stripped to a graph that does not accept the challenger: the claim whose history says yellow is still high-risk", async () => {
    const { judge } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "maybe the tower is 330 m", { id: "y" })] }));
    const out: any = await chain([["a", src.producer]], judge).compile().invoke(INPUT);
    const handed = JSON.parse(JSON.stringify(out.claims));
    delete handed[0].meta;
    const S2 = Annotation.Root({ claims: claimsChannel({ verifiers: ["auditor"] }) });
    const g2 = new StateGraph(S2).addNode("n", () => ({})).addEdge(START, "n").addEdge("n", END).compile();
    const o = await g2.invoke({ claims: handed });
    expect(o.claims[0]!.verifiedBy?.status).toBe("yellow"); // the history still says yellow
    expect(toPosterior(o.claims).claims[0]!.risk).toBe("high");
  });

  it("posterior round trip (toPosterior → fromPosterior → channel): the relayed claim still requires verification (status dropped, as documented)", async () => {
    const { judge } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "maybe the tower is 330 m", { id: "y", value: 330 })] }));
    const out: any = await chain([["a", src.producer]], judge).compile().invoke(INPUT);
    const relayed = fromPosterior(JSON.parse(JSON.stringify(toPosterior(out.claims))), { agent: "relay" });
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.requiresVerification).toBe(true);
    const S2 = Annotation.Root({ claims: claimsChannel() });
    const o = await new StateGraph(S2).addNode("n", () => ({})).addEdge(START, "n").addEdge("n", END).compile().invoke({ claims: relayed });
    const p = toPosterior(o.claims).claims[0]!;
    expect(p.requires_verification).toBe(true);
    expect(p.status).toBe("unverified");
  });
});
