/**
 * Attack: the `firebreak` exit-code contract (0 report/no error, 1 report with an error,
 * 2 usage/load error with ONE stderr line naming module, export and cause, nothing on stdout),
 * and chaos bounds checked up front. Every child is bounded and killed by PID.
 */
import { describe, expect, it } from "vitest";
import { FIX, cli, type CliResult } from "./support/run-cli.js";

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

function expectLoadError(r: CliResult, spec: string) {
  expect(r.timedOut, "CLI must not hang").toBe(false);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).toContain(spec);
}

describe("attack: audit exit codes", () => {
  it.concurrent("0 with a report on a clean DAG (factory export)", async () => {
    for (const exp of ["factory"]) {
      const r = await cli(["audit", `${FIX}/ok.ts:${exp}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stderr).toBe("");
    }
  });

  it.concurrent("1 with a report on an unverified agent ring", async () => {
    const r = await cli(["audit", `${FIX}/ring.ts:graph`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RELAY_UNBOUNDED|unbounded/i);
  });

  it.concurrent("createSupervisor (3 workers): report shows ρ = √3 and the node-level ρ, exit 1 (unbounded relay)", async () => {
    const r = await cli(["audit", `${FIX}/sup.ts:graph`, "--json"]);
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.stdout) as { rho: number; rhoNodeLevel?: number; level?: string };
    expect(rep.level).toBe("agent");
    expect(rep.rho).toBeCloseTo(Math.sqrt(3), 9);
    expect(rep.rhoNodeLevel).toBeGreaterThan(rep.rho);
  });

  it.concurrent("--json stays JSON when the module prints to stdout on import", async () => {
    const r = await cli(["audit", `${FIX}/stdout-noise.ts:graph`, "--json"]);
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  const loadCases: Array<[string, string[]]> = [
    ["module throws", [`${FIX}/throws.ts:graph`]],
    ["process.exit(0) on import", [`${FIX}/exit0.ts:graph`]],
    ["hangs at top-level await", [`${FIX}/tla-hang.ts:graph`, "--load-timeout", "1500"]],
    ["infinite sync loop at import", [`${FIX}/spin.ts:graph`, "--load-timeout", "1500"]],
    ["missing export", [`${FIX}/ok.ts:missing`]],
    ["non-graph export", [`${FIX}/ok.ts:notAGraph`]],
    ["factory that throws", [`${FIX}/ok.ts:throwingFactory`]],
    ["factory that exits 0", [`${FIX}/ok.ts:exitingFactory`]],
    ["factory that never resolves", [`${FIX}/ok.ts:neverFactory`, "--load-timeout", "1500"]],
    ["--load-timeout 1 (too short to load)", [`${FIX}/ok.ts:graph`, "--load-timeout", "1"]],
  ];
  for (const [name, args] of loadCases) {
    it.concurrent(`2: ${name}`, async () => {
      const r = await cli(["audit", ...args]);
      expectLoadError(r, args[0]!);
    });
  }

  const usageCases: Array<[string, string[]]> = [
    ["--max-rho 0x10", ["--max-rho", "0x10"]],
    ["--max-rho NaN", ["--max-rho", "NaN"]],
    ["--max-rho 1e1 (not plain decimal)", ["--max-rho", "1e1"]],
    ["--max-rho=-1 (negative)", ["--max-rho=-1"]],
    ["--max-rho -1 (negative, separate argument)", ["--max-rho", "-1"]],
    ["--load-timeout 0", ["--load-timeout", "0"]],
    ["--load-timeout 600001", ["--load-timeout", "600001"]],
    ["unknown flag --bogus", ["--bogus"]],
  ];
  for (const [name, extra] of usageCases) {
    it.concurrent(`2, nothing on stdout, one stderr line: ${name}`, async () => {
      const r = await cli(["audit", `${FIX}/ok.ts:graph`, ...extra]);
      expectLoadError(r, "firebreak:");
    });
  }

  it.concurrent("a bad option value's stderr line names module:export (firebreak: <module>:<export>: <cause>)", async () => {
    const spec = `${FIX}/ok.ts:graph`;
    for (const extra of [["--max-rho", "0x10"], ["--bogus"], ["--level", "team"], ["--load-timeout", "0"]]) {
      const r = await cli(["audit", spec, ...extra]);
      expectLoadError(r, `firebreak: ${spec}: `);
    }
    const chaos = await cli(["chaos", spec, "--trials", "1e9"]);
    expectLoadError(chaos, `firebreak: ${spec}: --trials`);
  });
});

describe("attack: chaos checks its bounds before anything runs", () => {
  it.concurrent("--trials 1e9 is a usage error", async () => {
    for (const t of ["1e9"]) {
      const r = await cli(["chaos", `${FIX}/ok.ts:graph`, "--trials", t]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
    }
  });
  it.concurrent("more than 200,000 runs is refused up front (fast, no trial ran)", async () => {
    const args = ["chaos", `${FIX}/ok.ts:graph`, "--trials", "10000"];
    for (const f of ["falsehood", "empty", "garbage", "malformed", "latency:1"]) args.push("--fault", f);
    for (const t of ["a", "b", "hub", "leaf", "role:agent"]) args.push("--target", t);
    const r = await cli(args, { timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/trials\|?$|\d+\/\d+ trials/);
  });
  it.concurrent("recorded trials that do not fit a quarter of the heap are refused up front", async () => {
    const args = ["chaos", `${FIX}/ok.ts:graph`, "--trials", "10000", "--fault", "falsehood", "--fault", "empty", "--target", "a", "--target", "b"];
    const r = await cli(args, { timeoutMs: 30_000, env: { NODE_OPTIONS: "--max-old-space-size=40" } });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/heap/);
  });
  it.concurrent("a node that calls process.exit(0) mid-run is exit code 2, not 0", async () => {
    const r = await cli(["chaos", `${FIX}/exit-in-node.ts:graph`, "--trials", "2", "--quiet"]);
    expect(r.code).toBe(2);
  });
});
