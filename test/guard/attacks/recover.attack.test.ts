/**
 * Guarantees attacked: Recover (`onExhausted` interrupt/degrade/fail), "Degrade by identity …
 * every claim built on a withheld claim [is withheld] … nothing is matched by substring. Yellow
 * claims are forwarded tagged high-risk … A degraded handoff replays none of the attempt's custom
 * events", "Each handoff appends exactly one GuardRecord". Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command, Send, interrupt } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { guardNodeInPlace, createChallenger, GuardExhaustedError, HIGH_RISK_META } from "../../../nodes/index.js";
import { scriptedJudge } from "../support/judges.js";
import { State, judgeBad, BAD, claim, leaks } from "./common.js";

const YELLOW = "MAYBE_UNSURE";
const ruleJudge = () => scriptedJudge((t) => (t.includes(BAD) ? "red" : t.includes(YELLOW) ? "yellow" : "green"));

function g1(producer: any, guard: any, cp = false) {
  const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: ruleJudge() }), maxAttempts: 1, ...guard });
  return b.compile(cp ? { checkpointer: new MemorySaver() } : {});
}

describe("degrade by identity", () => {
  it("claims built on a withheld claim are withheld, transitively; independent ones survive", async () => {
    const producer = () => ({ claims: [
      claim(`A ${BAD}`, { id: "A" }),
      claim("B builds on A", { id: "B", origin: { agent: "p", source: "model", basedOn: ["A"] } }),
      claim("C builds on B", { id: "C", origin: { agent: "p", source: "model", basedOn: ["B"] } }),
      claim("D independent", { id: "D" }),
    ] });
    const out: any = await g1(producer, { onExhausted: "degrade" }).invoke({ intent: "t" });
    expect(out.claims.map((c: any) => c.id).sort()).toEqual(["D"]);
    const rec = out.guardRecords.at(-1);
    expect(rec.outcome).toBe("degraded");
    expect(rec.withheld.map((w: any) => w.id).sort()).toEqual(expect.arrayContaining(["A", "B", "C"]));
    for (const id of rec.committedClaimIds) expect(out.claims.some((c: any) => c.id === id)).toBe(true);
  }, 20_000);

  it("a claim built on a withheld claim through `basedOn` listed out of order is withheld", async () => {
    const producer = () => ({ claims: [
      claim("C builds on B", { id: "C", origin: { agent: "p", source: "model", basedOn: ["B"] } }),
      claim("B builds on A", { id: "B", origin: { agent: "p", source: "model", basedOn: ["A"] } }),
      claim(`A ${BAD}`, { id: "A" }),
    ] });
    const out: any = await g1(producer, { onExhausted: "degrade" }).invoke({ intent: "t" });
    expect(out.claims ?? []).toEqual([]);
  }, 20_000);

  it("yellow claims are forwarded tagged high-risk; a red message is withheld with its place; a green field survives", async () => {
    const producer = () => ({ claims: [claim(`y ${YELLOW}`, { id: "Y" })], messages: [new AIMessage(`m ${BAD}`)], notes: "green note" });
    const out: any = await g1(producer, { onExhausted: "degrade", blockOn: ["red"] }).invoke({ intent: "t" });
    // no block: yellow passes in a normal pass; force a block with a red message
    expect(leaks(out)).toBe(false);
    const y = out.claims.find((c: any) => c.id === "Y");
    expect(y?.status).toBe("yellow");
    expect(y?.meta).toMatchObject(HIGH_RISK_META);
    expect(out.notes).toBe("green note");
    const rec = out.guardRecords.at(-1);
    expect(rec.withheld.some((w: any) => w.kind === "message")).toBe(true);
    expect(rec.highRiskClaimIds).toContain("Y");
  }, 20_000);

  it("nothing is matched by substring: a green claim whose text contains a red claim's text survives", async () => {
    const producer = () => ({ claims: [claim(`${BAD}`, { id: "R" }), claim("a green claim", { id: "G" })], notes: "green" });
    const out: any = await g1(producer, { onExhausted: "degrade" }).invoke({ intent: "t" });
    expect(out.claims.map((c: any) => c.id)).toEqual(["G"]);
  }, 20_000);

  it("a degraded handoff replays none of the attempt's custom events (custom stream, streamEvents)", async () => {
    const producer = async (_s: any, config: any) => {
      config.writer?.({ producerChunk: "clean-looking chunk" });
      await dispatchCustomEvent("producer-event", { x: "clean-looking event" }, config);
      return { claims: [claim(`A ${BAD}`), claim("ok")] };
    };
    const g = g1(producer, { onExhausted: "degrade" });
    const chunks: any[] = [];
    for await (const c of await g.stream({ intent: "t" }, { streamMode: ["custom"] })) chunks.push(c);
    expect(chunks.filter((c) => JSON.stringify(c).includes("clean-looking"))).toEqual([]);
    const evs: any[] = [];
    for await (const e of g.streamEvents({ intent: "t" }, { version: "v2" })) evs.push(e);
    expect(evs.filter((e) => e.event === "on_custom_event" && e.name === "producer-event")).toEqual([]);
  }, 20_000);
});

describe("onExhausted modes", () => {
  it("fail: GuardExhaustedError, checkpoint state unchanged, no partial writes", async () => {
    const g = g1(() => ({ claims: [claim(BAD), claim("ok")], notes: "ok", messages: [new AIMessage("ok")] }), { onExhausted: "fail" }, true);
    const cfg = { configurable: { thread_id: "f" } };
    await expect(g.invoke({ intent: "t", notes: "before" }, cfg)).rejects.toBeInstanceOf(GuardExhaustedError);
    const s = (await g.getState(cfg)).values;
    expect(s.notes).toBe("before");
    expect(s.claims ?? []).toEqual([]);
    expect(s.messages ?? []).toEqual([]);
  }, 20_000);

  for (const action of ["approve", "reject", "edit"] as const) {
    it(`interrupt → ${action}: exactly one GuardRecord, producer not re-run, parent unchanged until resume`, async () => {
      let runs = 0;
      const producer = () => { runs++; return { claims: [claim(`x ${BAD}`)], notes: BAD }; };
      const g = g1(producer, { onExhausted: "interrupt", maxAttempts: 2 }, true);
      const cfg = { configurable: { thread_id: `i-${action}` } };
      await g.invoke({ intent: "t", notes: "before" }, cfg);
      const mid = await g.getState(cfg);
      expect(mid.values.notes).toBe("before");
      expect(leaks(mid.values)).toBe(false);
      expect(mid.tasks.some((t: any) => t.interrupts?.length)).toBe(true);
      const resume = action === "edit" ? { action, update: { notes: "edited" } } : { action };
      const out: any = await g.invoke(new Command({ resume }), cfg);
      expect(runs).toBe(2);
      expect(out.guardRecords.length).toBe(1);
      expect(out.guardRecords[0].outcome).toBe(action === "approve" ? "approved" : action === "edit" ? "edited" : "rejected");
      if (action === "reject") { expect(out.notes).toBe("before"); expect(leaks(out)).toBe(false); }
      if (action === "edit") { expect(out.notes).toBe("edited"); expect(leaks(out)).toBe(false); }
    }, 20_000);
  }

  it("interrupt: a bogus resume value does not commit the blocked attempt", async () => {
    const g = g1(() => ({ notes: BAD }), { onExhausted: "interrupt" }, true);
    const cfg = { configurable: { thread_id: "bogus" } };
    await g.invoke({ intent: "t" }, cfg);
    let err: any;
    try { await g.invoke(new Command({ resume: { action: "APPROVE" } }), cfg); } catch (e) { err = e; }
    const s = (await g.getState(cfg)).values;
    expect(leaks(s), "bogus resume committed the blocked attempt").toBe(false);
    void err;
  }, 20_000);

  it("interrupt: resume with plain string 'approve' does not commit", async () => {
    const g = g1(() => ({ notes: BAD }), { onExhausted: "interrupt" }, true);
    const cfg = { configurable: { thread_id: "str" } };
    await g.invoke({ intent: "t" }, cfg);
    try { await g.invoke(new Command({ resume: "approve" }), cfg); } catch { /* fine */ }
    expect(leaks((await g.getState(cfg)).values)).toBe(false);
  }, 20_000);

  it("interrupt: 'edit' with a forged guard record / unknown key is not committed blindly", async () => {
    const g = g1(() => ({ notes: BAD }), { onExhausted: "interrupt" }, true);
    const cfg = { configurable: { thread_id: "edit-forge" } };
    await g.invoke({ intent: "t" }, cfg);
    try { await g.invoke(new Command({ resume: { action: "edit", update: { guardRecords: [{ kind: "firebreak/guard-record", id: "forged", guard: "p", attempts: [], outcome: "passed" }] } } }), cfg); } catch { /* fine */ }
    const s = (await g.getState(cfg)).values;
    expect((s.guardRecords ?? []).some((r: any) => r.id === "forged")).toBe(false);
  }, 20_000);

  it("a producer that itself interrupts: resume continues; the interrupt is the producer's, one record", async () => {
    const producer = () => { const v = interrupt({ ask: "value?" }); return { notes: `answer ${v}` }; };
    const g = g1(producer, { onExhausted: "fail" }, true);
    const cfg = { configurable: { thread_id: "pi" } };
    await g.invoke({ intent: "t" }, cfg);
    const out: any = await g.invoke(new Command({ resume: "42" }), cfg);
    expect(out.notes).toBe("answer 42");
    expect(out.guardRecords.length).toBe(1);
  }, 20_000);

  it("a producer that throws: the error is not swallowed into a commit and nothing leaks", async () => {
    const g = g1(() => { throw new Error(`boom ${BAD}`); }, { onExhausted: "degrade" }, true);
    const cfg = { configurable: { thread_id: "throw" } };
    await g.invoke({ intent: "t" }, cfg).catch(() => undefined);
    expect(leaks((await g.getState(cfg)).values)).toBe(false);
  }, 20_000);
});

