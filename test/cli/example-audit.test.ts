import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/firebreak.js", import.meta.url));
const example = "examples/supervisor-worker/audit.ts:graph";

/** Spawns the `firebreak` bin (what `npx firebreak` runs) in the repository root. */
function firebreak(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// The researcher's out-edge passes the BICR guard: scaled by the default residual 0.11.
const RESIDUAL = 0.11;

describe("firebreak audit on the guarded supervisor–worker example", () => {
  it("reports ρ = √2 for two workers, a lower effective ρ from the guarded researcher, and fails on the unguarded analyst loop", async () => {
    const { code, stdout, stderr } = await firebreak("audit", example);
    expect(stderr).toBe("");
    expect(stdout).toContain(`Topology audit: ${example}`);
    expect(stdout).toContain("4 nodes, 5 edges; 1 cyclic component of 2");
    expect(stdout).toMatch(/ρ\(A\)\s+= 1\.4142\n/);
    expect(stdout).toMatch(/ρ effective\s+= 1\.0536 /);
    expect(stdout).toContain('hub "supervisor" with k = 2 workers → bare star ρ = √2 ≈ 1.4142');
    expect(stdout).toContain("{supervisor, researcher, analyst}  guarded");
    // The guard covers the researcher only: supervisor ⇄ analyst is still an unverified relay.
    expect(stdout).toContain("Relay depth: unbounded");
    expect(stdout).toContain("ERROR   RELAY_UNBOUNDED at supervisor → analyst");
    expect(stdout).toContain("Tier 2");
    expect(stdout).toMatch(/Result: FAIL \(1 error/);
    expect(code).toBe(1);
  });

  it("gives the same figures as JSON: ρ = √2, ρ_eff = √(1 + residual), R > 1 at the default β = δ", async () => {
    const { code, stdout } = await firebreak("audit", example, "--json");
    const report = JSON.parse(stdout);
    expect(report.name).toBe("supervisor_worker");
    expect(report.rho).toBeCloseTo(Math.SQRT2, 9);
    // Cycles supervisor→researcher→supervisor (weight 0.11) and supervisor→analyst→supervisor (1): ρ² = 1.11.
    expect(report.rhoEffective).toBeCloseTo(Math.sqrt(1 + RESIDUAL), 9);
    expect(report.rhoEffective).toBeLessThan(report.rho);
    expect(report.R).toBeCloseTo(report.rhoEffective, 12);
    expect(report.verdict).toBe("epidemic");
    expect(report.tier.tier).toBe(2);
    expect(report.patterns).toEqual([expect.objectContaining({ hub: "supervisor" })]);
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it("at β = 0.4 the cascade turns sub-threshold, yet the unbounded relay still fails the audit", async () => {
    const { code, stdout } = await firebreak("audit", example, "--json", "--beta", "0.4");
    const report = JSON.parse(stdout);
    expect(report.R).toBeCloseTo((0.4 * Math.sqrt(1 + RESIDUAL)) / 0.5, 9);
    expect(report.verdict).toBe("sub-threshold");
    // The unbounded relay is an error whatever β is.
    expect(report.findings.map((f: { code: string }) => f.code)).toContain("RELAY_UNBOUNDED");
    expect(code).toBe(1);
  });
});
