/**
 * Attacks on docs/effects.md, Limits: calls the producer left running when it returned belong to the
 * attempt if they finish within 1 s (LEFT_RUNNING_GRACE_MS); one finishing later finds the attempt
 * closed — deferred: refused, does nothing; compensated: undone at once with the same key — and
 * resolves to a text saying so (never a rejection nobody awaits). When that undo throws, a
 * FIREBREAK_EFFECT_NOT_UNDONE process warning names tool and key. Scripted judge (harness stand-in
 * for a model): a claim containing "bad" is red, everything else green.
 */
import { describe, expect, it } from "vitest";
import { Command, MemorySaver } from "@langchain/langgraph";
import { EFFECT_NOT_UNDONE_WARNING } from "langgraph-firebreak";
import { claim, guardedGraph, tid } from "../attacks/harness.js";
import { Desk, attemptOf, deskTicket, gate, heldPublish, recordedOpen, settle, textOf, until, watchProcess } from "./kit.js";

const REFUSED = /^(?!rejected).*after its guarded attempt ended/is;

describe("many concurrent calls finishing after the run returned, nobody awaiting them", () => {
  it("15 compensated, attempt passes: every call resolves to a text saying undone, each ticket undone with its key, no unhandled rejection", async () => {
    const watch = watchProcess();
    const release = gate();
    const desk = new Desk();
    const ticket = deskTicket(desk, () => release.wait);
    const texts: string[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      // no rejection handler anywhere: a rejection would surface as 'unhandledRejection'
      for (let i = 0; i < 15; i++) void ticket.invoke({ title: `c${i}` }, config).then((t) => texts.push(String(t)));
      return claim("fine 1");
    });
    const out = await graph.invoke({});
    release.open();
    await until(() => texts.length === 15 || watch.rejections.length > 0, 20_000, "15 late calls");
    await until(() => texts.length === 15, 3_000, "the rest").catch(() => undefined);
    await settle();
    watch.stop();
    expect(watch.rejections).toEqual([]);
    expect(watch.exceptions).toEqual([]);
    expect(texts).toHaveLength(15);
    expect(texts.every((t) => /undone/i.test(t))).toBe(true);
    expect([...desk.open.keys()]).toEqual([]);
    expect(desk.undos.map((u) => u.key).sort()).toEqual(desk.runs.map((r) => r.key).sort());
    expect(recordedOpen(out.guardRecords)).toEqual([]);
  });

  // Was broken: each late deferred call (its async schema check finishing after the 1 s grace) rejected
  // ('called after its guarded attempt ended … nothing was done') — 15 'unhandledRejection' events. Fixed: a text.
  it("15 deferred (async schema check finishing after the run), attempt passes: every call resolves to a text saying refused, none runs, no unhandled rejection", async () => {
    const watch = watchProcess();
    const release = gate();
    const { tool: publish, runs } = heldPublish(() => release.wait);
    const texts: string[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      for (let i = 0; i < 15; i++) void publish.invoke({ text: `p${i}` }, config).then((t) => texts.push(String(t)));
      return claim("fine 1");
    });
    await graph.invoke({});
    release.open();
    await until(() => texts.length + watch.rejections.length >= 15, 20_000, "15 late calls");
    await settle();
    watch.stop();
    expect(runs).toEqual([]);
    expect(watch.rejections).toEqual([]);
    expect(texts).toHaveLength(15);
    expect(texts.every((t) => REFUSED.test(t))).toBe(true);
  });
});

describe("calls started (not just finished) after the attempt closed, with the attempt's config", () => {
  for (const mode of ["defer", "compensate"] as const) {
    // Was broken: the call (made from a continuation the producer left behind, after the run returned) rejected —
    // an 'unhandledRejection' when nobody awaits it. Fixed: it resolves to a text; nothing reaches the world
    // (checked in the test below).
    it(`a ${mode} call started after the run ended resolves to a text (no unhandled rejection)`, async () => {
      const { texts, watch } = await startedLate(mode);
      expect(watch.rejections).toEqual([]);
      expect(texts).toHaveLength(1);
    });
    it(`a ${mode} call started after the run ended does nothing: no run, nothing open, nothing recorded`, async () => {
      const { desk, runs, out } = await startedLate(mode);
      expect(runs).toEqual([]);
      expect([...desk.open.keys()]).toEqual([]);
      expect(recordedOpen(out.guardRecords)).toEqual([]);
    });
  }
});