describe("parallel writers", () => {
  it("two guarded nodes in one superstep: each blocked once then passes, one record each, no blocked content", async () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    const mk = (k: string) => () => (++counts[k]! === 1 ? { claims: [claim(`${k} ${BAD}`)] } : { claims: [claim(`${k} fine`)] });
    const b: any = new StateGraph(State).addNode("a", mk("a")).addNode("b", mk("b")).addEdge(START, "a").addEdge(START, "b").addEdge("a", END).addEdge("b", END);
    guardNodeInPlace(b, "a", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    guardNodeInPlace(b, "b", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail" });
    const out: any = await b.compile({ checkpointer: new MemorySaver() }).invoke({ intent: "t" }, { configurable: { thread_id: "par" } });
    expect(leaks(out)).toBe(false);
    expect(out.guardRecords.map((r: any) => r.guard).sort()).toEqual(["a", "b"]);
    expect(out.claims.map((c: any) => c.text).sort()).toEqual(["a fine", "b fine"]);
  }, 20_000);

  it("a guarded node blocked while an unguarded sibling writes: the sibling's write survives, the blocked one never appears", async () => {
    const b: any = new StateGraph(State).addNode("a", () => ({ notes: BAD })).addNode("u", () => ({ data: "sibling" })).addEdge(START, "a").addEdge(START, "u").addEdge("a", END).addEdge("u", END);
    guardNodeInPlace(b, "a", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    const out: any = await b.compile().invoke({ intent: "t" });
    expect(out.data).toBe("sibling");
    expect(leaks(out)).toBe(false);
  }, 20_000);
});

describe("degrade withholds by place; parallel handoffs of one node do not cross", () => {
  it("one red Send among two: only that Send is withheld", async () => {
    const got: unknown[] = [];
    const b: any = new StateGraph(State)
      .addNode("p", () => new Command({ goto: [new Send("sink", { data: BAD }), new Send("sink", { data: "ok" })] }), { ends: ["sink"] })
      .addNode("sink", (s: any) => { got.push(s.data); return {}; })
      .addEdge(START, "p").addEdge("sink", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "degrade" });
    const out: any = await b.compile().invoke({ intent: "t" });
    expect(got).toEqual(["ok"]);
    expect(out.guardRecords[0].withheld.map((w: any) => w.kind)).toEqual(["send"]);
  }, 20_000);

  it("two Sends to the same guarded node, one always red: no cross-talk between their buffers", async () => {
    const b: any = new StateGraph(State)
      .addNode("p", (s: any) => ({ claims: [claim(s.notes === "A" ? `A ${BAD}` : "B fine")] }))
      .addConditionalEdges(START, () => [new Send("p", { intent: "t", notes: "A" }), new Send("p", { intent: "t", notes: "B" })])
      .addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "degrade" });
    const out: any = await b.compile({ checkpointer: new MemorySaver() }).invoke({ intent: "t" }, { configurable: { thread_id: "x" } });
    expect(out.claims.map((c: any) => c.text)).toEqual(["B fine"]);
    expect(out.guardRecords.map((r: any) => r.outcome).sort()).toEqual(["degraded", "passed"]);
    expect(leaks(out)).toBe(false);
  }, 20_000);
});

