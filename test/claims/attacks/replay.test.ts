import { END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";

import { claimVerdicts, InvalidClaimError, withWriteContract, type Claim, type ClaimVerdict } from "../../../src/index.js";
import { claim, settle, stateFor, STYLES, type Style } from "./support/state-styles.js";

const v = (id: string, status: "green" | "yellow" | "red", evidence: string[]): ClaimVerdict => ({ id, status, reason: `${status} ${id}`, evidence });

/** Thread with a declared challenger (reviews from a queue) and a sneaky node that writes whatever is queued for it. */
function thread(style: Style) {
  const forChallenger: ClaimVerdict[][] = [];
  const forSneaky: unknown[] = [];
  const ch = () => {
    const verdicts = forChallenger.shift();
    return verdicts ? { claims: claimVerdicts("challenger", verdicts, { fetched: verdicts.flatMap((x) => x.evidence ?? []) }) } : {};
  };
  const node = style === "Annotation" ? withWriteContract(ch as any, { allowed: ["claims"], role: "verifier" }) : ch;
  const g: any = new StateGraph(stateFor(style))
    .addNode("researcher", ((s: any) => (s.claims.length ? {} : { claims: [claim("c1")] })) as any)
    .addNode("challenger", node as any)
    .addNode("sneaky", (() => (forSneaky.length ? { claims: forSneaky.shift() } : {})) as any)
    .addEdge(START, "researcher").addEdge("researcher", "challenger").addEdge("challenger", "sneaky").addEdge("sneaky", END)
    .compile({ checkpointer: new MemorySaver() });
  const config = { configurable: { thread_id: `x-${Math.random()}` } };
  const sealedFromChallenger: any[] = [];
  return {
    g,
    config,
    sealedFromChallenger,
    async run(opts: { challenger?: ClaimVerdict[]; sneaky?: unknown }) {
      if (opts.challenger) forChallenger.push(opts.challenger);
      if (opts.sneaky) forSneaky.push(opts.sneaky);
      let error: unknown;
      try {
        for await (const chunk of await g.stream({ claims: [] }, { ...config, streamMode: "updates" })) {
          if (chunk.challenger?.claims) sealedFromChallenger.push(JSON.parse(JSON.stringify(chunk.challenger.claims)));
        }
      } catch (e) {
        error = e;
      }
      forChallenger.length = 0;
      forSneaky.length = 0;
      // With Annotation state a reducer rejection leaves the write saved and getState re-applies it
      // (documented host behaviour): treat that as a rejection.
      const s = await g.getState(config).catch((e: unknown) => ({ values: { claims: [] }, stuck: e }));
      return { error: error ?? (s as any).stuck, claims: s.values.claims as Claim[] };
    },
  };
}
const st = (claims: Claim[], id: string) => claims.find((c) => c.id === id)?.status;

describe.each(STYLES)("replaying a sealed verdict in the same thread (%s)", (style) => {
  it("a non-verifier node replaying the challenger's earlier sealed RED batch cannot knock a re-greened claim back to red", async () => {
    const t = thread(style);
    let r = await t.run({ challenger: [v("c1", "red", ["e:r"])] });
    expect(st(r.claims, "c1")).toBe("red");
    const oldRed = t.sealedFromChallenger[0];
    r = await t.run({ challenger: [v("c1", "green", ["e:g"])] });
    expect(st(r.claims, "c1")).toBe("green");
    r = await t.run({ sneaky: oldRed });
    // In Annotation state only the reducer sees the write, and LangGraph 1.7 keeps a rejected write
    // pending and re-applies it on getState (documented): the state read then fails, never shows red.
    if (style === "Annotation") expect(st(r.claims, "c1")).not.toBe("red");
    else expect(st(r.claims, "c1")).toBe("green");
    // Rejected as a replay, naming the claim and the verifier (and the node where the writer is known: zod, StateSchema).
    expect(r.error).toBeInstanceOf(InvalidClaimError);
    // zod/StateSchema reject it at node time (sealed in another task); Annotation's reducer by the version binding.
    expect(r.error).toMatchObject({ claimId: "c1", verifier: "challenger", field: style === "Annotation" ? "versions[0]" : "task" });
    if (style !== "Annotation") expect(r.error.node).toBe("sneaky");
  });

  it("updateState replaying the challenger's earlier sealed RED batch cannot knock a re-greened claim back to red", async () => {
    const t = thread(style);
    await t.run({ challenger: [v("c1", "red", ["e:r"])] });
    const oldRed = t.sealedFromChallenger[0];
    const r = await t.run({ challenger: [v("c1", "green", ["e:g"])] });
    expect(st(r.claims, "c1")).toBe("green");
    const u = await settle(t.g.updateState(t.config, { claims: oldRed }));
    expect(u.ok).toBe(false);
    if (!u.ok) expect(u.error).toMatchObject({ claimId: "c1", verifier: "challenger", field: style === "Annotation" ? "versions[0]" : "task" });
    const s = await t.g.getState(t.config);
    expect(st(s.values.claims, "c1")).toBe("green");
  });

  it("a sealed GREEN batch replayed by a non-verifier node in the same thread after red is rejected", async () => {
    const t = thread(style);
    await t.run({ challenger: [v("c1", "green", ["e:g"])] });
    const oldGreen = t.sealedFromChallenger[0];
    let r = await t.run({ challenger: [v("c1", "red", ["e:r"])] });
    expect(st(r.claims, "c1")).toBe("red");
    r = await t.run({ sneaky: oldGreen });
    expect(st(r.claims, "c1")).not.toBe("green");
  });

  it("an evidence-rule rejection names node, claim and verifier", async () => {
    const t = thread(style);
    await t.run({ challenger: [v("c1", "red", ["e:r"])] });
    const r = await t.run({ challenger: [v("c1", "green", ["e:r"])] });
    expect(r.error).toBeInstanceOf(InvalidClaimError);
    const e = r.error as InvalidClaimError;
    expect(e.claimId).toBe("c1");
    expect(e.verifier).toBe("challenger");
    expect(e.node).toBe("challenger");
  });
});
