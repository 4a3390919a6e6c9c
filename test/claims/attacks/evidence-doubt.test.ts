import { END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";

import { claimVerdicts, withWriteContract, type Claim, type ClaimVerdict } from "../../../src/index.js";
import { claim, settle, stateFor, STYLES, type Style } from "./support/state-styles.js";

type Review = { verdicts: ClaimVerdict[]; fetched?: string[] };

/** One thread; each `review` runs the declared verifier node once with the given batch. */
function session(style: Style, initial: unknown[]) {
  const queue: Review[] = [];
  const fn = () => {
    const r = queue.shift()!;
    return { claims: claimVerdicts("challenger", r.verdicts, { fetched: r.fetched ?? [] }) };
  };
  const node = style === "Annotation" ? withWriteContract(fn as any, { allowed: ["claims"], role: "verifier" }) : fn;
  const cp = new MemorySaver();
  const g: any = new StateGraph(stateFor(style))
    .addNode("researcher", ((s: any) => (s.claims.length === 0 ? { claims: initial } : {})) as any)
    .addNode("challenger", node as any)
    .addNode("writer", ((_s: any) => (pendingNew.length ? { claims: pendingNew.splice(0) } : {})) as any)
    .addEdge(START, "researcher").addEdge("researcher", "writer").addEdge("writer", "challenger").addEdge("challenger", END)
    .compile({ checkpointer: cp });
  const pendingNew: unknown[] = [];
  const config = { configurable: { thread_id: `t-${Math.random()}` } };
  let first = true;
  return {
    async review(r: Review | null, newClaims: unknown[] = []): Promise<{ ok: boolean; claims: Claim[]; error?: any }> {
      queue.length = 0;
      queue.push(r ?? { verdicts: [] as any });
      pendingNew.push(...newClaims);
      const noop = r === null;
      if (noop) queue[0] = null as any;
      const res = await settle(g.invoke(first ? {} : { claims: [] }, config));
      first = false;
      const s = await g.getState(config);
      return { ok: res.ok, claims: s.values.claims, error: res.ok ? undefined : res.error };
    },
  };
}

const get = (claims: Claim[], id: string) => claims.find((c) => c.id === id)!;
const v = (id: string, status: "green" | "yellow" | "red", evidence: string[] = []): ClaimVerdict => ({ id, status, reason: `${status} ${id}`, evidence });

describe.each(STYLES)("evidence rules (%s)", (style) => {
  const lift = async (steps: Array<[Review, boolean]>, initial: unknown[] = [claim("c1")]) => {
    const s = session(style, initial);
    let last: any;
    for (const [r, expectOk] of steps) {
      last = await s.review(r);
      expect({ review: r.verdicts.map((x) => `${x.status}:${(x.evidence ?? []).join(",")}`), ok: last.ok, err: String(last.error?.message ?? "").slice(0, 160) }).toMatchObject({ ok: expectOk });
    }
    return last;
  };

  it("green citing an id that exists nowhere (not fetched, not origin.ref) is rejected", async () => {
    await lift([[{ verdicts: [v("c1", "green", ["calc:ghost"])], fetched: ["calc:other"] }, false]]);
  });
  it("green with no evidence is rejected", async () => {
    await lift([[{ verdicts: [v("c1", "green", [])] }, false]]);
  });
  it("red → yellow with no evidence is rejected", async () => {
    await lift([[{ verdicts: [v("c1", "red", ["calc:r"])], fetched: ["calc:r"] }, true], [{ verdicts: [v("c1", "yellow", [])] }, false]]);
  });
  it("red → yellow → green reusing the yellow verdict's evidence is rejected", async () => {
    await lift([
      [{ verdicts: [v("c1", "red", ["calc:r"])], fetched: ["calc:r"] }, true],
      [{ verdicts: [v("c1", "yellow", ["calc:y"])], fetched: ["calc:y"] }, true],
      [{ verdicts: [v("c1", "green", ["calc:y"])], fetched: ["calc:y"] }, false],
    ]);
  });
  it("red → red → green on the first red verdict's evidence is rejected", async () => {
    await lift([
      [{ verdicts: [v("c1", "red", ["calc:r1"])], fetched: ["calc:r1"] }, true],
      [{ verdicts: [v("c1", "red", ["calc:r2"])], fetched: ["calc:r2"] }, true],
      [{ verdicts: [v("c1", "green", ["calc:r1"])], fetched: ["calc:r1"] }, false],
    ]);
  });
  it("green on origin.ref → red → green on origin.ref again is rejected (not new)", async () => {
    await lift(
      [
        [{ verdicts: [v("c1", "green", ["doc:1"])] }, true],
        [{ verdicts: [v("c1", "red", ["calc:r"])], fetched: ["calc:r"] }, true],
        [{ verdicts: [v("c1", "green", ["doc:1"])] }, false],
      ],
      [claim("c1", "researcher", undefined, { origin: { agent: "researcher", source: "tool", ref: "doc:1" } })],
    );
  });
  it("green citing another claim's origin.ref (not fetched) is rejected", async () => {
    await lift(
      [[{ verdicts: [v("c2", "green", ["doc:1"])] }, false]],
      [claim("c1", "researcher", undefined, { origin: { agent: "researcher", source: "tool", ref: "doc:1" } }), claim("c2")],
    );
  });
  it("a child that lost green cannot be re-greened on the evidence of its earlier green verdict", async () => {
    await lift(
      [
        [{ verdicts: [v("a", "green", ["e:a"]), v("b", "green", ["e:b"])], fetched: ["e:a", "e:b"] }, true],
        [{ verdicts: [v("a", "red", ["e:ar"])], fetched: ["e:ar"] }, true],
        [{ verdicts: [v("b", "green", ["e:b"])], fetched: ["e:b"] }, false],
      ],
      [claim("a"), claim("b", "analyst", ["a"])],
    );
  });
  it("a self-verdict is rejected (author == verifier)", async () => {
    await lift([[{ verdicts: [v("c1", "green", ["e:1"])], fetched: ["e:1"] }, false]], [claim("c1", "challenger")]);
  });
});

describe.each(STYLES)("doubt reaches every descendant (%s)", (style) => {
  const abc = () => [claim("a"), claim("b", "analyst", ["a"]), claim("c", "writer", ["b"])];
  const greenAll = { verdicts: [v("a", "green", ["e:a"]), v("b", "green", ["e:b"]), v("c", "green", ["e:c"])], fetched: ["e:a", "e:b", "e:c"] };

  it("A red ⇒ B and C lose green, require verification, confidence 0; later claims inherit", async () => {
    const s = session(style, abc());
    expect((await s.review(greenAll)).ok).toBe(true);
    const r = await s.review({ verdicts: [v("a", "red", ["e:r"])], fetched: ["e:r"] }, [claim("d", "late", ["c"], { requiresVerification: false })]);
    expect(r.ok).toBe(true);
    for (const id of ["b", "c", "d"]) {
      const c = get(r.claims, id);
      expect({ id, status: c.status, rv: c.requiresVerification, conf: c.confidence }).toEqual({ id, status: "unverified", rv: true, conf: 0 });
    }
    // a claim built after, on C
    const r2 = await s.review(null, [claim("e", "later", ["c"]), claim("f", "later", ["a"])]);
    for (const id of ["e", "f"]) {
      const c = get(r2.claims, id);
      expect({ id, rv: c.requiresVerification, conf: c.confidence, st: c.status }).toEqual({ id, rv: true, conf: 0, st: "unverified" });
    }
  });

  it("A yellow ⇒ B and C capped at 0.5 and lose green", async () => {
    const s = session(style, abc());
    await s.review(greenAll);
    const r = await s.review({ verdicts: [v("a", "yellow", ["e:y"])], fetched: ["e:y"] });
    expect(r.ok).toBe(true);
    for (const id of ["b", "c"]) {
      const c = get(r.claims, id);
      expect(c.status).toBe("unverified");
      expect(c.requiresVerification).toBe(true);
      expect(c.confidence).toBeLessThanOrEqual(0.5);
    }
  });

  it("A red while B, C were never verified ⇒ C capped at 0 transitively", async () => {
    const s = session(style, abc());
    const r = await s.review({ verdicts: [v("a", "red", ["e:r"])], fetched: ["e:r"] });
    expect(get(r.claims, "c").confidence).toBe(0);
    expect(get(r.claims, "b").confidence).toBe(0);
  });

  it("re-greening B after A went red does not lift the cap, and claims built on B stay capped", async () => {
    const s = session(style, abc());
    await s.review(greenAll);
    await s.review({ verdicts: [v("a", "red", ["e:r"])], fetched: ["e:r"] });
    const r = await s.review({ verdicts: [v("b", "green", ["e:b2"])], fetched: ["e:b2"] }, [claim("g", "later", ["b"])]);
    if (r.ok) {
      expect(get(r.claims, "b").confidence).toBe(0);
      const r2 = await s.review(null, [claim("h", "later", ["b"])]);
      expect(get(r2.claims, "h").confidence).toBe(0);
      expect(get(r2.claims, "h").requiresVerification).toBe(true);
    }
  });

  it("A red then green again (new evidence) does not lift the descendants' cap or restore their green", async () => {
    const s = session(style, abc());
    await s.review(greenAll);
    await s.review({ verdicts: [v("a", "red", ["e:r"])], fetched: ["e:r"] });
    const r = await s.review({ verdicts: [v("a", "green", ["e:a2"])], fetched: ["e:a2"] });
    expect(r.ok).toBe(true);
    expect(get(r.claims, "c").confidence).toBe(0);
    expect(get(r.claims, "c").status).toBe("unverified");
  });

  it("diamond and multi-parent: A yellow ⇒ D (on B and X) ≤ 0.5; A red ⇒ D 0", async () => {
    const s = session(style, [claim("a"), claim("x"), claim("b", "analyst", ["a"]), claim("d", "writer", ["b", "x"])]);
    let r = await s.review({ verdicts: [v("a", "yellow", ["e:y"])], fetched: ["e:y"] });
    expect(get(r.claims, "d").confidence).toBeLessThanOrEqual(0.5);
    r = await s.review({ verdicts: [v("a", "red", ["e:r"])], fetched: ["e:r"] });
    expect(get(r.claims, "d").confidence).toBe(0);
  });
});