/** A producer that leaves a continuation which calls the tool (with the attempt's config) after the run ended. */
async function startedLate(mode: "defer" | "compensate") {
  const watch = watchProcess();
  const desk = new Desk();
  const ticket = deskTicket(desk, () => Promise.resolve());
  const { tool: publish, runs } = heldPublish(() => Promise.resolve());
  const start = gate();
  const texts: string[] = [];
  const { graph } = guardedGraph(async (_s, config) => {
    void start.wait.then(() => (mode === "defer" ? publish.invoke({ text: "later" }, config) : ticket.invoke({ title: "later" }, config)))
      .then((t) => texts.push(String(t)));
    return claim("fine 1");
  });
  const out = await graph.invoke({});
  start.open();
  await until(() => texts.length + watch.rejections.length >= 1, 10_000, "the late call");
  await settle();
  watch.stop();
  return { texts, watch, desk, runs, out };
}

describe("late compensated calls whose undo throws", () => {
  const throwers: Record<string, (t: string) => unknown> = {
    "an Error": (t) => new Error(`desk refuses ${t}`),
    "a string": (t) => `desk says no to ${t}`,
    "undefined": () => undefined,
  };
  for (const [label, throwValue] of Object.entries(throwers)) {
    it(`5 concurrent, each undo throwing ${label}: 5 ${EFFECT_NOT_UNDONE_WARNING} warnings naming tool and key, texts say so, no crash`, async () => {
      expect(EFFECT_NOT_UNDONE_WARNING).toBe("FIREBREAK_EFFECT_NOT_UNDONE");
      const watch = watchProcess();
      const release = gate();
      const desk = new Desk();
      const ticket = deskTicket(desk, () => release.wait, { failUndo: () => true, throwValue });
      const texts: string[] = [];
      const { graph } = guardedGraph(async (_s, config) => {
        for (let i = 0; i < 5; i++) void ticket.invoke({ title: `s${i}` }, config).then((t) => texts.push(String(t)));
        return claim("fine 1");
      });
      await graph.invoke({});
      release.open();
      await until(() => texts.length === 5 || watch.rejections.length > 0 || watch.exceptions.length > 0, 20_000, "5 late calls");
      await until(() => watch.warnings.filter((w) => w.code === "FIREBREAK_EFFECT_NOT_UNDONE").length >= 5, 5_000, "5 warnings").catch(() => undefined);
      await settle();
      watch.stop();
      expect(watch.rejections).toEqual([]);
      expect(watch.exceptions).toEqual([]);
      expect(texts.every((t) => /still in the world/i.test(t))).toBe(true);
      const warned = watch.warnings.filter((w) => w.code === "FIREBREAK_EFFECT_NOT_UNDONE");
      expect(warned).toHaveLength(5);
      for (const run of desk.runs) {
        expect(warned.filter((w) => w.message.includes(ticket.name) && w.message.includes(run.key))).toHaveLength(1);
      }
    });
  }
});

describe("late calls after the thread was interrupted for a human", () => {
  for (const when of ["before", "after"] as const) {
    it(`released ${when} the human approves: the late ticket is undone, the late publish refused and never run; the in-grace publish runs once`, async () => {
      const watch = watchProcess();
      const release = gate();
      const desk = new Desk();
      const ticket = deskTicket(desk, (t) => (t === "late-c" ? release.wait : new Promise((r) => setTimeout(r, 30))));
      const { tool: publish, runs } = heldPublish((t) => (t === "late-d" ? release.wait : new Promise((r) => setTimeout(r, 30))));
      const late: Array<Promise<string>> = [];
      const { graph } = guardedGraph(async (_s, config) => {
        if (attemptOf(config) === 1) {
          late.push(textOf(ticket.invoke({ title: "late-c" }, config)), textOf(publish.invoke({ text: "late-d" }, config)));
          void ticket.invoke({ title: "soon-c" }, config).catch(() => undefined);
          void publish.invoke({ text: "soon-d" }, config).catch(() => undefined);
        }
        return claim("bad 1");
      }, { maxAttempts: 1, onExhausted: "interrupt" }, new MemorySaver());
      const config = { configurable: { thread_id: tid("late-hitl") } };
      const paused = await graph.invoke({}, config);
      expect((paused as { __interrupt__?: unknown[] }).__interrupt__).toHaveLength(1);
      if (when === "before") release.open();
      const out = await graph.invoke(new Command({ resume: { action: "approve" } }), config);
      if (when === "after") release.open();
      const [c, d] = await Promise.all(late);
      await settle();
      watch.stop();
      expect(c).not.toMatch(/^rejected/);
      expect(c).toMatch(/undone/i);
      expect(d).not.toMatch(/^rejected/);
      expect(d).toMatch(/after its guarded attempt ended.*nothing was done/is);
      expect(runs.map((r) => r.text)).toEqual(["soon-d"]);
      expect([...desk.open.keys()]).toEqual([]);
      expect(recordedOpen(out.guardRecords)).toEqual([]);
    });
  }
});

