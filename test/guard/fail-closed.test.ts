import { describe, expect, it } from "vitest";
import { createChallenger, GuardExhaustedError, type Challenger } from "../../nodes/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { dataBlock } from "./support/judges.js";
import { findMark, hostileGraph, INPUT, MARK, STATE_STYLES } from "./support/hostile-world.js";

// Every challenger here is scripted (a stand-in for a judging model), and each one misbehaves.
// A review that is not complete must block the attempt, never let it pass as yellow.

const State = STATE_STYLES[0][1];
const producer = () => ({ draft: `answer ${MARK}` });

/** A judge whose reply is `reply(claims)` through structured output. */
function judgeReplying(reply: (claims: Array<{ id: string; text: string }>) => Record<string, unknown>, label: string): ScriptedChatModel {
  return new ScriptedChatModel({
    label,
    script: ({ messages }) => ({ structured: reply(dataBlock(messages.at(-1), "claims_under_review") ?? []) }),
  });
}

const MISBEHAVING: Record<string, () => ScriptedChatModel> = {
  "a reply that is not a verdict": () => new ScriptedChatModel({ label: "scripted garbage judge", script: ["Sure! Everything looks great."] }),
  "a hijacked reply with no verdicts": () => judgeReplying(() => ({ verdicts: [] }), "scripted hijacked judge"),
  "verdicts for claim ids that were never sent": () =>
    judgeReplying(() => ({ verdicts: [{ claim_id: "made-up", verdict: "green", reasons: ["fine"] }] }), "scripted wrong-id judge"),
  "a green verdict citing evidence the challenger never fetched": () =>
    judgeReplying((claims) => ({ verdicts: claims.map((c) => ({ claim_id: c.id, verdict: "green", reasons: ["see doc"], evidence: ["doc:never-fetched"] })) }), "scripted citing judge"),
};

describe("the guard fails closed", () => {
  it.each(Object.keys(MISBEHAVING))("%s blocks every attempt, then onExhausted decides", async (name) => {
    const judge = MISBEHAVING[name]!();
    const { builder, seen } = hostileGraph(State, producer, { onExhausted: "fail" }, judge);
    const error = (await builder.compile().invoke(INPUT).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(error.record.attempts.every((a) => a.blocked && a.incompleteReview !== undefined)).toBe(true);
    expect(seen).toEqual([]);
  });

  it("a challenger that throws blocks the attempt and the producer is told it could not be checked", async () => {
    const real = createChallenger({ model: new ScriptedChatModel({ label: "scripted judge", script: ["unused"] }) });
    const throwing = Object.assign(async () => ({}), { ...real, review: async () => Promise.reject(new Error("judge backend down")), options: real.options }) as unknown as Challenger;
    const { builder } = hostileGraph(State, producer, { challenger: throwing, onExhausted: "degrade" });
    const out = await builder.compile().invoke(INPUT);
    expect(findMark(out)).toEqual([]);
    expect(out.guardRecords[0].outcome).toBe("degraded");
    expect(out.guardRecords[0].attempts[0].incompleteReview).toContain("judge backend down");
    expect(out.guardRecords[0].withheld.map((w: { reason: string }) => w.reason)).toEqual(["no valid verdict"]);
  });

  it("a challenger that never answers is timed out and the attempt blocked", async () => {
    const real = createChallenger({ model: new ScriptedChatModel({ label: "scripted judge", script: ["unused"] }) });
    const hanging = Object.assign(async () => ({}), { ...real, review: () => new Promise(() => {}), options: real.options }) as unknown as Challenger;
    const { builder } = hostileGraph(State, producer, { challenger: hanging, challengeTimeoutMs: 30, onExhausted: "fail" });
    const error = (await builder.compile().invoke(INPUT).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(error).toBeInstanceOf(GuardExhaustedError);
    expect(error.record.attempts[0]!.incompleteReview).toContain("did not answer within 30 ms");
  });

  it('yellow-passes is an explicit choice: invalidReply "label" takes the fail-closed label, which passes unless blockOn has it', async () => {
    const garbage = () => new ScriptedChatModel({ label: "scripted garbage judge", script: ["Sure!"] });
    const passing = hostileGraph(State, () => ({ draft: "fine" }), { invalidReply: "label" }, garbage());
    const out = await passing.builder.compile().invoke(INPUT);
    expect(out.draft).toBe("fine");
    expect(out.guardRecords[0].attempts[0].claims[0].verdict).toBe("yellow");
    const strict = hostileGraph(State, () => ({ draft: "fine" }), { invalidReply: "label", blockOn: ["red", "yellow"] }, garbage());
    await expect(strict.builder.compile().invoke(INPUT)).rejects.toBeInstanceOf(GuardExhaustedError);
  });

  it("rejects bad options with the option named", () => {
    const judge = new ScriptedChatModel({ label: "scripted judge", script: ["x"] });
    expect(() => hostileGraph(State, producer, { invalidReply: "yes" as never }, judge)).toThrow(/invalidReply received "yes"; allowed: one of "block", "label"/);
    expect(() => hostileGraph(State, producer, { challengeTimeoutMs: 2_592_000_000 }, judge)).toThrow(/challengeTimeoutMs received 2592000000; allowed: a number of milliseconds from 1 to 2147483647/);
    expect(() => hostileGraph(State, producer, { tracers: [""] }, judge)).toThrow(/tracers\[0\] received ""; allowed: a non-blank string/);
  });
});
