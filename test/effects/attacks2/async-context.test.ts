/**
 * Attacks on "the attempt is found from the config the producer passes, else from the async context the attempt runs
 * in … A call left running after the producer returned is refused and does nothing" (docs/effects.md, Limits):
 * configs built from scratch, scheduler callbacks, stale configs of an earlier attempt, nested guards, subgraphs.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { World, claim, compensateTool, deferTool, effectsOf, guardedGraph } from "../attacks/harness.js";
import { gate, type Config } from "./kit.js";

/** What a call reached after its guarded attempt ended resolves to (a text, not a rejection nobody awaits). */
const REFUSED_LATE = /after its guarded attempt ended.*nothing was done/s;
const lateOutcome = (settled: PromiseSettledResult<unknown>) =>
  settled.status === "fulfilled" ? (REFUSED_LATE.test(String(settled.value)) ? "refused" : "ran") : "rejected";

const blockedOnce = { maxAttempts: 1, onExhausted: "degrade" } as const;

describe("configs the producer built itself", () => {
  const scratch: Record<string, () => Config | undefined> = {
    "{}": () => ({}),
    undefined: () => undefined,
    "a fresh config with another thread, checkpoint_ns and callbacks []": () => ({ configurable: { thread_id: "elsewhere", checkpoint_ns: "" }, callbacks: [], runName: "mine" }),
    "a config with a recursionLimit and an AbortSignal": () => ({ recursionLimit: 5, signal: new AbortController().signal }),
  };
  for (const [label, make] of Object.entries(scratch)) {
    it(`config ${label}: the blocked attempt's deferred effect is dropped and its compensated effect undone`, async () => {
      const world = new World();
      const publish = deferTool(world);
      const ticket = compensateTool(world);
      const { graph } = guardedGraph(async () => {
        await ticket.invoke({ title: "t" }, make());
        await publish.invoke({ text: "p" }, make());
        return claim("bad");
      }, blockedOnce);
      const out = await graph.invoke({});
      expect(world.log).toEqual(["open t", 'close t {"id":"t"}']);
      expect(effectsOf(out.guardRecords)).toEqual(['1:compensate:compensated:{"title":"t"}', '1:defer:dropped:{"text":"p"}']);
    });
  }
});

describe("calls from scheduler callbacks started in the attempt (no config)", () => {
  const schedulers: Record<string, (fn: () => void) => void> = {
    setTimeout: (fn) => setTimeout(fn, 0),
    setImmediate: (fn) => setImmediate(fn),
    queueMicrotask: (fn) => queueMicrotask(fn),
    "process.nextTick": (fn) => process.nextTick(fn),
    "an EventEmitter emitted in the attempt": (fn) => { const e = new EventEmitter(); e.once("go", fn); e.emit("go"); },
  };
  for (const [label, schedule] of Object.entries(schedulers)) {
    it(`${label}, awaited before the producer returns: recorded in the attempt, dropped / undone when it is blocked`, async () => {
      const world = new World();
      const publish = deferTool(world);
      const ticket = compensateTool(world);
      const { graph } = guardedGraph(async () => {
        const done = gate<Promise<unknown>>();
        schedule(() => done.release(Promise.all([ticket.invoke({ title: "t" }), publish.invoke({ text: "p" })])));
        await done.promise;
        return claim("bad");
      }, blockedOnce);
      const out = await graph.invoke({});
      expect(world.log).toEqual(["open t", 'close t {"id":"t"}']);
      expect(effectsOf(out.guardRecords).sort()).toEqual(['1:compensate:compensated:{"title":"t"}', '1:defer:dropped:{"text":"p"}']);
    });
  }

  it("setImmediate calls (no config) left running after the producer returned: refused, nothing in the world", async () => {
    const world = new World();
    const publish = deferTool(world);
    const ticket = compensateTool(world);
    const producerReturned = gate();
    const late: Promise<PromiseSettledResult<unknown>[]>[] = [];
    const { graph } = guardedGraph(async () => {
      late.push(producerReturned.promise.then(() => Promise.allSettled([ticket.invoke({ title: "late" }), publish.invoke({ text: "late" })])));
      return claim("fine");
    });
    await graph.invoke({});
    producerReturned.release();
    const settled = await late[0]!;
    expect(settled.map(lateOutcome)).toEqual(["refused", "refused"]);
    expect(world.log).toEqual([]);
  });
});

describe("an earlier attempt's context reaching into a later attempt", () => {
  it("attempt 1's config captured and used by attempt 2 for a compensated call: refused (attempt 1 has returned), nothing opened", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    let first: Config | undefined;
    let outcome = "";
    const { graph } = guardedGraph(async (_s, config) => {
      const n = (readGuardFeedback(config)?.attempt ?? 0) + 1;
      if (n === 1) { first = config; return claim("bad"); }
      outcome = lateOutcome((await Promise.allSettled([ticket.invoke({ title: `stale-${n}` }, first)]))[0]!);
      return claim("bad");
    }, { maxAttempts: 2, onExhausted: "degrade" });
    const out = await graph.invoke({});
    const opened = world.log.filter((l) => l.startsWith("open ")).length;
    const closed = world.log.filter((l) => l.startsWith("close ")).length;
    expect({ outcome, opened, closed }).toEqual({ outcome: "refused", opened: 0, closed: 0 });
    expect(effectsOf(out.guardRecords)).toEqual([]);
  });

  it("a continuation registered in attempt 1 (no config) that runs while attempt 2 is running: refused, not recorded in attempt 2, nothing left open", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const wake = gate();
    let ghost: Promise<string> | undefined;
    const { graph } = guardedGraph(async (_s, config) => {
      const n = (readGuardFeedback(config)?.attempt ?? 0) + 1;
      if (n === 1) {
        ghost = wake.promise.then(() => Promise.allSettled([ticket.invoke({ title: "ghost" })])).then(([s]) => lateOutcome(s!));
        return claim("bad");
      }
      wake.release();
      const outcome = await ghost!;
      await ticket.invoke({ title: `own-${outcome}` }, config);
      return claim("fine");
    });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["open own-refused"]);
    expect(effectsOf(out.guardRecords)).toEqual(['2:compensate:kept:{"title":"own-refused"}']);
  });
});
