/** The analysis's cycle step (src/topology/cycles.ts). */
import { describe, expect, it } from "vitest";
import { enumerateCycles } from "../../../src/topology/cycles.js";
import { indexed } from "../support/indexed.js";

/** The complete digraph on `n` nodes: many elementary cycles. */
function complete(n: number) {
  const edges: [string, string][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) edges.push([`n${i}`, `n${j}`]);
  return { edges };
}

describe("cycle step", () => {
  it("is skipped with cycles: false", () => {
    expect(enumerateCycles(indexed({ edges: [["a", "b"], ["b", "a"]] }).g, false)).toEqual({ cycles: null, findings: [] });
  });

  it("lists the cycles and reports nothing when the count is exact", () => {
    const out = enumerateCycles(indexed({ edges: [["a", "b"], ["b", "a"], ["b", "c"], ["c", "a"]] }).g, undefined);
    expect(out.cycles).toMatchObject({ count: 2, exact: true });
    expect(out.findings).toEqual([]);
  });

  it("adds a CYCLES_TRUNCATED note when enumeration stops at its cap", () => {
    const out = enumerateCycles(indexed(complete(6)).g, { countLimit: 10 });
    expect(out.cycles).toMatchObject({ exact: false });
    expect(out.cycles!.count).toBeGreaterThanOrEqual(10);
    expect(out.findings).toMatchObject([{ code: "CYCLES_TRUNCATED", severity: "info" }]);
  });
});
