// Promise 3: a yellow verdict on a claim whose lineage (transitively) is not all green blocks by
// default. Judges are SCRIPTED stand-ins for a model's judgement ("maybe" → yellow, "WRONG" → red).
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { claimsChannel } from "../../../src/claims/index.js";
import { isInvalidOptionsError } from "../../../src/errors.js";
import { createBicrGuard, createChallenger, guardRecordsChannel, type GuardFeedback } from "../../../nodes/index.js";
import { INPUT, MsgState, chain, claim, moodJudge, source, tid, verdicts } from "./world.js";

const seedUnverified = () => ({ claims: [{ id: "seed", text: "The relay has five stages", origin: { agent: "intake", source: "human" as const }, confidence: 1 }] });
const ids = (out: any) => out.claims.map((c: any) => `${c.id}:${c.status}`);

describe("yellow on shaky parents blocks by default", () => {
  it("a deep chain across handoffs (seed unverified → p1 → p2, both judged green) under a yellow claim: blocked, naming the root", async () => {
    const { judge } = moodJudge();
    const h1 = source(() => ({ claims: [claim("h1", "p1 holds", { id: "p1", basedOn: ["seed"] })] }));
    const h2 = source(() => ({ claims: [claim("h2", "p2 holds", { id: "p2", basedOn: ["p1"] })] }));
    const h3 = source(() => ({ claims: [claim("h3", "maybe d holds", { id: "d", basedOn: ["p2"] })] }));
    const out: any = await chain([["h1", h1.producer], ["h2", h2.producer], ["h3", h3.producer, { onExhausted: "degrade" }]], judge, seedUnverified).compile().invoke(INPUT);
    const r3 = out.guardRecords[2];
    expect(verdicts(r3)).toEqual([["yellow^"], ["yellow^"], ["yellow^"]]);
    expect(r3.attempts[0].claims[0].shakyParent).toBe("seed");
    expect(r3.attempts[0].claims[0].reasons.join(" ")).toContain("yellow on a claim built on non-green seed");
    expect(r3.withheld.map((w: any) => w.id)).toEqual(["d"]);
    expect(out.claims.find((c: any) => c.id === "d")).toBeUndefined();
    expect((h3.turns[1]!.feedback as GuardFeedback).failed[0]!.reasons.join(" ")).toContain("non-green seed");
  });

  it("a yellow root that passed tagged high-risk, a green claim on it, then a yellow claim on that: blocked, naming the yellow root", async () => {
    const { judge } = moodJudge();
    const h1 = source(() => ({ claims: [claim("h1", "maybe y holds", { id: "y" })] }));
    const h2 = source(() => ({ claims: [claim("h2", "p holds", { id: "p", basedOn: ["y"] })] }));
    const h3 = source(() => ({ claims: [claim("h3", "maybe d holds", { id: "d", basedOn: ["p"] })] }));
    const out: any = await chain([["h1", h1.producer], ["h2", h2.producer], ["h3", h3.producer, { onExhausted: "degrade" }]], judge).compile().invoke(INPUT);
    expect(out.guardRecords[0].highRiskClaimIds).toEqual(["y"]);
    expect(out.guardRecords[2].attempts[0].claims[0].shakyParent).toBe("y");
    expect(out.claims.map((c: any) => c.id)).toEqual(["y", "p"]);
  });

  it("control: the same chain rooted in a green claim lets the yellow pass tagged high-risk", async () => {
    const { judge } = moodJudge();
    const h1 = source(() => ({ claims: [claim("h1", "p1 holds", { id: "p1" })] }));
    const h2 = source(() => ({ claims: [claim("h2", "p2 holds", { id: "p2", basedOn: ["p1"] })] }));
    const h3 = source(() => ({ claims: [claim("h3", "maybe d holds", { id: "d", basedOn: ["p2"] })] }));
    const out: any = await chain([["h1", h1.producer], ["h2", h2.producer], ["h3", h3.producer]], judge).compile().invoke(INPUT);
    expect(ids(out)).toEqual(["p1:green", "p2:green", "d:yellow"]);
    expect(out.guardRecords[2].highRiskClaimIds).toEqual(["d"]);
  });

  it("a diamond with one shaky side, and parents in the same attempt (green on an unverified root, a yellow sibling): blocked", async () => {
    const plans: Record<string, () => unknown> = {
      diamond: () => ({ claims: [claim("a", "g holds", { id: "g" }), claim("a", "u holds", { id: "u", basedOn: ["seed"] }), claim("a", "maybe d", { id: "d", basedOn: ["g", "u"] })] }),
      greenOnUnverified: () => ({ claims: [claim("a", "p holds", { id: "p", basedOn: ["seed"] }), claim("a", "maybe d", { id: "d", basedOn: ["p"] })] }),
      yellowSibling: () => ({ claims: [claim("a", "maybe p", { id: "p" }), claim("a", "maybe d", { id: "d", basedOn: ["p"] })] }),
    };
    for (const [name, plan] of Object.entries(plans)) {
      const { judge } = moodJudge();
      const src = source(plan);
      const out: any = await chain([["a", src.producer, { onExhausted: "degrade" }]], judge, seedUnverified).compile().invoke(INPUT);
      const d = out.guardRecords[0].attempts[0].claims.find((c: any) => c.id === "d");
      expect([name, d.verdict, d.shakyParent]).toEqual([name, "yellow", name === "yellowSibling" ? "p" : "seed"]);
      expect(out.claims.find((c: any) => c.id === "d")).toBeUndefined();
    }
  });

  it("ids that do not exist, a self-parent and a cycle inside the attempt: the update is rejected, nothing is committed", async () => {
    const plans = [
      () => ({ claims: [claim("a", "maybe d", { id: "d", basedOn: ["ghost"] })] }),
      () => ({ claims: [claim("a", "maybe d", { id: "d", basedOn: ["d"] })] }),
      () => ({ claims: [claim("a", "p holds", { id: "p", basedOn: ["d"] }), claim("a", "maybe d", { id: "d", basedOn: ["p"] })] }),
    ];
    for (const plan of plans) {
      const { judge } = moodJudge();
      const out: any = await chain([["a", source(plan).producer, { onExhausted: "degrade" }]], judge).compile().invoke(INPUT);
      expect(out.guardRecords[0].outcome).toBe("degraded");
      expect(out.guardRecords[0].attempts[0].invalidUpdate).toBeTruthy();
      expect(out.claims).toEqual([]);
    }
  });

  it("a parent handed on from another run (yellow there) makes a yellow claim on it block here", async () => {
    const { judge } = moodJudge();
    const first: any = await chain([["a", source(() => ({ claims: [claim("a", "maybe y", { id: "y" })] })).producer]], judge).compile().invoke(INPUT);
    expect(first.claims[0].status).toBe("yellow");
    const seedFromRun1 = () => ({ claims: JSON.parse(JSON.stringify(first.claims)) });
    const out: any = await chain([["b", source(() => ({ claims: [claim("b", "maybe d", { id: "d", basedOn: ["y"] })] })).producer, { onExhausted: "degrade" }]], judge, seedFromRun1).compile().invoke(INPUT);
    expect(out.guardRecords[0].attempts[0].claims[0].shakyParent).toBe("y");
    expect(out.claims.map((c: any) => c.id)).toEqual(["y"]);
  });

  it("the parent itself re-submitted unchanged and judged green in the same attempt turns the lineage green (the judge did judge it)", async () => {
    const { judge, judged } = moodJudge();
    const plan = () => ({ claims: [{ id: "seed", text: "The relay has five stages", origin: { agent: "intake", source: "human" as const }, confidence: 1 }, claim("a", "maybe d", { id: "d", basedOn: ["seed"] })] });
    const out: any = await chain([["a", source(plan).producer]], judge, seedUnverified).compile().invoke(INPUT);
    expect(judged).toContain("The relay has five stages");
    expect(ids(out)).toEqual(["seed:green", "d:yellow"]);
  });

  it("\"pass\" lets a yellow on an unverified parent through, tagged high-risk", async () => {
    const { judge } = moodJudge();
    const out: any = await chain([["a", source(() => ({ claims: [claim("a", "maybe d", { id: "d", basedOn: ["seed"] })] })).producer, { yellowOnShakyParents: "pass" }]], judge, seedUnverified).compile().invoke(INPUT);
    expect(ids(out)).toEqual(["seed:unverified", "d:yellow"]);
    expect(out.guardRecords[0].highRiskClaimIds).toEqual(["d"]);
    expect(out.claims[1].meta.firebreak.risk).toBe("high");
  });
});

