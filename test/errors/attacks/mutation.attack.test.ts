/**
 * The mutation rule (issue #17 item 3, docs/guard.md): a helper that changes what you pass says
 * so in its name (`guardNodeInPlace`); every other helper leaves your builder or graph untouched.
 */
import { readFileSync } from "node:fs";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import { createChallenger, guardNode, guardNodeInPlace, guardOf, guardRecordsChannel } from "langgraph-firebreak/nodes";
import { cloneBuilder, injectFaults } from "langgraph-firebreak/chaos";
import { scriptedJudge } from "langgraph-firebreak/testing";

const State = Annotation.Root({
  claims: root.claimsChannel({ verifiers: ["challenger", "human"] }),
  draft: Annotation<string>(),
  guardRecords: guardRecordsChannel(),
});
const judge = () => scriptedJudge((() => ({ verdict: "green", reasons: ["ok"] })) as never);

function builder() {
  const fns = { a: () => ({ draft: "a" }), b: () => ({ draft: "b" }), c: () => ({ draft: "c" }) };
  const b = new StateGraph(State)
    .addNode("a", fns.a, { metadata: { role: "planner" } })
    .addNode("b", fns.b)
    .addNode("c", fns.c)
    .addEdge(START, "a")
    .addConditionalEdges("a", (s: { draft: string }) => (s.draft === "x" ? "c" : "b"), { b: "b", c: "c" })
    .addEdge("b", "c")
    .addEdge("c", END);
  return b;
}

/** Everything observable about a builder, by identity and by value. */
function snapshot(b: any) {
  const nodes = Object.entries(b.nodes as Record<string, any>).map(([k, n]) => ({
    k,
    runnable: n.runnable,
    metadata: JSON.stringify(n.metadata ?? null),
    ends: JSON.stringify(n.ends ?? null),
    retry: JSON.stringify(n.retryPolicy ?? null),
    keys: Object.keys(n).sort().join(","),
  }));
  return {
    nodes,
    nodeObjects: Object.values(b.nodes),
    edges: [...(b.edges as Set<[string, string]>)].map((e) => e.join("->")).sort(),
    branches: JSON.stringify(Object.fromEntries(Object.entries(b.branches as Record<string, Record<string, any>>).map(([k, v]) => [k, Object.keys(v)]))),
    branchObjects: Object.values(b.branches as Record<string, Record<string, unknown>>).flatMap((v) => Object.values(v)),
    waiting: [...(b.waitingEdges as Set<unknown>)].length,
    channels: Object.keys(b.channels ?? {}).sort(),
    ownKeys: Object.keys(b).sort(),
  };
}
function expectSame(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>) {
  expect(after.nodes.map(({ runnable: _r, ...x }) => x)).toEqual(before.nodes.map(({ runnable: _r, ...x }) => x));
  after.nodes.forEach((n, i) => expect(n.runnable, n.k).toBe(before.nodes[i]!.runnable));
  after.nodeObjects.forEach((n, i) => expect(n).toBe(before.nodeObjects[i]));
  expect(after.edges).toEqual(before.edges);
  expect(after.branches).toEqual(before.branches);
  after.branchObjects.forEach((n, i) => expect(n).toBe(before.branchObjects[i]));
  expect(after.waiting).toBe(before.waiting);
  expect(after.channels).toEqual(before.channels);
  expect(after.ownKeys).toEqual(before.ownKeys);
}

