// The known limit of the trust boundary, pinned (docs/claims.md "Known limits"): in Annotation.Root state the
// reducer is the only check of a node that is not wrapped in withWriteContract, and LangGraph 1.7 gives a reducer
// the values only, never the task that wrote them. Two routes stay open there, and close when the node is wrapped.
// If one of the "stays open" tests starts failing, the limit is gone: update docs/claims.md and the README.
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { claimsChannel, claimVerdicts, withWriteContract } from "langgraph-firebreak";
import { Harness, ROGUE_VERIFIER, add, origin, rejection, write } from "./harness.js";

const c1 = { id: "c1", text: "the bridge is 40 m long", confidence: 0.8, origin: origin("researcher") };
const v = (status: string, ev: string) => claimVerdicts("challenger", [{ id: "c1", status: status as any, reason: status, evidence: [ev] }], { fetched: [ev] });

/** Forks the thread from before the verifier's green-then-red verdicts and lets `node` write the captured green batch there. */
async function forkReplay(node: string) {
  const h = new Harness("annotation");
  await h.run("researcher", add(c1));
  const before = (await h.graph.getState(h.cfg())).config;
  await h.run("challenger", write(v("green", "e1")));
  const sealed = h.lastBatch("challenger");
  await h.run("challenger", write(v("red", "e2")));
  h.route = [node];
  h.plan[node] = () => ({ claims: sealed });
  const error = await rejection(() => h.graph.invoke({}, before));
  h.route = [];
  return { error, status: h.get(await h.claims(), "c1").status as string };
}

describe("Annotation.Root: a fork from before the verdicts", () => {
  it("stays open for a raw (unwrapped) node: it re-applies the verifier's captured green batch on the fork", async () => {
    const { error, status } = await forkReplay("sneaky");
    expect(error).toBeUndefined();
    expect(status).toBe("green");
  });

  it("is closed for a node wrapped in withWriteContract, even one with role \"verifier\" that is not the declared verifier", async () => {
    const { error, status } = await forkReplay(ROGUE_VERIFIER);
    expect(error).toBeInstanceOf(Error);
    expect(status).not.toBe("green");
  });
});

describe("Annotation.Root: a subgraph whose own node is named like the parent's verifier", () => {
  const opts = { verifiers: ["challenger"] };
  const build = (wrapWorker: boolean) => {
    const State = Annotation.Root({ claims: claimsChannel(opts) });
    const sub = new StateGraph(State)
      .addNode("challenger", withWriteContract(() => ({ claims: v("green", "e1") }), { allowed: ["claims"], role: "verifier", claims: opts }))
      .addEdge(START, "challenger")
      .addEdge("challenger", END)
      .compile();
    const worker = wrapWorker ? withWriteContract(sub, { allowed: ["claims"], claims: opts }) : sub;
    return new StateGraph(State)
      .addNode("researcher", withWriteContract(() => ({ claims: [c1] }), { allowed: ["claims"], claims: opts }))
      .addNode("worker", worker as never)
      .addEdge(START, "researcher")
      .addEdge("researcher", "worker")
      .addEdge("worker", END)
      .compile({ checkpointer: new MemorySaver() });
  };

  it("stays open when the subgraph is added as a raw node: its inner verdict keeps its status in the parent", async () => {
    const graph = build(false);
    const out = await graph.invoke({}, { configurable: { thread_id: "raw" } });
    expect(out.claims.find((c) => c.id === "c1")?.status).toBe("green");
  });

  it("is closed when the subgraph node is wrapped in withWriteContract: rejected, naming the node and the claim", async () => {
    const graph = build(true);
    const error = await rejection(() => graph.invoke({}, { configurable: { thread_id: "wrapped" } }));
    expect(error).toMatchObject({ claimId: "c1", verifier: "challenger" });
    expect(String((error as Error).message)).toContain('"worker"');
    const claims: { id: string; status: string }[] = (await graph.getState({ configurable: { thread_id: "wrapped" } })).values.claims ?? [];
    expect(claims.find((c) => c.id === "c1")?.status ?? "unverified").not.toBe("green");
  });
});
