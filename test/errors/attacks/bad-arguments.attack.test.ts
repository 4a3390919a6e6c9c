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
import { createCampaign, createRng, measureInfection, simulateEpidemic, withProviderFaults } from "langgraph-firebreak/chaos";
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

describe("broken: bad arguments that escape as TypeError or are accepted", () => {
  // BROKEN: rollbackTo(graph, config, null) throws TypeError "Cannot use 'in' operator to search for 'beforeNode' in null".
  it.fails("rollbackTo with a null target is InvalidOptionsError", async () => {
    const g = await threadGraph();
    expect(root.isInvalidOptionsError(await error(() => rollbackTo(g as never, cfg, null as never)))).toBe(true);
  });
  // BROKEN: rollbackTo(graph, config, { foo: 1 }) is CheckpointNotFoundError saying 'is checkpoint "undefined"',
  // i.e. a malformed target is reported as a missing checkpoint instead of an options error naming the target forms.
  it.fails("rollbackTo with a target of none of the documented forms is InvalidOptionsError", async () => {
    const g = await threadGraph();
    const e = await error(() => rollbackTo(g as never, cfg, { foo: 1 } as never));
    expect(root.isInvalidOptionsError(e)).toBe(true);
    expect(String((e as Error).message)).not.toContain('"undefined"');
  });
  // BROKEN: rollbackTo(null, ...) throws TypeError "Cannot read properties of null (reading 'getStateHistory')".
  it.fails("rollbackTo with no graph is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => rollbackTo(null as never, cfg, { step: 0 } as never)))).toBe(true);
  });
  // BROKEN: assertThreadExists(null, ...) throws TypeError "Cannot read properties of null (reading 'getState')".
  it.fails("assertThreadExists with no graph is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => assertThreadExists(null as never, cfg)))).toBe(true);
  });
  // BROKEN: durableConfig("") and durableConfig(42) return a config (thread_id "" / 42) instead of rejecting the thread id.
  it.fails("durableConfig with an empty or non-string thread id is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => durableConfig("")))).toBe(true);
    expect(root.isInvalidOptionsError(await error(() => durableConfig(42 as never)))).toBe(true);
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
  // BROKEN: guardOf(null, "a") throws TypeError "Cannot read properties of null (reading 'nodes')".
  it.fails("guardOf(null) is InvalidOptionsError (or undefined), never a TypeError", async () => {
    const e = await error(() => guardOf(null as never, "a"));
    expect(e === undefined || root.isInvalidOptionsError(e)).toBe(true);
  });
  // BROKEN: createHandoff(null, "a", "b") throws TypeError "Cannot read properties of null (reading 'claims')".
  it.fails("createHandoff(null, …) is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => root.createHandoff(null as never, "a", "b")))).toBe(true);
  });
  // BROKEN: intentChannel(42) is accepted silently (options must be an object).
  it.fails("intentChannel(42) is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => root.intentChannel(42 as never)))).toBe(true);
  });
  // BROKEN: createRng("x") returns an rng (seed "x") instead of rejecting a non-numeric seed.
  it.fails("createRng with a non-number seed is InvalidOptionsError", async () => {
    expect(root.isInvalidOptionsError(await error(() => createRng("x" as never)))).toBe(true);
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
