/**
 * What a campaign counts per trial (issue #18 items 4–5): calls and tokens of SCRIPTED agents
 * (booked per call) and of the SCRIPTED judge (reported as usage), a source that corrects
 * itself after feedback, and reproducibility of every per-trial figure for a seed.
 */
import { describe, expect, it } from "vitest";
import { createChallenger, guardNodeInPlace } from "../../nodes/index.js";
import {
  createCampaign,
  createCascadeGraph,
  createScriptedJudge,
  factsEvidence,
  runCampaign,
  SCRIPTED_WORLD,
  type CampaignOptions,
  type CampaignTrialEvent,
  type Fault,
} from "../../src/chaos/index.js";

const TEXT = "The capital of Australia is";
const falsehood: Fault = { kind: "falsehood", text: TEXT, value: "Sydney" };
const input = { task: "What is the capital of Australia?" };
const star = () => createCascadeGraph({ workers: 3, adoption: 0.7, hubAdoption: 0.98, correction: 0.05 });
const guardWith = (judge: Parameters<typeof createScriptedJudge>[0]): CampaignOptions["guard"] => {
  const challenger = createChallenger({ model: createScriptedJudge(judge), evidence: factsEvidence({ [TEXT]: "Canberra" }) });
  return (builder, node) => guardNodeInPlace(builder, node, { challenger, maxAttempts: 3, onExhausted: "degrade" });
};

async function trials(options: CampaignOptions): Promise<CampaignTrialEvent[]> {
  const events: CampaignTrialEvent[] = [];
  const campaign = createCampaign(star, options);
  campaign.onTrial((e) => events.push(e));
  await campaign.run();
  return events;
}

describe("campaign calls and tokens", () => {
  it("counts every scripted agent call at its booked cost when nothing is guarded", async () => {
    const report = await runCampaign(star, { input, faults: [falsehood], targets: ["hub"], trials: 5, seed: 2 });
    // supervisor 4 (3 routes + the writer's), 3 workers, the writer: 8 calls.
    // The unguarded row is the baseline itself: no overhead figure.
    expect(report.rows[0]).toMatchObject({ meanCalls: 8, meanTokens: 8 * SCRIPTED_WORLD.agentTokens, callOverhead: null, tokensEstimated: false });
  });

  it("adds the judge's calls at its reported cost under guards", async () => {
    const events = await trials({ input, faults: [falsehood], targets: ["hub"], trials: 6, seed: 2, guards: ["guarded"], guard: guardWith({ tokens: 400 }) });
    for (const e of events) {
      // tokens = 500·agent calls + 400·judge calls, calls = agent + judge calls.
      const judgeCalls = (SCRIPTED_WORLD.agentTokens * e.calls - e.tokens) / (SCRIPTED_WORLD.agentTokens - 400);
      expect(Number.isInteger(judgeCalls)).toBe(true);
      expect(judgeCalls).toBeGreaterThan(0);
      expect(e.calls - judgeCalls).toBeGreaterThanOrEqual(8);
    }
  });

  it("lets a source that corrects itself after feedback stop re-planting: fewer calls, same clean answer", async () => {
    const base: CampaignOptions = { input, faults: [falsehood], targets: ["hub"], trials: 6, seed: 4, guards: ["recommended"], guard: guardWith({ recall: 1 }) };
    const stubborn = await runCampaign(star, { ...base, fire: { correction: 0 } });
    const corrects = await runCampaign(star, { ...base, fire: { correction: 1 } });
    expect(corrects.params.fire.correction).toBe(1);
    expect(stubborn.rows[0]!.finalInfection).toBe(0);
    expect(corrects.rows[0]!.finalInfection).toBe(0);
    // The stubborn seed is retried to exhaustion at each of its 4 turns; the corrected one once.
    expect(corrects.rows[0]!.meanCalls).toBeLessThan(stubborn.rows[0]!.meanCalls - 4);
  });

  it("gives the same per-trial figures for a seed, and different ones for another seed", async () => {
    const options: CampaignOptions = { input, faults: [falsehood], targets: ["hub"], trials: 8, seed: 11, guards: ["recommended"], guard: guardWith({ recall: 0.7, specificity: 0.8, correlation: 0.5 }) };
    const strip = (events: CampaignTrialEvent[]) => events.map(({ done: _d, ...e }) => e).sort((a, b) => a.trial - b.trial);
    const a = strip(await trials(options));
    const b = strip(await trials(options));
    const c = strip(await trials({ ...options, seed: 12 }));
    expect(b).toEqual(a);
    expect(c.map((e) => [e.calls, e.tokens, e.finalInfected])).not.toEqual(a.map((e) => [e.calls, e.tokens, e.finalInfected]));
  });
});
