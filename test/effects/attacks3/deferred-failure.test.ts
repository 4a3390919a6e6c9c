/**
 * Attacks on docs/effects.md / docs/errors.md: a deferred effect that fails after its attempt passed
 * throws `EffectFailedError` (code `EFFECT_FAILED`; guard, tool, key, toolCallId, cause); the commit
 * waits, the entry stays pending, and resuming the thread (`invoke(null, config)`) runs it again with
 * the same key. A LangGraph interrupt thrown by an effect is the host's control flow and must pass
 * through unwrapped. Real PostgreSQL table (harness world); scripted judge: "bad" is red.
 */
import { describe, expect, it } from "vitest";
import { Command, MemorySaver, interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { effectTool, isEffectFailedError, isFirebreakError, type EffectContext, type EffectFailedError } from "langgraph-firebreak";
import { claim, guardedGraph, tid, uniqueName } from "../attacks/harness.js";
import { useWorld } from "../support/world.js";

const world = useWorld();

/** A deferred tool writing a row per key; `failing()` decides whether this run throws first. */
function rowTool(failing: (text: string) => boolean) {
  const calls: Array<{ text: string; key: string }> = [];
  const tool = effectTool({
    name: uniqueName("row"), description: "Write a row", schema: z.object({ text: z.string() }), mode: "defer",
    run: async ({ text }: { text: string }, ctx: EffectContext) => {
      calls.push({ text, key: ctx.idempotencyKey });
      if (failing(text)) throw new Error(`the table is read-only for ${text}`);
      await world.table.insert(ctx.idempotencyKey, text);
      return "ok";
    },
  });
  return { tool, calls };
}

const rowsOf = async (prefix: string) => (await world.table.rows()).filter((r) => r.body.startsWith(prefix)).map((r) => r.body);

describe("a deferred effect that fails after its attempt passed", () => {
  it("three effects, the 2nd fails: EffectFailedError with every field; no commit; resume runs the 2nd with the same key, the 1st never again", async () => {
    let broken = true;
    const p = `e3-${tid("x")}`;
    const { tool, calls } = rowTool((t) => broken && t === `${p}-2`);
    const { graph } = guardedGraph(async (_s, config) => {
      for (const i of [1, 2, 3]) await tool.invoke({ text: `${p}-${i}` }, config);
      return claim("fine 1");
    }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("three") } };
    const error = (await graph.invoke({}, config).catch((e: unknown) => e)) as EffectFailedError;
    expect(isEffectFailedError(error)).toBe(true);
    expect(error.code).toBe("EFFECT_FAILED");
    expect([error.guard, error.tool, error.toolCallId]).toEqual(["researcher", tool.name, `${tool.name}#2`]);
    expect(error.key).toBe(calls[1]!.key);
    expect((error.cause as Error).message).toContain("read-only");
    expect((await graph.getState(config)).values.claims ?? []).toEqual([]);
    expect(await rowsOf(p)).toEqual([`${p}-1`]);
    broken = false;
    const out = await graph.invoke(null, config);
    expect(calls.map((c) => c.text)).toEqual([`${p}-1`, `${p}-2`, `${p}-2`, `${p}-3`]);
    expect(calls[2]!.key).toBe(calls[1]!.key);
    expect((await rowsOf(p)).sort()).toEqual([`${p}-1`, `${p}-2`, `${p}-3`]);
    expect(out.claims.map((c) => c.text)).toEqual(["fine 1"]);
    expect(out.guardRecords[0]!.effects!.map((e) => e.status)).toEqual(["executed", "executed", "executed"]);
  });

  it("resumed twice while still failing, then fixed: every try uses the same key, one row, one commit", async () => {
    let failures = 2;
    const p = `twice-${tid("x")}`;
    const { tool, calls } = rowTool(() => failures-- > 0);
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ text: p }, config); return claim("fine 1"); }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("twice") } };
    const first = await graph.invoke({}, config).catch((e: unknown) => e);
    const second = await graph.invoke(null, config).catch((e: unknown) => e);
    expect([isEffectFailedError(first), isEffectFailedError(second)]).toEqual([true, true]);
    const out = await graph.invoke(null, config);
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect(calls).toHaveLength(3);
    expect(await rowsOf(p)).toEqual([p]);
    expect(out.guardRecords).toHaveLength(1);
    expect(out.claims).toHaveLength(1);
  });

});

describe("a deferred effect's error and interrupt crossing the guard subgraph", () => {
  it("the error that crosses the guard subgraph into the caller is still recognised without instanceof (isEffectFailedError, isFirebreakError)", async () => {
    const { tool } = rowTool(() => true);
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ text: "x" }, config); return claim("fine 1"); }, {}, new MemorySaver());
    const error = await graph.invoke({}, { configurable: { thread_id: tid("cross") } }).catch((e: unknown) => e);
    const copy = Object.assign(Object.create(Error.prototype) as object, { ...(error as object), code: (error as { code: string }).code });
    expect([isEffectFailedError(error), isFirebreakError(error)]).toEqual([true, true]);
    expect((error as Error).name).toBe("EffectFailedError");
    expect(isEffectFailedError(copy)).toBe(true);
  });

  it("a deferred effect that calls interrupt(): the interrupt reaches the caller unwrapped; resuming answers it and the effect runs once", async () => {
    const p = `intr-${tid("x")}`;
    const answers: unknown[] = [];
    const tool = effectTool({
      name: uniqueName("confirm"), description: "Publish after a human confirms", schema: z.object({ text: z.string() }), mode: "defer",
      run: async ({ text }: { text: string }, ctx) => {
        const answer = interrupt({ confirm: text });
        answers.push(answer);
        await world.table.insert(ctx.idempotencyKey, text);
      },
    });
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ text: p }, config); return claim("fine 1"); }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("intr") } };
    const paused = await graph.invoke({}, config);
    expect((paused as { __interrupt__?: Array<{ value: unknown }> }).__interrupt__?.[0]?.value).toEqual({ confirm: p });
    expect(await rowsOf(p)).toEqual([]);
    const out = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(answers).toEqual(["yes"]);
    expect(await rowsOf(p)).toEqual([p]);
    expect(out.guardRecords[0]!.effects!.map((e) => e.status)).toEqual(["executed"]);
  });
});

describe("the failed task's error read back from the checkpoint", () => {
  // LIMIT (not promised by docs/errors.md; pinned so a change is noticed): the error LangGraph stores with
  // the failed task and `getState().tasks[i].error` returns is plain data, and `isEffectFailedError` does
  // not recognise it; only the error thrown by `invoke` is an EffectFailedError.
  it("getState().tasks[].error names the effect but is not recognised by isEffectFailedError", async () => {
    const { tool } = rowTool(() => true);
    const { graph } = guardedGraph(async (_s, config) => { await tool.invoke({ text: "x" }, config); return claim("fine 1"); }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("stored") } };
    await graph.invoke({}, config).catch(() => undefined);
    const stored = (await graph.getState(config)).tasks.map((t) => t.error).find((e) => e !== undefined);
    expect(JSON.stringify(stored)).toContain(tool.name);
    expect(isEffectFailedError(stored)).toBe(false);
  });
});
