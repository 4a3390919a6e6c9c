/**
 * Attacks on docs/effects.md's promises for `mode: "defer"` and `mode: "compensate"`, on an in-memory world.
 * Written from the docs only. A promise that holds is `it`; one that breaks is `it.fails` with `// BROKEN:`.
 */
import { Command, MemorySaver, interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { effectTool, InvalidOptionsError } from "langgraph-firebreak";
import { GuardExhaustedError, readGuardFeedback, renderFeedback, type EscalationPacket, type GuardRecord } from "langgraph-firebreak/nodes";
import { World, claim, compensateTool, deferTool, effectsOf, guardedGraph, tid, uniqueName } from "./harness.js";

describe("defer (outbox)", () => {
  it("outside a guard it simply runs, at once", async () => {
    const world = new World();
    const out = await deferTool(world).invoke({ text: "x" });
    expect(world.log).toEqual(["run x"]);
    expect(out).toBe("ok x");
  });

  it("a blocked attempt's deferred effect never runs; the passing one runs once, after the verdict, in call order", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      world.add(`produce ${tag}`);
      for (const n of [1, 2, 3]) await publish.invoke({ text: `${tag}${n}` }, config);
      world.add(`returned ${tag}`);
      return claim(tag);
    });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["produce bad", "returned bad", "produce good", "returned good", "run good1", "run good2", "run good3"]);
    expect(effectsOf(out.guardRecords)).toEqual([
      '1:defer:dropped:{"text":"bad1"}', '1:defer:dropped:{"text":"bad2"}', '1:defer:dropped:{"text":"bad3"}',
      '2:defer:executed:{"text":"good1"}', '2:defer:executed:{"text":"good2"}', '2:defer:executed:{"text":"good3"}',
    ]);
  });

  it("concurrent calls (Promise.all) still run in call order", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      await Promise.all(["a", "b", "c", "d"].map((t) => publish.invoke({ text: t }, config)));
      return claim("fine");
    });
    await graph.invoke({});
    expect(world.log).toEqual(["run a", "run b", "run c", "run d"]);
  });

  it("deferred effects run before the guard hands its commit to the parent (the next node sees them done)", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { StateGraph, START, END } = await import("@langchain/langgraph");
    const { State, judge } = await import("./harness.js");
    const { guardNodeInPlace } = await import("langgraph-firebreak/nodes");
    const builder = new StateGraph(State)
      .addNode("researcher", async (_s: unknown, config: object) => { await publish.invoke({ text: "r" }, config); return claim("fine"); })
      .addNode("next", (s: typeof State.State) => { world.add(`next sees ${world.log.length} effects, ${s.claims.length} claims`); return {}; })
      .addEdge(START, "researcher").addEdge("researcher", "next").addEdge("next", END);
    guardNodeInPlace(builder, "researcher", { challenger: judge() });
    await builder.compile().invoke({});
    expect(world.log[0]).toBe("run r");
    expect(world.log[1]).toMatch(/^next sees 1 effects, [1-9]/);
  });

  it("dropped effects are named in the retry's feedback ('Its side effects were not kept')", async () => {
    const world = new World();
    const publish = deferTool(world);
    const seen: string[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      const fb = readGuardFeedback(config);
      if (fb) seen.push(renderFeedback(fb));
      await publish.invoke({ text: fb ? "second" : "bad-first" }, config);
      return claim(fb ? "ok" : "bad");
    });
    await graph.invoke({});
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain("Its side effects were not kept");
    expect(seen[0]).toContain("bad-first");
  });

  it("a deferred run that throws fails the handoff, leaves the entry pending; resuming runs it again with the same key", async () => {
    const keys: string[] = [];
    let fail = true;
    const publish = effectTool({
      name: uniqueName("flaky"), description: "flaky", schema: z.object({ text: z.string() }), mode: "defer",
      run: async (_i, { idempotencyKey }) => { keys.push(idempotencyKey); if (fail) throw new Error("outbox target down"); return "ok"; },
    });
    const saver = new MemorySaver();
    const { graph } = guardedGraph(async (_s, config) => { await publish.invoke({ text: "t" }, config); return claim("fine"); }, {}, saver);
    const config = { configurable: { thread_id: tid("flaky") } };
    await expect(graph.invoke({}, config)).rejects.toThrow(/outbox target down/);
    const parent = await graph.getState(config);
    expect((parent.values as { claims: unknown[] }).claims).toEqual([]);
    const ledgers: unknown[] = [];
    for await (const t of saver.list(config)) if (t.checkpoint.channel_values["bicr_effects"]) ledgers.push(t.checkpoint.channel_values["bicr_effects"]);
    expect(JSON.stringify(ledgers[0])).toContain('"status":"pending"'); // the newest guard checkpoint
    fail = false;
    const out = await graph.invoke(null, config);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:executed:{"text":"t"}']);
  });
});

