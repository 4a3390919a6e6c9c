/**
 * Attacks on "a call left running after the producer returned is refused and does nothing" (docs/effects.md, Limits)
 * where the call STARTED inside the attempt: a compensated effect whose run is still in flight when the producer
 * returns, and a deferred call whose schema check is still in flight. Either the effect is recorded (and undone when
 * the attempt is blocked) or it does nothing; an effect in the world that no record lists is the failure.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { effectTool } from "langgraph-firebreak";
import { claim, effectsOf, guardedGraph, uniqueName } from "../attacks/harness.js";
import { gate } from "./kit.js";

function slowTicket(open: Set<string>, release: Promise<void>) {
  return effectTool({
    name: uniqueName("slowticket"), description: "t", schema: z.object({ title: z.string() }), mode: "compensate",
    run: async ({ title }) => { await release; open.add(title); return title; },
    compensate: ({ title }) => { open.delete(title); },
  });
}

describe("a call started in the attempt, still running when the producer returns", () => {
  // Was BROKEN (fixed): the docs say a blocked attempt's compensated effects are undone before the retry and a call left running
  // after the producer returned "is refused and does nothing"; a compensated call the producer started but did not
  // await, whose run finishes after the producer returned (either timing), resolves normally ("resolved"), leaves its
  // ticket open in the world (1 of 1), and the guard record lists no effect at all (0 entries): never undone, never seen.
  for (const when of ["after the whole run ended", "right after the producer returned"] as const) {
    it(`a compensated run that finishes ${when}, attempt blocked: the effect is undone or never happens, and the record matches the world`, async () => {
      const open = new Set<string>();
      const finish = gate();
      const ticket = slowTicket(open, finish.promise);
      let inFlight: Promise<string> | undefined;
      const { graph } = guardedGraph(async () => {
        inFlight = ticket.invoke({ title: "in-flight" }).then(() => "resolved", (e: Error) => `rejected: ${e.message}`);
        if (when === "right after the producer returned") queueMicrotask(() => finish.release());
        return claim("bad");
      }, { maxAttempts: 1, onExhausted: "degrade" });
      const out = await graph.invoke({});
      finish.release();
      const outcome = await inFlight;
      expect(outcome).toMatch(/^(resolved|rejected)/);
      const recorded = effectsOf(out.guardRecords);
      expect({ open: [...open], recorded }).toEqual(
        recorded.length ? { open: [], recorded: ['1:compensate:compensated:{"title":"in-flight"}'] } : { open: [], recorded: [] },
      );
    });
  }

  it("a deferred call whose async schema check is still running when the producer returns: dropped with the blocked attempt, or refused; never run", async () => {
    const ran: string[] = [];
    const finish = gate();
    const tool = effectTool({
      name: uniqueName("slowcheck"), description: "t", mode: "defer",
      schema: z.object({ text: z.string().refine(async () => { await finish.promise; return true; }) }),
      run: ({ text }) => { ran.push(text); },
    });
    let inFlight: Promise<unknown> | undefined;
    const { graph } = guardedGraph(async () => {
      inFlight = tool.invoke({ text: "late" }).catch(() => undefined);
      return claim("fine");
    });
    await graph.invoke({});
    finish.release();
    await inFlight;
    expect(ran).toEqual([]);
  });
});
