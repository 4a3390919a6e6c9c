import { describe, expect, it } from "vitest";
import { createHandoff, reduceClaims, reduceIntent } from "../../src/index.js";
import { claim, fixedClock, reviewed } from "./support/builders.js";

const intent = reduceIntent(null, { text: "Should we ship on Friday?", constraints: ["no weekend on-call"], setBy: "pm" }, fixedClock);
const claims = reduceClaims(
  [],
  [
    claim("qa", "All tests pass", { id: "q1" }),
    claim("qa", "Load test failed at 2k rps", { id: "q2" }),
    claim("sre", "Dashboards are green", { id: "s1" }), // not in the analyst's lineage
    claim("analyst", "The release is safe", { id: "a1", basedOn: ["q1", "q2"] }),
    claim("analyst", "Ship Friday", { id: "a2", basedOn: ["a1"] }),
    reviewed("checker", [
      { id: "q1", status: "green", reason: "CI run 881", evidence: ["ci:881"] },
      { id: "q2", status: "red", reason: "the rerun passed", evidence: ["load:7"] },
    ]),
  ],
  fixedClock,
  { writer: "checker" },
);
const state = { intent, claims };

describe("createHandoff", () => {
  it("hands over the intent, the sender's claims and their lineage, with statuses", () => {
    const handoff = createHandoff(state, "analyst", "release-manager");
    expect(handoff.from).toBe("analyst");
    expect(handoff.to).toBe("release-manager");
    expect(handoff.intent).toEqual({ text: "Should we ship on Friday?", constraints: ["no weekend on-call"], setBy: "pm" });
    expect(handoff.claims.map((c) => [c.id, c.status])).toEqual([
      ["q1", "green"],
      ["q2", "red"],
      ["a1", "unverified"],
      ["a2", "unverified"],
    ]);
    expect(handoff.constraints).toEqual(["no weekend on-call"]);
  });

  it("lists what is not settled as open questions, without withholding the verdicts", () => {
    const { openQuestions } = createHandoff(state, "analyst", "release-manager", { questions: ["Who is on call?"] });
    expect(openQuestions).toEqual([
      'Contradicted: claim q2 by qa ("Load test failed at 2k rps") — checker: the rerun passed. Do not rely on it.',
      'Unverified: claim a1 by analyst ("The release is safe"). Check it before relying on it.',
      'Unverified: claim a2 by analyst ("Ship Friday"). Check it before relying on it.',
      "Who is on call?",
    ]);
  });

  it("measures the longest unverified relay chain among the handed-over claims", () => {
    expect(createHandoff(state, "analyst", "x").unverifiedDepth).toBe(3); // q2 (red) → a1 → a2
    expect(createHandoff(state, "sre", "x").unverifiedDepth).toBe(1);
  });

  it("can hand over every claim, and works before any intent is set", () => {
    const handoff = createHandoff({ claims }, "nobody", "x", { scope: "all", constraints: ["be brief"] });
    expect(handoff.intent).toBeNull();
    expect(handoff.claims).toHaveLength(5);
    expect(handoff.constraints).toEqual(["be brief"]);
    expect(createHandoff({ claims }, "nobody", "x").claims).toEqual([]);
  });
});
