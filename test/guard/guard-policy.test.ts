import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { createBicrGuard, createChallenger, selectForReview, type ReviewPolicy } from "../../nodes/index.js";
import { claimVerdicts, withWriteContract } from "../../src/claims/index.js";
import { ParentState, type ParentValues } from "./support/parent-graph.js";
import { CHALLENGER_TAGS } from "../../nodes/index.js";
import { dataBlock, scriptedJudge } from "./support/judges.js";

// Scripted models stand in for model judgement throughout.

/** Runs a guarded producer that writes `claims`, after an intake that stored a seed and a refuted claim. */
async function reviewedBy(policy: ReviewPolicy, claims: Array<Record<string, unknown>>, hub = false) {
  const judge = scriptedJudge(() => "green");
  const guard = createBicrGuard({
    producer: () => ({ claims: claims.map((c) => ({ origin: { agent: "worker", source: "model" }, ...c })) }),
    challenger: createChallenger({ model: judge }),
    state: ParentState,
    policy,
    hub,
  });
  const graph = new StateGraph(ParentState)
    .addNode("intake", () => ({
      claims: [
        { id: "seed", text: "The relay has five stages.", origin: { agent: "intake", source: "human" as const }, confidence: 1 },
        { id: "refuted", text: "0.85^5 is about 0.52", origin: { agent: "intake", source: "model" as const }, confidence: 0.9 },
      ],
    }))
    // Only the declared verifier's node may label a claim (issue 12); in Annotation state its contract seals the verdict.
    .addNode(
      "challenger",
      withWriteContract(() => ({ claims: claimVerdicts("challenger", [{ id: "refuted", status: "red", reason: "0.85^5 = 0.4437" }]) }), { allowed: ["claims"], role: "verifier" }),
    )
    .addNode("worker", guard)
    .addEdge(START, "intake")
    .addEdge("intake", "challenger")
    .addEdge("challenger", "worker")
    .addEdge("worker", END)
    .compile();
  const out = (await graph.invoke({ task: "t", messages: [] })) as ParentValues;
  const reviewed = judge.prompts.flatMap((p) => (dataBlock(p[1], CHALLENGER_TAGS.claims) as Array<{ id: string }>).map((c) => c.id));
  return { reviewed, out };
}

const CLAIMS = [
  { id: "sure", text: "Five stages at 85% give about 44%.", confidence: 0.95 },
  { id: "unsure", text: "Maybe four stages would be enough.", confidence: 0.4 },
  { id: "derived", text: "So the relay fails more often than not.", confidence: 0.95, origin: { agent: "worker", source: "model", basedOn: ["seed"] } },
  { id: "on-red", text: "Hence half of the runs succeed.", confidence: 0.95, origin: { agent: "worker", source: "model", basedOn: ["refuted"] } },
  { id: "repeat", text: "0.85^5 is about 0.52", confidence: 0.95 },
];

describe("review policies (arXiv:2603.04474's routing)", () => {
  it("strict sends every claim to the challenger", async () => {
    const { reviewed } = await reviewedBy("strict", CLAIMS);
    expect(reviewed).toEqual(["sure", "unsure", "derived", "on-red", "repeat"]);
  });

  it("balanced at a non-hub sends only low-confidence claims, claims built on unverified ones, and red flags", async () => {
    const { reviewed } = await reviewedBy("balanced", CLAIMS);
    expect(reviewed).toEqual(["unsure", "derived", "on-red", "repeat"]);
  });

  it("balanced at a hub sends every claim", async () => {
    const { reviewed } = await reviewedBy("balanced", CLAIMS, true);
    expect(reviewed).toEqual(["sure", "unsure", "derived", "on-red", "repeat"]);
  });

  it("low sends red-flagged claims only: built on a red claim, or repeating one", async () => {
    const { reviewed, out } = await reviewedBy("low", CLAIMS);
    expect(reviewed).toEqual(["on-red", "repeat"]);
    // Claims the policy did not send pass unlabelled, and the record says so.
    expect(out.claims.find((c) => c.id === "sure")!.status).toBe("unverified");
    expect(out.guardRecords[0]!.attempts[0]!.claims.find((c) => c.id === "sure")!.verdict).toBe("unreviewed");
  });

  it("a handoff with nothing to review passes without calling the challenger", async () => {
    const { reviewed, out } = await reviewedBy("low", [{ id: "plain", text: "Nothing suspicious.", confidence: 0.99 }]);
    expect(reviewed).toEqual([]);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "passed", blocked: 0 });
  });

  it("selectForReview treats an unstated confidence as needing review under balanced", () => {
    const ctx = { policy: "balanced" as const, hub: false, confidenceFloor: 0.8, known: [] };
    expect(selectForReview([{ id: "a", text: "x" }, { id: "b", text: "y", confidence: 0.9 }], ctx).map((c) => c.id)).toEqual(["a"]);
  });
});
