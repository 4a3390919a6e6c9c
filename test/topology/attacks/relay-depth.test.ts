/**
 * Attack: relay depth = the longest chain of agents with no verifier or human between them
 * (checked against networkx on random DAGs of agents), verifiers cutting chains, and the
 * most dangerous seed of a star.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { analyzeTopology, createTopology } from "../../../src/index.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

describe("attack: relay depth", () => {
  it("random DAGs of agents: depth = networkx longest path (in agents)", () => {
    const r = rng(7);
    const dags: Array<{ n: number; edges: Array<[number, number]> }> = [];
    for (let t = 0; t < 15; t++) {
      const n = 3 + Math.floor(r() * 30);
      const edges: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (r() < 0.15) edges.push([i, j]);
      dags.push({ n, edges });
    }
    const py = `
import sys, json, networkx as nx
out = []
for d in json.load(sys.stdin):
    g = nx.DiGraph(); g.add_nodes_from(range(d["n"])); g.add_edges_from(d["edges"])
    out.append(nx.dag_longest_path_length(g) + 1)
print(json.dumps(out))`;
    const want = JSON.parse(execFileSync("python3", ["-c", py], { input: JSON.stringify(dags), timeout: 30_000 }).toString()) as number[];
    dags.forEach((d, i) => {
      const topo = createTopology({ nodes: Array.from({ length: d.n }, (_, k) => `n${k}`), edges: d.edges.map(([a, b]) => [`n${a}`, `n${b}`] as const) });
      const rep = analyzeTopology(topo, { guards: false, cycles: false, maxRelayDepth: 1000 });
      expect(rep.relay.depth, `dag ${i}`).toBe(want[i]);
      expect(rep.relay.path.length, `dag ${i} path`).toBe(want[i]);
      // the path is a real path in the graph
      const set = new Set(d.edges.map(([a, b]) => `n${a}>n${b}`));
      for (let k = 1; k < rep.relay.path.length; k++) expect(set.has(`${rep.relay.path[k - 1]}>${rep.relay.path[k]}`)).toBe(true);
    });
  });

  it("a verifier in the middle of a 6-chain cuts it to 3", () => {
    const topo = createTopology({
      nodes: ["s1", "s2", "s3", { id: "v", role: "verifier" }, "s4", "s5", "s6"],
      edges: [["s1", "s2"], ["s2", "s3"], ["s3", "v"], ["v", "s4"], ["s4", "s5"], ["s5", "s6"]],
    });
    const rep = analyzeTopology(topo);
    expect(rep.relay.depth).toBe(3);
    expect(rep.ok).toBe(true);
  });

  it("a human gate on an agent loop bounds it", () => {
    const topo = createTopology({ nodes: ["a", "b", { id: "h", role: "human" }], edges: [["a", "b"], ["b", "h"], ["h", "a"]] });
    expect(analyzeTopology(topo).relay.depth).not.toBe("unbounded");
  });

  it("the hub of a star is the most dangerous seed", () => {
    const edges: Array<readonly [string, string]> = [];
    for (const w of ["w1", "w2", "w3", "w4"]) edges.push(["hub", w], [w, "hub"]);
    expect(analyzeTopology(createTopology({ edges })).seeds[0]?.node).toBe("hub");
  });
});
