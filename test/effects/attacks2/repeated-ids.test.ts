/**
 * Attacks on the new promise "a tool call id repeated within an attempt is recorded as `call_0#2`,
 * `call_0#3`… in call order: each call has its own key, runs once with its own input, and is undone
 * on its own" (docs/effects.md, Limits). Written from the docs only; the in-memory World of
 * ../attacks/harness.ts is the target (a set keyed by the idempotency key where it matters).
 */
import { Command, MemorySaver, interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { effectTool } from "langgraph-firebreak";
import { readGuardFeedback, type EscalationPacket } from "langgraph-firebreak/nodes";
import { World, claim, compensateTool, deferTool, guardedGraph, tid, uniqueName } from "../attacks/harness.js";
import { call, effectEvents, entries, gate, ids } from "./kit.js";

/** Run 1: the check of "first" waits for "second" to finish; later runs: the other way round. */
const order = { gates: new Map<number, { promise: Promise<void>; release: () => void }>() };
async function slowFirst(run: number, text: string): Promise<void> {
  if (!order.gates.has(run)) order.gates.set(run, gate<void>());
  const g = order.gates.get(run)!;
  const waiter = run === 1 ? "first" : "second";
  if (text === waiter) await g.promise;
  else g.release();
}

describe("a repeated tool call id within one attempt", () => {
  it("three concurrent deferred calls (Promise.all) sharing call_0: numbered in call order, each runs once with its input; events list each key", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph, guard } = guardedGraph(async (_s, config) => {
      await Promise.all(["one", "two", "three"].map((text) => publish.invoke(call(publish.name, { text }, "call_0") as never, config)));
      return claim("fine");
    });
    const events = effectEvents(guard as never);
    const out = await graph.invoke({});
    expect(ids(out.guardRecords)).toEqual(['1:call_0:executed:{"text":"one"}', '1:call_0#2:executed:{"text":"two"}', '1:call_0#3:executed:{"text":"three"}']);
    expect(world.log).toEqual(["run one", "run two", "run three"]);
    expect(new Set(world.keys).size).toBe(3);
    expect([...events.byKey.values()].map((s) => s.join(">"))).toEqual(Array(3).fill("deferred>pending>executed"));
    expect([...events.toolCallIds.values()]).toEqual(["call_0", "call_0#2", "call_0#3"]);
  });

  // Was BROKEN (fixed): the docs promise repeated ids are numbered "in call order"; with two concurrent calls sharing call_0 whose
  // (async) schema check finishes in reverse order, the FIRST call made gets call_0#2 and the second gets call_0: the
  // number follows when the parse ended, not when the call was made, so a re-run (crash resume, node retry) whose
  // timing differs can give an input the other call's key (2 of 2 numbers swapped here).
  it("concurrent calls whose schema check finishes in reverse order are still numbered in the order they were made", async () => {
    const world = new World();
    const secondChecked = gate();
    const tool = effectTool({
      name: uniqueName("slowparse"), description: "d", mode: "compensate",
      schema: z.object({ text: z.string().refine(async (t) => { if (t === "first") await secondChecked.promise; else secondChecked.release(); return true; }) }),
      run: ({ text }, { idempotencyKey, toolCallId }) => { world.add(`run ${text} ${toolCallId}`, idempotencyKey); return text; },
      compensate: () => undefined,
    });
    const { graph } = guardedGraph(async (_s, config) => {
      await Promise.all(["first", "second"].map((text) => tool.invoke(call(tool.name, { text }, "call_0") as never, config)));
      return claim("fine");
    });
    const out = await graph.invoke({});
    expect(new Set(world.keys).size).toBe(2);
    expect(ids(out.guardRecords).sort()).toEqual(['1:call_0#2:kept:{"text":"second"}', '1:call_0:kept:{"text":"first"}']);
  });

  // Was BROKEN (fixed): (the consequence of the numbering above) the docs promise "the key is the same when the call id is" for a
  // producer re-run after an interrupt or crash; two concurrent calls sharing call_0 whose checks end in a different
  // order on the re-run swap keys: the call with input "first" gets the key "second" used, and a target that honours
  // the key (returns the original answer) tells it "second": 2 of 2 results belong to the other call.
  it("a producer re-run after interrupt() whose concurrent same-id calls finish their checks in another order: each call keeps its key", async () => {
    const target = new Map<string, string>();
    let run = 0;
    const tool = effectTool({
      name: uniqueName("swap"), description: "d", mode: "compensate",
      schema: z.object({ text: z.string().refine(async (t) => { await slowFirst(run, t); return true; }) }),
      run: ({ text }, { idempotencyKey }) => { if (!target.has(idempotencyKey)) target.set(idempotencyKey, text); return target.get(idempotencyKey); },
      compensate: () => undefined,
    });
    const { graph } = guardedGraph(async (_s, config) => {
      run++;
      await Promise.all(["first", "second"].map((text) => tool.invoke(call(tool.name, { text }, "call_0") as never, config)));
      interrupt("pause");
      return claim("fine");
    }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("swap") } };
    await graph.invoke({}, config);
    const out = await graph.invoke(new Command({ resume: "go" }), config);
    expect(entries(out.guardRecords).map((e) => `${JSON.stringify(e.input)}->${JSON.stringify(e.result)}`).sort())
      .toEqual(['{"text":"first"}->"first"', '{"text":"second"}->"second"']);
  });

  // Was BROKEN (fixed): the docs say a deferred call is refused only when its input "does not survive the trip" (BigInt, cycle,
  // z.date()); an input schema with an async refinement (which LangChain's tool() accepts: the call's own parse passes)
  // makes EVERY deferred call refused: 0 of 1 scheduled, error "no longer fits the tool's schema (e.g. z.date() ...)
  // Encountered Promise during synchronous parse". The input is a plain string; the re-parse is synchronous.
  it("a deferred tool whose schema has an async refinement: a plain string input is scheduled and run once", async () => {
    const world = new World();
    const tool = effectTool({
      name: uniqueName("asyncrefine"), description: "d", mode: "defer",
      schema: z.object({ text: z.string().refine(async (t) => t.length > 0) }),
      run: ({ text }, { idempotencyKey }) => { world.add(`run ${text}`, idempotencyKey); },
    });
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ text: "plain" }, config); return claim("fine"); });
    await graph.invoke({});
    expect(world.log).toEqual(["run plain"]);
  });

  for (const order of [["x", "x#2", "x"], ["x", "x", "x#2"], ["x#2", "x", "x"]]) {
    it(`ids that already look numbered (${order.join(", ")}): three distinct keys, three runs with their own inputs`, async () => {
      const world = new World();
      const publish = deferTool(world);
      const { graph } = guardedGraph(async (_s, config) => {
        for (const [i, id] of order.entries()) await publish.invoke(call(publish.name, { text: `t${i}` }, id) as never, config);
        return claim("fine");
      });
      const out = await graph.invoke({});
      expect(world.log).toEqual(["run t0", "run t1", "run t2"]);
      expect(new Set(world.keys).size).toBe(3);
      expect(new Set(entries(out.guardRecords).map((e) => e.toolCallId)).size).toBe(3);
    });
  }

  it("a model id equal to a direct call's synthetic id (<tool>#2) mixed with direct calls: every call keeps its own key", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      if (!retry) {
        await ticket.invoke(call(ticket.name, { title: "model" }, `${ticket.name}#2`) as never, config);
        await ticket.invoke({ title: "direct-a" }, config);
        await ticket.invoke({ title: "direct-b" }, config);
      }
      return claim(retry ? "fine" : "bad");
    });
    const out = await graph.invoke({});
    expect(new Set(world.keys.slice(0, 3)).size).toBe(3);
    expect(world.log.filter((l) => l.startsWith("close ")).sort()).toEqual(['close direct-a {"id":"direct-a"}', 'close direct-b {"id":"direct-b"}', 'close model {"id":"model"}']);
    expect(entries(out.guardRecords).map((e) => e.status)).toEqual(["compensated", "compensated", "compensated"]);
  });
});

