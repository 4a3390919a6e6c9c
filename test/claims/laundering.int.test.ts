import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Checkpointer } from "../../checkpointers/index.js";
import { isFirebreakError } from "../../src/index.js";
import { checkpointerBackends } from "../support/backends.js";
import { ATTEMPTS, STATE_STYLES, launderingFailed, type Outcome } from "./laundering-table.js";
import { KEY_A, KEY_B, verdictAcrossResume } from "./resume-table.js";

function describeOutcome(o: Outcome): string {
  return "rejected" in o ? `rejected: ${o.rejected.message}` : JSON.stringify(o.claims.map((c) => [c.id, c.status]));
}

describe.each(checkpointerBackends())("laundering attempts with the $name checkpointer: each ends rejected or not green", (backend) => {
  let cp: Checkpointer;
  beforeAll(async () => {
    cp = await backend.create();
  }, 60_000);
  afterAll(() => cp?.close());

  describe.each(STATE_STYLES)("$name state", (style) => {
    it.each(ATTEMPTS)("$name", async (attempt) => {
      const o = await attempt.run(style, cp.saver);
      expect(launderingFailed(o), describeOutcome(o)).toBe(true);
      if ("rejected" in o) expect(isFirebreakError(o.rejected), o.rejected.stack).toBe(true);
      if (attempt.why === "not green") expect("claims" in o, describeOutcome(o)).toBe(true);
      else expect("rejected" in o && o.rejected.message, describeOutcome(o)).toMatch(attempt.why);
    });

    it("a verdict saved as a pending write is re-applied on resume with the same key, and only flagged under another key", async () => {
      const same = await verdictAcrossResume(style, cp.saver, { run: KEY_A, resume: KEY_A });
      expect(same.verifierRuns).toBe(1);
      expect(same.claims[0]).toMatchObject({ id: "c1", status: "green" });
      const other = await verdictAcrossResume(style, cp.saver, { run: KEY_A, resume: KEY_B });
      expect(other.verifierRuns).toBe(1);
      expect(other.claims[0]).toMatchObject({ id: "c1", status: "unverified", requiresVerification: true });
    });

    it("a forged verdict saved as a sibling's pending write is not applied on resume", async () => {
      const o: Outcome = await verdictAcrossResume(style, cp.saver, { run: KEY_A, resume: KEY_A }, "sneaky").then(
        (r) => ({ claims: r.claims }),
        (error: Error) => ({ rejected: error }),
      );
      expect(launderingFailed(o), describeOutcome(o)).toBe(true);
    });
  });
});
