import { describe, expect, it } from "vitest";
import {
  createCascadeGraph,
  createScriptedJudge,
  factsEvidence,
  runCampaign,
  type CampaignOptions,
  type CampaignReport,
  type Fault,
} from "../../src/chaos/index.js";
import { createChallenger, guardNodeInPlace } from "../../nodes/index.js";

const TEXT = "The capital of Australia is";
const falsehood: Fault = { kind: "falsehood", text: TEXT, value: "Sydney" };
const input = { task: "What is the capital of Australia?" };
// Scripted agents and judge: the figures below are properties of the adoption rule, not of a model.
const star = () => createCascadeGraph({ workers: 3, adoption: 0.7, correction: 0.05 });
const challenger = createChallenger({ model: createScriptedJudge({ recall: 0.9 }), evidence: factsEvidence({ [TEXT]: "Canberra" }) });
const guard: CampaignOptions["guard"] = (builder, node) => guardNodeInPlace(builder, node, { challenger, maxAttempts: 2, onExhausted: "degrade" });

const withoutTiming = (report: CampaignReport) => report.rows.map(({ timing: _timing, ...row }) => row);
const row = (report: CampaignReport, target: string, guardMode: string) => report.rows.find((r) => r.target === target && r.guard === guardMode)!;

describe("runCampaign", () => {
  it("is reproducible to the number for a seed, and a different seed gives different numbers", async () => {
    const options: CampaignOptions = { input, faults: [falsehood], targets: ["hub"], trials: 6, seed: 7, guards: ["unguarded", "recommended"], guard };
    const a = await runCampaign(star, options);
    const b = await runCampaign(star, options);
    const c = await runCampaign(star, { ...options, seed: 8, guards: ["unguarded"] });
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    expect(b.params).toEqual(a.params);
    expect(withoutTiming(c)[0]).not.toEqual(withoutTiming(a)[0]);
    expect(a.rows.map((r) => [r.guard, r.trials, r.injected])).toEqual([
      ["unguarded", 6, 6],
      ["recommended", 6, 6],
    ]);
  });

  it("infects more of a star from the hub than from a leaf", async () => {
    const report = await runCampaign(star, { input, faults: [falsehood], targets: ["hub", "leaf"], trials: 20, seed: 1 });
    const hub = row(report, "hub", "unguarded");
    const leaf = row(report, "leaf", "unguarded");
    expect(hub.targetNodes).toEqual(["supervisor"]);
    expect(leaf.targetNodes).toEqual(["worker3"]);
    expect(hub.infectionRate).toBeGreaterThan(leaf.infectionRate + 0.2);
    expect(hub.fullInfection).toBeGreaterThan(leaf.fullInfection);
    expect(report.population).toEqual(["supervisor", "worker1", "worker2", "worker3", "writer"]);
    expect(report.final).toEqual(["writer"]);
  });

  it("cuts infection more with guards at the recommended nodes than with as many guards at random nodes", async () => {
    const report = await runCampaign(star, {
      input,
      faults: [falsehood],
      targets: ["leaf"],
      trials: 20,
      seed: 3,
      guards: ["unguarded", "recommended", "random"],
      guard,
    });
    expect(report.recommended).toEqual(["supervisor"]);
    const none = row(report, "leaf", "unguarded");
    const recommended = row(report, "leaf", "recommended");
    const random = row(report, "leaf", "random");
    expect(random.guardedNodes).toBe(1);
    expect(recommended.infectionRate).toBeLessThan(random.infectionRate);
    expect(random.infectionRate).toBeLessThanOrEqual(none.infectionRate);
    expect(recommended.defenceSuccess).toBeGreaterThan(random.defenceSuccess);
    expect(recommended.safeCompletion).toBeGreaterThan(none.safeCompletion);
    // The guard's challenger costs calls and tokens (the scripted judge reports its per-call cost as usage).
    expect(recommended.extraTokens).toBeGreaterThan(0);
    expect(recommended.callOverhead).toBeGreaterThan(1);
    expect(recommended.tokensEstimated).toBe(false);
    expect(none.blocked).toBe(0);
  });

  it("gives the same numbers when trials run concurrently", async () => {
    const options: CampaignOptions = { input, faults: [falsehood], targets: ["leaf"], trials: 8, seed: 5 };
    const sequential = await runCampaign(star, options);
    const concurrent = await runCampaign(star, { ...options, concurrency: 4 });
    expect(withoutTiming(concurrent)).toEqual(withoutTiming(sequential));
  });

  it("runs every model configuration through the factory", async () => {
    const seen: unknown[] = [];
    const report = await runCampaign(
      ({ model, modelValue }) => {
        seen.push([model, modelValue]);
        return createCascadeGraph({ workers: 2, adoption: modelValue as number });
      },
      { input, faults: [falsehood], targets: ["hub"], trials: 4, models: { credulous: 1, sceptical: 0 } },
    );
    expect(report.rows.map((r) => [r.model, r.infectionRate])).toEqual([
      ["credulous", 1],
      ["sceptical", 0],
    ]);
    expect(seen).toContainEqual(["sceptical", 0]);
  });

  it("counts runs that fail as errors and not as safe completions", async () => {
    const report = await runCampaign(star, { input, faults: [{ kind: "malformed" }], targets: ["leaf"], trials: 3 });
    expect(report.rows[0]).toMatchObject({ fault: "malformed:off-schema", injected: 3, errors: 3, safeCompletion: 0, errorKinds: { InvalidClaimError: 3 } });
  });

  it("refuses guard modes without a way to guard", async () => {
    await expect(runCampaign(star, { input, faults: [falsehood], guards: ["recommended"] })).rejects.toThrow(/needs `guard`/);
  });
});
