import { describe, expect, it } from "vitest";
import { isFirebreakError } from "../../src/index.js";
import { ATTEMPTS, C1, STATE_STYLES, chain, launderingFailed, memory, type Outcome } from "./laundering-table.js";
import { claimVerdicts, withWriteContract, type Claim } from "../../src/index.js";
import { KEY_A, KEY_B, verdictAcrossResume } from "./resume-table.js";

function describeOutcome(o: Outcome): string {
  return "rejected" in o ? `rejected: ${o.rejected.message}` : JSON.stringify(o.claims.map((c) => [c.id, c.status]));
}

describe.each(STATE_STYLES)("laundering attempts in $name state, in memory: each ends rejected or not green", (style) => {
  it.each(ATTEMPTS)("$name", async (attempt) => {
    const o = await attempt.run(style, memory());
    expect(launderingFailed(o), describeOutcome(o)).toBe(true);
    // A rejection is the channel's (or the contract's), never an unrelated crash.
    if ("rejected" in o) expect(isFirebreakError(o.rejected), o.rejected.stack).toBe(true);
    if (attempt.why === "not green") expect("claims" in o, describeOutcome(o)).toBe(true);
    else expect("rejected" in o && o.rejected.message, describeOutcome(o)).toMatch(attempt.why);
  });

  it("the declared verifier does turn the claim green (the table is not vacuous)", async () => {
    const verifier = () => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "checked", evidence: ["e1"] }], { fetched: ["e1"] }) });
    const node = style.name === "Annotation.Root" ? withWriteContract(verifier, { allowed: ["claims"], role: "verifier" }) : verifier;
    const out = await chain(style, [["researcher", () => ({ claims: [C1] })], ["challenger", node as never]]).invoke({});
    expect((out.claims as Claim[])[0]).toMatchObject({ id: "c1", status: "green", verifiedBy: { verifier: "challenger", status: "green" } });
  });
});

describe.each(STATE_STYLES)("resuming from a checkpoint in $name state, in memory", (style) => {
  it("the verifier's saved verdict is re-applied on resume in the same deployment (same key), without running it again", async () => {
    const { claims, verifierRuns } = await verdictAcrossResume(style, memory(), { run: KEY_A, resume: KEY_A });
    expect(verifierRuns).toBe(1);
    expect(claims[0]).toMatchObject({ id: "c1", status: "green" });
  });

  it("after a restart under another key (no FIREBREAK_CLAIMS_KEY) the saved verdict is unconfirmed: not green, flagged, and the thread goes on", async () => {
    const { claims, verifierRuns } = await verdictAcrossResume(style, memory(), { run: KEY_A, resume: KEY_B });
    expect(verifierRuns).toBe(1);
    expect(claims[0]).toMatchObject({ id: "c1", status: "unverified", requiresVerification: true });
  });

  it("a forged verdict saved as a sibling's pending write is rejected, not applied, on resume", async () => {
    const outcome = await verdictAcrossResume(style, memory(), { run: KEY_A, resume: KEY_A }, "sneaky").then(
      (r) => ({ claims: r.claims }),
      (error: Error) => ({ rejected: error }),
    );
    expect(launderingFailed(outcome), describeOutcome(outcome)).toBe(true);
  });
});
