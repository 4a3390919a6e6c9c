import { describe, expect, it } from "vitest";
import { createChallenger, createSupervisorWorkerGraph, guardNodeInPlace } from "../../nodes/index.js";
import { analyzeTopology } from "../../src/topology/index.js";
import { scriptedModels } from "../../examples/supervisor-worker/models.js";
import { firebreak } from "./support/firebreak-bin.js";

const example = "examples/supervisor-worker/audit.ts:graph";

// The researcher's out-edge passes the BICR guard: scaled by the default residual 0.11.
const RESIDUAL = 0.11;

/** The example's team with its scripted models, no guard placed yet. */
function exampleTeam() {
  const models = scriptedModels();
  const team = createSupervisorWorkerGraph({
    supervisor: models.supervisor,
    workers: {
      researcher: { description: "facts", model: models.researcher },
      analyst: { description: "meaning", model: models.analyst },
    },
    writer: models.writer,
  });
  return { models, team };
}

describe("firebreak audit on the guarded supervisor–worker example", () => {
  it("reports ρ = √2 for two workers, a lower effective ρ because both workers are guarded, and passes", async () => {
    const { code, stdout, stderr } = await firebreak("audit", example);
    expect(stderr).toBe("");
    expect(stdout).toContain(`Topology audit: ${example}`);
    expect(stdout).toContain("4 nodes, 5 edges; 1 cyclic component of 2");
    expect(stdout).toMatch(/ρ\(A\)\s+= 1\.4142\n/);
    expect(stdout).toMatch(/ρ effective\s+= 0\.4690 /);
    expect(stdout).toContain('hub "supervisor" with k = 2 workers → bare star ρ = √2 ≈ 1.4142');
    expect(stdout).toContain("{supervisor, researcher, analyst}  guarded");
    // Every supervisor ⇄ worker loop passes through a guard: the relay is bounded.
    expect(stdout).toContain("Relay depth: 2 (limit 3");
    expect(stdout).not.toContain("RELAY_UNBOUNDED");
    expect(stdout).toContain("[x] T1 Retries with backoff on model and tool nodes");
    expect(stdout).toContain("Tier 2");
    expect(stdout).toMatch(/Result: PASS \(0 errors, 0 warnings\)/);
    expect(code).toBe(0);
  });

  it("gives the same figures as JSON: ρ = √2, ρ_eff = √(2 · residual), R < 1 at the default β = δ", async () => {
    const { code, stdout } = await firebreak("audit", example, "--json");
    const report = JSON.parse(stdout);
    expect(report.name).toBe("supervisor_worker");
    expect(report.rho).toBeCloseTo(Math.SQRT2, 9);
    // Both cycles supervisor→worker→supervisor carry the guard's residual 0.11: ρ² = 0.22.
    expect(report.rhoEffective).toBeCloseTo(Math.sqrt(2 * RESIDUAL), 9);
    expect(report.R).toBeCloseTo(report.rhoEffective, 12);
    expect(report.verdict).toBe("sub-threshold");
    expect(report.tier.tier).toBe(2);
    expect(report.patterns).toEqual([expect.objectContaining({ hub: "supervisor" })]);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it("fails the build when guards are assumed useless and epidemics are an error", async () => {
    const { code, stdout } = await firebreak("audit", example, "--json", "--guard-residual", "1", "--fail-on-epidemic");
    const report = JSON.parse(stdout);
    expect(report.rhoEffective).toBeCloseTo(Math.SQRT2, 9);
    expect(report.verdict).toBe("epidemic");
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it("with only the researcher guarded, the supervisor ⇄ analyst loop is an unbounded relay and R > 1", () => {
    const { models, team } = exampleTeam();
    guardNodeInPlace(team, "researcher", { challenger: createChallenger({ model: models.challenger }) });
    const report = analyzeTopology(team, { interruptBefore: ["writer"] });
    expect(report.rhoEffective).toBeCloseTo(Math.sqrt(1 + RESIDUAL), 9);
    expect(report.verdict).toBe("epidemic");
    expect(report.relay.depth).toBe("unbounded");
    expect(report.findings.map((f) => f.code)).toContain("RELAY_UNBOUNDED");
    expect(report.ok).toBe(false);
  });

  it("the example without its guards fails the audit; guarding exactly what the audit recommends makes the same audit pass", () => {
    const { models, team } = exampleTeam();
    const before = analyzeTopology(team, { interruptBefore: ["writer"] });
    expect(before.ok).toBe(false);
    const names = (before.guards?.recommended ?? []).map((r) => r.node!);
    expect(names.length).toBeGreaterThan(0);
    const challenger = createChallenger({ model: models.challenger });
    for (const name of names) guardNodeInPlace(team, name, { challenger });
    const after = analyzeTopology(team, { interruptBefore: ["writer"] });
    expect(after.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(after.ok).toBe(true);
    expect(after.R).toBeCloseTo(before.guards!.rAfter, 6);
  });
});
