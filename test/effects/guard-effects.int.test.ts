/**
 * effectTool under a BICR guard, against a real PostgreSQL table (unique idempotency key) and a
 * loopback HTTP endpoint that counts requests. The producers are plain nodes calling the tools
 * with their config; a scripted judge stands in for the challenger model's judgement.
 */
import { AIMessage } from "@langchain/core/messages";
import { Command, MemorySaver, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { isEffectFailedError, isGuardExhaustedError, isInvalidOptionsError } from "../../src/errors.js";
import { EFFECT_RECORDER_KEY, effectTool, type EffectContext } from "../../src/effects/index.js";
import { guardedGraph, type ParentValues } from "../guard/support/parent-graph.js";
import { judgeAgainst } from "../guard/support/judges.js";
import { publishTool, ticketTool, unique } from "./support/tools.js";
import { useWorld } from "./support/world.js";
import { z } from "zod";

const INPUT = { task: "compute 0.85^5", messages: [] };
const FALSE = "0.85^5 is about 0.52.";
const TRUE = "0.85^5 is about 0.44.";

const world = useWorld();

/** A producer that calls `act` (its effects) and then says FALSE on the first `falseTimes` attempts, TRUE after. */
function producerSaying(falseTimes: number, act: (attempt: number, config: LangGraphRunnableConfig) => Promise<void>) {
  let attempt = 0;
  return async (_state: ParentValues, config: LangGraphRunnableConfig) => {
    attempt++;
    await act(attempt, config);
    const text = attempt <= falseTimes ? FALSE : TRUE;
    return { messages: [new AIMessage({ name: "researcher", content: text })], draft: text };
  };
}

describe("effectTool outside a guard", () => {
  it("simply runs, with a key derived from the thread and the tool call", async () => {
    const calls: EffectContext[] = [];
    const rowsBefore = (await world.table.rows()).length;
    const publish = publishTool(world.table, calls);
    const out = await publish.invoke({ type: "tool_call", id: "call_plain", name: publish.name, args: { text: "plain" } }, { configurable: { thread_id: "t-plain" } });
    expect(String(out.content)).toContain("t-plain:call_plain");
    expect(calls.map((c) => [c.guarded, c.idempotencyKey])).toEqual([[false, "t-plain:call_plain"]]);
    expect((await world.table.rows()).length).toBe(rowsBefore + 1);
  });
});

describe("deferred effects (outbox)", () => {
  it("a blocked attempt's effect never runs; the passing attempt's runs exactly once, after the verdict", async () => {
    const calls: EffectContext[] = [];
    const publish = publishTool(world.table, calls);
    const producer = producerSaying(1, async (attempt, config) => {
      const said = await publish.invoke({ text: `report attempt ${attempt}` }, config);
      expect(said).toMatch(/^scheduled: /);
      expect(calls).toEqual([]); // nothing ran inside the attempt
    });
    const stages: unknown[] = [];
    const graph = guardedGraph(producer, judgeAgainst("0.52")).compile();
    const out = await graph.invoke(INPUT, { callbacks: [{ handleCustomEvent: (_n: string, d: unknown) => void stages.push(d) }] });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.attempt).toBe(2);
    const rows = (await world.table.rows()).filter((r) => r.body.startsWith("report attempt"));
    expect(rows).toEqual([{ key: calls[0]!.idempotencyKey, body: "report attempt 2" }]);
    const record = out.guardRecords[0]!;
    expect(record.effects!.map((e) => [e.attempt, e.status])).toEqual([
      [1, "dropped"],
      [2, "executed"],
    ]);
    expect(record.effects![1]!.result).toEqual({ published: calls[0]!.idempotencyKey });
    const effectEvents = stages.filter((d) => (d as { stage?: string }).stage === "effect").map((d) => (d as { effect: string }).effect);
    expect(effectEvents).toEqual(["deferred", "dropped", "deferred", "pending", "executed"]);
    expect(out.draft).toBe(TRUE);
  });

  it("the retried producer's feedback names the dropped effect", async () => {
    const publish = publishTool(world.table);
    const seen: string[] = [];
    let attempt = 0;
    const producer = async (state: ParentValues, config: LangGraphRunnableConfig) => {
      attempt++;
      seen.push(state.messages.map((m) => String(m.content)).join("\n"));
      await publish.invoke({ text: `feedback ${attempt}` }, config);
      const text = attempt === 1 ? FALSE : TRUE;
      return { messages: [new AIMessage({ name: "researcher", content: text })] };
    };
    await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    expect(seen[1]).toContain(`Its side effects were not kept: ${publish.name} {"text":"feedback 1"} (never ran)`);
  });

  it("every attempt blocked (fail): nothing runs, the error's record lists the dropped effects", async () => {
    const calls: EffectContext[] = [];
    const publish = publishTool(world.table, calls);
    const producer = producerSaying(9, async (attempt, config) => void (await publish.invoke({ text: `never ${attempt}` }, config)));
    const error = await guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 2, onExhausted: "fail" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect(calls).toEqual([]);
    expect((await world.table.rows()).filter((r) => r.body.startsWith("never"))).toEqual([]);
    expect((error as { record: { effects: { status: string }[] } }).record.effects.map((e) => e.status)).toEqual(["dropped", "dropped"]);
  });

  it("an interrupt escalation runs the last attempt's deferred effect only when the human approves", async () => {
    const calls: EffectContext[] = [];
    const publish = publishTool(world.table, calls);
    const producer = producerSaying(9, async (attempt, config) => void (await publish.invoke({ text: `escalated ${attempt}` }, config)));
    const graph = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 1, onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: unique("approve") } };
    await graph.invoke(INPUT, config);
    const packet = (await graph.getState(config)).tasks[0]!.interrupts[0]!.value as { effects: { status: string }[] };
    expect(packet.effects.map((e) => e.status)).toEqual(["deferred"]);
    expect(calls).toEqual([]);
    const out = await graph.invoke(new Command({ resume: { action: "approve" } }), config);
    expect(calls).toHaveLength(1);
    expect(out.guardRecords[0]!.effects!.map((e) => e.status)).toEqual(["executed"]);
  });

  it("a human reject drops the last attempt's deferred effect", async () => {
    const calls: EffectContext[] = [];
    const publish = publishTool(world.table, calls);
    const producer = producerSaying(9, async (attempt, config) => void (await publish.invoke({ text: `rejected ${attempt}` }, config)));
    const graph = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 1, onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: unique("reject") } };
    await graph.invoke(INPUT, config);
    const out = await graph.invoke(new Command({ resume: { action: "reject" } }), config);
    expect(calls).toEqual([]);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "rejected" });
    expect(out.guardRecords[0]!.effects!.map((e) => e.status)).toEqual(["dropped"]);
  });

  it("a deferred effect that throws after the commit fails the handoff; resuming runs it with the same key, once", async () => {
    let failures = 1;
    const tries: string[] = [];
    const flaky = effectTool({
      name: unique("flaky"),
      description: "Publish, but the target is down once.",
      schema: z.object({ text: z.string() }),
      mode: "defer",
      run: async ({ text }: { text: string }, ctx) => {
        tries.push(ctx.idempotencyKey);
        if (failures-- > 0) throw new Error("target unavailable");
        await world.table.insert(ctx.idempotencyKey, text);
      },
    });
    const graph = guardedGraph(producerSaying(0, async (_a, config) => void (await flaky.invoke({ text: "flaky once" }, config))), judgeAgainst("0.52")).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: unique("flaky") } };
    const failed = await graph.invoke(INPUT, config).catch((e: unknown) => e);
    expect(isEffectFailedError(failed), String(failed)).toBe(true);
    expect(failed).toMatchObject({ code: "EFFECT_FAILED", guard: "researcher", tool: flaky.name, toolCallId: `${flaky.name}#1` });
    expect(((failed as Error).cause as Error).message).toBe("target unavailable");
    expect((failed as Error).message).toMatch(/resume the thread/);
    expect((await graph.getState(config)).values.draft).toBe("none yet"); // the commit waits for its effects
    const out = await graph.invoke(null, config);
    expect(tries).toHaveLength(2);
    expect(tries[0]).toBe(tries[1]);
    expect((await world.table.rows()).filter((r) => r.body === "flaky once")).toEqual([{ key: tries[0], body: "flaky once" }]);
    expect(out.draft).toBe(TRUE);
  });
});

