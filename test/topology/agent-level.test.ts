import { tool } from "@langchain/core/tools";
import { MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createHandoffTool, createSupervisor } from "@langchain/langgraph-supervisor";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { createChallenger, createSupervisorWorkerGraph, guardNodeInPlace } from "../../nodes/index.js";
import { scriptedModels } from "../../examples/supervisor-worker/models.js";
import { analyzeTopology, DEFAULT_GUARD_RESIDUAL, extractTopology, type TopologyReport } from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

// Agents run on scripted models: the graphs are only read, never invoked, so no network.
const model = () => new ScriptedChatModel({ script: ["ok"] });
const add = tool(async ({ a, b }) => String(a + b), { name: "add", description: "Adds.", schema: z.object({ a: z.number(), b: z.number() }) });
const agent = (name: string, tools: Parameters<typeof createReactAgent>[0]["tools"] = [add]) => createReactAgent({ llm: model(), tools, name });
const supervisorOf = (workers: readonly string[], supervisorName = "supervisor") =>
  createSupervisor({ agents: workers.map((w) => agent(w)), llm: model(), supervisorName });
const nodeNames = (builder: unknown) => Object.keys((builder as { nodes: Record<string, unknown> }).nodes);
const codes = (r: TopologyReport) => r.findings.map((f) => f.code);

/** Applies every recommended guard with guardNodeInPlace and returns the builder. */
function applyRecommendations<B>(builder: B, report: TopologyReport): B {
  const challenger = createChallenger({ model: model() });
  for (const rec of report.guards!.recommended) guardNodeInPlace(builder as never, rec.node!, { challenger });
  return builder;
}

