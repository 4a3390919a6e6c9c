/**
 * "Bad options everywhere": a wrong option or argument, at construction or call, is an
 * InvalidOptionsError naming it (docs/errors.md, INVALID_OPTIONS) — never a bare TypeError and never
 * silently accepted.
 */
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import { createChallenger, guardNodeInPlace, guardOf } from "langgraph-firebreak/nodes";
import { assertThreadExists, durableConfig, pruneCheckpoints, rollbackTo, runExclusive } from "langgraph-firebreak/checkpointers";
import { createCampaign, createRng, deriveSeed, measureInfection, simulateEpidemic, withProviderFaults } from "langgraph-firebreak/chaos";
import { setupTracing } from "langgraph-firebreak/tracing";
import { scriptedJudge } from "langgraph-firebreak/testing";

const S = Annotation.Root({ n: Annotation<number>() });
async function threadGraph() {
  const g = new StateGraph(S).addNode("a", () => ({ n: 1 })).addEdge(START, "a").addEdge("a", END).compile({ checkpointer: new MemorySaver() });
  await g.invoke({ n: 0 }, { configurable: { thread_id: "t" } });
  return g;
}
async function error(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}
const cfg = { configurable: { thread_id: "t" } };
/** The error is an InvalidOptionsError whose message names the function and whose `option` is the argument. */
function namesIt(e: unknown, where: string, option: string): void {
  expect(root.isInvalidOptionsError(e), String(e)).toBe(true);
  const err = e as root.InvalidOptionsError;
  expect(err.message.startsWith(`${where}: `), err.message).toBe(true);
  expect(err.option).toBe(option);
  expect(err.allowed.length).toBeGreaterThan(0);
}

describe("held: bad arguments that are InvalidOptionsError", () => {
  const held: Array<[string, () => unknown]> = [
    ["pruneCheckpoints keepLast -1", () => pruneCheckpoints(null as never, { keepLast: -1 } as never)],
    ["runExclusive without thread", () => runExclusive(null as never, {} as never, null as never)],
    ["withProviderFaults(null)", () => withProviderFaults(null as never, {} as never)],
    ["createCampaign without input", () => createCampaign(null as never, {} as never)],
    ["simulateEpidemic beta 2", () => simulateEpidemic(null as never, { beta: 2 } as never)],
    ["measureInfection(null)", () => measureInfection(null as never)],
    ["setupTracing unknown key", () => setupTracing({ backend: "nope" } as never)],
    ["withSemanticBreaker(null)", () => root.withSemanticBreaker(null as never, {} as never)],
    ["createChallenger model 42", () => createChallenger({ model: 42 } as never)],
    ["guardNodeInPlace on a node that does not exist", () => guardNodeInPlace(new StateGraph(S).addNode("a", () => ({})) as never, "zz", { challenger: createChallenger({ model: scriptedJudge((() => ({ verdict: "green", reasons: [] })) as never) }) } as never)],
  ];
  it.each(held)("%s", async (_n, f) => {
    const e = await error(f);
    expect(root.isInvalidOptionsError(e), String(e)).toBe(true);
  });
});

describe("bad arguments that once escaped as TypeError or were accepted", () => {
  it("rollbackTo with a null target is InvalidOptionsError", async () => {
    const g = await threadGraph();
    namesIt(await error(() => rollbackTo(g as never, cfg, null as never)), "rollbackTo", "target");
  });
  it("rollbackTo with a target of none of the documented forms is InvalidOptionsError", async () => {
    const g = await threadGraph();
    const e = await error(() => rollbackTo(g as never, cfg, { foo: 1 } as never));
    namesIt(e, "rollbackTo", "target");
    expect(String((e as Error).message)).not.toContain('"undefined"');
    for (const form of ["beforeNode", "step", "checkpointId", "predicate"]) expect((e as root.InvalidOptionsError).allowed).toContain(form);
  });
  it("rollbackTo with no graph is InvalidOptionsError", async () => {
    namesIt(await error(() => rollbackTo(null as never, cfg, { step: 0 } as never)), "rollbackTo", "graph");
  });
  it("assertThreadExists with no graph is InvalidOptionsError", async () => {
    namesIt(await error(() => assertThreadExists(null as never, cfg)), "assertThreadExists", "graph");
  });
  it("durableConfig with an empty or non-string thread id is InvalidOptionsError", async () => {
    namesIt(await error(() => durableConfig("")), "durableConfig", "threadId");
    namesIt(await error(() => durableConfig(42 as never)), "durableConfig", "threadId");
  });
  // docs/topology.md: analyzeTopology never throws on what it is given; a non-graph is an error finding, never a pass.
  it("analyzeTopology of something that is not a graph reports it as an error finding and does not pass", async () => {
    for (const input of [null, 42]) {
      const report = root.analyzeTopology(input);
      expect(report.ok).toBe(false);
      expect(report.findings.some((f) => f.severity === "error")).toBe(true);
    }
  });
  it("extractTopology of a plain object is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => root.extractTopology({} as never)))).toBe(true);
  });
  it("topologyToMermaid(null) is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => root.topologyToMermaid(null as never)))).toBe(true);
  });
  it("guardOf(null) is InvalidOptionsError, never a TypeError", async () => {
    namesIt(await error(() => guardOf(null as never, "a")), "guardOf", "builder");
  });
  it("createHandoff(null, …) is InvalidOptionsError", async () => {
    namesIt(await error(() => root.createHandoff(null as never, "a", "b")), "createHandoff", "state");
  });
  it("intentChannel(42) is InvalidOptionsError", async () => {
    namesIt(await error(() => root.intentChannel(42 as never)), "intentChannel", "options");
  });
  it("intentField(42) is InvalidOptionsError", async () => {
    namesIt(await error(() => root.intentField(42 as never)), "intentField", "options");
  });
  // createRng takes `number | string` (its TSDoc: a string seed is hashed with deriveSeed), so "x" is a
  // seed; a seed of any other type is the options error.
  it("createRng with a seed that is neither a number nor a string is InvalidOptionsError", async () => {
    for (const seed of [null, undefined, true, {}, [1], 10n]) {
      namesIt(await error(() => createRng(seed as never)), "createRng", "seed");
    }
  });
  it("createRng with a string seed is the documented hashed seed, not an error", () => {
    expect(createRng("x").seed).toBe(deriveSeed("x"));
    expect(createRng("x").next()).toBe(createRng("x").next());
  });
});

describe("thread checks", () => {
  it("assertThreadExists on a graph without a checkpointer: LangGraph's own error passes, not wrapped", async () => {
    const g = new StateGraph(S).addNode("a", () => ({})).addEdge(START, "a").compile();
    const e = await error(() => assertThreadExists(g as never, cfg));
    expect(e).toBeDefined();
    expect(root.isThreadNotFoundError(e)).toBe(false);
  });
});
