/** The last steps of the analysis: findings sorted by severity (findings.ts), the node-level ρ (spectrum.ts). */
import { describe, expect, it } from "vitest";
import { finding, sortFindings } from "../../../src/topology/findings.js";
import { nodeLevelRho } from "../../../src/topology/spectrum.js";
import { createTopology } from "../../../src/topology/topology.js";

describe("findings step", () => {
  it("puts errors first, then warnings, then notes, keeping the order within each", () => {
    const f = (code: "ACYCLIC" | "CYCLIC" | "EPIDEMIC" | "RELAY_UNBOUNDED", severity: "error" | "warning" | "info") => finding(code, severity, code, "-");
    const sorted = sortFindings([f("ACYCLIC", "info"), f("EPIDEMIC", "warning"), f("CYCLIC", "info"), f("RELAY_UNBOUNDED", "error")]);
    expect(sorted.map((x) => x.code)).toEqual(["RELAY_UNBOUNDED", "EPIDEMIC", "ACYCLIC", "CYCLIC"]);
  });
});

describe("node-level ρ step", () => {
  it("is absent without a node-level graph or when it equals the agent-level ρ", () => {
    const t = createTopology({ edges: [["a", "b"]] });
    expect(nodeLevelRho(t, 0)).toBeUndefined();
    expect(nodeLevelRho({ ...t, nodeLevel: { nodes: t.nodes, edges: t.edges } }, 0)).toBeUndefined();
  });

  it("reports the node-level ρ when an agent's own loop was read as one node", () => {
    const agentLevel = createTopology({ edges: [["a", "b"]] });
    const nodeLevel = createTopology({ edges: [["a", "tools"], ["tools", "a"], ["a", "b"]] });
    expect(nodeLevelRho({ ...agentLevel, nodeLevel: { nodes: nodeLevel.nodes, edges: nodeLevel.edges } }, 0)).toBe(1);
  });
});
