import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { describe, expect, it } from "vitest";
import { analyzeTopology, extractTopology, withSemanticBreaker } from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

const State = Annotation.Root({ text: Annotation<string> });

function modelNode(model: FakeListChatModel | ReturnType<typeof withSemanticBreaker>) {
  return RunnableLambda.from((s: { text: string }) => s.text)
    .pipe(model)
    .pipe(RunnableLambda.from((m: { content: unknown }) => ({ text: String(m.content) })));
}

function graphWith(node: ReturnType<typeof modelNode>) {
  return new StateGraph(State).addNode("answer", node).addEdge(START, "answer").addEdge("answer", END);
}

class Recorder extends BaseCallbackHandler {
  name = "recorder";
}

describe("controls visible on the graph", () => {
  it("sees a chat model in a node without a semantic breaker", () => {
    const t = extractTopology(graphWith(modelNode(new FakeListChatModel({ responses: ["a"] }))));
    expect(t.controls.breaker).toBe("absent");
    expect(t.controls.evidence.breaker).toMatch(/1 chat model/);
  });

  it("sees a model wrapped by withSemanticBreaker", () => {
    const wrapped = withSemanticBreaker(new FakeListChatModel({ responses: ["a"] }));
    const t = extractTopology(graphWith(modelNode(wrapped)));
    expect(t.controls.breaker).toBe("present");
  });

  it("sees wrapped models inside prebuilt agents (held in their model nodes' closures), and reports the tier control present", () => {
    const scripted = () => new ScriptedChatModel({ script: ["ok"] });
    const worker = (name: string, wrap: boolean) =>
      createReactAgent({ llm: wrap ? withSemanticBreaker(scripted()) : scripted(), tools: [], name });
    const wrapped = createSupervisor({ agents: [worker("a", true), worker("b", true)], llm: withSemanticBreaker(scripted()) });
    const t = extractTopology(wrapped);
    expect(t.controls.breaker).toBe("present");
    expect(t.controls.evidence.breaker).toMatch(/^3 models wrapped by withSemanticBreaker \(found in the closures/);
    const breaker = analyzeTopology(wrapped, { cycles: false }).tier.controls.find((c) => c.id === "breaker");
    expect(breaker?.status).toBe("present");
    // One worker's model unwrapped: the control is missing, not unknown.
    const partly = createSupervisor({ agents: [worker("a", false)], llm: withSemanticBreaker(scripted()) });
    expect(extractTopology(partly).controls.breaker).toBe("absent");
  });

  it("says unknown when models live inside node functions", () => {
    const t = extractTopology(new StateGraph(State).addNode("a", () => ({})).addEdge(START, "a").addEdge("a", END));
    expect(t.controls.breaker).toBe("unknown");
  });

  it("sees callbacks configured on the compiled graph as tracing", () => {
    const compiled = new StateGraph(State).addNode("a", () => ({})).addEdge(START, "a").addEdge("a", END).compile();
    const traced = compiled.withConfig({ callbacks: [new Recorder()] });
    expect(extractTopology(traced).controls.tracing).toBe("present");
  });

  it("sees retry policies, own or from setNodeDefaults", () => {
    const builder = new StateGraph(State)
      .addNode("a", () => ({}), { retryPolicy: { maxAttempts: 3 } })
      .addNode("b", () => ({}))
      .addEdge(START, "a")
      .addEdge("a", "b")
      .addEdge("b", END);
    expect(extractTopology(builder).nodes.map((n) => [n.id, n.retry])).toEqual([["a", true], ["b", false]]);
    const report = analyzeTopology(builder.compile({ checkpointer: new MemorySaver() }), {
      facts: { externalSideEffects: true },
    });
    const retries = report.tier.controls.find((c) => c.id === "retries")!;
    expect(retries).toMatchObject({ status: "missing", evidence: "no retryPolicy on b" });
    const withDefaults = new StateGraph(State)
      .setNodeDefaults({ retryPolicy: { maxAttempts: 2 } })
      .addNode("a", () => ({}))
      .addEdge(START, "a")
      .addEdge("a", END);
    expect(extractTopology(withDefaults).nodes[0]!.retry).toBe(true);
  });

  it("expands subgraphs only to the xray depth asked for", () => {
    const leaf = new StateGraph(State).addNode("x", () => ({})).addEdge(START, "x").addEdge("x", END).compile();
    const middle = new StateGraph(State).addNode("inner", leaf).addEdge(START, "inner").addEdge("inner", END).compile();
    const top = new StateGraph(State).addNode("outer", middle).addEdge(START, "outer").addEdge("outer", END);
    expect(extractTopology(top, { level: "node" }).nodes.map((n) => n.id)).toEqual(["outer:inner:x"]);
    expect(extractTopology(top, { level: "node", xray: 1 }).nodes.map((n) => n.id)).toEqual(["outer:inner"]);
    expect(extractTopology(top, { xray: 0 }).nodes.map((n) => n.id)).toEqual(["outer"]);
    // At agent level a chain of one-node subgraphs is one agent.
    expect(extractTopology(top).nodes.map((n) => [n.id, n.collapsed])).toEqual([["outer", true]]);
  });
});
