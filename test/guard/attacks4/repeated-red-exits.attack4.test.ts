/**
 * Attacks on `repeatedRed: "exhaust"` (docs/guard.md): every `onExhausted` exit, `maxAttempts: 1`,
 * a repeat in a later handoff (no feedback yet in that handoff), and a repeat made together with
 * compensated side effects (docs/effects.md). Scripted judges stand in for a model's judgement.
 */
import { describe, expect, it } from "vitest";
import { Command, MemorySaver } from "@langchain/langgraph";
import { z } from "zod";
import { effectTool } from "../../../src/effects/index.js";
import { type EscalationPacket, type GuardExhaustedError, isGuardExhaustedError } from "../../../nodes/index.js";
import { FALSEHOOD, INPUT, claimsOf, luckyJudge, oneHandoff, rounds, source, truth, withPauses } from "../support/ledger-world.js";

let n = 0;
const thread = () => ({ configurable: { thread_id: `atk4-${process.pid}-${++n}` } });
const stubborn = () => source(() => ({ claims: claimsOf("source", FALSEHOOD) }));

describe('repeatedRed: "exhaust" — the exits', () => {
  it('"interrupt": escalates after two producer calls; "approve" commits the falsehood without another producer call', async () => {
    const { producer, turns } = stubborn();
    const { judge, judged } = luckyJudge();
    const graph = oneHandoff(producer, judge, { maxAttempts: 3, repeatedRed: "exhaust", onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const config = thread();
    const paused = await graph.invoke(INPUT, config);
    const packet = (paused as { __interrupt__?: { value: EscalationPacket }[] }).__interrupt__?.[0]?.value;
    expect(packet?.attempts).toHaveLength(2);
    expect(turns).toHaveLength(2);
    const out = await graph.invoke(new Command({ resume: { action: "approve", by: "ops" } }), config);
    expect(turns).toHaveLength(2);
    expect(judged).toEqual([FALSEHOOD.text]);
    expect(out.claims.map((c) => c.text)).toEqual([FALSEHOOD.text]);
    expect(out.guardRecords.at(-1)?.outcome).toBe("approved");
  });

  it('"interrupt" then "reject": nothing committed, no further producer call', async () => {
    const { producer, turns } = stubborn();
    const graph = oneHandoff(producer, luckyJudge().judge, { maxAttempts: 3, repeatedRed: "exhaust", onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const config = thread();
    await graph.invoke(INPUT, config);
    const out = await graph.invoke(new Command({ resume: { action: "reject" } }), config);
    expect(turns).toHaveLength(2);
    expect(out.claims).toEqual([]);
    expect(out.guardRecords.at(-1)?.outcome).toBe("rejected");
  });

  it('"degrade": the repeat is withheld after two producer calls, the true claim of the same attempt is committed', async () => {
    const { producer, turns } = source((t) => ({ claims: claimsOf("source", FALSEHOOD, truth(t.call)) }));
    const out = await oneHandoff(producer, luckyJudge().judge, { maxAttempts: 3, repeatedRed: "exhaust", onExhausted: "degrade" }).compile().invoke(INPUT);
    expect(turns).toHaveLength(2);
    expect(out.claims.map((c) => c.text)).toEqual([truth(2).text]);
    expect(out.guardRecords[0]!.outcome).toBe("degraded");
  });

});

describe('repeatedRed: "exhaust" — maxAttempts 1 and later handoffs', () => {
  it("maxAttempts 1: one producer call per handoff, the first by judgement, the later one by the ledger", async () => {
    const { producer, turns } = stubborn();
    const { judge, judged } = luckyJudge();
    const graph = withPauses(rounds(producer, judge, 2, { maxAttempts: 1, repeatedRed: "exhaust", onExhausted: "degrade" }), new MemorySaver());
    const config = thread();
    await graph.invoke(INPUT, config);
    await graph.invoke(null, config);
    const out = await graph.invoke(null, config);
    expect(turns).toHaveLength(2);
    expect(judged).toEqual([FALSEHOOD.text]);
    expect(out.guardRecords.map((r) => [r.outcome, r.attempts.length, r.attempts[0]!.claims[0]!.repeats?.attempt])).toEqual([
      ["degraded", 1, undefined],
      ["degraded", 1, 1],
    ]);
  });

  it("a repeat in a later handoff, before any feedback in that handoff, exhausts at once (one producer call, no feedback)", async () => {
    const { producer, turns } = source((t) => ({ claims: claimsOf("source", t.call === 2 ? truth(1) : FALSEHOOD) }));
    const { judge, judged } = luckyJudge();
    const graph = withPauses(rounds(producer, judge, 2, { maxAttempts: 3, repeatedRed: "exhaust" }), new MemorySaver());
    const config = thread();
    await graph.invoke(INPUT, config); // round 1: red, then a true claim passes
    const error = await graph.invoke(null, config).then(() => graph.invoke(null, config)).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(3);
    expect(turns[2]!.feedback).toBeUndefined();
    expect(judged).toEqual([FALSEHOOD.text, truth(1).text]);
    expect((error as GuardExhaustedError).record.attempts[0]!.claims[0]!.repeats?.guard).toBe("source");
  });

});

describe('repeatedRed: "exhaust" — with compensated side effects', () => {
  it("a repeat-only attempt with compensated effects: every ticket is closed before onExhausted (fail), the record says compensated", async () => {
    const open = new Set<string>();
    const ticket = effectTool({
      name: `atk4_ticket_${process.pid}_${++n}`, description: "Open a ticket", schema: z.object({ t: z.string() }), mode: "compensate",
      run: ({ t }, { idempotencyKey }) => void open.add(`${idempotencyKey} ${t}`),
      compensate: ({ t }, _r, { idempotencyKey }) => void open.delete(`${idempotencyKey} ${t}`),
    });
    const { producer, turns } = source(async (t) => {
      await ticket.invoke({ t: `attempt ${t.call}` }, t.config);
      return { claims: claimsOf("source", FALSEHOOD) };
    });
    const error = await oneHandoff(producer, luckyJudge().judge, { maxAttempts: 3, repeatedRed: "exhaust" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(turns).toHaveLength(2);
    expect(open.size).toBe(0);
    expect((error as GuardExhaustedError).record.effects?.map((e) => `${e.attempt}:${e.status}`)).toEqual(["1:compensated", "2:compensated"]);
  });

  it("a repeat-only attempt whose compensation throws: escalated at once (interrupt), the ticket listed as uncompensated and still open", async () => {
    const open = new Set<string>();
    const ticket = effectTool({
      name: `atk4_sticky_${process.pid}_${++n}`, description: "Open a ticket", schema: z.object({ t: z.string() }), mode: "compensate",
      run: ({ t }) => void open.add(t),
      compensate: ({ t }) => { if (t === "attempt 2") throw new Error("ticket service refuses"); open.delete(t); },
    });
    const { producer, turns } = source(async (t) => {
      await ticket.invoke({ t: `attempt ${t.call}` }, t.config);
      return { claims: claimsOf("source", FALSEHOOD) };
    });
    const graph = oneHandoff(producer, luckyJudge().judge, { maxAttempts: 3, repeatedRed: "exhaust", onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const paused = await graph.invoke(INPUT, thread());
    const packet = (paused as { __interrupt__?: { value: EscalationPacket }[] }).__interrupt__?.[0]?.value;
    expect(turns).toHaveLength(2);
    expect([...open]).toEqual(["attempt 2"]);
    expect(packet?.uncompensated?.map((e) => (e.input as { t: string }).t)).toEqual(["attempt 2"]);
  });
});
