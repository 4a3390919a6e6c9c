/** The analysis's patterns step (src/topology/patterns.ts). */
import { describe, expect, it } from "vitest";
import { findSupervisorWorker, patternFindings } from "../../../src/topology/patterns.js";
import { indexed, star } from "../support/indexed.js";

describe("patterns step", () => {
  it("recognises a hub with k ≥ 2 workers reporting back, ρ = √k", () => {
    const [p, ...rest] = findSupervisorWorker(indexed(star(3)).g);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ kind: "supervisor-worker", hub: "hub", workers: ["w1", "w2", "w3"], k: 3 });
    expect(p!.rhoClosedForm).toBeCloseTo(Math.sqrt(3), 12);
  });

  it("does not call one worker, or a one-way fan-out, a star", () => {
    expect(findSupervisorWorker(indexed(star(1)).g)).toEqual([]);
    expect(findSupervisorWorker(indexed({ edges: [["hub", "a"], ["hub", "b"], ["hub", "c"]] }).g)).toEqual([]);
  });

  it("finds a star nested in a subgraph under its scoped names", () => {
    const edges: [string, string][] = [["__start__", "team:lead"], ["team:lead", "__end__"]];
    for (const w of ["team:a", "team:b"]) edges.push(["team:lead", w], [w, "team:lead"]);
    expect(findSupervisorWorker(indexed({ edges }).g).map((p) => [p.hub, p.k])).toEqual([["team:lead", 2]]);
  });

  it("writes one SUPERVISOR_WORKER note per star, with the component's ρ when loops around it raise it", () => {
    const patterns = findSupervisorWorker(indexed(star(4)).g);
    const bare = patternFindings(patterns, () => undefined);
    expect(bare).toHaveLength(1);
    expect(bare[0]).toMatchObject({ code: "SUPERVISOR_WORKER", severity: "info", node: "hub" });
    expect(bare[0]!.fix).toContain('guardNodeInPlace(builder, "hub"');
    expect(bare[0]!.message).not.toContain("its component has");
    expect(patternFindings(patterns, () => 2.5)[0]!.message).toContain("its component has ρ = 2.5");
  });
});
