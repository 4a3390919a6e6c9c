/** The analysis's settings step (src/topology/analysis-settings.ts). */
import { describe, expect, it } from "vitest";
import { DEFAULT_BETA, DEFAULT_DELTA, DEFAULT_GUARD_RESIDUAL, resolveSettings, settingsFindings } from "../../../src/topology/analysis-settings.js";

describe("settings step", () => {
  it("uses the defaults when nothing is given, and reports nothing", () => {
    const s = resolveSettings({});
    expect(s).toEqual({ beta: DEFAULT_BETA, delta: DEFAULT_DELTA, residual: DEFAULT_GUARD_RESIDUAL });
    expect(settingsFindings({}, s)).toEqual([]);
  });

  it("keeps in-range values, the closed ends included (δ must be above 0)", () => {
    expect(resolveSettings({ beta: 0, delta: 1, guardResidual: 1 })).toEqual({ beta: 0, delta: 1, residual: 1 });
    expect(resolveSettings({ delta: 0 }).delta).toBe(DEFAULT_DELTA);
  });

  it("replaces each out-of-range or non-finite value by its default, with an INVALID_OPTION warning naming it", () => {
    const options = { beta: 1.5, delta: Number.NaN, guardResidual: -0.1, maxRelayDepth: -1 };
    const s = resolveSettings(options);
    expect(s).toEqual({ beta: DEFAULT_BETA, delta: DEFAULT_DELTA, residual: DEFAULT_GUARD_RESIDUAL });
    const findings = settingsFindings(options, s);
    expect(findings.map((f) => [f.code, f.severity])).toEqual(Array(4).fill(["INVALID_OPTION", "warning"]));
    expect(findings.map((f) => f.message.split(" ")[1])).toEqual(["beta", "delta", "guardResidual", "maxRelayDepth"]);
    expect(findings[0]!.message).toContain("0.5 was used instead");
  });
});
