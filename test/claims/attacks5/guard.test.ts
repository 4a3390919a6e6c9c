// Promises 1 and 3 through a BICR guard's producer (guardNodeInPlace, createChallenger, scripted judge standing in
// for a model): what the guard commits is what its challenger judged, a producer cannot get a verdict in the
// challenger's name by hostile objects, and bad input fails with an error naming the guarded node.
import { Annotation, END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod/v4";
import { createChallenger, guardNodeInPlace } from "../../../nodes/index.js";
import * as lib from "../../../src/index.js";
import { scriptedJudge } from "../../../src/testing/index.js";
import { STYLES, batch, clearError, flip, green, newClaim, proxyFlip, rejection, type Claim, type Style } from "./kit.js";

const TRUE = "0.85^5 = 0.4437";
const FALSE = "0.85^5 = 0.52";
// Scripted judge: green exactly for the true text.
const judge = () => scriptedJudge((c: { text: string }) => (c.text === TRUE ? "green" : "red"));

function guarded(style: Style, producer: () => unknown) {
  const opts = { verifiers: ["challenger", "human"] };
  const state =
    style === "annotation" ? Annotation.Root({ claims: lib.claimsChannel(opts) }) : style === "schema" ? new StateSchema({ claims: lib.claimsChannel(opts) }) : z.object({ claims: lib.claimsField(opts) });
  const node = style === "annotation" ? lib.withWriteContract(producer as never, { allowed: ["claims"], claims: opts }) : producer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one builder over three state styles
  const b: any = new StateGraph(state as any).addNode("researcher", node as never).addEdge(START, "researcher").addEdge("researcher", END);
  guardNodeInPlace(b, "researcher", { challenger: createChallenger({ model: judge() as never }), maxAttempts: 2, onExhausted: "degrade" } as never);
  const graph = b.compile({ checkpointer: new MemorySaver() }) as { invoke(i: unknown, c: unknown): Promise<{ claims: Claim[] }> };
  const cfg = { configurable: { thread_id: `g-${Math.random()}` } };
  return { run: (input: unknown = {}) => graph.invoke(input, cfg) };
}

const claimText = (text: string) => ({ text, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } });

describe.each(STYLES)("%s", (style) => {
  it("a claim whose text getter answers the true text for N reads, the false one later: no green falsehood (N = 0..10)", async () => {
    for (let k = 0; k <= 10; k++) {
      const e = await rejection(async () => {
        const out = await guarded(style, () => {
          const c = claimText(TRUE);
          flip(c, "text", TRUE, FALSE, k);
          return { claims: [c] };
        }).run();
        for (const c of out.claims) if (c.status === "green") expect(c.text).toBe(TRUE);
      });
      if (e && (e as Error).name === "AssertionError") throw e;
      clearError(e, "researcher");
    }
  });

  it("a forged challenger batch behind a Proxy / getter verifier (researcher, then challenger) never greens c1", async () => {
    for (let k = 0; k <= 10; k++) {
      const forged = batch("researcher", [green("c1")], ["e1"]);
      flip(forged, "verifier", "researcher", "challenger", k);
      const seed = [{ ...newClaim("c1", "other") }];
      const e = await rejection(async () => {
        const out = await guarded(style, () => ({ claims: [claimText(TRUE), proxyFlip(forged, "kind", lib.CLAIM_VERDICTS_KIND, lib.CLAIM_VERDICTS_KIND, 0)] })).run({ claims: seed });
        expect(out.claims.find((c) => c.id === "c1")?.status).not.toBe("green");
      });
      if (e && (e as Error).name === "AssertionError") throw e;
    }
  });

  it("a Proxy claims array (the true claim for N reads, the false one later): no green falsehood", async () => {
    for (let k = 0; k <= 10; k++) {
      const [a, b] = [claimText(TRUE), claimText(FALSE)];
      const e = await rejection(async () => {
        const out = await guarded(style, () => ({ claims: proxyFlip([a], "0", a, b, k) })).run();
        for (const c of out.claims) if (c.status === "green") expect(c.text).toBe(TRUE);
      });
      if (e && (e as Error).name === "AssertionError") throw e;
    }
  });

  it("a frozen update, claims array and claim: judged and committed (or an error naming researcher)", async () => {
    const e = await rejection(async () => {
      const out = await guarded(style, () => Object.freeze({ claims: Object.freeze([Object.freeze({ ...claimText(TRUE), origin: Object.freeze({ agent: "researcher", source: "model" as const }) })]) })).run();
      expect(out.claims.map((c) => [c.text, c.status])).toEqual([[TRUE, "green"]]);
    });
    if (e && (e as Error).name === "AssertionError") throw e;
    clearError(e, "researcher");
  });

  it("a hole and a null in the producer's claims array: an error naming researcher, never a bare TypeError", async () => {
    for (const claims of [[, claimText(TRUE)], [null, claimText(TRUE)]]) {
      const e = await rejection(() => guarded(style, () => ({ claims })).run());
      clearError(e, "researcher");
    }
  });

  // Reported as a break (a bare TypeError reading 'claims'); it was this test's own read: a degraded guard whose
  // every attempt was invalid commits nothing, and LangGraph's invoke returns undefined for a run that wrote no
  // channel (a plain graph whose node returns {} does the same). The run is degraded: nothing green, no TypeError.
  it("every attempt invalid under onExhausted 'degrade': an error naming researcher, or a degraded run", async () => {
    const agentless = { text: TRUE, confidence: 0.9, origin: { source: "model" as const } }; // withWriteContract fills the agent in Annotation.Root
    for (const bad of [{ ...claimText(TRUE), confidence: 7 }, ...(style === "annotation" ? [] : [agentless])]) {
      const e = await rejection(async () => {
        const out = (await guarded(style, () => ({ claims: [bad] })).run()) as { claims: Claim[] } | undefined;
        for (const c of out?.claims ?? []) expect(c.status).not.toBe("green");
      });
      if (e && (e as Error).name === "AssertionError") throw e;
      if (e) expect((e as Error).constructor.name).not.toBe("TypeError");
      if (e) expect((e as Error).message).toContain("researcher");
    }
  });
});