describe("repeated ids across retries and escalations", () => {
  it("call_0 twice in a blocked attempt and twice in the retry: numbering restarts per attempt, four keys, each undone on its own", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const retry = readGuardFeedback(config) !== undefined;
      for (const title of retry ? ["C", "D"] : ["A", "B"]) await ticket.invoke(call(ticket.name, { title }, "call_0") as never, config);
      return claim(retry ? "fine" : "bad");
    });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["open A", "open B", 'close B {"id":"B"}', 'close A {"id":"A"}', "open C", "open D"]);
    expect(world.keys[2]).toBe(world.keys[1]);
    expect(world.keys[3]).toBe(world.keys[0]);
    expect(new Set([world.keys[0], world.keys[1], world.keys[4], world.keys[5]]).size).toBe(4);
    expect(ids(out.guardRecords)).toEqual([
      '1:call_0:compensated:{"title":"A"}', '1:call_0#2:compensated:{"title":"B"}', '2:call_0:kept:{"title":"C"}', '2:call_0#2:kept:{"title":"D"}',
    ]);
  });

  it("a producer retry (producerRetryPolicy) re-runs repeated-id calls with the same keys, so a key-honouring target holds each once", async () => {
    const open = new Map<string, string>();
    const runs: string[] = [];
    let thrown = false;
    const tool = effectTool({
      name: uniqueName("retryrow"), description: "d", schema: z.object({ v: z.string() }), mode: "compensate",
      run: ({ v }, { idempotencyKey }) => { runs.push(`${v}@${idempotencyKey}`); if (!open.has(idempotencyKey)) open.set(idempotencyKey, v); return v; },
      compensate: (_i, _r, { idempotencyKey }) => { open.delete(idempotencyKey); },
    });
    const { graph } = guardedGraph(async (_s, config) => {
      for (const v of ["A", "B", "C"]) await tool.invoke(call(tool.name, { v }, "call_0") as never, config);
      if (!thrown) { thrown = true; throw new Error("transient failure after the effects"); }
      return claim("fine");
    }, { producerRetryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false } });
    const out = await graph.invoke({});
    expect(runs.slice(3)).toEqual(runs.slice(0, 3));
    expect([...open.values()].sort()).toEqual(["A", "B", "C"]);
    expect(entries(out.guardRecords).map((e) => `${e.toolCallId}:${e.status}`)).toEqual(["call_0:kept", "call_0#2:kept", "call_0#3:kept"]);
  });

  it("the undo of call_0#2 fails (interrupt): call_0#3 is compensated, the packet names call_0#2 and call_0 as not undone, call_0 is not tried", async () => {
    const world = new World();
    const ticket = compensateTool(world, undefined, { failUndo: (t) => t === "two" });
    const { graph } = guardedGraph(async (_s, config) => {
      for (const title of ["one", "two", "three"]) await ticket.invoke(call(ticket.name, { title }, "call_0") as never, config);
      return claim("bad");
    }, { onExhausted: "interrupt" }, new MemorySaver());
    const config = { configurable: { thread_id: tid("undo-repeat") } };
    const out = await graph.invoke({}, config);
    const packet = (out as unknown as { __interrupt__: { value: EscalationPacket }[] }).__interrupt__[0]!.value;
    expect(world.log).toEqual(["open one", "open two", "open three", 'close three {"id":"three"}']);
    expect(packet.uncompensated!.map((e) => `${e.toolCallId}:${JSON.stringify(e.input)}`).sort()).toEqual(['call_0#2:{"title":"two"}', 'call_0:{"title":"one"}']);
    expect(packet.effects!.find((e) => e.toolCallId === "call_0#3")!.status).toBe("compensated");
  });

  it("approve after an escalation runs each repeated-id deferred call of the last attempt exactly once, with its own input", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const n = readGuardFeedback(config)?.attempt ?? 0;
      for (const text of [`a${n}`, `b${n}`]) await publish.invoke(call(publish.name, { text }, "call_0") as never, config);
      return claim("bad");
    }, { maxAttempts: 2, onExhausted: "interrupt" }, new MemorySaver());
    const config = { configurable: { thread_id: tid("approve-repeat") } };
    await graph.invoke({}, config);
    expect(world.log).toEqual([]);
    const out = await graph.invoke(new Command({ resume: { action: "approve" } }), config);
    expect(world.log).toEqual(["run a1", "run b1"]);
    expect(new Set(world.keys).size).toBe(2);
    expect(ids(out.guardRecords).filter((l) => l.includes("executed"))).toEqual(['2:call_0:executed:{"text":"a1"}', '2:call_0#2:executed:{"text":"b1"}']);
  });

  it("the deferred run of call_0#2 throws once: the handoff fails; the resume runs only call_0#2 and call_0#3, each with its own key and input", async () => {
    const runs: string[] = [];
    let failOnce = true;
    const tool = effectTool({
      name: uniqueName("flaky"), description: "d", schema: z.object({ text: z.string() }), mode: "defer",
      run: ({ text }, { idempotencyKey, toolCallId }) => {
        runs.push(`${toolCallId} ${text} ${idempotencyKey}`);
        if (text === "two" && failOnce) { failOnce = false; throw new Error("target down"); }
      },
    });
    const { graph } = guardedGraph(async (_s, config) => {
      for (const text of ["one", "two", "three"]) await tool.invoke(call(tool.name, { text }, "call_0") as never, config);
      return claim("fine");
    }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("flaky") } };
    await expect(graph.invoke({}, config)).rejects.toThrow(/target down/);
    const out = await graph.invoke(null, config);
    expect(runs.map((r) => r.split(" ").slice(0, 2).join(" "))).toEqual(["call_0 one", "call_0#2 two", "call_0#2 two", "call_0#3 three"]);
    expect(runs[2]!.split(" ")[2]).toBe(runs[1]!.split(" ")[2]);
    expect(ids(out.guardRecords)).toEqual(['1:call_0:executed:{"text":"one"}', '1:call_0#2:executed:{"text":"two"}', '1:call_0#3:executed:{"text":"three"}']);
  });
});
