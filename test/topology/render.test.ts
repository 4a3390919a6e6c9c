import { Annotation, END, Send, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { describe, expect, it } from "vitest";
import { analyzeTopology, extractTopology, formatTopologyReport, topologyToMermaid } from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

const State = Annotation.Root({ text: Annotation<string> });
const step = () => ({});

// A supervisor with two workers reporting back, and a reviewer gate that is a verifier.
const builder = new StateGraph(State)
  .addNode("supervisor", step, { ends: ["researcher", "coder", "review"] })
  .addNode("researcher", step)
  .addNode("coder", step)
  .addNode("review", step, { metadata: { firebreak: { role: "verifier" } } })
  .addEdge(START, "supervisor")
  .addEdge("researcher", "supervisor")
  .addEdge("coder", "supervisor")
  .addEdge("review", END);

describe("rendering", () => {
  it("draws Mermaid in LangGraph's style with the cycle and the recommended guard highlighted", () => {
    const topology = extractTopology(builder);
    expect(topologyToMermaid(topology, analyzeTopology(topology))).toMatchInlineSnapshot(`
      "%%{init: {'flowchart': {'curve': 'linear'}}}%%
      graph TD;
      	__start__([<p>__start__</p>]):::first
      	supervisor("supervisor")
      	researcher("researcher")
      	coder("coder")
      	review("review<hr/><small><em>verifier</em></small>")
      	__end__([<p>__end__</p>]):::last
      	__start__ --> supervisor;
      	researcher --> supervisor;
      	coder --> supervisor;
      	supervisor -.-> researcher;
      	supervisor -.-> coder;
      	supervisor -.-> review;
      	review --> __end__;
      	supervisor --> __end__;
      	classDef default fill:#f2f0ff,line-height:1.2;
      	classDef first fill-opacity:0;
      	classDef last fill:#bfb6fc;
      	classDef cycle stroke:#d9480f,stroke-width:2px;
      	class researcher,coder cycle;
      	classDef checked fill:#d3f9d8,stroke:#2b8a3e;
      	class review checked;
      	classDef recommendedGuard fill:#ffe066,stroke:#e67700,stroke-width:3px;
      	class supervisor recommendedGuard;
      	linkStyle 1,2,3,4 stroke:#d9480f,stroke-width:2px;
      "
    `);
  });

  it("writes a readable report naming ρ, R, the √k star, the relay cycle and the guard", () => {
    const text = formatTopologyReport(analyzeTopology(builder), { title: "team" });
    expect(text).toContain("Topology audit: team");
    expect(text).toMatch(/ρ\(A\)\s+= 1\.4142/);
    expect(text).toContain("R = β·ρ_eff/δ = 0.5·1.4142/0.5 = 1.4142  → EPIDEMIC");
    expect(text).toContain('supervisor–worker: hub "supervisor" with k = 2 workers → bare star ρ = √2 ≈ 1.4142');
    expect(text).toContain("Relay depth: unbounded");
    expect(text).toContain("+ supervisor  → R 0.4690");
    expect(text).toMatch(/Result: FAIL \(1 error/);
  });

  it("says which level it read and shows the node-level ρ beside the agent-level one", () => {
    const model = () => new ScriptedChatModel({ script: ["ok"] });
    const app = createSupervisor({ agents: ["a", "b"].map((name) => createReactAgent({ llm: model(), tools: [], name })), llm: model() });
    const report = analyzeTopology(app, { cycles: false });
    const text = formatTopologyReport(report, { title: "app" });
    expect(text).toContain("level: agent (a prebuilt agent's model ⇄ tools loop is one agent; --level node shows every node)");
    expect(text).toMatch(/ρ\(A\)\s+= 1\.4142\n/);
    expect(text).toContain(`ρ node level  = ${report.rhoNodeLevel!.toFixed(4)}  (counting each agent's own model ⇄ tools loop as relay)`);
    expect(formatTopologyReport(analyzeTopology(app, { cycles: false, level: "node" }))).toContain("level: node");
  });

  it("labels Send fan-out in Mermaid", () => {
    const fan = new StateGraph(Annotation.Root({ items: Annotation<string[]> }))
      .addNode("plan", step)
      .addNode("worker", step)
      .addEdge(START, "plan")
      .addConditionalEdges("plan", (s) => s.items.map((item) => new Send("worker", { items: [item] })), ["worker"])
      .addEdge("worker", END);
    expect(topologyToMermaid(extractTopology(fan))).toContain("plan -.->|Send| worker;");
  });
});
