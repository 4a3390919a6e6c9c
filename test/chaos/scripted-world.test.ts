/**
 * The scripted world's parameters (issue #18 item 4): SCRIPTED stand-ins for a model's
 * judgement; these tests check that each parameter does what its documentation says.
 */
import { describe, expect, it } from "vitest";
import { createChallenger } from "../../nodes/index.js";
import { adoptionStep, createScriptedJudge, factsEvidence, runWithChaos, SCRIPTED_WORLD } from "../../src/chaos/index.js";
import type { Claim } from "../../src/claims/index.js";

const TEXT = "The capital of Australia is";
const stored = (id: string, agent: string, value: string, extra: Partial<Claim> = {}): Claim =>
  ({ id, text: TEXT, value, origin: { agent, source: "model", basedOn: [] }, confidence: 0.9, alternatives: [], requiresVerification: false, status: "unverified", ...extra }) as Claim;
const agent = { name: "me", text: TEXT, belief: "Canberra", adoption: 1 };

async function adoptionRate(options: Parameters<typeof adoptionStep>[0], claims: readonly Claim[], n = 300): Promise<number> {
  let adopted = 0;
  for (let seed = 0; seed < n; seed++) {
    if ((await runWithChaos(seed, async () => adoptionStep(options, claims))).result.action === "adopted") adopted++;
  }
  return adopted / n;
}

describe("adoption discount (how an adopter reads risk)", () => {
  const yellow = [stored("y", "boss", "Sydney", { status: "yellow" })];
  const tagged = [stored("t", "boss", "Sydney", { status: "green", meta: { firebreak: { risk: "high" } } } as Partial<Claim>)];
  const pending = [stored("p", "boss", "Sydney", { requiresVerification: true })];
  const derived = [stored("y", "boss", "Sydney", { status: "yellow" }), stored("d", "peer", "Sydney", { status: "green", origin: { agent: "peer", source: "model", at: "", basedOn: ["y"] } })];

  it("never adopts a high-risk or pending claim at discount 0, and adopts it at β when discount is 1", async () => {
    for (const claims of [yellow, tagged, pending, derived]) {
      expect(await adoptionRate({ ...agent, discount: 0, reads: ["boss", "peer"] }, claims, 100)).toBe(0);
      expect(await adoptionRate({ ...agent, discount: 1, reads: ["boss", "peer"] }, claims, 100)).toBe(1);
    }
  });

  it("multiplies β by the discount for a doubtful claim, and leaves an unjudged or settled green claim alone", async () => {
    expect(Math.abs((await adoptionRate({ ...agent, discount: 0.33 }, yellow)) - 0.33)).toBeLessThan(0.08);
    expect(await adoptionRate({ ...agent, discount: 0 }, [stored("u", "boss", "Sydney")], 100)).toBe(1);
    expect(await adoptionRate({ ...agent, discount: 0 }, [stored("g", "boss", "Sydney", { status: "green" })], 100)).toBe(1);
  });

  it("defaults to the documented world", async () => {
    expect(SCRIPTED_WORLD).toMatchObject({ recall: 0.9, specificity: 0.9, correlation: 0.5, discount: 0.33, sourceCorrection: 0 });
    expect(Math.abs((await adoptionRate(agent, yellow)) - SCRIPTED_WORLD.discount)).toBeLessThan(0.08);
  });
});

/** Judges `claims` (value per claim) once inside the current chaos run; returns the verdicts. */
async function judgeOnce(options: Parameters<typeof createScriptedJudge>[0], values: readonly string[]): Promise<string[]> {
  const challenger = createChallenger({ model: createScriptedJudge(options), evidence: factsEvidence({ [TEXT]: "Canberra" }) });
  const result = await challenger.review({ intent: "Capital of Australia?", claims: values.map((value, i) => ({ id: `c${i}`, text: TEXT, value })) });
  return result.judgements.map((j) => j.verdict);
}

/** Verdicts of `calls` successive reviews of one claim within one chaos run (one trial). */
async function judgeSeries(options: Parameters<typeof createScriptedJudge>[0], value: string, calls: number, seed: number): Promise<string[]> {
  const { result } = await runWithChaos(seed, async () => {
    const out: string[] = [];
    for (let i = 0; i < calls; i++) out.push(...(await judgeOnce(options, [value])));
    return out;
  });
  return result;
}

describe("scripted judge (recall, specificity, correlated errors)", () => {
  it("never judges a true claim other than green at specificity 1, and never green at specificity 0", async () => {
    for (let seed = 0; seed < 40; seed++) {
      expect(await judgeSeries({ specificity: 1, correlation: 0.5 }, "Canberra", 3, seed)).toEqual(["green", "green", "green"]);
      expect(await judgeSeries({ specificity: 0 }, "Canberra", 2, seed)).toEqual(["yellow", "yellow"]);
    }
  });

  it("judges a true claim yellow at a rate near 1 − specificity", async () => {
    let alarms = 0;
    for (let seed = 0; seed < 400; seed++) if ((await judgeSeries({ specificity: 0.8, correlation: 0 }, "Canberra", 1, seed))[0] === "yellow") alarms++;
    expect(Math.abs(alarms / 400 - 0.2)).toBeLessThan(0.05);
  });

  it("repeats a miss on the same claim for the rest of the run at correlation 1, and judges afresh at correlation 0", async () => {
    let missedRuns = 0;
    let afterMiss = 0;
    let missesAfterMiss = 0;
    for (let seed = 0; seed < 300; seed++) {
      const series = await judgeSeries({ recall: 0.7, correlation: 1 }, "Sydney", 4, seed);
      const first = series.indexOf("yellow");
      if (first >= 0) {
        missedRuns++;
        expect(series.slice(first)).toEqual(Array(4 - first).fill("yellow"));
      }
      const fresh = await judgeSeries({ recall: 0.7, correlation: 0 }, "Sydney", 2, seed);
      if (fresh[0] === "yellow") {
        afterMiss++;
        if (fresh[1] === "yellow") missesAfterMiss++;
      }
    }
    expect(missedRuns).toBeGreaterThan(0);
    expect(Math.abs(missesAfterMiss / afterMiss - 0.3)).toBeLessThan(0.12);
  });

  it("catches every false claim at recall 1, and remembers errors per run only", async () => {
    expect(await judgeSeries({ recall: 1 }, "Sydney", 3, 1)).toEqual(["red", "red", "red"]);
    // A run whose first verdict was a miss does not make the next run's first verdict a miss.
    let firstMisses = 0;
    for (let seed = 0; seed < 300; seed++) if ((await judgeSeries({ recall: 0.9, correlation: 1 }, "Sydney", 1, seed))[0] === "yellow") firstMisses++;
    expect(Math.abs(firstMisses / 300 - 0.1)).toBeLessThan(0.05);
  });

  it("reports its per-call token cost as usage", async () => {
    const judge = createScriptedJudge({ tokens: 400 });
    const challenger = createChallenger({ model: judge, evidence: factsEvidence({ [TEXT]: "Canberra" }) });
    const usage: number[] = [];
    await challenger.review(
      { intent: "Capital?", claims: [{ id: "c", text: TEXT, value: "Sydney" }] },
      {
        callbacks: [
          {
            handleLLMEnd: (out) => {
              const message = (out.generations[0]![0] as { message?: { usage_metadata?: { total_tokens?: number } } }).message;
              usage.push(message!.usage_metadata!.total_tokens!);
            },
          },
        ],
      },
    );
    expect(usage).toEqual([400]);
  });
});
