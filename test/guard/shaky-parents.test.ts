/**
 * Lineage acts (issue 18, item 3): a yellow verdict on a claim built on claims that are not
 * green blocks by default (`yellowOnShakyParents: "block"`), and passes tagged high-risk with
 * `"pass"`. Scripted judges stand in for a model's judgement throughout and are labelled so.
 */
import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GuardExhaustedError, HIGH_RISK_META, guardNodeInPlace, type BicrGuardOptions } from "../../nodes/index.js";
import { claimVerdicts, withWriteContract } from "../../src/claims/index.js";
import { caught, expectRejected, type BadOptionsCase } from "../breaker/support/bad-options.js";
import { INPUT, LedgerState, claimsOf, ledgerGuard, ruleJudge, source, type Assertion, type LedgerValues } from "./support/ledger-world.js";

const ORIGIN = { agent: "intake", source: "model" as const };
const SEED = { id: "seed", text: "Visitors counted 7 million in 2023", origin: ORIGIN, confidence: 0.9 };
const MID = { id: "mid", text: "The tower is Paris's busiest monument", origin: { ...ORIGIN, basedOn: ["seed"] }, confidence: 0.9 };
const DERIVED: Assertion = { text: "So the tower needs a second lift", basedOn: ["seed"] };

/** A scripted judge: yellow for the derived claims, green for everything else. */
const yellowForDerived = () => ruleJudge((text) => (text.startsWith("So ") ? "yellow" : "green"));

/**
 * intake stores `stored` claims, a scripted verifier labels `greens` green, then the guarded worker
 * writes `written`. Returns the run's result or error and what the judge saw.
 */
async function run(stored: object[], greens: string[], written: Assertion[], options: Partial<BicrGuardOptions> = {}) {
  const { judge, judged } = yellowForDerived();
  const worker = ledgerGuard(source(() => ({ claims: claimsOf("worker", ...written) })).producer, judge, { name: "worker", maxAttempts: 2, ...options });
  const verdicts = greens.map((id) => ({ id, status: "green" as const, reason: "scripted: checked", evidence: ["ev:registry"] }));
  const graph = new StateGraph(LedgerState)
    .addNode("intake", () => ({ claims: stored as never }))
    // Only the declared verifier's node may label a claim: a node named as the verifier signs.
    .addNode("challenger", withWriteContract(() => (verdicts.length === 0 ? {} : { claims: claimVerdicts("challenger", verdicts, { fetched: ["ev:registry"] }) }), { allowed: ["claims"], role: "verifier" }))
    .addNode("worker", worker)
    .addEdge(START, "intake")
    .addEdge("intake", "challenger")
    .addEdge("challenger", "worker")
    .addEdge("worker", END)
    .compile();
  try {
    return { out: (await graph.invoke(INPUT)) as LedgerValues, judged };
  } catch (error) {
    return { error: error as GuardExhaustedError, judged };
  }
}

