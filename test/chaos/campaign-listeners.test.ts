import { describe, expect, it } from "vitest";
import {
  createCampaign,
  createCascadeGraph,
  isChaosError,
  runCampaign,
  type CampaignOptions,
  type CampaignTrialEvent,
  type Fault,
} from "../../src/chaos/index.js";

const falsehood: Fault = { kind: "falsehood", text: "The capital of Australia is", value: "Sydney" };
const star = () => createCascadeGraph({ workers: 3, adoption: 0.7, correction: 0.05 });
const options: CampaignOptions = { input: { task: "What is the capital of Australia?" }, faults: [falsehood], targets: ["hub", "leaf"], trials: 3, seed: 5 };

describe("createCampaign listeners", () => {
  it("onTrial tells every trial once, with its configuration, seed and outcome, and the report equals runCampaign's", async () => {
    const campaign = createCampaign(star, options);
    const events: CampaignTrialEvent[] = [];
    campaign.onTrial((e) => events.push(e));
    const report = await campaign.run();
    expect(events).toHaveLength(6);
    expect(events.map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.every((e) => e.total === 6 && e.guard === "unguarded" && e.model === "default")).toBe(true);
    expect(events.map((e) => `${e.target}#${e.trial}`)).toEqual(["hub#0", "hub#1", "hub#2", "leaf#0", "leaf#1", "leaf#2"]);
    expect(events.slice(0, 3).map((e) => e.seed)).toEqual(report.params.seeds);
    // The events carry the trials the rows aggregate.
    const hub = report.rows.find((r) => r.target === "hub")!;
    const mean = events.slice(0, 3).reduce((a, e) => a + e.infectionRate, 0) / 3;
    expect(hub.infectionRate).toBeCloseTo(mean, 12);
    const again = await runCampaign(star, options);
    expect(again.rows.map(({ timing: _t, ...r }) => r)).toEqual(report.rows.map(({ timing: _t, ...r }) => r));
  });

  it("dispose() stops a listener; run() twice is a ChaosError; bad options throw at creation", async () => {
    const campaign = createCampaign(star, { ...options, targets: ["hub"], trials: 2 });
    const seen: number[] = [];
    const sub = campaign.onTrial((e) => {
      seen.push(e.trial);
      sub.dispose();
    });
    await campaign.run();
    expect(seen).toEqual([0]);
    const second = await campaign.run().catch((e: unknown) => e);
    expect(isChaosError(second)).toBe(true);
    expect(() => createCampaign(star, { ...options, trials: -1 })).toThrow(/trials/);
  });
});