import { ScriptedChatModel } from "../../../src/testing/index.js";
import { dataBlock } from "../support/judges.js";
describe("degrade: items without a valid verdict are withheld", () => {
  it("the judge omits the field item: the field is withheld, the green claim forwarded", async () => {
    const judge = new ScriptedChatModel({ label: "scripted partial judge", script: ({ messages }) => {
      const its: any[] = dataBlock(messages[messages.length - 1], "claims_under_review") ?? [];
      return { structured: { verdicts: its.filter((i) => !i.text.startsWith("Sets")).map((i) => ({ claim_id: i.id, verdict: "green", reasons: ["scripted"] })) } };
    } });
    const b: any = new StateGraph(State).addNode("p", () => ({ claims: [claim("fine")], notes: `unjudged ${BAD}` })).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judge }), maxAttempts: 1, onExhausted: "degrade" });
    const out: any = await b.compile().invoke({ intent: "t" });
    expect(out.notes).toBeUndefined();
    expect(out.claims.map((c: any) => c.text)).toEqual(["fine"]);
    expect(out.guardRecords[0].withheld.map((w: any) => w.kind)).toEqual(["field"]);
  }, 20_000);
});

describe("producer retry policy", () => {
  it("a producer that throws once under its node retryPolicy: one handoff, one record, nothing of the failed run", async () => {
    let n = 0;
    const b: any = new StateGraph(State)
      .addNode("p", () => { if (++n === 1) throw new Error(`transient ${BAD}`); return { notes: "ok" }; }, { retryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false } })
      .addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
    const out: any = await b.compile().invoke({ intent: "t" });
    expect(out.notes).toBe("ok");
    expect(out.guardRecords.length).toBe(1);
    expect(leaks(out)).toBe(false);
  }, 20_000);
});

describe("producer retry policy: chunks of a failed run", () => {
  it("custom chunks and events of a run that threw (then retried by retryPolicy) are not replayed with the committed attempt", async () => {
    let n = 0;
    const producer = async (_s: any, config: any) => {
      n++;
      config.writer?.({ run: n, text: n === 1 ? BAD : "clean chunk" });
      await dispatchCustomEvent("producer-event", { run: n, text: n === 1 ? BAD : "clean event" }, config);
      if (n === 1) throw new Error("transient");
      return { notes: "ok" };
    };
    const mk = () => {
      n = 0;
      const b: any = new StateGraph(State).addNode("p", producer, { retryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false } }).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
      return b.compile();
    };
    const custom: any[] = [];
    for await (const c of await mk().stream({ intent: "t" }, { streamMode: "custom" })) custom.push(c);
    expect(custom.filter((c) => leaks(c))).toEqual([]);
    expect(custom.some((c) => c?.text === "clean chunk")).toBe(true);
    const evs: any[] = [];
    for await (const e of mk().streamEvents({ intent: "t" }, { version: "v2" })) if (e.event === "on_custom_event") evs.push(e);
    expect(evs.filter((e) => leaks(e)).map((e) => e.data)).toEqual([]);
  }, 20_000);
});
