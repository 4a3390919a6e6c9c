import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import { isFirebreakError } from "../../src/errors.js";
import { setupTracing, topologyMetadata, type TracingHandle } from "../../src/tracing/index.js";
import { only } from "./support/span-tree.js";

const State = Annotation.Root({ text: Annotation<string>(), rounds: Annotation<number>() });

/** a → b → END: a DAG. */
const pipeline = () =>
  new StateGraph(State)
    .addNode("a", () => ({ text: "a" }))
    .addNode("b", () => ({ text: "b" }))
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", END);

/** writer ⇄ editor until two rounds: one simple cycle. */
const loop = () =>
  new StateGraph(State)
    .addNode("writer", (s) => ({ rounds: (s.rounds ?? 0) + 1 }))
    .addNode("editor", () => ({}))
    .addEdge(START, "writer")
    .addConditionalEdges("writer", (s) => (s.rounds >= 2 ? END : "editor"), ["editor", END])
    .addEdge("editor", "writer");

class Recorder extends BaseCallbackHandler {
  name = "recorder";
  metadata: Record<string, unknown>[] = [];
  override async handleChainStart(_c: unknown, _i: unknown, _r: string, parent?: string, _t?: string[], metadata?: Record<string, unknown>) {
    if (parent === undefined) this.metadata.push(metadata ?? {});
  }
}

let tracing: TracingHandle | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

describe("topologyMetadata", () => {
  it("reports ρ = 0, tier 0 and sub-threshold for a DAG, and ρ = 1, tier 2 for a single cycle", () => {
    expect(topologyMetadata(pipeline().compile())).toEqual({
      "firebreak.topology.rho": 0,
      "firebreak.topology.rhoEffective": 0,
      "firebreak.topology.R": 0,
      "firebreak.topology.tier": 0,
      "firebreak.topology.verdict": "sub-threshold",
    });
    expect(topologyMetadata(loop())).toMatchObject({
      "firebreak.topology.rho": 1,
      "firebreak.topology.R": 1,
      "firebreak.topology.tier": 2,
      "firebreak.topology.verdict": "at-threshold",
    });
  });

  it("analyses a graph once and returns the cached result, per set of options", () => {
    const graph = loop().compile();
    const first = topologyMetadata(graph);
    expect(topologyMetadata(graph)).toBe(first);
    const lowBeta = topologyMetadata(graph, { beta: 0.25 });
    expect(lowBeta).not.toBe(first);
    expect(lowBeta["firebreak.topology.R"]).toBeCloseTo(0.5, 12);
    expect(topologyMetadata(graph, { beta: 0.25 })).toBe(lowBeta);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("throws a FirebreakError naming what it got when given something that is not a graph", () => {
    for (const value of [undefined, null, 42, { nodes: [] }]) {
      let caught: unknown;
      try {
        topologyMetadata(value);
      } catch (error) {
        caught = error;
      }
      expect(isFirebreakError(caught) && caught.code).toBe("INVALID_OPTIONS");
      expect(String((caught as Error).message)).toMatch(/^topologyMetadata: expected a StateGraph/);
    }
  });
});

describe("tracing.runConfig(graph, config)", () => {
  it("adds the topology metadata and the handle's callbacks, keeping the caller's config", async () => {
    tracing = await setupTracing({ inMemory: true });
    const graph = loop().compile();
    const mine = new Recorder();
    const config = tracing.runConfig(graph, { configurable: { thread_id: "t" }, metadata: { team: "red" }, callbacks: [mine] });
    expect(config.configurable).toEqual({ thread_id: "t" });
    expect(config.metadata).toMatchObject({ team: "red", "firebreak.topology.rho": 1, "firebreak.topology.tier": 2 });
    expect(config.callbacks).toEqual([mine]); // in-memory tracing needs no handler of its own
    await graph.invoke({ rounds: 0 }, config);
    expect(mine.metadata[0]).toMatchObject({ team: "red", "firebreak.topology.verdict": "at-threshold" });
  });

  it("appends Langfuse's handler to an array or to a CallbackManager without losing the caller's", async () => {
    tracing = await setupTracing({ langfuse: { publicKey: "pk", secretKey: "sk", baseUrl: "http://127.0.0.1:9" }, onError: () => undefined });
    const graph = pipeline().compile();
    const mine = new Recorder();
    const fromArray = tracing.runConfig(graph, { callbacks: [mine] });
    expect((fromArray.callbacks as BaseCallbackHandler[]).map((h) => h.name)).toEqual(["recorder", tracing.callbacks[0]!.name]);
    const manager = new CallbackManager();
    manager.addHandler(mine);
    const fromManager = tracing.runConfig(graph, { callbacks: manager }).callbacks as CallbackManager;
    expect(fromManager.handlers.map((h) => h.name)).toEqual(["recorder", tracing.callbacks[0]!.name]);
    expect(manager.handlers).toHaveLength(1);
  });

  it("puts the topology on the graph's span and on no node span", async () => {
    tracing = await setupTracing({ inMemory: true });
    const graph = loop().compile({ name: "loop" });
    await graph.invoke({ rounds: 0 }, tracing.runConfig(graph));
    await tracing.flush();
    const spans = tracing.spans();
    expect(only(spans, "loop").attributes).toMatchObject({ "firebreak.topology.rho": 1, "firebreak.topology.tier": 2 });
    const carriers = spans.filter((s) => "firebreak.topology.rho" in s.attributes).map((s) => s.name);
    expect(carriers).toEqual(["loop"]);
    // Node spans still carry the metadata in OpenInference's JSON `metadata` attribute.
    expect(String(only(spans, "editor").attributes["metadata"])).toContain('"firebreak.topology.rho":1');
  });

  it("returns the config unchanged, without analysing anything, when tracing is off", async () => {
    tracing = await setupTracing({ otlp: false, langfuse: false });
    expect(tracing.enabled).toBe(false);
    const config = { configurable: { thread_id: "t" } };
    expect(tracing.runConfig({ not: "a graph" }, config)).toEqual(config);
  });
});
