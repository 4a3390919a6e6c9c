/**
 * Attacks on docs/effects.md, Limits: a call left running that finishes after the grace (here: after
 * the whole run returned) finds the attempt closed — deferred: refused, does nothing; compensated:
 * undone at once with the same key and the call resolves to a text saying so (no rejection nobody
 * awaits); when that compensation throws, a process warning and the text say the effect is still in the world. Calls finishing around the 1 s grace must leave
 * the record matching the world whichever side they land on. Scripted judge (harness): "bad" is red.
 */
import { describe, expect, it } from "vitest";
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { effectTool } from "langgraph-firebreak";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { claim, guardedGraph, uniqueName } from "../attacks/harness.js";
import { useWorld } from "../support/world.js";
import { gate, gatedTicket, recordedOpen, worldOpen } from "./kit.js";

const world = useWorld();
const attemptOf = (config: RunnableConfig) => (readGuardFeedback(config)?.attempt ?? 0) + 1;
/** What a late call ended with: its resolved text (the documented outcome), or "rejected: …". */
const outcome = (p: Promise<unknown>) => p.then((v) => String(v), (e: Error) => `rejected: ${e.message}`);
/** The text of a call that found its attempt closed (refused or undone), or undefined for a call that belonged to it. */
const failure = (p: Promise<unknown>) =>
  p.then((v) => (typeof v === "string" && /after its guarded attempt ended/.test(v) ? v : undefined), (e: Error) => `rejected: ${e.message}`);

describe("a compensated call finishing after the attempt closed", () => {
  for (const verdict of ["blocked", "passing"] as const) {
    it(`attempt 1 ${verdict}: undone at once with the run's key, the call resolves saying so, the record does not call it kept`, async () => {
      const release = gate();
      const { tool, log } = gatedTicket(world.endpoint, (t) => (t === "late" ? release.wait : Promise.resolve()));
      let late: Promise<unknown> = Promise.resolve();
      const { graph } = guardedGraph(async (_s, config) => {
        const n = attemptOf(config);
        if (n === 1) late = tool.invoke({ title: "late" }, config);
        return claim(n === 1 && verdict === "blocked" ? "bad 1" : `fine ${n}`);
      });
      const out = await graph.invoke({});
      expect(world.endpoint.open.has(log.runs.get("late")!)).toBe(true); // still open: the call has not finished
      release.open();
      const message = await outcome(late);
      expect(message).not.toMatch(/^rejected/);
      expect(message).toMatch(/undone/i);
      expect(log.undos.get("late")).toBe(log.runs.get("late"));
      expect(worldOpen(world.endpoint, log.runs.values())).toEqual(recordedOpen(out.guardRecords[0]));
    });
  }

  it("whose compensation throws: a FIREBREAK_EFFECT_NOT_UNDONE process warning and the call's text say the effect is still in the world", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void warnings.push(w);
    process.on("warning", onWarning);
    const release = gate();
    const { tool, log } = gatedTicket(world.endpoint, () => release.wait, { failUndo: true });
    let late: Promise<unknown> = Promise.resolve();
    const { graph } = guardedGraph(async (_s, config) => {
      late = tool.invoke({ title: "sticky" }, config);
      return claim("fine 1");
    });
    await graph.invoke({});
    release.open();
    const message = await outcome(late);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    process.off("warning", onWarning);
    expect(message).not.toMatch(/^rejected/);
    expect(message).toMatch(/still in the world/i);
    const warned = warnings.filter((w) => (w as Error & { code?: string }).code === "FIREBREAK_EFFECT_NOT_UNDONE");
    expect(warned.map((w) => w.message)).toEqual([message]);
    expect(log.undos.get("sticky")).toBe(log.runs.get("sticky"));
    expect(world.endpoint.open.has(log.runs.get("sticky")!)).toBe(true);
  });

  // LIMIT (narrowed in docs/effects.md: the record is already written; a process warning names the effect
  // instead; kept as an expected failure). Was BROKEN: GuardRecord.effects promises "the handoff's side effects, every attempt's, with where each
  // ended" (nodes/bicr/guard-types.ts, docs/effects.md "What is recorded"). A compensated call left running
  // past the grace whose compensation throws leaves its ticket open in the world, but the handoff's
  // record has no `effects` at all: the only trace is the rejection of a promise the producer had
  // already stopped awaiting (unhandled in a real producer). The record does not match the world.
  it.fails("whose compensation throws: the handoff's record lists the effect that is still in the world", async () => {
    const release = gate();
    const { tool, log } = gatedTicket(world.endpoint, () => release.wait, { failUndo: true });
    let late: Promise<unknown> = Promise.resolve();
    const { graph } = guardedGraph(async (_s, config) => {
      late = tool.invoke({ title: "sticky2" }, config);
      return claim("fine 1");
    });
    const out = await graph.invoke({});
    release.open();
    await outcome(late);
    expect(worldOpen(world.endpoint, log.runs.values())).toEqual(recordedOpen(out.guardRecords[0]));
  });
});

describe("a deferred call finishing after the attempt closed", () => {
  it("is refused and does nothing: run never called, the row never written, not in the record as pending or executed", async () => {
    const release = gate();
    let runs = 0;
    const publish = effectTool({
      name: uniqueName("late_publish"), description: "Publish", mode: "defer",
      schema: z.object({ text: z.string() }).refine(async () => { await release.wait; return true; }),
      run: async ({ text }: { text: string }, ctx) => { runs++; await world.table.insert(ctx.idempotencyKey, text); },
    });
    let late: Promise<unknown> = Promise.resolve();
    const { graph } = guardedGraph(async (_s, config) => {
      late = publish.invoke({ text: "late row" }, config);
      return claim("fine 1");
    });
    const out = await graph.invoke({});
    release.open();
    const message = await failure(late);
    expect(message).toBeDefined();
    expect(runs).toBe(0);
    expect((await world.table.rows()).filter((r) => r.body === "late row")).toEqual([]);
    expect((out.guardRecords[0]!.effects ?? []).filter((e) => ["pending", "executed"].includes(e.status))).toEqual([]);
  });
});

describe("calls finishing around the 1 s grace", () => {
  for (const verdict of ["blocked", "passing"] as const) {
    it(`compensated calls finishing at 0.9–1.1 s, attempt 1 ${verdict}: every call either belongs to the attempt or fails; the record matches the open tickets`, async () => {
      const delays = [900, 980, 1000, 1020, 1100];
      const { tool, log } = gatedTicket(world.endpoint, (t) => new Promise((r) => setTimeout(r, Number(t.split(":")[1]))));
      const calls = new Map<string, Promise<string | undefined>>();
      const { graph } = guardedGraph(async (_s, config) => {
        const n = attemptOf(config);
        if (n === 1) for (const d of delays) calls.set(`t:${d}`, failure(tool.invoke({ title: `t:${d}` }, config)));
        return claim(n === 1 && verdict === "blocked" ? "bad 1" : `fine ${n}`);
      });
      const out = await graph.invoke({});
      const outcomes = new Map<string, string | undefined>();
      for (const [t, p] of calls) outcomes.set(t, await p);
      const record = out.guardRecords[0]!;
      expect(worldOpen(world.endpoint, log.runs.values())).toEqual(recordedOpen(record));
      for (const [title, error] of outcomes) {
        const entry = record.effects?.find((e) => e.key === log.runs.get(title));
        // A call that failed was undone and is not kept; one that succeeded is in the record.
        if (error !== undefined) expect([undefined, "compensated", "dropped"]).toContain(entry?.status);
        else expect(entry?.status).toBe(verdict === "blocked" ? "compensated" : "kept");
      }
    });
  }
});
