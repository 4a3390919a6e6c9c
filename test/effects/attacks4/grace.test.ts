/**
 * Attacks on docs/effects.md, Limits: the 1 s grace (LEFT_RUNNING_GRACE_MS) for calls the producer left
 * running. Calls finishing just before, at and just after 1 s must each end on one side: belonging to
 * the attempt (recorded, run / kept / undone with it) or refused / undone at once. Never an executed
 * effect that is neither recorded nor undone, except one a FIREBREAK_EFFECT_NOT_UNDONE warning names.
 * Scripted judge (harness stand-in for a model): a claim containing "bad" is red.
 */
import { describe, expect, it } from "vitest";
import { claim, guardedGraph } from "../attacks/harness.js";
import { Desk, attemptOf, deskTicket, heldPublish, recordedOpen, settle, textOf, watchProcess } from "./kit.js";

const DELAYS = [940, 970, 990, 995, 1000, 1005, 1010, 1030, 1060];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const delayOf = (title: string) => Number(title.split(":")[1]);

describe("deferred calls whose schema check finishes around the grace", () => {
  it("attempt passes: each call is either executed once (and recorded executed) or refused and never run", async () => {
    const { tool: publish, runs } = heldPublish((t) => sleep(delayOf(t)));
    const texts = new Map<string, Promise<string>>();
    const { graph } = guardedGraph(async (_s, config) => {
      for (const d of DELAYS) texts.set(`d:${d}`, textOf(publish.invoke({ text: `d:${d}` }, config)));
      return claim("fine 1");
    });
    const out = await graph.invoke({}, { recursionLimit: 100 });
    const effects = out.guardRecords[0]!.effects ?? [];
    for (const [text, p] of texts) {
      const said = await p;
      const ran = runs.filter((r) => r.text === text);
      const entry = effects.find((e) => JSON.stringify(e.input).includes(text));
      if (/after its guarded attempt ended/.test(said)) {
        expect(ran).toEqual([]);
        expect(entry?.status ?? "absent").not.toBe("executed");
      } else {
        expect(ran).toHaveLength(1);
        expect(entry?.status).toBe("executed");
        expect(entry?.key).toBe(ran[0]!.key);
      }
    }
  });
});

describe("compensated calls finishing around the grace, some undos failing", () => {
  for (const verdict of ["blocked", "passing"] as const) {
    it(`attempt 1 ${verdict}: every ticket still open is recorded open or named by a FIREBREAK_EFFECT_NOT_UNDONE warning; no rejection`, async () => {
      const watch = watchProcess();
      const desk = new Desk();
      // undo fails for odd delays (ms), works for even ones
      const ticket = deskTicket(desk, (t) => sleep(delayOf(t)), { failUndo: (t) => delayOf(t) % 2 === 1 });
      const texts: Array<Promise<string>> = [];
      const { graph } = guardedGraph(async (_s, config) => {
        const n = attemptOf(config);
        if (n === 1) for (const d of DELAYS) texts.push(textOf(ticket.invoke({ title: `t:${d}` }, config)));
        return claim(n === 1 && verdict === "blocked" ? "bad 1" : `fine ${n}`);
      }, { onExhausted: "degrade" });
      const out = await graph.invoke({}, { recursionLimit: 100 });
      const said = await Promise.all(texts);
      await settle();
      watch.stop();
      expect(said.filter((t) => t.startsWith("rejected"))).toEqual([]);
      expect(watch.rejections).toEqual([]);
      const warned = watch.warnings.filter((w) => w.code === "FIREBREAK_EFFECT_NOT_UNDONE");
      const openKeys = [...desk.open.keys()].sort();
      const accounted = new Set([...recordedOpen(out.guardRecords), ...desk.runs.map((r) => r.key).filter((k) => warned.some((w) => w.message.includes(k)))]);
      expect(openKeys.filter((k) => !accounted.has(k))).toEqual([]);
      // and nothing is reported open that is closed
      expect(recordedOpen(out.guardRecords).filter((k) => !desk.open.has(k))).toEqual([]);
    });
  }
});
