/**
 * Attacks on docs/effects.md with hostile values and misuse: inputs that do not survive JSON, a compensation
 * result that is not JSON, two tools with one name, calls left running after the producer returned, the
 * escalation's edit, a partly degraded attempt, listeners that throw on effect stages.
 */
import { Command, MemorySaver } from "@langchain/langgraph";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { effectTool, InvalidOptionsError } from "langgraph-firebreak";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { World, claim, compensateTool, deferTool, effectsOf, guardedGraph, tid, uniqueName } from "./harness.js";

/** What a call reached after its guarded attempt ended resolves to (a text, not a rejection nobody awaits). */
const REFUSED_LATE = /after its guarded attempt ended.*nothing was done/s;
const lateOutcome = (settled: PromiseSettledResult<unknown>) =>
  settled.status === "fulfilled" ? (REFUSED_LATE.test(String(settled.value)) ? "refused" : "ran") : "rejected";

describe("inputs and results that are not JSON", () => {
  // Was broken: a deferred run got `at` as the ISO string, not the Date its schema (z.date()) promises (the
  // outbox replayed a JSON copy of the input without parsing it again). Now the recorded JSON is parsed by the
  // schema again: a z.date() input, which JSON cannot give back, is refused at call time; z.coerce.date() works.
  it("a deferred run receives what its schema makes of the recorded input: z.date() is refused at call time, z.coerce.date() gives a Date", async () => {
    const seen: string[] = [];
    const refusals: string[] = [];
    const dated = effectTool({
      name: uniqueName("dated"), description: "d", schema: z.object({ at: z.date() }), mode: "defer",
      run: ({ at }) => void seen.push(`strict ${at instanceof Date ? "Date" : typeof at}`),
    });
    const coerced = effectTool({
      name: uniqueName("coerced"), description: "d", schema: z.object({ at: z.coerce.date() }), mode: "defer",
      run: ({ at }) => void seen.push(`coerced ${at instanceof Date ? "Date" : typeof at}`),
    });
    await dated.invoke({ at: new Date(0) }); // outside a guard it simply runs
    const { graph } = guardedGraph(async (_s, config) => {
      await dated.invoke({ at: new Date(0) }, config).catch((e: Error) => refusals.push(e.message));
      await coerced.invoke({ at: new Date(0) }, config);
      return claim("fine");
    });
    const out = await graph.invoke({});
    expect(seen).toEqual(["strict Date", "coerced Date"]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/no longer fits the tool's schema.*z\.coerce\.date\(\)/s);
    expect(out.guardRecords[0]!.effects!.map((e: { tool: string }) => e.tool)).toEqual([coerced.name]); // nothing recorded for the refused call
  });

  // Was broken: a deferred call whose input held a BigInt was accepted ("scheduled"), recorded as a placeholder,
  // and `run` was executed with that placeholder. Now it is refused at call time.
  it("a deferred call whose input cannot be recorded is refused at call time, never run with a placeholder", async () => {
    const seen: unknown[] = [];
    const tool = effectTool({
      name: uniqueName("big"), description: "b", schema: z.object({ n: z.bigint() }), mode: "defer",
      run: (input) => void seen.push(input),
    });
    const refusals: string[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      await tool.invoke({ n: 5n }, config).catch((e: Error) => refusals.push(e.message));
      return claim("fine");
    });
    await graph.invoke({});
    const ranWithRealInput = seen.length === 1 && (seen[0] as { n?: unknown }).n === 5n;
    expect(refusals.length === 1 || ranWithRealInput).toBe(true);
    expect(seen.filter((s) => JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? 0 : v)).includes("unserializable"))).toEqual([]);
  });

  it("a compensate-mode result that is not JSON (a cycle holding a BigInt): the blocked attempt's compensation still runs", async () => {
    const undone: string[] = [];
    const tool = effectTool({
      name: uniqueName("cyc"), description: "c", schema: z.object({ x: z.string() }), mode: "compensate",
      run: ({ x }) => { const o: Record<string, unknown> = { big: 10n, x }; o["self"] = o; return o; },
      compensate: ({ x }) => void undone.push(x),
    });
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      await tool.invoke({ x: retry ? "second" : "first" }, config);
      return claim(retry ? "fine" : "bad");
    }, {}, new MemorySaver());
    const out = await graph.invoke({}, { configurable: { thread_id: tid("cyc") } });
    expect(undone).toEqual(["first"]);
    expect(effectsOf(out.guardRecords).map((e) => e.split(":").slice(0, 3).join(":"))).toEqual(["1:compensate:compensated", "2:compensate:kept"]);
  });
});

