import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import pg from "pg";
import { Annotation, Command, END, MemorySaver, Send, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  analyzeTopology,
  extractTopology,
  firebreakRole,
  type Topology,
} from "../../src/index.js";

const State = Annotation.Root({ text: Annotation<string>, items: Annotation<string[]> });
const step = () => ({});
const edgesOf = (t: Topology) => t.edges.map((e) => `${e.source}->${e.target}:${e.kind}`).sort();
const roleOf = (t: Topology) => Object.fromEntries(t.nodes.map((n) => [n.id, `${n.role}/${n.roleSource}`]));
const codes = (t: Topology) => t.findings.map((f) => f.code);

describe("extractTopology on real LangGraph graphs", () => {
  it("reads plain edges, entries and exits from an uncompiled builder", () => {
    const builder = new StateGraph(State)
      .addNode("a", step)
      .addNode("b", step)
      .addEdge(START, "a")
      .addEdge("a", "b")
      .addEdge("b", END);
    const t = extractTopology(builder);
    expect(edgesOf(t)).toEqual(["a->b:direct"]);
    expect(t.entries).toEqual(["a"]);
    expect(t.exits).toEqual(["b"]);
    expect(t.controls.checkpointer).toBe("unknown");
  });

  it("takes conditional targets from an array path map and from an object path map", () => {
    const builder = new StateGraph(State)
      .addNode("router", step)
      .addNode("left", step)
      .addNode("right", step)
      .addEdge(START, "router")
      .addConditionalEdges("router", () => "left", ["left", "right"])
      .addConditionalEdges("left", () => "again", { again: "router", done: END })
      .addEdge("right", END);
    const t = extractTopology(builder);
    expect(edgesOf(t)).toEqual(["left->router:conditional", "router->left:conditional", "router->right:conditional"]);
    expect([...t.exits].sort()).toEqual(["left", "right"]);
    expect(codes(t)).not.toContain("UNKNOWN_BRANCH_TARGETS");
  });

  it("reads the targets of a conditional edge without a path map from the routing function, without inventing a self-loop", () => {
    const builder = new StateGraph(State)
      .addNode("a", step)
      .addNode("b", step)
      .addEdge(START, "a")
      .addConditionalEdges("a", (s) => (s.text ? "b" : END))
      .addEdge("b", END);
    const t = extractTopology(builder);
    expect(edgesOf(t)).toEqual(["a->b:read"]);
    expect([...t.exits].sort()).toEqual(["a", "b"]);
    const f = t.findings.find((x) => x.code === "UNKNOWN_BRANCH_TARGETS");
    expect(f).toMatchObject({ severity: "warning", node: "a" });
    expect(f?.message).toMatch(/read b, __end__ from the routing function's source, but cannot know/);
    expect(f?.fix).toMatch(/addConditionalEdges\("a", route, \[/);
  });

  it("says it cannot know where a path-map-less edge goes when the routing function names no node, and adds no edge", () => {
    const builder = new StateGraph(State)
      .addNode("a", step)
      .addNode("b", step)
      .addEdge(START, "a")
      .addConditionalEdges("a", (s) => s.text)
      .addEdge("b", END);
    const t = extractTopology(builder);
    expect(edgesOf(t)).toEqual([]);
    expect(t.findings.find((x) => x.code === "UNKNOWN_BRANCH_TARGETS")?.message).toMatch(/cannot know where it goes/);
    const report = analyzeTopology(builder, { cycles: false });
    // No phantom self-loop: nothing cyclic, no self-loop finding, no dangerous seed at "a".
    expect(report.rho).toBe(0);
    expect(report.findings.map((x) => x.code)).not.toContain("AGENT_SELF_LOOP");
    expect(report.findings.map((x) => x.code)).not.toContain("DANGEROUS_SEED");
  });

  it("reads Command targets declared with ends", () => {
    const builder = new StateGraph(State)
      .addNode("triage", () => new Command({ goto: "billing" }), { ends: ["billing", "tech", END] })
      .addNode("billing", step)
      .addNode("tech", step)
      .addEdge(START, "triage")
      .addEdge("billing", END)
      .addEdge("tech", END);
    const t = extractTopology(builder);
    expect(edgesOf(t)).toEqual(["triage->billing:command", "triage->tech:command"]);
    expect(t.exits).toContain("triage");
  });

  it("reads fan-in (waiting edges) and Send fan-out", () => {
    const builder = new StateGraph(State)
      .addNode("plan", step)
      .addNode("worker", step)
      .addNode("other", step)
      .addNode("join", step)
      .addEdge(START, "plan")
      .addConditionalEdges("plan", (s) => s.items.map((item) => new Send("worker", { text: item })), ["worker"])
      .addEdge("plan", "other")
      .addEdge(["worker", "other"], "join")
      .addEdge("join", END);
    const t = extractTopology(builder);
    expect(edgesOf(t)).toEqual([
      "other->join:fan-in",
      "plan->other:direct",
      "plan->worker:send",
      "worker->join:fan-in",
    ]);
  });

  it("expands subgraphs with prefixed names and wires their entries and exits", () => {
    const inner = new StateGraph(State)
      .addNode("draft", step)
      .addNode("polish", step)
      .addEdge(START, "draft")
      .addEdge("draft", "polish")
      .addEdge("polish", END)
      .compile();
    const builder = new StateGraph(State)
      .addNode("plan", step)
      .addNode("write", inner)
      .addNode("ship", step)
      .addEdge(START, "plan")
      .addEdge("plan", "write")
      .addEdge("write", "ship")
      .addEdge("ship", END);
    const t = extractTopology(builder);
    expect(t.nodes.map((n) => n.id)).toEqual(["plan", "write:draft", "write:polish", "ship"]);
    expect(edgesOf(t)).toEqual(["plan->write:draft:direct", "write:draft->write:polish:direct", "write:polish->ship:direct"]);
    expect(extractTopology(builder, { xray: false }).nodes.map((n) => n.id)).toEqual(["plan", "write", "ship"]);
  });

  it("does not expand a subgraph node whose metadata declares a role", () => {
    const inner = new StateGraph(State).addNode("x", step).addEdge(START, "x").addEdge("x", END).compile();
    const builder = new StateGraph(State)
      .addNode("guarded", inner, { metadata: { firebreak: { role: "verifier", guard: { producer: "x" } } } })
      .addEdge(START, "guarded")
      .addEdge("guarded", END);
    const t = extractTopology(builder);
    expect(t.nodes).toEqual([
      expect.objectContaining({ id: "guarded", role: "verifier", roleSource: "metadata", guard: { producer: "x" } }),
    ]);
  });

  it("makes interruptBefore nodes human gates and sees the checkpointer of a compiled graph", () => {
    const graph = new StateGraph(State)
      .addNode("draft", step)
      .addNode("publish", step)
      .addEdge(START, "draft")
      .addEdge("draft", "publish")
      .addEdge("publish", END)
      .compile({ interruptBefore: ["publish"], checkpointer: new MemorySaver() });
    const t = extractTopology(graph);
    expect(roleOf(t)).toEqual({ draft: "agent/default", publish: "human/interrupt" });
    expect(t.nodes.find((n) => n.id === "publish")?.interrupt).toBe("before");
    // MemorySaver is seen, but it is not durable: a crash loses every thread.
    expect(t.controls.checkpointer).toBe("absent");
    expect(t.controls.evidence.checkpointer).toMatch(/MemorySaver: in memory/);
  });

  it("counts a PostgresSaver as a durable checkpointer", async () => {
    const pool = new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:1/never-connected" });
    const graph = new StateGraph(State).addNode("a", step).addEdge(START, "a").addEdge("a", END).compile({ checkpointer: new PostgresSaver(pool) });
    const t = extractTopology(graph);
    expect(t.controls.checkpointer).toBe("present");
    expect(t.controls.evidence.checkpointer).toBe("compiled with PostgresSaver");
    await pool.end();
  });

  it("takes human gates for a builder from the options", () => {
    const builder = new StateGraph(State).addNode("a", step).addEdge(START, "a").addEdge("a", END);
    expect(extractTopology(builder, { interruptAfter: ["a"] }).nodes[0]).toMatchObject({ role: "human", interrupt: "after" });
  });

  it("infers agent and tool roles for createReactAgent", () => {
    const search = tool(async () => "result", {
      name: "search",
      description: "Searches.",
      schema: z.object({ q: z.string() }),
    });
    const agent = createReactAgent({ llm: new FakeListChatModel({ responses: ["ok"] }), tools: [search] });
    const t = extractTopology(agent);
    expect(roleOf(t)).toEqual({ agent: "agent/prebuilt", tools: "tool/prebuilt" });
    // The prebuilt routing function may answer with Send packets (version "v2"): labelled send.
    expect(edgesOf(t)).toEqual(["agent->tools:send", "tools->agent:direct"]);
    expect(t.exits).toEqual(["agent"]);
    expect(codes(t)).not.toContain("DEFAULT_ROLES");
  });

  it("reads a createSupervisor graph (offline model) and recognises the √k star", () => {
    const llm = new FakeListChatModel({ responses: ["ok"] });
    const researcher = createReactAgent({ llm, tools: [], name: "researcher" });
    const writer = createReactAgent({ llm, tools: [], name: "writer" });
    const critic = createReactAgent({ llm, tools: [], name: "critic" });
    const supervisor = createSupervisor({ agents: [researcher, writer, critic], llm });

    const flat = extractTopology(supervisor, { xray: false });
    expect(edgesOf(flat)).toEqual([
      "critic->supervisor:direct",
      "researcher->supervisor:direct",
      "supervisor->critic:handoff",
      "supervisor->researcher:handoff",
      "supervisor->writer:handoff",
      "writer->supervisor:direct",
    ]);
    const flatReport = analyzeTopology(flat, { cycles: false });
    expect(flatReport.rho).toBeCloseTo(Math.sqrt(3), 12);
    expect(flatReport.patterns).toEqual([
      { kind: "supervisor-worker", hub: "supervisor", workers: ["critic", "researcher", "writer"], k: 3, rhoClosedForm: Math.sqrt(3) },
    ]);

    const expanded = extractTopology(supervisor, { level: "node" });
    expect(expanded.nodes.map((n) => n.id)).toContain("researcher:agent");
    // The handoff tools run in the supervisor's tool node: that is where the Command starts.
    expect(edgesOf(expanded)).toContain("supervisor:tools->researcher:agent:handoff");
    expect(edgesOf(expanded)).not.toContain("supervisor:agent->researcher:agent:command");
    expect(edgesOf(expanded)).toContain("researcher:agent->supervisor:agent:direct");
    const report = analyzeTopology(expanded, { cycles: false });
    expect(report.patterns.map((p) => [p.hub, p.k])).toEqual([["supervisor", 3]]);
    expect(report.findings.find((f) => f.code === "SUPERVISOR_WORKER")?.message).toMatch(/√3/);
  });

  it("reads metadata roles with firebreakRole and rejects what is not a graph", () => {
    const builder = new StateGraph(State)
      .addNode("check", step, { metadata: firebreakRole("verifier") })
      .addNode("route", step, { metadata: firebreakRole("router", { hub: true }) })
      .addEdge(START, "route")
      .addEdge("route", "check")
      .addEdge("check", END);
    expect(roleOf(extractTopology(builder))).toEqual({ check: "verifier/metadata", route: "router/metadata" });
    expect(extractTopology(builder).nodes.find((n) => n.id === "route")?.hub).toBe(true);
    expect(() => extractTopology({ nodes: [] })).toThrow(/expected a StateGraph/);
  });
});