describe("compensated effects (saga)", () => {
  it("a blocked attempt's ticket is closed before the retry; the passing attempt's stays open", async () => {
    const ticket = ticketTool(world.endpoint.url);
    const keys: string[] = [];
    const producer = producerSaying(1, async (attempt, config) => {
      const opened = (await ticket.invoke({ title: `ticket ${attempt}` }, config)) as { ticket: string };
      keys.push(opened.ticket);
      if (attempt === 2) expect(world.endpoint.open.has(keys[0]!)).toBe(false); // undone before the retry
    });
    const out = await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    const mine = world.endpoint.seen.filter((s) => keys.includes(s.key));
    expect(mine.map((s) => [s.method, keys.indexOf(s.key) + 1])).toEqual([
      ["POST", 1],
      ["DELETE", 1],
      ["POST", 2],
    ]);
    expect(world.endpoint.open.has(keys[1]!)).toBe(true);
    expect(out.guardRecords[0]!.effects!.map((e) => [e.attempt, e.status])).toEqual([
      [1, "compensated"],
      [2, "kept"],
    ]);
  });

  it("compensations run latest first", async () => {
    const order: string[] = [];
    const step = (label: string) =>
      effectTool({
        name: unique(label),
        description: label,
        schema: z.object({}),
        mode: "compensate",
        run: () => void order.push(`run ${label}`),
        compensate: () => void order.push(`undo ${label}`),
      });
    const a = step("a");
    const b = step("b");
    const producer = producerSaying(1, async (attempt, config) => {
      if (attempt > 1) return;
      await a.invoke({}, config);
      await b.invoke({}, config);
    });
    await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    expect(order).toEqual(["run a", "run b", "undo b", "undo a"]);
  });

  it("a compensation that fails escalates: the interrupt packet names what could not be undone", async () => {
    const ticket = ticketTool(world.endpoint.url, { compensateFails: () => true });
    let attempts = 0;
    const producer = producerSaying(9, async (attempt, config) => {
      attempts = attempt;
      await ticket.invoke({ title: `stuck ${attempt}` }, config);
    });
    const graph = guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 3, onExhausted: "interrupt" }).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: unique("stuck") } };
    await graph.invoke(INPUT, config);
    expect(attempts).toBe(1); // no retry on top of an effect that could not be undone
    const packet = (await graph.getState(config)).tasks[0]!.interrupts[0]!.value as { uncompensated: { tool: string; error: string; input: unknown }[] };
    expect(packet.uncompensated).toMatchObject([{ tool: ticket.name, input: { title: "stuck 1" }, error: "the ticket service refused to close the ticket" }]);
  });

  it('a compensation that fails under onExhausted "degrade" degrades at once; the record shows the failed compensation', async () => {
    const ticket = ticketTool(world.endpoint.url, { compensateFails: () => true });
    let attempts = 0;
    const producer = producerSaying(9, async (attempt, config) => {
      attempts = attempt;
      await ticket.invoke({ title: "degraded" }, config);
    });
    const out = await guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 3, onExhausted: "degrade" }).compile().invoke(INPUT);
    expect(attempts).toBe(1);
    expect(out.guardRecords[0]).toMatchObject({ outcome: "degraded" });
    expect(out.guardRecords[0]!.effects!.map((e) => [e.tool, e.status, e.error])).toEqual([[ticket.name, "compensation-failed", "the ticket service refused to close the ticket"]]);
  });

  it("a failed compensation stops the undoing: the earlier effect, not tried, is listed as not undone too", async () => {
    const first = ticketTool(world.endpoint.url);
    const second = ticketTool(world.endpoint.url, { compensateFails: () => true });
    const producer = producerSaying(9, async (_a, config) => {
      await first.invoke({ title: "first" }, config);
      await second.invoke({ title: "second" }, config);
    });
    const error = await guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 2, onExhausted: "fail" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    const effects = (error as { record: { effects: { tool: string; status: string }[] } }).record.effects;
    expect(effects.map((e) => [e.tool, e.status])).toEqual([
      [first.name, "applied"],
      [second.name, "compensation-failed"],
    ]);
    expect((error as Error).message).toContain(`2 side effect(s) could not be undone: ${first.name} (key `);
    expect((error as Error).message).toContain("not undone after an earlier compensation failed");
  });

  it("a compensation that fails under onExhausted \"fail\" throws GuardExhaustedError naming the effect", async () => {
    const ticket = ticketTool(world.endpoint.url, { compensateFails: () => true });
    const producer = producerSaying(9, async (_a, config) => void (await ticket.invoke({ title: "fail mode" }, config)));
    const error = await guardedGraph(producer, judgeAgainst("0.52"), { maxAttempts: 3, onExhausted: "fail" }).compile().invoke(INPUT).catch((e: unknown) => e);
    expect(isGuardExhaustedError(error)).toBe(true);
    expect((error as Error).message).toContain(`could not be undone: ${ticket.name} (key `);
    expect((error as Error).message).toContain("the ticket service refused to close the ticket");
  });

  it("a producer that throws after an effect undoes it before the error goes on (a retry policy then re-runs it cleanly)", async () => {
    const ticket = ticketTool(world.endpoint.url);
    const keys: string[] = [];
    let runs = 0;
    const producer = async (_s: ParentValues, config: LangGraphRunnableConfig) => {
      runs++;
      keys.push(((await ticket.invoke({ title: `throws ${runs}` }, config)) as { ticket: string }).ticket);
      if (runs === 1) throw new Error("transient producer failure");
      return { messages: [new AIMessage({ name: "researcher", content: TRUE })] };
    };
    await guardedGraph(producer, judgeAgainst("0.52"), { producerRetryPolicy: { maxAttempts: 2, initialInterval: 1, retryOn: () => true } }).compile().invoke(INPUT);
    expect(runs).toBe(2);
    // The node's retry is the same attempt and the same call: the same key, so the target sees one ticket.
    expect(keys[1]).toBe(keys[0]);
    expect(world.endpoint.open.has(keys[0]!)).toBe(true);
    expect(world.endpoint.seen.filter((s) => keys.includes(s.key)).map((s) => s.method)).toEqual(["POST", "DELETE", "POST"]);
  });

  it("a run that throws records nothing: there is nothing to undo and the error reaches the caller", async () => {
    const compensated: unknown[] = [];
    const broken = effectTool({
      name: unique("broken"),
      description: "fails",
      schema: z.object({}),
      mode: "compensate",
      run: () => {
        throw new Error("card declined");
      },
      compensate: (input) => void compensated.push(input),
    });
    const producer = async (_s: ParentValues, config: LangGraphRunnableConfig) => {
      await broken.invoke({}, config);
      return {};
    };
    await expect(guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT)).rejects.toThrow("card declined");
    expect(compensated).toEqual([]);
  });
});