describe("misuse", () => {
  // Was BROKEN (fixed: each recorded effect is run and undone by the tool that recorded it; after a restart, by the latest tool of its name): the docs require a unique name per effectTool but nothing enforces it: a second tool with the same
  // name is created without an error, and when the attempt is blocked BOTH effects are "undone" by the second
  // tool's compensate (log: run A, run B, undo by B, undo by B); A's ticket stays open and is reported compensated.
  it("two effectTools with one name: creation is refused, or each effect is undone by its own compensate", async () => {
    const log: string[] = [];
    const make = (who: string) => effectTool({
      name: `dup_${process.pid}`, description: "d", schema: z.object({ x: z.string() }), mode: "compensate",
      run: () => { log.push(`run ${who}`); return who; }, compensate: () => void log.push(`undo by ${who}`),
    });
    const a = make("A");
    let b: ReturnType<typeof make>;
    try { b = make("B"); } catch (e) { expect(e).toBeInstanceOf(InvalidOptionsError); return; }
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      if (!retry) { await a.invoke({ x: "1" }, config); await b.invoke({ x: "2" }, config); }
      return claim(retry ? "fine" : "bad");
    });
    await graph.invoke({});
    expect(log).toEqual(["run A", "run B", "undo by B", "undo by A"]);
  });

  it("calls the producer left running after it returned are refused and do nothing; awaited-later calls are still recorded", async () => {
    const world = new World();
    const publish = deferTool(world);
    const ticket = compensateTool(world);
    const late: Promise<unknown>[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      void publish.invoke({ text: `unawaited-${tag}` }, config); // started before return: recorded
      late.push(new Promise((resolve) => setTimeout(resolve, 5)).then(async () => {
        const results = await Promise.allSettled([publish.invoke({ text: `late-${tag}` }, config), ticket.invoke({ title: `late-${tag}` }, config)]);
        return results.map(lateOutcome);
      }));
      return claim(tag);
    });
    const out = await graph.invoke({});
    const statuses = await Promise.all(late);
    expect(statuses.flat()).toEqual(["refused", "refused", "refused", "refused"]);
    expect(world.log).toEqual(["run unawaited-good"]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"text":"unawaited-bad"}', '2:defer:executed:{"text":"unawaited-good"}']);
  });

  it("a deferred run that hangs until the run is aborted: the entry stays pending and a resume runs it with the same key", async () => {
    const keys: string[] = [];
    let started!: () => void;
    const startedOnce = new Promise<void>((resolve) => { started = resolve; });
    const tool = effectTool({
      name: uniqueName("hang"), description: "h", schema: z.object({ x: z.string() }), mode: "defer",
      run: async (_i, { idempotencyKey }) => {
        keys.push(idempotencyKey);
        if (keys.length > 1) return "done";
        started();
        return new Promise<never>(() => undefined); // hangs for ever, ignoring every signal
      },
    });
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ x: "h" }, config); return claim("fine"); }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("hang") } };
    const controller = new AbortController();
    const first = graph.invoke({}, { ...config, signal: controller.signal });
    await startedOnce;
    controller.abort(new Error("operator gave up"));
    await expect(first).rejects.toThrow();
    const out = await graph.invoke(null, config);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:executed:{"x":"h"}']);
  });

  it("an escalation resumed with edit: the blocked attempt's deferred effect never runs", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => { await publish.invoke({ text: "edited-away" }, config); return claim("bad"); },
      { maxAttempts: 1, onExhausted: "interrupt" }, new MemorySaver());
    const config = { configurable: { thread_id: tid("edit") } };
    await graph.invoke({}, config);
    const out = await graph.invoke(new Command({ resume: { action: "edit", update: claim("human fixed") } }), config);
    expect(world.log).toEqual([]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"text":"edited-away"}']);
  });

  it("a degraded attempt whose green claim is committed still drops its deferred effects", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      await publish.invoke({ text: "half-good" }, config);
      return { claims: [...claim("bad part").claims, ...claim("good part").claims] };
    }, { maxAttempts: 1, onExhausted: "degrade" });
    const out = await graph.invoke({});
    expect(out.claims.map((c) => c.text)).toContain("good part");
    expect(world.log).toEqual([]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"text":"half-good"}']);
  });

  it("guard listeners that throw or reject on effect stages never fail the handoff nor stop the effects", async () => {
    const world = new World();
    const publish = deferTool(world);
    const ticket = compensateTool(world);
    const { graph, guard } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      await ticket.invoke({ title: tag }, config);
      await publish.invoke({ text: tag }, config);
      return claim(tag);
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    const heard: string[] = [];
    try {
      guard.onStage((e) => { if (e.stage === "effect") throw new Error("listener boom"); });
      guard.onStage(async (e) => { if (e.stage === "effect") throw new Error("async listener boom"); });
      guard.onStage((e) => { if (e.stage === "effect") heard.push(String(e["effect"])); });
      await graph.invoke({});
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      console.error = original;
    }
    expect(world.log).toEqual(["open bad", 'close bad {"id":"bad"}', "open good", "run good"]);
    expect(heard).toContain("executed");
    expect(heard).toContain("compensated");
    expect(errors.length).toBeGreaterThan(0);
  });
});