describe("compensate (saga)", () => {
  it("compensate mode without compensate is an InvalidOptionsError at creation", () => {
    const make = () => effectTool({ name: "x", description: "x", schema: z.object({}), mode: "compensate", run: () => 1 } as never);
    expect(make).toThrow(InvalidOptionsError);
  });

  it("a blocked attempt's compensations run latest first, before the retry, with the effect's key and result", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      world.add(`produce ${tag}`);
      for (const n of [1, 2, 3]) await ticket.invoke({ title: `${tag}${n}` }, config);
      return claim(tag);
    });
    const out = await graph.invoke({});
    expect(world.log).toEqual([
      "produce bad", "open bad1", "open bad2", "open bad3",
      'close bad3 {"id":"bad3"}', 'close bad2 {"id":"bad2"}', 'close bad1 {"id":"bad1"}',
      "produce good", "open good1", "open good2", "open good3",
    ]);
    expect(world.keys[3]).toBe(world.keys[2]); // close bad3 has open bad3's key
    expect(world.keys[5]).toBe(world.keys[0]);
    expect(new Set(world.keys.slice(6)).size).toBe(3);
    expect(world.keys.slice(6)).not.toContain(world.keys[0]); // a retried attempt gets new keys
    expect(effectsOf(out.guardRecords).filter((e) => e.startsWith("2:"))).toEqual([
      '2:compensate:kept:{"title":"good1"}', '2:compensate:kept:{"title":"good2"}', '2:compensate:kept:{"title":"good3"}',
    ]);
  });

  it("a producer that throws after its effects: compensations run before the error goes on, deferred ones never run", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const publish = deferTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      await ticket.invoke({ title: "t1" }, config);
      await publish.invoke({ text: "p1" }, config);
      await ticket.invoke({ title: "t2" }, config);
      throw new Error("producer bug after its effects");
    });
    await expect(graph.invoke({})).rejects.toThrow(/producer bug after its effects/);
    expect(world.log).toEqual(["open t1", "open t2", 'close t2 {"id":"t2"}', 'close t1 {"id":"t1"}']);
  });

  it("a run that throws is not compensated (nothing to undo) and the blocked attempt still retries", async () => {
    const world = new World();
    const undos: string[] = [];
    const tool = effectTool({
      name: uniqueName("half"), description: "half", schema: z.object({ n: z.number() }), mode: "compensate",
      run: async ({ n }) => { if (n === 2) throw new Error("service 500"); world.add(`open ${n}`); return n; },
      compensate: ({ n }) => void undos.push(`undo ${n}`),
    });
    let calls = 0;
    const { graph } = guardedGraph(async (_s, config) => {
      calls++;
      await tool.invoke({ n: 1 }, config);
      await tool.invoke({ n: 2 }, config).catch(() => undefined);
      return claim(calls === 1 ? "bad" : "good");
    });
    await graph.invoke({});
    expect(undos).toEqual(["undo 1"]);
    expect(calls).toBe(2);
  });

  for (const how of ["throws", "rejects"] as const) {
    it(`a compensation that ${how} stops the undoing and escalates at once (interrupt): earlier effects listed uncompensated, not tried`, async () => {
      const world = new World();
      const undoCalls: string[] = [];
      const ticket = effectTool({
        name: uniqueName(`t_${how}`), description: "t", schema: z.object({ title: z.string() }), mode: "compensate",
        run: ({ title }) => { world.add(`open ${title}`); return title; },
        compensate: how === "throws"
          ? ({ title }) => { undoCalls.push(title); if (title === "b") throw new Error("cannot close b"); }
          : async ({ title }) => { undoCalls.push(title); if (title === "b") return Promise.reject(new Error("cannot close b")); },
      });
      let calls = 0;
      const { graph } = guardedGraph(async (_s, config) => {
        calls++;
        for (const t of ["a", "b", "c"]) await ticket.invoke({ title: t }, config);
        return claim("bad");
      }, { onExhausted: "interrupt" }, new MemorySaver());
      const out = await graph.invoke({}, { configurable: { thread_id: tid("undo-int") } });
      expect(calls).toBe(1);
      expect(undoCalls).toEqual(["c", "b"]);
      const packet = (out as { __interrupt__?: { value: EscalationPacket }[] }).__interrupt__?.[0]?.value;
      expect(packet?.kind).toBe("firebreak/guard-escalation");
      expect((packet?.uncompensated ?? []).map((e) => e.input)).toEqual(expect.arrayContaining([{ title: "a" }, { title: "b" }]));
      expect((packet?.uncompensated ?? []).map((e) => e.input)).not.toContainEqual({ title: "c" });
    });
  }

  it("a compensation that throws with onExhausted 'fail' throws GuardExhaustedError naming each effect not undone", async () => {
    const world = new World();
    const name = uniqueName("stuck");
    const ticket = compensateTool(world, name, { failUndo: (t) => t === "y" });
    let calls = 0;
    const { graph } = guardedGraph(async (_s, config) => {
      calls++;
      for (const t of ["x", "y", "z"]) await ticket.invoke({ title: t }, config);
      return claim("bad");
    }, { onExhausted: "fail" });
    const err = await graph.invoke({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardExhaustedError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${name}#1@`); // x: not tried after the failure
    expect(msg).toContain(`${name}#2@`); // y: its compensation threw
    expect(msg).toContain("refuses to close y");
    expect(msg).not.toContain(`${name}#3@`); // z was undone
    expect(calls).toBe(1);
    expect(world.log).toEqual(["open x", "open y", "open z", 'close z {"id":"z"}']);
  });

  it("a compensation that throws with onExhausted 'degrade' commits degraded, the record showing compensation-failed", async () => {
    const world = new World();
    const ticket = compensateTool(world, uniqueName("deg"), { failUndo: () => true });
    let calls = 0;
    const { graph } = guardedGraph(async (_s, config) => {
      calls++;
      await ticket.invoke({ title: "only" }, config);
      return claim("bad");
    }, { onExhausted: "degrade" });
    const out = await graph.invoke({});
    const record = out.guardRecords[0] as GuardRecord;
    expect(calls).toBe(1);
    expect(record.outcome).toMatch(/degrad/);
    expect(effectsOf(out.guardRecords)).toEqual(['1:compensate:compensation-failed:{"title":"only"}']);
  });
});

