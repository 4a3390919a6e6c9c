/**
 * Attack: agent/node level, closed forms, Send labelling, conditional edges without a path map,
 * handoff tools. Scripted models only stand in for model judgement (labelled scripted).
 */
import { describe, expect, it } from "vitest";
import { analyzeTopology, extractTopology } from "../../../src/index.js";
import { createChallenger, guardNodeInPlace } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { END, START, Send, State, StateGraph, agentMeta, nestedTeams, step, supervisorApp, swarm, swarmNoEnds } from "./support/apps.js";

const PLASTIC = 1.324717957244746; // λ³ = λ + 1
const mk = (names: string[]) => { const g: any = new StateGraph(State); for (const n of names) g.addNode(n, step, agentMeta); return g; };
const inner = (t: { edges: readonly { source: string; target: string; kind: string }[] }) => t.edges.filter((e) => e.source !== START && e.target !== END);

describe("attack: closed forms at agent level", () => {
  for (const k of [1, 2, 4, 6]) {
    it(`createSupervisor with ${k} workers: ρ = √${k}, each agent one node, both ρ shown`, () => {
      const app = supervisorApp(k);
      const r = analyzeTopology(app);
      expect(r.level).toBe("agent");
      expect(r.rho).toBeCloseTo(Math.sqrt(k), 10);
      expect(r.size.nodes).toBe(k + 1);
      const t = extractTopology(app);
      for (const n of t.nodes) if (n.id !== START && n.id !== END) expect(n.collapsed, n.id).toBe(true);
      // the agent's own model ⇄ tools loop must not appear as relay at agent level
      expect(inner(t).some((e) => e.source === e.target)).toBe(false);
      // node level differs (tool loops), so both must be shown
      const rn = analyzeTopology(app, { level: "node" });
      expect(rn.level).toBe("node");
      if (Math.abs(rn.rho - r.rho) > 1e-9) expect(r.rhoNodeLevel).toBeCloseTo(rn.rho, 9);
      // the report's handoffs are handoff edges
      expect(inner(t).filter((e) => e.source === "supervisor").every((e) => e.kind === "handoff")).toBe(true);
    });
  }

  it("compiled createSupervisor gives the same ρ as the builder", () => {
    expect(analyzeTopology(supervisorApp(3).compile()).rho).toBeCloseTo(Math.sqrt(3), 10);
  });

  it("swarm a→b, b→a, b→c, c→a with Command.PARENT handoff tools: ρ = 1.3247…, handoff edges", () => {
    for (const g of [swarm(), swarmNoEnds()]) {
      const r = analyzeTopology(g);
      expect(r.rho).toBeCloseTo(PLASTIC, 10);
      const es = inner(extractTopology(g)).map((e) => `${e.source}>${e.target}:${e.kind}`).sort();
      expect(es).toEqual(["a>b:handoff", "b>a:handoff", "b>c:handoff", "c>a:handoff"]);
    }
  });

  for (const [m, k] of [[2, 2], [2, 3], [3, 2], [3, 3]] as const) {
    it(`top supervisor over ${m} teams of ${k}: ρ = √(${m}+${k})`, () => {
      const r = analyzeTopology(nestedTeams(m, k));
      expect(r.rho).toBeCloseTo(Math.sqrt(m + k), 9);
    });
  }

  it("relay depth on createSupervisor is unbounded, 2 with the hub guarded", () => {
    const r = analyzeTopology(supervisorApp(3));
    expect(r.relay.depth).toBe("unbounded");
    const app = supervisorApp(3);
    guardNodeInPlace(app as any, "supervisor", { challenger: createChallenger({ model: new ScriptedChatModel({ script: ["ok (scripted)"], label: "scripted:challenger" }) }) });
    const g = analyzeTopology(app);
    expect(g.relay.depth).toBe(2);
    expect(g.rhoEffective).toBeCloseTo(Math.sqrt(3 * 0.11), 9);
  });
});

describe("attack: Send is labelled send", () => {
  it("Send fan-out with a path map", () => {
    const g = mk(["a", "b", "c"]);
    g.addEdge(START, "a").addConditionalEdges("a", (s: any) => [new Send("b", s)], ["b", END]).addEdge("b", "c").addEdge("c", END);
    const es = inner(extractTopology(g)).filter((e) => e.source === "a");
    expect(es.map((e) => `${e.target}:${e.kind}`)).toEqual(["b:send"]);
  });
  it("literal Send without a path map is added as send", () => {
    const g = mk(["a", "b"]);
    g.addEdge(START, "a").addConditionalEdges("a", (s: any) => [new Send("b", s)]).addEdge("b", END);
    expect(inner(extractTopology(g)).map((e) => `${e.source}>${e.target}:${e.kind}`)).toEqual(["a>b:send"]);
  });
});

describe("attack: a conditional edge without a path map never invents edges or a self-loop", () => {
  const warned = (g: any, node: string) => analyzeTopology(g).findings.some((f) => f.code === "UNKNOWN_BRANCH_TARGETS" && f.node === node);

  it("routing function that names no node: no edges, a warning", () => {
    const g = mk(["a", "b"]);
    g.addEdge(START, "a").addConditionalEdges("a", (s: any) => s.next).addEdge("b", END);
    expect(inner(extractTopology(g))).toEqual([]);
    expect(warned(g, "a")).toBe(true);
  });

  it("source node's own name in a comparison is not a target (no invented self-loop)", () => {
    const g = mk(["writer", "reviewer"]);
    g.addEdge(START, "writer").addConditionalEdges("writer", (s: any) => (s.text === "writer" ? "reviewer" : END)).addEdge("reviewer", END);
    const es = inner(extractTopology(g));
    expect(es.some((e) => e.source === "writer" && e.target === "writer")).toBe(false);
    expect(analyzeTopology(g).rho).toBe(0);
  });

  it("source node's name in a log string is not a target (no invented self-loop)", () => {
    const g = mk(["writer", "reviewer"]);
    g.addEdge(START, "writer")
      .addConditionalEdges("writer", (s: any) => {
        if (s.next === undefined) console.log("writer finished");
        return s.next;
      })
      .addEdge("reviewer", END);
    const r = analyzeTopology(g);
    expect(inner(extractTopology(g)).some((e) => e.source === e.target)).toBe(false);
    expect(r.rho).toBe(0);
    expect(r.guards?.recommended ?? []).toEqual([]);
  });

  it("a name in a comment is not a target", () => {
    const g = mk(["a", "b", "c"]);
    g.addEdge(START, "a").addConditionalEdges("a", (s: any) => (/* never "c" */ s.x ? "b" : END)).addEdge("b", END).addEdge("c", END);
    expect(inner(extractTopology(g)).map((e) => e.target)).not.toContain("c");
  });

  it("string built from the source name is not a self-loop", () => {
    const g = mk(["a", "b"]);
    g.addEdge(START, "a").addConditionalEdges("a", (s: any) => "a" + "_" + String(s.x)).addEdge("b", END);
    expect(inner(extractTopology(g)).some((e) => e.source === "a" && e.target === "a")).toBe(false);
  });
});