describe("a yellow verdict on a claim built on claims that are not green", () => {
  it("blocks by default, and the record says which parent", async () => {
    const { error } = await run([SEED], [], [DERIVED]);
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(error!.record).toMatchObject({ outcome: "failed", blocked: 2 });
    const claim = error!.record.attempts[0]!.claims[0]!;
    expect(claim).toMatchObject({ verdict: "yellow", shakyParent: "seed" });
    expect(claim.reasons.join(" ")).toContain("yellow on a claim built on non-green seed");
  });

  it('passes tagged high-risk with yellowOnShakyParents: "pass"', async () => {
    const { out } = await run([SEED], [], [DERIVED], { yellowOnShakyParents: "pass" });
    const derived = out!.claims.find((c) => c.text === DERIVED.text)!;
    expect(derived.status).toBe("yellow");
    expect(derived.meta).toEqual(HIGH_RISK_META);
    expect(out!.guardRecords[0]).toMatchObject({ outcome: "passed", blocked: 0 });
  });

  it("passes (tagged high-risk) when every parent is green", async () => {
    const { out } = await run([SEED], ["seed"], [DERIVED]);
    expect(out!.guardRecords[0]).toMatchObject({ outcome: "passed", blocked: 0, highRiskClaimIds: [out!.claims.at(-1)!.id] });
  });

  it("follows the lineage: a green parent on a non-green grandparent still blocks, naming the grandparent", async () => {
    const { error } = await run([SEED, MID], ["mid"], [{ text: DERIVED.text, basedOn: ["mid"] }]);
    expect(error!.record.attempts[0]!.claims[0]!.shakyParent).toBe("seed");
  });

  it("a green verdict on the same derived claim is not affected", async () => {
    const { judge } = ruleJudge(() => "green");
    const worker = ledgerGuard(source(() => ({ claims: claimsOf("worker", DERIVED) })).producer, judge, { name: "worker" });
    const graph = new StateGraph(LedgerState).addNode("intake", () => ({ claims: [SEED] })).addNode("worker", worker).addEdge(START, "intake").addEdge("intake", "worker").addEdge("worker", END);
    const out = await graph.compile().invoke(INPUT);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "passed", blocked: 0 });
  });

  it("counts a parent from the same attempt by its verdict there: built on a yellow sibling, the yellow child blocks and the feedback names it", async () => {
    let feedback: string | undefined;
    const { judge } = ruleJudge((text) => (text.startsWith("So ") || text.startsWith("Lifts") ? "yellow" : "green"));
    const producer = source(({ feedback: f }) => {
      feedback ??= f?.failed.map((x) => x.reasons.join(" ")).join(" | ");
      const parent = { id: "lifts", text: "Lifts are the bottleneck", origin: { agent: "worker", source: "model" as const }, confidence: 0.9 };
      return { claims: [parent, ...claimsOf("worker", { text: DERIVED.text, basedOn: ["lifts"] })] };
    }).producer;
    const worker = ledgerGuard(producer, judge, { name: "worker", maxAttempts: 2 });
    const graph = new StateGraph(LedgerState).addNode("worker", worker).addEdge(START, "worker").addEdge("worker", END);
    const error = (await graph.compile().invoke(INPUT).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(error.record.attempts[0]!.claims.map((c) => [c.id === "lifts" ? "parent" : "child", c.verdict, c.shakyParent])).toEqual([
      ["parent", "yellow", undefined],
      ["child", "yellow", "lifts"],
    ]);
    expect(feedback).toContain("yellow on a claim built on non-green lifts");
  });

  it('is withheld under onExhausted "degrade" (treated like red), while a yellow claim with no parents is forwarded tagged high-risk', async () => {
    const { out } = await run([SEED], [], [DERIVED, { text: "So visits will grow" }], { onExhausted: "degrade" });
    const record = out!.guardRecords[0]!;
    expect(record.outcome).toBe("degraded");
    expect(record.withheld.map((w) => w.reason)).toEqual(["yellow on a claim built on non-green seed"]);
    // The yellow claim with no parents is forwarded tagged high-risk; the shaky one is not.
    expect(out!.claims.filter((c) => c.id !== "seed").map((c) => [c.text, c.status, c.meta])).toEqual([["So visits will grow", "yellow", HIGH_RISK_META]]);
  });
});

describe("yellowOnShakyParents option", () => {
  const { judge } = ruleJudge(() => "green");
  const { producer } = source(() => ({}));
  const calls = () => judge.callCount;
  const guard = (options: Record<string, unknown>) => () => ledgerGuard(producer, judge, options as never);
  const builder = () => new StateGraph(LedgerState).addNode("p", producer as never).addEdge(START, "p").addEdge("p", END);
  const onNode = (options: Record<string, unknown>) => () => guardNodeInPlace(builder(), "p", { challenger: judge, ...options } as never);
  const allowed = '"block", "pass"';
  const cases: BadOptionsCase[] = [
    ["an unknown mode", guard({ yellowOnShakyParents: "warn" }), "yellowOnShakyParents", allowed],
    ["upper case", guard({ yellowOnShakyParents: "BLOCK" }), "yellowOnShakyParents", allowed],
    ["true", guard({ yellowOnShakyParents: true }), "yellowOnShakyParents", allowed],
    ["a list", guard({ yellowOnShakyParents: ["block"] }), "yellowOnShakyParents", allowed],
    ["null", guard({ yellowOnShakyParents: null }), "yellowOnShakyParents", allowed],
    ["a 1 MB string", guard({ yellowOnShakyParents: "x".repeat(1_000_000) }), "yellowOnShakyParents", allowed],
    ["on guardNodeInPlace", onNode({ yellowOnShakyParents: "off" }), "yellowOnShakyParents", allowed],
  ];
  it.each(cases)("rejects %s with InvalidOptionsError", (...c) => expectRejected(c, calls));

  it("accepts block and pass", () => {
    expect(caught(guard({ yellowOnShakyParents: "block" }))).toBeUndefined();
    expect(caught(guard({ yellowOnShakyParents: "pass" }))).toBeUndefined();
  });
});