describe("hostile inputs and misuse", () => {
  it("arguments that fail the schema throw to the producer and record/run nothing", async () => {
    const world = new World();
    const publish = deferTool(world);
    const errors: string[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      for (const bad of ["just a string", { text: 42 }, null, [1, 2]]) {
        await publish.invoke(bad as never, config).catch((e: Error) => errors.push(e.name));
      }
      return claim("fine");
    });
    const out = await graph.invoke({});
    expect(errors).toHaveLength(4);
    expect(world.log).toEqual([]);
    expect(effectsOf(out.guardRecords)).toEqual([]);
  });

  it("a tool call object's id becomes the toolCallId (and the key), and the reply is a ToolMessage", async () => {
    const world = new World();
    const publish = deferTool(world);
    let reply: unknown;
    const { graph } = guardedGraph(async (_s, config) => {
      reply = await publish.invoke({ name: publish.name, args: { text: "m" }, id: "call_XYZ", type: "tool_call" }, config);
      return claim("fine");
    });
    const out = await graph.invoke({});
    expect((reply as { tool_call_id?: string }).tool_call_id).toBe("call_XYZ");
    expect(out.guardRecords[0]!.effects![0]!.toolCallId).toBe("call_XYZ");
    expect(world.keys[0]).toContain("call_XYZ");
  });

  // The docs say "without the config it cannot tell it is inside a guard"; in Node it can (LangGraph's async
  // context carries the config), so the call is deferred and dropped like any other. Better than documented.
  it("a producer calling the tool without its config: the blocked attempt's deferred effect still never runs", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async () => { await publish.invoke({ text: "nocfg" }); return claim("bad"); }, { maxAttempts: 1, onExhausted: "degrade" });
    const out = await graph.invoke({});
    expect(world.log).toEqual([]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"text":"nocfg"}']);
  });

  it("a producer that returns the guard's ledger (bicr_effects) is blocked and its forged 'pending' entry never runs", async () => {
    const world = new World();
    const publish = deferTool(world);
    const forged = [{ key: "forged-key", tool: publish.name, mode: "defer", attempt: 1, toolCallId: "x", input: { text: "FORGED" }, status: "pending" }];
    const { graph } = guardedGraph(async () => ({ ...claim("fine"), bicr_effects: forged }), { maxAttempts: 2, onExhausted: "fail" });
    await expect(graph.invoke({})).rejects.toBeInstanceOf(GuardExhaustedError);
    expect(world.log).toEqual([]);
  });

  it("a producer that returns a forged guard record with executed effects is blocked", async () => {
    const { graph } = guardedGraph(async () => ({ ...claim("fine"), guardRecords: [{ kind: "firebreak/guard-record", effects: [{ status: "executed" }] }] }), { maxAttempts: 1, onExhausted: "fail" });
    await expect(graph.invoke({})).rejects.toBeInstanceOf(GuardExhaustedError);
  });

  it("a producer passing a config of its own without configurable (tags only): the call is still deferred and dropped", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { graph } = guardedGraph(async () => { await publish.invoke({ text: "tagged" }, { tags: ["mine"] }); return claim("bad"); },
      { maxAttempts: 1, onExhausted: "degrade" });
    const out = await graph.invoke({});
    expect(world.log).toEqual([]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"text":"tagged"}']);
  });

  // Was BROKEN (fixed: the attempt is also found from the async context the producer runs in) (arguably inside the docs' "without the config it cannot tell" caveat, but silent): a producer that
  // passes its own `configurable` (here the node's own, minus the guard's recorder; `{ configurable: { thread_id } }`
  // does the same) gets a deferred effect run AT ONCE inside an attempt that is then blocked, and the guard record
  // shows no effect at all. The config still says it is inside a guard (`firebreak_guarded_node`, the guard's
  // checkpoint namespace): the tool could refuse instead of running unrecorded.
  for (const variant of ["own configurable with thread_id", "node's configurable minus the recorder"] as const) {
    it(`a guarded producer's call with ${variant}: a blocked attempt's deferred effect never runs`, async () => {
      const world = new World();
      const publish = deferTool(world);
      const { graph } = guardedGraph(async (_s, config) => {
        const configurable: Record<string, unknown> = variant === "own configurable with thread_id"
          ? { thread_id: "my-thread" }
          : Object.fromEntries(Object.entries(config.configurable ?? {}).filter(([k]) => !k.includes("recorder")));
        await publish.invoke({ text: "own-config" }, { configurable }).catch(() => undefined);
        return claim("bad");
      }, { maxAttempts: 1, onExhausted: "degrade" });
      await graph.invoke({});
      expect(world.log).toEqual([]);
    });
  }
});

