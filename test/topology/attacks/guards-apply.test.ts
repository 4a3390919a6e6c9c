/**
 * Attack: "every recommended guard is a name guardNodeInPlace accepts, and applying the
 * recommendations makes the same audit pass" — on shapes other than the shipped example.
 * Scripted models only stand in for model judgement (labelled scripted).
 */
import { describe, expect, it } from "vitest";
import { analyzeTopology } from "../../../src/index.js";
import { createChallenger, guardNodeInPlace } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { END, START, State, StateGraph, agentMeta, nestedTeams, step, supervisorApp, swarm } from "./support/apps.js";

const challenger = () => createChallenger({ model: new ScriptedChatModel({ script: ["ok (scripted)"], label: "scripted:challenger" }) });

function applyAndReaudit(builder: any): { before: any; after: any; names: string[] } {
  const before = analyzeTopology(builder);
  const names: string[] = [];
  const c = challenger();
  for (const rec of before.guards?.recommended ?? []) {
    expect(rec.node, "recommendation must name a top-level node").toBeTypeOf("string");
    names.push(rec.node!);
    guardNodeInPlace(builder, rec.node!, { challenger: c }); // throws if the name is not accepted
  }
  const after = analyzeTopology(builder);
  return { before, after, names };
}

function hand(edges: Array<[string, string]>, extraNodes: string[] = []) {
  const names = new Set<string>(extraNodes);
  for (const [a, b] of edges) { if (a !== START && a !== END) names.add(a); if (b !== START && b !== END) names.add(b); }
  const g: any = new StateGraph(State);
  for (const n of names) g.addNode(n, step, agentMeta);
  for (const [a, b] of edges) g.addEdge(a, b);
  return g;
}

const failing = (r: any) => r.findings.filter((f: any) => f.severity === "error").map((f: any) => f.code);

describe("attack: applying the recommended guards makes the same audit pass", () => {
  it("createSupervisor with 3 workers", () => {
    const { before, after } = applyAndReaudit(supervisorApp(3));
    expect(before.ok).toBe(false);
    expect(failing(after)).toEqual([]);
    expect(after.ok).toBe(true);
  });

  it("hand-built swarm a→b, b→a, b→c, c→a", () => {
    const { after } = applyAndReaudit(swarm());
    expect(failing(after)).toEqual([]);
  });

  // Was a KNOWN GAP (issue 15): placement now cuts relays, so the recommendations pass this audit.
  it("chain of 6 unverified agents (relay depth 6 > 3)", () => {
    const g = hand([[START, "s1"], ["s1", "s2"], ["s2", "s3"], ["s3", "s4"], ["s4", "s5"], ["s5", "s6"], ["s6", END]]);
    const { before, after } = applyAndReaudit(g);
    expect(failing(before)).toContain("RELAY_DEPTH_EXCEEDED");
    expect(failing(after)).toEqual([]);
  });

  // Was a KNOWN GAP (issue 15): placement now cuts relays, so the recommendations pass this audit.
  it("ring of 5 agents", () => {
    const g = hand([[START, "r0"], ["r0", "r1"], ["r1", "r2"], ["r2", "r3"], ["r3", "r4"], ["r4", "r0"]]);
    const { before, after } = applyAndReaudit(g);
    expect(before.ok).toBe(false);
    expect(failing(after)).toEqual([]);
  });

  it("two hubs, each with two workers both ways, hubs linked both ways", () => {
    const g = hand([
      [START, "h1"], ["h1", "a1"], ["a1", "h1"], ["h1", "a2"], ["a2", "h1"],
      ["h2", "b1"], ["b1", "h2"], ["h2", "b2"], ["b2", "h2"], ["h1", "h2"], ["h2", "h1"],
    ]);
    const { before, after } = applyAndReaudit(g);
    expect(before.ok).toBe(false);
    expect(failing(after)).toEqual([]);
  });

  // Was a KNOWN GAP (issue 15): placement now cuts relays, so the recommendations pass this audit.
  it("DAG plus one cycle", () => {
    const g = hand([[START, "x"], ["x", "y"], ["x", "z"], ["y", "w"], ["z", "w"], ["w", "v"], ["v", "y"], ["v", END]]);
    const { before, after } = applyAndReaudit(g);
    expect(before.ok).toBe(false);
    expect(failing(after)).toEqual([]);
  });

  it("nested teams: top supervisor over 2 teams of 2 workers", () => {
    const { before, after, names } = applyAndReaudit(nestedTeams(2, 2));
    expect(before.ok).toBe(false);
    expect(names.length).toBeGreaterThan(0);
    expect(failing(after)).toEqual([]);
  });

  it("node level: applying the node-level recommendations makes the node-level audit pass (createSupervisor, 2 workers)", () => {
    const app: any = supervisorApp(2);
    const before = analyzeTopology(app, { level: "node" });
    const c = challenger();
    for (const rec of before.guards?.recommended ?? []) guardNodeInPlace(app, rec.node!, { challenger: c });
    const after = analyzeTopology(app, { level: "node" });
    expect(failing(after)).toEqual([]);
  });

  // Was a KNOWN GAP (issue 15): a guarded node's producer subgraph is now read through the guard.
  it("nested teams 2×3: guarding the recommended teams does not hide their inner loops (ρ(A) unchanged, R as predicted)", () => {
    const app: any = nestedTeams(2, 3);
    const before = analyzeTopology(app);
    expect(before.rho).toBeCloseTo(Math.sqrt(5), 9);
    const c = challenger();
    for (const rec of before.guards?.recommended ?? []) guardNodeInPlace(app, rec.node!, { challenger: c });
    const after = analyzeTopology(app);
    // a guard scales edges; it removes none: the unweighted ρ(A) of the same app stays √(m + k)
    expect(after.rho).toBeCloseTo(Math.sqrt(5), 6);
    // and the re-audit agrees with what the recommendation predicted
    expect(after.R).toBeCloseTo(before.guards!.rAfter, 3);
  });
});

describe("attack: what a guarded team's inner loops leave for the re-audit", () => {
  it("nested teams 2×3 after guarding: R stays ≥ √3 from the teams' inner stars, and the warning says to guard inside them", () => {
    const app: any = nestedTeams(2, 3);
    const before = analyzeTopology(app);
    for (const rec of before.guards?.recommended ?? []) guardNodeInPlace(app, rec.node!, { challenger: challenger() });
    const after = analyzeTopology(app);
    expect(after.R).toBeGreaterThanOrEqual(Math.sqrt(3) - 1e-9);
    const insufficient = after.findings.find((f: any) => f.code === "GUARDS_INSUFFICIENT");
    expect(insufficient?.message).toMatch(/Guarded subgraphs \(team_0, team_1\)/);
    expect(insufficient?.fix).toMatch(/guardNodeInPlace on the subgraph's own builder/);
    // Relay: each guarded team is one guarded agent, so no unverified loop is left.
    expect(failing(after)).toEqual([]);
  });
});