describe("agent level: prebuilt agents read as agents, handoff tools as handoffs", () => {
  it.each([2, 3])("createSupervisor with k = %i ReAct workers: ρ = √k, R = β·√k/δ, an unbounded relay; the node level is shown beside it", (k) => {
    const workers = Array.from({ length: k }, (_, i) => `worker_${i}`);
    const builder = supervisorOf(workers);
    const report = analyzeTopology(builder, { cycles: false, beta: 0.3, delta: 0.6 });
    expect(report.level).toBe("agent");
    expect(report.size.nodes).toBe(k + 1);
    expect(report.rho).toBeCloseTo(Math.sqrt(k), 12);
    expect(report.R).toBeCloseTo((0.3 * Math.sqrt(k)) / 0.6, 12);
    expect(report.relay.depth).toBe("unbounded");
    expect(report.patterns).toEqual([expect.objectContaining({ hub: "supervisor", k })]);
    // Each agent's own model ⇄ tools loop adds to ρ only when counted as relay (node level).
    const nodeLevel = analyzeTopology(builder, { cycles: false, level: "node" });
    expect(nodeLevel.level).toBe("node");
    expect(nodeLevel.rho).toBeGreaterThan(Math.sqrt(k) + 0.05);
    expect(report.rhoNodeLevel).toBeCloseTo(nodeLevel.rho, 12);
  });

  it("reads the handoff tools, not the subgraph's exits, as where a Command.PARENT starts", () => {
    const builder = supervisorOf(["math", "research"]);
    const edges = extractTopology(builder).edges.map((e) => `${e.source}->${e.target}:${e.kind}`).sort();
    expect(edges).toEqual(["math->supervisor:direct", "research->supervisor:direct", "supervisor->math:handoff", "supervisor->research:handoff"]);
    const nodes = extractTopology(builder).nodes.map((n) => [n.id, n.role, n.collapsed]);
    expect(nodes).toEqual([
      ["supervisor", "agent", true],
      ["math", "agent", true],
      ["research", "agent", true],
    ]);
  });

  it("a swarm (agents handing off with Command.PARENT tools, no supervisor): ρ is the plastic number for a→b, b→a, b→c, c→a", () => {
    const swarm = new StateGraph(MessagesAnnotation)
      .addNode("alice", agent("alice", [add, createHandoffTool({ agentName: "bob" })]), { ends: ["bob"] })
      .addNode("bob", agent("bob", [createHandoffTool({ agentName: "alice" }), createHandoffTool({ agentName: "carol" })]))
      .addNode("carol", agent("carol", [createHandoffTool({ agentName: "alice" })]))
      .addEdge(START, "alice");
    const report = analyzeTopology(swarm, { cycles: false });
    // Closed form: the characteristic polynomial is λ³ − λ − 1 (cycles of length 2 and 3).
    const plastic = 1.324717957244746;
    expect(report.rho).toBeCloseTo(plastic, 12);
    expect(report.rho ** 3 - report.rho - 1).toBeCloseTo(0, 12);
    expect(report.size).toEqual({ nodes: 3, edges: 4 });
    expect(report.relay.depth).toBe("unbounded");
    // bob declares no `ends`: its handoffs are read from its tools all the same.
    expect(extractTopology(swarm).edges.filter((e) => e.source === "bob").map((e) => `${e.target}:${e.kind}`).sort()).toEqual(["alice:handoff", "carol:handoff"]);
  });

  it.each([
    [2, 2],
    [3, 2],
  ])("a hierarchy of %i teams of %i workers under a top supervisor: ρ = √(teams + workers), every star recognised", (m, k) => {
    const teams = Array.from({ length: m }, (_, t) =>
      supervisorOf(Array.from({ length: k }, (_, w) => `t${t}_w${w}`), `t${t}_lead`).compile({ name: `team_${t}` }),
    );
    const top = createSupervisor({ agents: teams, llm: model(), supervisorName: "top" });
    const report = analyzeTopology(top, { cycles: false });
    // Symmetric tree, edges both ways: λ·c = b, λ·b = a + k·c, λ·a = m·b  ⇒  λ² = m + k.
    expect(report.rho).toBeCloseTo(Math.sqrt(m + k), 12);
    expect(report.patterns.map((p) => [p.hub, p.k])).toEqual([
      ["top", m],
      ...teams.map((_, t) => [`team_${t}:t${t}_lead`, k]),
    ]);
    expect(report.relay.depth).toBe("unbounded");
    expect(report.findings.find((f) => f.code === "SUPERVISOR_WORKER" && f.node === "team_0:t0_lead")?.fix).toMatch(/guardNodeInPlace\(builder, "team_0"/);
    // Every recommendation is a top-level node of the builder.
    for (const rec of report.guards!.recommended) expect(nodeNames(top)).toContain(rec.node);
  });
});

describe("recommendations guardNodeInPlace accepts, and that make the same audit pass", () => {
  it("on a createSupervisor app: the hub, named as a top-level node at both levels", () => {
    const report = analyzeTopology(supervisorOf(["math", "research"]), { cycles: false });
    expect(report.ok).toBe(false);
    expect(report.guards!.recommended.map((r) => r.node)).toEqual(["supervisor"]);
    const nodeLevel = analyzeTopology(supervisorOf(["math", "research"]), { cycles: false, level: "node" });
    for (const rec of nodeLevel.guards!.recommended) {
      expect(nodeNames(supervisorOf(["math", "research"]))).toContain(rec.node);
      if (rec.at !== undefined) expect(rec.at.startsWith(`${rec.node}:`)).toBe(true);
    }
    const guarded = applyRecommendations(supervisorOf(["math", "research"]), report);
    const after = analyzeTopology(guarded, { cycles: false });
    expect(after.ok).toBe(true);
    expect(after.verdict).toBe("sub-threshold");
    expect(after.rhoEffective).toBeCloseTo(Math.sqrt(2 * DEFAULT_GUARD_RESIDUAL), 9);
    expect(codes(after)).not.toContain("RELAY_UNBOUNDED");
    // A worker hands to the guarded hub, which checks before anyone else sees it: depth 2.
    expect(after.relay.depth).toBe(2);
    expect(after.guards!.recommended).toEqual([]);
  });

  it("on the shipped supervisor–worker example built without its guards", () => {
    const build = () => {
      const models = scriptedModels();
      return createSupervisorWorkerGraph({
        supervisor: models.supervisor,
        workers: {
          researcher: { description: "facts", model: models.researcher },
          analyst: { description: "meaning", model: models.analyst },
        },
        writer: models.writer,
        retryPolicy: { maxAttempts: 3 },
      });
    };
    const options = { interruptBefore: ["writer"], cycles: false } as const;
    const report = analyzeTopology(build(), options);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain("RELAY_UNBOUNDED");
    for (const rec of report.guards!.recommended) expect(nodeNames(build())).toContain(rec.node);
    const after = analyzeTopology(applyRecommendations(build(), report), options);
    expect(after.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(after.ok).toBe(true);
    expect(after.R).toBeLessThan(1);
  });
});
