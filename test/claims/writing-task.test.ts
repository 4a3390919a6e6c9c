import { describe, expect, it } from "vitest";
import { claimVerdicts, InvalidClaimError } from "../../src/index.js";
import { resolveClaimsOptions } from "../../src/claims/claims-options.js";
import { checkSealedBatch, checkSubgraphVerdicts, currentTask, parentTask, sealingFor } from "../../src/claims/writing-task.js";

const listed = resolveClaimsOptions({ verifiers: ["challenger", "team"] });
const open = resolveClaimsOptions({});
const batch = (task?: string) => ({
  ...claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "ok", evidence: ["e1"] }], { fetched: ["e1"] }),
  seal: { k: "key", mac: "mac" },
  ...(task === undefined ? {} : { task }),
});

describe("the writing task", () => {
  it("is unknown outside a graph run, and the task given to sealingFor inside it (restored afterwards, also on a throw)", () => {
    expect(currentTask()).toBeUndefined();
    expect(sealingFor("researcher:1", () => currentTask())).toBe("researcher:1");
    expect(() => sealingFor("researcher:1", () => { throw new Error("boom"); })).toThrow("boom");
    expect(currentTask()).toBeUndefined();
  });

  it("is read from a node's config: its checkpoint namespace", () => {
    expect(currentTask({ metadata: { langgraph_checkpoint_ns: "challenger:abc" } })).toBe("challenger:abc");
    expect(currentTask({ configurable: { checkpoint_ns: "worker:1|challenger:2" } })).toBe("worker:1|challenger:2");
  });

  it("of a subgraph's node has the task that runs the subgraph as parent; a top-level task has none", () => {
    expect(parentTask("researcher:1|challenge:2")).toBe("researcher:1");
    expect(parentTask("a:1|b:2|c:3")).toBe("a:1|b:2");
    expect(parentTask("researcher:1")).toBeUndefined();
    expect(parentTask(undefined)).toBeUndefined();
  });
});

describe("a sealed batch at node time", () => {
  it("is accepted from the task that sealed it, whatever the node's name (createChallenger's node, the guard)", () => {
    expect(() => checkSealedBatch(batch("judge:1"), 0, { node: "judge", task: "judge:1" }, listed)).not.toThrow();
  });

  it("is accepted from the node of the verifier it names (its own earlier batch: the reducer still checks its version)", () => {
    expect(() => checkSealedBatch(batch("challenger:old"), 0, { node: "challenger", task: "challenger:new" }, listed)).not.toThrow();
  });

  it("is rejected from another node's task (a copy from a stream, another thread or a fork), naming node, claim and verifier", () => {
    let error: unknown;
    try {
      checkSealedBatch(batch("challenger:1"), 2, { node: "sneaky", task: "sneaky:9" }, listed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidClaimError);
    expect(error).toMatchObject({ index: 2, claimId: "c1", field: "task", node: "sneaky", verifier: "challenger" });
  });

  it("is rejected in the graph input, and from the verifier's node when the channel does not list it", () => {
    expect(() => checkSealedBatch(batch("challenger:1"), 0, { node: undefined, task: undefined }, listed)).toThrow(/graph input/);
    const strict = resolveClaimsOptions({ verifiers: ["auditor"] });
    expect(() => checkSealedBatch(batch("challenger:1"), 0, { node: "challenger", task: "challenger:2" }, strict)).toThrow(InvalidClaimError);
  });
});

describe("claims coming back from a subgraph", () => {
  // Only the fields the check reads (the channel checks the rest).
  const claim = (task: string) => ({ id: "c1", verifiedBy: { verifier: "challenger", task } }) as never;

  it("are rejected when a verdict was made inside the writing node's subgraph and the channel does not list that node", () => {
    expect(() => checkSubgraphVerdicts([claim("worker:1|challenger:2")], { node: "worker", task: "worker:1" }, listed)).toThrow(
      expect.objectContaining({ field: "verifiedBy.task", node: "worker", claimId: "c1" }),
    );
  });

  it("are accepted when the node is listed, the channel lists no verifiers, or the verdict was made outside the subgraph", () => {
    expect(() => checkSubgraphVerdicts([claim("team:1|challenger:2")], { node: "team", task: "team:1" }, listed)).not.toThrow();
    expect(() => checkSubgraphVerdicts([claim("worker:1|challenger:2")], { node: "worker", task: "worker:1" }, open)).not.toThrow();
    expect(() => checkSubgraphVerdicts([claim("challenger:7")], { node: "worker", task: "worker:1" }, listed)).not.toThrow();
    // "worker:10" is not inside "worker:1": the match is on whole path segments.
    expect(() => checkSubgraphVerdicts([claim("worker:10|challenger:2")], { node: "worker", task: "worker:1" }, listed)).not.toThrow();
  });
});
