/**
 * Attacks on docs/effects.md / README errors table: a deferred effect whose `run` throws after its attempt
 * passed fails the handoff with `EffectFailedError` (code EFFECT_FAILED) naming guard, tool, key,
 * toolCallId, cause, and how to resume (`invoke(null, config)` runs it again with the same key). On a
 * raw PostgresSaver on the shared PostgreSQL, a fresh schema and thread per test; the resume is done
 * by a new saver and a newly compiled graph (in one process the tool that recorded the effect runs it). Scripted
 * judge (harness stand-in for a model): "bad" is red.
 */
import { describe, expect, it } from "vitest";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, END, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { z } from "zod";
import { effectTool, isEffectFailedError, type EffectFailedError } from "langgraph-firebreak";
import { guardNodeInPlace, type BicrGuardOptions } from "langgraph-firebreak/nodes";
import { State, claim, judge, tid, uniqueName } from "../attacks/harness.js";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { attemptOf } from "./kit.js";

const savers = usePostgresSavers("fb_atk4_eff");

/** A deferred tool named `name` that throws `thrown()` while `broken()` says so; logs each run's key. */
function failingTool(name: string, broken: () => boolean, thrown: () => unknown, runs: string[], key?: (k: string) => string) {
  return effectTool({
    name, description: "Publish", schema: z.object({ text: z.string() }), mode: "defer",
    ...(key ? { idempotencyKey: (parts: { derived: string } | string) => key(typeof parts === "string" ? parts : parts.derived) } : {}),
    run: async ({ text }: { text: string }, ctx) => {
      runs.push(`${ctx.idempotencyKey} ${text}`);
      if (broken()) throw thrown();
      return "ok";
    },
  } as Parameters<typeof effectTool>[0]);
}

/** A graph whose guarded node `writer` calls `call(config)` and claims `text(n)`. */
function writerGraph(call: (config: RunnableConfig) => Promise<unknown>, text: (n: number) => string, saver: BaseCheckpointSaver, opts: Partial<BicrGuardOptions> = {}) {
  const builder = new StateGraph(State)
    .addNode("writer", async (_s: unknown, config: RunnableConfig) => { await call(config); return claim(text(attemptOf(config))); })
    .addEdge(START, "writer").addEdge("writer", END);
  guardNodeInPlace(builder, "writer", { challenger: judge(), maxAttempts: 2, ...opts } as BicrGuardOptions);
  return builder.compile({ checkpointer: saver });
}

describe("EffectFailedError after the attempt passed", () => {
  it("names guard, tool, key, toolCallId and cause (fields and message) and says how to resume; a restarted process resumes it once with the same key", async () => {
    const name = uniqueName("fpub");
    const runs: string[] = [];
    const { saver, schema } = await savers.open();
    let broken = true;
    const tool = failingTool(name, () => broken, () => new Error("mail server 550"), runs);
    const call = { name, args: { text: "hello" }, id: "call_mail", type: "tool_call" as const };
    const config = { configurable: { thread_id: tid("eff-pg") } };
    const error = (await writerGraph((c) => tool.invoke(call, c), () => "fine", saver).invoke({}, config).catch((e: unknown) => e)) as EffectFailedError;
    expect(isEffectFailedError(error)).toBe(true);
    expect(error.code).toBe("EFFECT_FAILED");
    expect([error.guard, error.tool, error.toolCallId]).toEqual(["writer", name, "call_mail"]);
    expect(error.key).toBe(runs[0]!.split(" ")[0]);
    expect((error.cause as Error).message).toBe("mail server 550");
    for (const part of ["writer", name, error.key, "call_mail", "mail server 550"]) expect(error.message).toContain(part);
    expect(error.message).toMatch(/resum/i);
    expect(error.message).toMatch(/invoke\(null/);
    await savers.closeAll(); // a new pool on the same schema and a new compiled graph; in this process the recording tool runs it
    const again = await savers.open(schema);
    broken = false;
    const out = await writerGraph((c) => tool.invoke(call, c), () => "fine", again.saver).invoke(null, config);
    expect(runs.map((r) => r.split(" ")[0])).toEqual([error.key, error.key]);
    expect(out.guardRecords[0]!.effects!.map((e) => e.status)).toEqual(["executed"]);
    expect(out.claims).toHaveLength(1);
  });

  it("a custom idempotencyKey: error.key is the chosen key, the one run got", async () => {
    const runs: string[] = [];
    const { saver } = await savers.open();
    const tool = failingTool(uniqueName("fkey"), () => true, () => new Error("boom"), runs, (k) => `custom-${k.length}`);
    const error = (await writerGraph((c) => tool.invoke({ text: "x" }, c), () => "fine", saver)
      .invoke({}, { configurable: { thread_id: tid("eff-key") } }).catch((e: unknown) => e)) as EffectFailedError;
    expect(isEffectFailedError(error)).toBe(true);
    expect(error.key).toMatch(/^custom-\d+$/);
    expect(runs[0]!.split(" ")[0]).toBe(error.key);
  });

  for (const [label, thrown] of [["a string", () => "plain string failure"], ["undefined", () => undefined], ["a frozen object", () => Object.freeze({ status: 503 })]] as const) {
    it(`run throws ${label}: still EffectFailedError with that cause; the handoff resumes`, async () => {
      const runs: string[] = [];
      let broken = true;
      const { saver } = await savers.open();
      const tool = failingTool(uniqueName("fodd"), () => broken, thrown, runs);
      const graph = writerGraph((c) => tool.invoke({ text: "x" }, c), () => "fine", saver);
      const config = { configurable: { thread_id: tid("eff-odd") } };
      const error = (await graph.invoke({}, config).catch((e: unknown) => e)) as EffectFailedError;
      expect(isEffectFailedError(error)).toBe(true);
      expect(error.cause).toEqual(thrown());
      broken = false;
      await graph.invoke(null, config);
      expect(new Set(runs.map((r) => r.split(" ")[0])).size).toBe(1);
      expect(runs).toHaveLength(2);
    });
  }

  it("after a human approves an escalation: EffectFailedError; invoke(null) (no second approve) runs it once with the same key and commits once", async () => {
    const runs: string[] = [];
    let broken = true;
    const { saver } = await savers.open();
    const tool = failingTool(uniqueName("fappr"), () => broken, () => new Error("down"), runs);
    const graph = writerGraph((c) => tool.invoke({ text: "x" }, c), (n) => `bad ${n}`, saver, { onExhausted: "interrupt" });
    const config = { configurable: { thread_id: tid("eff-approve") } };
    await graph.invoke({}, config);
    expect(runs).toEqual([]);
    const error = (await graph.invoke(new Command({ resume: { action: "approve" } }), config).catch((e: unknown) => e)) as EffectFailedError;
    expect(isEffectFailedError(error)).toBe(true);
    expect(error.guard).toBe("writer");
    expect(error.message).toMatch(/invoke\(null/);
    broken = false;
    const out = await graph.invoke(null, config);
    expect(runs.map((r) => r.split(" ")[0])).toEqual([error.key, error.key]);
    expect(out.guardRecords).toHaveLength(1);
    expect(out.claims).toHaveLength(1);
  });
});
