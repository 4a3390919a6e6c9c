/**
 * Attacks on docs/effects.md, Limits: calls the producer left running when it returned belong to the
 * attempt if they finish within 1 s (`LEFT_RUNNING_GRACE_MS`); one that finishes later finds the
 * attempt closed — a deferred call is refused and does nothing, a compensated one is undone at once
 * with the same key and the call fails saying so (or, when that compensation throws, fails saying
 * the effect is still in the world). Against a loopback ticket endpoint and a real PostgreSQL table;
 * the guard record must match the world. Scripted judge (harness): "bad" is red.
 */
import { describe, expect, it } from "vitest";
import type { RunnableConfig } from "@langchain/core/runnables";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { claim, guardedGraph } from "../attacks/harness.js";
import { publishTool } from "../support/tools.js";
import { useWorld } from "../support/world.js";
import { gate, gatedTicket, recordedOpen, worldOpen } from "./kit.js";

/** What a call reached after its guarded attempt ended resolves to (a text, not a rejection nobody awaits). */
const REFUSED_LATE = /after its guarded attempt ended.*nothing was done/s;
const lateOutcome = (settled: PromiseSettledResult<unknown>) =>
  settled.status === "fulfilled" ? (REFUSED_LATE.test(String(settled.value)) ? "refused" : "ran") : "rejected";

const world = useWorld();
const attemptOf = (config: RunnableConfig) => (readGuardFeedback(config)?.attempt ?? 0) + 1;

describe("many calls left running, all finishing within the grace", () => {
  for (const verdict of ["blocked", "passing"] as const) {
    it(`20 compensated calls, attempt 1 ${verdict}: the record lists all 20 and matches the open tickets`, async () => {
      const release = gate();
      const { tool, log } = gatedTicket(world.endpoint, () => release.wait);
      const calls: Promise<unknown>[] = [];
      const { graph } = guardedGraph(async (_s, config) => {
        const n = attemptOf(config);
        for (let i = 0; i < 20; i++) calls.push(tool.invoke({ title: `a${n}-${i}` }, config));
        if (n === 1) setImmediate(release.open); // they finish just after the producer returns
        return claim(n === 1 && verdict === "blocked" ? "bad 1" : `fine ${n}`);
      });
      const out = await graph.invoke({}, { recursionLimit: 100 }); // one undo per superstep (see many-effects.test.ts)
      const settled = await Promise.allSettled(calls);
      expect(settled.every((s) => s.status === "fulfilled")).toBe(true);
      const record = out.guardRecords[0]!;
      const first = record.effects!.filter((e) => e.attempt === 1);
      expect(first).toHaveLength(20);
      expect(new Set(first.map((e) => e.status))).toEqual(new Set([verdict === "blocked" ? "compensated" : "kept"]));
      expect(worldOpen(world.endpoint, log.runs.values())).toEqual(recordedOpen(record));
    });
  }

  it("20 deferred calls whose async work finishes after the producer returns, attempt passes: 20 rows, each once, each recorded executed", async () => {
    const before = (await world.table.rows()).length;
    const publish = publishTool(world.table);
    const calls: Promise<unknown>[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      for (let i = 0; i < 20; i++) calls.push(publish.invoke({ text: `p${i}` }, config));
      return claim("fine 1");
    });
    const out = await graph.invoke({});
    await Promise.allSettled(calls);
    const effects = out.guardRecords[0]!.effects!;
    expect(effects.map((e) => e.status)).toEqual(Array(20).fill("executed"));
    const rows = (await world.table.rows()).slice(before);
    expect(rows.map((r) => r.key).sort()).toEqual(effects.map((e) => e.key).sort());
  });
});

describe("calls that start other calls after the producer returned", () => {
  it("a left-running chain (wait, then a second compensated call), attempt blocked: no ticket stays open that the record does not list", async () => {
    const release = gate();
    const { tool, log } = gatedTicket(world.endpoint, async () => undefined);
    const chains: Promise<unknown>[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      const n = attemptOf(config);
      if (n === 1) {
        chains.push((async () => { await release.wait; return tool.invoke({ title: "chained" }, config); })());
        setImmediate(release.open);
      }
      return claim(n === 1 ? "bad 1" : "fine 2");
    });
    const out = await graph.invoke({});
    await Promise.allSettled(chains);
    expect(worldOpen(world.endpoint, log.runs.values())).toEqual(recordedOpen(out.guardRecords[0]));
  });

  it("a chain that starts its second call only after the run ended (attempt long closed): it does not leave an unrecorded ticket open", async () => {
    const release = gate();
    const { tool, log } = gatedTicket(world.endpoint, async () => undefined);
    let chain: Promise<unknown> = Promise.resolve();
    const { graph } = guardedGraph(async (_s, config) => {
      chain = (async () => { await release.wait; return tool.invoke({ title: "after-close" }, config); })();
      return claim("fine 1");
    });
    const out = await graph.invoke({});
    release.open();
    const outcome = lateOutcome((await Promise.allSettled([chain]))[0]!);
    expect(worldOpen(world.endpoint, log.runs.values())).toEqual(recordedOpen(out.guardRecords[0]));
    expect(outcome).toBe("refused");
  });
});
