import { Command, MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GuardExhaustedError, HIGH_RISK_META, isInvalidResumeError, readGuardFeedback, type EscalationPacket } from "../../nodes/index.js";
import { isFirebreakError } from "../../src/errors.js";
import { FALSE_TURN, guardedGraph, scriptedProducer, TRUE_TURN, type ParentValues } from "./support/parent-graph.js";
import { judgeAgainst, scriptedJudge } from "./support/judges.js";

// Scripted models stand in for model judgement throughout.

const INPUT = { task: "compute 0.85^5", messages: [] };

/** The parent's values just before the guarded node ran (the checkpoint whose next step is it). */
async function valuesBefore(graph: { getStateHistory: (c: any) => AsyncIterable<any> }, config: object, node = "researcher") {
  for await (const snapshot of graph.getStateHistory(config)) {
    if (snapshot.next.length === 1 && snapshot.next[0] === node) return snapshot.values as ParentValues;
  }
  throw new Error(`no checkpoint before ${node}`);
}

describe("the BICR guard: Buffer, Isolate, Challenge, Recover", () => {
  it("after a red verdict every parent channel deep-equals its value before the producer ran, reducer channels included", async () => {
    const { producer, seen } = scriptedProducer([FALSE_TURN]);
    const graph = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 2, onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "red" } };
    await graph.invoke(INPUT, config);
    const paused = await graph.getState(config);
    expect(paused.next).toEqual(["researcher"]);
    expect(paused.tasks[0]!.interrupts).toHaveLength(1);
    const before = await valuesBefore(graph, config);
    expect(paused.values).toEqual(before);
    // Not vacuous: the producer ran twice and each run wrote to messages, claims, log and draft.
    expect(seen).toHaveLength(2);
    expect(before.messages).toHaveLength(2);
    expect(before.claims.map((c) => c.id)).toEqual(["seed"]);
    expect(before.log).toEqual(["intake"]);
    expect(before.draft).toBe("none yet");
  });

  it("after a red verdict the retried producer sees exactly the state the first attempt saw, plus the feedback", async () => {
    const { producer, seen } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    expect(seen).toHaveLength(2);
    const [first, second] = seen;
    const { messages: m1, ...rest1 } = first!.state;
    const { messages: m2, ...rest2 } = second!.state;
    expect(rest2).toEqual(rest1);
    expect(m2.slice(0, -1)).toEqual(m1);
    expect(m2.at(-1)!.getType()).toBe("human");
  });

  it("gives the blocked producer a feedback package: which claims failed, why, and the attempts left", async () => {
    const { producer, seen } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    await guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 3 }).compile().invoke(INPUT);
    expect(readGuardFeedback(seen[0]!.config)).toBeUndefined();
    const feedback = readGuardFeedback(seen[1]!.config)!;
    expect(feedback).toMatchObject({ kind: "firebreak/guard-feedback", producer: "researcher", attempt: 1, remainingAttempts: 2 });
    // Total review: the claim, the message and the draft that repeat the falsehood all blocked; the log did not.
    expect(feedback.failed.map((f) => f.verdict)).toEqual(["red", "red", "red"]);
    expect(feedback.failed[0]).toMatchObject({ text: "0.85^5 is about 0.52", verdict: "red" });
    expect(feedback.failed.slice(1).map((f) => f.text)).toEqual(['Adds ai message from "researcher": "0.85^5 is about 0.52."', 'Sets "draft" to "0.85^5 is about 0.52."']);
    expect(feedback.failed[0]!.reasons[0]).toContain("red");
    const message = String(seen[1]!.state.messages.at(-1)!.content);
    expect(message).toContain("was blocked before anyone saw it");
    expect(message).toContain('"0.85^5 is about 0.52" — contradicted');
  });

  it("commits the retry to the parent with its claims labelled green by the challenger, and nothing of the blocked attempt", async () => {
    const { producer } = scriptedProducer([FALSE_TURN, TRUE_TURN]);
    const out = await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    expect(out.log).toEqual(["intake", "researcher attempt 2", "reader saw: 0.85^5 is about 0.44."]);
    expect(out.messages.map((m) => String(m.content))).toEqual(["please compute 0.85^5", "routing to research", "0.85^5 is about 0.44."]);
    expect(out.claims.map((c) => [c.text, c.status, c.verifiedBy?.verifier])).toEqual([
      ["The relay has five stages.", "unverified", undefined],
      ["0.85^5 is about 0.44", "green", "challenger"],
    ]);
    // Only the audit record remembers the blocked attempt.
    const { guardRecords, ...shared } = out;
    expect(JSON.stringify(shared)).not.toContain("0.52");
    expect(guardRecords).toHaveLength(1);
    expect(out.guardRecords[0]).toMatchObject({ guard: "researcher", outcome: "passed", blocked: 1, policy: "strict" });
    // Every effect of each attempt was reviewed: the claim, the message, the log entry, the draft.
    expect(out.guardRecords[0]!.attempts.map((a) => [a.attempt, a.blocked, a.claims.map((c) => `${c.kind}:${c.verdict}`)])).toEqual([
      [1, true, ["claim:red", "message:red", "field:green", "field:red"]],
      [2, false, ["claim:green", "message:green", "field:green", "field:green"]],
    ]);
    expect(out.guardRecords[0]!.committedClaimIds).toEqual([out.claims[1]!.id]);
  });

  it("respects maxAttempts: the producer runs at most that many times", async () => {
    for (const maxAttempts of [1, 2, 4]) {
      const { producer, seen } = scriptedProducer([FALSE_TURN]);
      const judge = judgeAgainst("0.52");
      const error = await guardedGraph(producer, judge, { maxAttempts }).compile().invoke(INPUT).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GuardExhaustedError);
      expect(seen).toHaveLength(maxAttempts);
      expect(judge.callCount).toBe(maxAttempts);
    }
  });

  it('onExhausted "fail" throws a GuardExhaustedError naming the node and the claim, and shared state is untouched', async () => {
    const { producer } = scriptedProducer([FALSE_TURN]);
    const graph = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 2, onExhausted: "fail" }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "fail" } };
    const error = (await graph.invoke(INPUT, config).catch((e: unknown) => e)) as GuardExhaustedError;
    expect(isFirebreakError(error)).toBe(true);
    expect(error.code).toBe("GUARD_EXHAUSTED");
    expect(error.message).toMatch(/node "researcher" blocked all 2 attempt\(s\).*red/);
    expect(error.record).toMatchObject({ outcome: "failed", blocked: 2 });
    const state = await graph.getState(config);
    expect(state.values).toEqual(await valuesBefore(graph, config));
  });

  it('onExhausted "degrade" drops red claims and what carries them, and forwards yellow ones tagged high-risk', async () => {
    const turn = {
      text: "Stages compound: 0.85^5 is about 0.52.",
      claims: [{ text: "Errors compound across stages" }, { text: "Relays were invented in 1950" }, { text: "0.85^5 is about 0.52" }],
    };
    const { producer } = scriptedProducer([turn]);
    const judge = scriptedJudge((t) => (t.includes("0.52") ? "red" : t.includes("1950") ? "yellow" : "green"));
    const out = await guardedGraph(producer, judge, { maxAttempts: 2, onExhausted: "degrade" }).compile().invoke(INPUT);
    const added = out.claims.filter((c) => c.id !== "seed");
    expect(added.map((c) => [c.text, c.status])).toEqual([
      ["Errors compound across stages", "green"],
      ["Relays were invented in 1950", "yellow"],
    ]);
    expect(added[1]!.meta).toEqual(HIGH_RISK_META);
    expect(added[1]!.requiresVerification).toBe(true);
    // The message carried the red claim: withheld, with a note in its place. The draft too.
    expect(out.messages.map((m) => String(m.content))).toEqual([
      "please compute 0.85^5",
      "routing to research",
      "[guard on researcher] output blocked 2 time(s); withheld 3 part(s) judged red or left unjudged, forwarded 1 unsupported claim(s) tagged high-risk.",
    ]);
    expect(out.draft).toBe("none yet");
    expect(out.guardRecords[0]).toMatchObject({ outcome: "degraded", blocked: 2 });
    expect(out.guardRecords[0]!.droppedClaimIds).toHaveLength(1);
    expect(out.guardRecords[0]!.highRiskClaimIds).toEqual([added[1]!.id]);
    // Withheld by identity, place by place: the red claim, the message and the draft, each judged red itself.
    expect(out.guardRecords[0]!.withheld.map((w) => [w.kind, w.place, w.reason])).toEqual([
      ["claim", "claims[2]", "red"],
      ["message", "messages[0]", "red"],
      ["field", 'field "draft"', "red"],
    ]);
    expect(out.log).toContain("researcher attempt 2");
  });

  describe('onExhausted "interrupt"', () => {
    async function escalated(threadId: string) {
      const { producer, seen } = scriptedProducer([FALSE_TURN]);
      const graph = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 2, onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
      const config = { configurable: { thread_id: threadId } };
      await graph.invoke(INPUT, config);
      const state = await graph.getState(config);
      return { graph, config, seen, packet: state.tasks[0]!.interrupts[0]!.value as EscalationPacket, before: await valuesBefore(graph, config) };
    }

    it("asks a human with the evidence packet: intent, every attempt's verdicts, the proposed update", async () => {
      const { packet } = await escalated("packet");
      expect(packet).toMatchObject({ kind: "firebreak/guard-escalation", producer: "researcher", intent: "compute 0.85^5", actions: ["approve", "reject", "edit"] });
      const attempt = [
        ["claim", "0.85^5 is about 0.52", "red"],
        ["message", 'Adds ai message from "researcher": "0.85^5 is about 0.52."', "red"],
        ["field", 'Sets "log" to ["researcher attempt 1"]', "green"],
        ["field", 'Sets "draft" to "0.85^5 is about 0.52."', "red"],
      ];
      expect(packet.attempts.map((a) => a.claims.map((c) => [c.kind, c.text, c.verdict]))).toEqual([attempt, attempt.map((x) => x[1]!.includes("log") ? [x[0], 'Sets "log" to ["researcher attempt 2"]', x[2]] : x)]);
      expect(packet.proposedUpdate).toMatchObject({ draft: "0.85^5 is about 0.52." });
    });

    it("approve commits the blocked update with its claims labelled green by the human", async () => {
      const { graph, config, seen } = await escalated("approve");
      const out = await graph.invoke(new Command({ resume: { action: "approve", by: "ana", reason: "rounding is fine here" } }), config);
      expect(seen).toHaveLength(2);
      expect(out.draft).toBe("0.85^5 is about 0.52.");
      const claim = out.claims.find((c) => c.text === "0.85^5 is about 0.52")!;
      expect(claim.status).toBe("green");
      expect(claim.verifiedBy).toMatchObject({ verifier: "human", reason: "rounding is fine here", evidence: ["human:ana"] });
      expect(out.guardRecords[0]).toMatchObject({ outcome: "approved", blocked: 2 });
    });

    it("reject commits nothing but a note and the record", async () => {
      const { graph, config, before } = await escalated("reject");
      const out = await graph.invoke(new Command({ resume: { action: "reject", reason: "wrong" } }), config);
      expect(out.claims).toEqual(before.claims);
      expect(out.draft).toBe(before.draft);
      expect(out.log).toEqual([...before.log, "reader saw: none yet"]);
      expect(String(out.messages.at(-1)!.content)).toBe("[guard on researcher] output rejected by a human after 2 blocked attempt(s) (wrong); nothing from it was forwarded.");
      expect(out.guardRecords[0]).toMatchObject({ outcome: "rejected" });
    });

    it("edit commits the human's update instead, its claims labelled green by the human", async () => {
      const { graph, config } = await escalated("edit");
      const update = {
        draft: "0.85^5 ≈ 0.4437",
        claims: [{ text: "0.85^5 ≈ 0.4437", origin: { agent: "researcher", source: "human" }, confidence: 1 }],
      };
      const out = await graph.invoke(new Command({ resume: { action: "edit", update, by: "ana" } }), config);
      expect(out.draft).toBe("0.85^5 ≈ 0.4437");
      expect(out.claims.filter((c) => c.id !== "seed").map((c) => [c.text, c.status, c.verifiedBy?.verifier])).toEqual([["0.85^5 ≈ 0.4437", "green", "human"]]);
      expect(out.guardRecords[0]).toMatchObject({ outcome: "edited" });
    });

    it("an answer that is not approve/reject/edit fails with a message that shows the right shape", async () => {
      const { graph, config } = await escalated("bad-resume");
      const error = await graph.invoke(new Command({ resume: { action: "maybe" } }), config).catch((e: unknown) => e);
      expect(String((error as Error).message)).toMatch(/not an answer.*action: "approve"/);
      // Its own class and code: a bad answer is not an options error.
      expect(isInvalidResumeError(error)).toBe(true);
      expect(error).toMatchObject({ code: "INVALID_RESUME", node: "researcher", received: '{"action":"maybe"}' });
    });

    it("a producer that returns something other than an update, a Command or nothing is an InvalidOutputError naming the node", async () => {
      const graph = guardedGraph(() => 42, judgeAgainst("0.52")).compile();
      const error = await graph.invoke({ task: "compute 0.85^5", messages: [] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "InvalidOutputError", code: "INVALID_OUTPUT", source: "researcher", received: "number" });
      expect(String((error as Error).message)).toMatch(/Guard on node "researcher": the producer must return an update object or a Command, got number/);
    });
  });

  it("an invalid claims update is blocked before review and the producer is told why", async () => {
    const dangling = { text: "builds on nothing", claims: [{ text: "derived", origin: { agent: "researcher", source: "model" as const, basedOn: ["no-such-claim"] } }] };
    const { producer, seen } = scriptedProducer([dangling, TRUE_TURN]);
    const judge = judgeAgainst("0.52");
    const out = await guardedGraph(producer, judge).compile().invoke(INPUT);
    expect(seen).toHaveLength(2);
    expect(judge.callCount).toBe(1);
    expect(readGuardFeedback(seen[1]!.config)!.invalidUpdate).toMatch(/basedOn/);
    expect(out.guardRecords[0]!.attempts[0]).toMatchObject({ blocked: true, invalidUpdate: expect.stringMatching(/no-such-claim/) });
  });

  it('blocks on yellow too when blockOn includes it; yellow passes tagged otherwise', async () => {
    const unsure = { text: "Probably 0.5-ish.", claims: [{ text: "Probably 0.5-ish" }] };
    const judge = scriptedJudge((t) => (t.includes("0.5-ish") ? "yellow" : "green"));
    const lenient = await guardedGraph(scriptedProducer([unsure, TRUE_TURN]).producer, judge).compile().invoke(INPUT);
    // Passing is not the same as supported (issue #18): the yellow claim is committed tagged
    // high-risk, still requiring verification, and the record names it.
    expect(lenient.claims.at(-1)).toMatchObject({ text: "Probably 0.5-ish", status: "yellow", requiresVerification: true, meta: { firebreak: { risk: "high" } } });
    expect(lenient.guardRecords.at(-1)).toMatchObject({ outcome: "passed", highRiskClaimIds: [lenient.claims.at(-1)!.id] });
    const strict = await guardedGraph(scriptedProducer([unsure, TRUE_TURN]).producer, judge, { blockOn: ["red", "yellow"] }).compile().invoke(INPUT);
    expect(strict.claims.at(-1)).toMatchObject({ text: "0.85^5 is about 0.44", status: "green" });
  });
});
