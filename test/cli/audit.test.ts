import { describe, expect, it } from "vitest";

import { firebreak } from "./support/firebreak-bin.js";

const fixture = "test/cli/fixtures/graphs.ts";

describe("firebreak audit", () => {
  it("prints a readable report and exits 1 when the relay depth rule fails", async () => {
    const { code, stdout } = await firebreak("audit", `${fixture}:pipeline`);
    expect(code).toBe(1);
    expect(stdout).toContain("Topology audit: test/cli/fixtures/graphs.ts:pipeline");
    expect(stdout).toMatch(/ρ\(A\)\s+= 0 {2}\(acyclic/);
    expect(stdout).toContain("Relay depth: 5 (limit 3");
    expect(stdout).toContain("ERROR   RELAY_DEPTH_EXCEEDED at a1 → a2 → a3 → a4 → a5");
    expect(stdout).toContain("Result: FAIL (1 error");
  });

  it("exits 0 when a limit is raised on the command line", async () => {
    const { code, stdout } = await firebreak("audit", `${fixture}:pipeline`, "--max-relay-depth", "5");
    expect(code).toBe(0);
    expect(stdout).toContain("Result: PASS");
  });

  it("prints JSON with the report and the topology", async () => {
    const { code, stdout } = await firebreak("audit", `${fixture}:verified`, "--json", "--duration", "45");
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ rho: 0, R: 0, verdict: "sub-threshold", ok: true, relay: { depth: 2 } });
    expect(json.tier.tier).toBe(1);
    // MemorySaver keeps threads for human gates, but a crash loses them: not a durable checkpoint.
    const durable = json.tier.controls.find((c: { id: string }) => c.id === "checkpointer");
    expect(durable.status).toBe("missing");
    expect(durable.evidence).toContain("MemorySaver: in memory");
    expect(json.topology.nodes.map((n: { id: string }) => n.id)).toEqual(["a1", "a2", "check", "a3", "a4"]);
  });

  it("draws Mermaid with the cycle and the recommended guard highlighted, calling a factory export", async () => {
    const { code, stdout } = await firebreak("audit", `${fixture}:makeLoop`, "--mermaid");
    expect(code).toBe(1);
    expect(stdout).toContain("graph TD;");
    expect(stdout).toContain("editor -.-> writer;");
    expect(stdout).toMatch(/class (writer|editor) recommendedGuard;/);
    expect(stdout).toMatch(/linkStyle \d+,\d+ stroke:#d9480f/);
  });

  it("loads a JavaScript module's default export", async () => {
    const { code, stdout } = await firebreak("audit", "test/cli/fixtures/plain.mjs");
    expect(code).toBe(0);
    expect(stdout).toContain("plain.mjs:default");
  });

  it("exits 2 with a clear message on usage errors", async () => {
    const cases: [string[], RegExp][] = [
      [["audit"], /Missing <module>:<export>/],
      [["audit", "nope.ts:graph"], /Module not found: .*nope\.ts/],
      [["audit", `${fixture}:answer`], /graphs\.ts:answer: a number is not a StateGraph/],
      [["audit", `${fixture}:missing`], /graphs\.ts:missing: no such export \(exports: answer, makeLoop, pipeline, verified\)/],
      [["audit", `${fixture}:pipeline`, "--beta", "2"], /--beta must be a decimal number from 0 to 1, got "2"/],
      [["audit", `${fixture}:pipeline`, "--json", "--mermaid"], /Choose one of --json and --mermaid/],
      [["lint"], /Unknown command "lint"/],
    ];
    const results = await Promise.all(cases.map(([args]) => firebreak(...args)));
    results.forEach(({ code, stderr }, i) => {
      expect(code, cases[i]![0].join(" ")).toBe(2);
      expect(stderr).toMatch(cases[i]![1]);
    });
  });
});