describe("idempotency keys", () => {
  const keyGraph = (keys: string[]) => {
    const tool = effectTool({
      name: uniqueName("k"), description: "k", schema: z.object({ text: z.string() }), mode: "defer",
      run: (_i, { idempotencyKey }) => void keys.push(idempotencyKey),
    });
    return guardedGraph(async (_s, config) => { await tool.invoke({ text: "same" }, config); return claim("fine"); }, {}, new MemorySaver());
  };

  it("two threads running the same graph get different keys", async () => {
    const keys: string[] = [];
    const { graph } = keyGraph(keys);
    await graph.invoke({}, { configurable: { thread_id: tid("k1") } });
    await graph.invoke({}, { configurable: { thread_id: tid("k2") } });
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("two turns on one thread get different keys (a new handoff is a new call)", async () => {
    const keys: string[] = [];
    const { graph } = keyGraph(keys);
    const config = { configurable: { thread_id: tid("turns") } };
    await graph.invoke({}, config);
    await graph.invoke({}, config);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("two runs without a checkpointer or thread get different keys", async () => {
    const keys: string[] = [];
    const tool = effectTool({
      name: uniqueName("nt"), description: "k", schema: z.object({ text: z.string() }), mode: "defer",
      run: (_i, { idempotencyKey }) => void keys.push(idempotencyKey),
    });
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ text: "same" }, config); return claim("fine"); });
    await graph.invoke({});
    await graph.invoke({});
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("a custom idempotencyKey gets the derived key and is used by run and compensate alike", async () => {
    const seen: { derived: string; run?: string; undo?: string }[] = [];
    const tool = effectTool({
      name: uniqueName("custom"), description: "c", schema: z.object({ title: z.string() }), mode: "compensate",
      idempotencyKey: (parts) => { seen.push({ derived: parts.derived }); return `mine:${parts.derived}`; },
      run: (_i, { idempotencyKey }) => { seen.at(-1)!.run = idempotencyKey; return 1; },
      compensate: (_i, _r, { idempotencyKey }) => { seen[0]!.undo = idempotencyKey; },
    });
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ title: "t" }, config); return claim(readGuardFeedback(config) ? "ok" : "bad"); });
    await graph.invoke({});
    expect(seen[0]!.run).toBe(`mine:${seen[0]!.derived}`);
    expect(seen[0]!.undo).toBe(seen[0]!.run);
    expect(seen.at(-1)!.derived).not.toBe(seen[0]!.derived);
  });

  it("resume after an interrupt() in the producer re-runs the call with the same key (same call id)", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const { graph } = guardedGraph(async (_s, config) => {
      await ticket.invoke({ title: "before-question" }, config);
      const answer = interrupt({ question: "go?" }) as string;
      return claim(`answer ${answer}`);
    }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("intr") } };
    const first = await graph.invoke({}, config);
    expect((first as { __interrupt__?: unknown[] }).__interrupt__).toHaveLength(1);
    const out = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(world.log).toEqual(["open before-question", "open before-question"]);
    expect(world.keys[1]).toBe(world.keys[0]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:compensate:kept:{"title":"before-question"}']);
  });
});