describe("hostile option values are InvalidOptionsError naming the option", () => {
  const base = () => ({ producer: () => ({}), challenger: createChallenger({ model: moodJudge().judge }), state: MsgState });
  it.each([["yellowOnShakyParents", "PASS"], ["yellowOnShakyParents", ""], ["yellowOnShakyParents", null], ["yellowOnShakyParents", 0], ["yellowOnShakyParents", ["pass"]], ["yellowOnShakyParents", { toString: () => "pass" }], ["yellowOnShakyParents", "block "], ["redLedger", "false"], ["redLedger", 0], ["redLedger", null], ["redLedger", "yes"], ["redLedger", {}]] as const)("%s: %j", (option, value) => {
    let error: unknown;
    try {
      createBicrGuard({ ...base(), [option]: value } as any);
    } catch (e) {
      error = e;
    }
    expect(isInvalidOptionsError(error)).toBe(true);
    expect((error as any).option).toBe(option);
    expect((error as Error).message).toContain(option);
  });

  it("redLedger: false really turns the ledger off (each attempt is judged afresh)", async () => {
    const { judge, judged } = moodJudge();
    const src = source(() => ({ claims: [claim("a", "WRONG claim")] }));
    const S = Annotation.Root({ task: Annotation<string>(), claims: claimsChannel(), guardRecords: guardRecordsChannel() });
    const g = new StateGraph(S).addNode("a", createBicrGuard({ producer: src.producer, challenger: createChallenger({ model: judge }), state: S, name: "a", redLedger: false, onExhausted: "degrade" })).addEdge(START, "a").addEdge("a", END).compile({ checkpointer: new MemorySaver() });
    await g.invoke(INPUT, { configurable: { thread_id: tid("off") } });
    expect(judged).toHaveLength(3);
  });
});