describe("a call left running by a red attempt, finishing while the retry runs", () => {
  it("its ticket is undone (not kept by attempt 2), its publish refused (not executed by attempt 2)", async () => {
    const watch = watchProcess();
    const release = gate();
    const desk = new Desk();
    const ticket = deskTicket(desk, (t) => (t === "old-c" ? release.wait : Promise.resolve()));
    const { tool: publish, runs } = heldPublish((t) => (t === "old-d" ? release.wait : Promise.resolve()));
    let late: Array<Promise<string>> = [];
    let inRetry: string[] = [];
    const { graph } = guardedGraph(async (_s, config) => {
      const n = attemptOf(config);
      if (n === 1) {
        late = [textOf(ticket.invoke({ title: "old-c" }, config)), textOf(publish.invoke({ text: "old-d" }, config))];
        return claim("bad 1");
      }
      release.open(); // attempt 1's calls finish now, inside attempt 2
      inRetry = await Promise.all(late);
      await ticket.invoke({ title: "new-c" }, config);
      await publish.invoke({ text: "new-d" }, config);
      return claim(`fine ${n}`);
    });
    const out = await graph.invoke({});
    await settle();
    watch.stop();
    expect(inRetry[0]).not.toMatch(/^rejected/);
    expect(inRetry[0]).toMatch(/undone/i);
    expect(inRetry[1]).not.toMatch(/^rejected/);
    expect(inRetry[1]).toMatch(/after its guarded attempt ended.*nothing was done/is);
    expect(runs.map((r) => r.text)).toEqual(["new-d"]);
    expect([...desk.open.values()]).toEqual(["new-c"]);
    expect(recordedOpen(out.guardRecords)).toEqual([desk.keyOf("new-c")]);
    const entries = out.guardRecords[0]!.effects ?? [];
    expect(entries.filter((e) => e.key === desk.keyOf("old-c") && e.status === "kept")).toEqual([]);
  });
});

describe("a call from a finished run, finishing during the next handoff on the same thread", () => {
  it("is undone and not listed as kept in the second handoff's record", async () => {
    const watch = watchProcess();
    const release = gate();
    const desk = new Desk();
    const ticket = deskTicket(desk, (t) => (t === "run1-late" ? release.wait : Promise.resolve()));
    let late: Promise<string> = Promise.resolve("");
    let turn = 0;
    const { graph } = guardedGraph(async (_s, config) => {
      turn++;
      if (turn === 1) late = textOf(ticket.invoke({ title: "run1-late" }, config));
      else { release.open(); await late; await ticket.invoke({ title: "run2" }, config); }
      return claim(`fine turn ${turn}`);
    }, {}, new MemorySaver());
    const config = { configurable: { thread_id: tid("late-next-run") } };
    await graph.invoke({}, config);
    const out = await graph.invoke({}, config);
    const text = await late;
    await settle();
    watch.stop();
    expect(watch.rejections).toEqual([]);
    expect(text).not.toMatch(/^rejected/);
    expect(text).toMatch(/undone/i);
    expect([...desk.open.values()]).toEqual(["run2"]);
    expect(recordedOpen(out.guardRecords)).toEqual([desk.keyOf("run2")]);
  });
});

describe("a red attempt's late call whose undo throws, finishing during the retry", () => {
  it("a FIREBREAK_EFFECT_NOT_UNDONE warning names tool and key, the text says so, attempt 2 does not claim it as its own", async () => {
    const watch = watchProcess();
    const release = gate();
    const desk = new Desk();
    const ticket = deskTicket(desk, (t) => (t === "old" ? release.wait : Promise.resolve()), { failUndo: (t) => t === "old" });
    let late: Promise<string> = Promise.resolve("");
    let said = "";
    const { graph } = guardedGraph(async (_s, config) => {
      const n = attemptOf(config);
      if (n === 1) { late = textOf(ticket.invoke({ title: "old" }, config)); return claim("bad 1"); }
      release.open();
      said = await late;
      await ticket.invoke({ title: "new" }, config);
      return claim(`fine ${n}`);
    });
    const out = await graph.invoke({});
    await until(() => watch.warnings.some((w) => w.code === "FIREBREAK_EFFECT_NOT_UNDONE"), 5_000, "the warning").catch(() => undefined);
    await settle();
    watch.stop();
    const oldKey = desk.keyOf("old")!;
    expect(said).not.toMatch(/^rejected/);
    expect(said).toMatch(/still in the world/i);
    const warned = watch.warnings.filter((w) => w.code === "FIREBREAK_EFFECT_NOT_UNDONE");
    expect(warned.map((w) => w.message.includes(oldKey) && w.message.includes(ticket.name))).toEqual([true]);
    expect((out.guardRecords[0]!.effects ?? []).filter((e) => e.key === oldKey && e.attempt === 2)).toEqual([]);
    expect(recordedOpen(out.guardRecords)).toEqual([desk.keyOf("new")]);
  });
});