describe("helpers whose name does not say InPlace leave what you pass untouched", () => {
  it("injectFaults returns a new builder; yours is as it was, still compiles and runs as before", async () => {
    const b = builder();
    const before = snapshot(b);
    const compiledFlag = (b as any).compiled;
    const faulty = injectFaults(b as never, { targets: "b", fault: { kind: "malformed" } } as never);
    expect(faulty).not.toBe(b);
    expectSame(before, snapshot(b));
    expect((b as any).compiled).toBe(compiledFlag);
    const out = await b.compile().invoke({ draft: "" });
    expect(out.draft).toBe("c");
  });

  it("injectFaults on a builder that was already compiled leaves it untouched", () => {
    const b = builder();
    b.compile();
    const before = snapshot(b);
    injectFaults(b as never, { targets: ["a", "c"], fault: { kind: "empty" } } as never);
    expectSame(before, snapshot(b));
  });

  it("cloneBuilder leaves the original untouched", () => {
    const b = builder();
    const before = snapshot(b);
    const c = cloneBuilder(b as never);
    expect(c).not.toBe(b);
    expectSame(before, snapshot(b));
  });

  it("analyzeTopology on a builder leaves it untouched (compiled flag included)", () => {
    const b = builder();
    const before = snapshot(b);
    const flag = (b as any).compiled;
    root.analyzeTopology(b);
    expectSame(before, snapshot(b));
    expect((b as any).compiled).toBe(flag);
  });

  it("analyzeTopology on a compiled graph leaves its builder and nodes untouched", () => {
    const b = builder();
    const g = b.compile();
    const before = snapshot(b);
    const nodesBefore = Object.keys(g.nodes).sort();
    const nodeObjs = Object.values(g.nodes);
    root.analyzeTopology(g);
    root.extractTopology(g as never);
    expectSame(before, snapshot(b));
    expect(Object.keys(g.nodes).sort()).toEqual(nodesBefore);
    Object.values(g.nodes).forEach((n, i) => expect(n).toBe(nodeObjs[i]));
  });

  it("compileWithFirebreak leaves the builder's nodes, edges and branches untouched", async () => {
    const b = builder();
    const before = snapshot(b);
    const g = root.compileWithFirebreak(b);
    expectSame(before, snapshot(b));
    expect((await g.invoke({ draft: "" })).draft).toBe("c");
  });

  it("compileWithFirebreak with a bad option throws InvalidOptionsError and leaves the builder uncompiled", () => {
    const b = builder();
    const flag = (b as any).compiled;
    expect(() => root.compileWithFirebreak(b, { maxRho: "big" } as never)).toThrow();
    expect((b as any).compiled).toBe(flag);
  });

  it("compileWithFirebreak whose topology fails throws TopologyError and leaves the builder as it was", () => {
    const b = builder();
    const before = snapshot(b);
    let err: unknown;
    try {
      root.compileWithFirebreak(b, { maxRelayDepth: 1 } as never);
    } catch (e) {
      err = e;
    }
    if (err !== undefined) expect(root.isTopologyError(err) || root.isInvalidOptionsError(err)).toBe(true);
    expectSame(before, snapshot(b));
  });

  it("createBicrGuard(...) does not touch the producer function or the state you pass", () => {
    const producer = async () => ({ draft: "x" });
    const keys = Object.keys(producer);
    const stateKeys = Object.keys(State.spec).sort();
    root; // eslint
    const challenger = createChallenger({ model: judge() });
    guardNodeInPlace(builder(), "b", { challenger } as never);
    expect(Object.keys(producer)).toEqual(keys);
    expect(Object.keys(State.spec).sort()).toEqual(stateKeys);
  });
});

describe("guardNodeInPlace mutates, and says so", () => {
  it("returns the very builder it was given, with the node replaced by a guard", () => {
    const b = builder();
    const before = (b as any).nodes["b"].runnable;
    const out = guardNodeInPlace(b, "b", { challenger: createChallenger({ model: judge() }) } as never);
    expect(out).toBe(b);
    expect((b as any).nodes["b"].runnable).not.toBe(before);
    expect(guardOf(b, "b")).toBeDefined();
    // the other nodes are untouched
    expect(guardOf(b, "a")).toBeUndefined();
  });

  it("docs/guard.md documents guardNodeInPlace as mutating, and guardNode as its deprecated alias", () => {
    const doc = readFileSync("docs/guard.md", "utf8");
    expect(doc).toMatch(/guardNodeInPlace[\s\S]{0,200}in\s+place/);
    expect(doc).toMatch(/guardNode` is the 0\.1 name of `guardNodeInPlace`.*deprecated/s);
  });

  it("guardNode (deprecated alias) behaves as guardNodeInPlace: same builder back, node guarded", () => {
    const b = builder();
    const out = guardNode(b, "c", { challenger: createChallenger({ model: judge() }) } as never);
    expect(out).toBe(b);
    expect(guardOf(b, "c")).toBeDefined();
  });

  it("no other exported helper name suggests a mutation without saying InPlace", () => {
    const mutating = /^(patch|mutate|wrapNode|guardNodes?|install|attach)/;
    const offenders = Object.keys(root).filter((k) => mutating.test(k) && !/InPlace$/.test(k) && k !== "guardNode");
    expect(offenders).toEqual([]);
  });
});