describe("misuse", () => {
  it("compensate mode without compensate is an InvalidOptionsError at construction", () => {
    let error: unknown;
    try {
      effectTool({ name: "charge", description: "Charge the card", schema: z.object({}), mode: "compensate", run: () => "ok" });
    } catch (e) {
      error = e;
    }
    expect(isInvalidOptionsError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'effectTool "charge": mode "compensate" needs a compensate(input, result, ctx) function that undoes the effect when the guard blocks the attempt; give one, or use mode "defer" to run the effect only after the attempt passes.',
    );
  });

  it.each([
    [{ mode: "later" }, "mode"],
    [{ run: "not a function" }, "run"],
    [{ name: "has space" }, "name"],
    [{ idempotencyKey: "k" }, "idempotencyKey"],
  ])("rejects %j naming the option", (bad, option) => {
    const good = { name: "ok", description: "d", schema: z.object({}), mode: "defer", run: () => 1 };
    expect(() => effectTool({ ...good, ...bad } as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTIONS", option }));
  });

  it("an attempt cannot forge the ledger through its return value (an unknown key blocks it)", async () => {
    const calls: EffectContext[] = [];
    const publish = publishTool(world.table, calls);
    let attempt = 0;
    const producer = async () => {
      attempt++;
      if (attempt === 1) return { bicr_effects: [{ key: "forged", tool: publish.name, mode: "defer", attempt: 1, toolCallId: "x", input: { text: "forged" }, status: "pending" }] };
      return { messages: [new AIMessage({ name: "researcher", content: TRUE })] };
    };
    const out = await guardedGraph(producer, judgeAgainst("0.52")).compile().invoke(INPUT);
    expect(out.guardRecords[0]!.attempts[0]!.blocked).toBe(true);
    expect(calls).toEqual([]);
    expect(out.guardRecords[0]!.effects).toBeUndefined();
  });

  it("a recorder the guard did not make is not honoured: the call is not recorded in any guard's ledger", async () => {
    const calls: EffectContext[] = [];
    const publish = publishTool(world.table, calls);
    const fake = { record: () => {}, closed: false, where: { guard: "researcher", attempt: 1, scope: "" }, keyFor: () => "forged", nextCallId: () => "x", close: () => [] };
    await publish.invoke({ text: "fake recorder" }, { configurable: { [EFFECT_RECORDER_KEY]: fake } });
    expect(calls.map((c) => c.guarded)).toEqual([false]); // ran as outside a guard
  });

  it("a custom idempotencyKey is what run receives", async () => {
    const calls: EffectContext[] = [];
    const custom = effectTool({
      name: unique("custom"),
      description: "d",
      schema: z.object({ order: z.string() }),
      mode: "defer",
      idempotencyKey: ({ input, attempt }) => `order-${(input as { order: string }).order}-${attempt}`,
      run: (_i, ctx) => void calls.push(ctx),
    });
    await guardedGraph(producerSaying(0, async (_a, config) => void (await custom.invoke({ order: "42" }, config))), judgeAgainst("0.52")).compile().invoke(INPUT);
    expect(calls.map((c) => c.idempotencyKey)).toEqual(["order-42-1"]);
  });
});
