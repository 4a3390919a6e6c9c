/**
 * Guarantees attacked: hostile values of `challengeTimeoutMs`, `invalidReply`, `tracers` and
 * `passThrough`: "Letting such an attempt pass as yellow is available only as an explicit choice
 * (invalidReply: 'label')"; "a challenger that … exceeds challengeTimeoutMs (default 5 minutes)
 * block[s]"; tracers are "any name you list in tracers" (not a pattern); "Keys the challenger
 * cannot judge are committed unreviewed only when you name them". Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END } from "@langchain/langgraph";
import { HumanMessage } from "@langchain/core/messages";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { guardNodeInPlace, createChallenger, GuardExhaustedError } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { scriptedJudge } from "../support/judges.js";
import { State, judgeBad, BAD, claim, leaks } from "../attacks/common.js";

async function run(producer: any, guard: any, model: any = judgeBad(), callbacks?: any[]) {
  let built: any, buildErr: any;
  try {
    const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model }), maxAttempts: 1, onExhausted: "fail", ...guard });
    built = b.compile();
  } catch (e) { buildErr = e; }
  if (buildErr) return { buildErr };
  let out: any, err: any;
  const t0 = Date.now();
  try { out = await built.invoke({ intent: "t" }, callbacks ? { callbacks } : {}); } catch (e) { err = e; }
  return { out, err, ms: Date.now() - t0 };
}

const garbage = () => new ScriptedChatModel({ label: "scripted garbage judge", script: () => "looks fine" });

describe("invalidReply with values other than 'label'", () => {
  for (const v of ["LABEL", "Label", "pass", "yellow", "allow", true, 1, null, "label "]) {
    it(`invalidReply: ${JSON.stringify(v)} is rejected at build time or garbage still blocks`, async () => {
      const r = await run(() => ({ claims: [claim(`says ${BAD}`)] }), { invalidReply: v as any }, garbage());
      if (r.buildErr) return;
      expect(r.err, `garbage passed with invalidReply=${JSON.stringify(v)}: ${JSON.stringify(r.out?.claims?.map((c: any) => c.text))}`).toBeInstanceOf(GuardExhaustedError);
    }, 20_000);
  }
});

describe("challengeTimeoutMs with hostile values", () => {
  for (const v of [0, -1, NaN, Infinity, 2 ** 31, 1e12]) {
    it(`challengeTimeoutMs: ${v} — rejected at build time, or a prompt judge still passes a clean attempt`, async () => {
      const r = await run(() => ({ claims: [claim("fine")] }), { challengeTimeoutMs: v }, scriptedJudge(() => "green"));
      if (r.buildErr) return;
      expect(r.err?.message ?? "", `a clean attempt judged at once was blocked as timed out (challengeTimeoutMs=${v})`).toBe("");
    }, 20_000);
  }
  for (const v of [0, -1, NaN]) {
    it(`challengeTimeoutMs: ${v} — rejected at build time, or a hanging judge still blocks (not hangs)`, async () => {
      const hang = new ScriptedChatModel({ label: "scripted hanging judge", script: () => "x" });
      (hang as any)._generate = () => new Promise(() => undefined);
      const p = run(() => ({ claims: [claim(`says ${BAD}`)] }), { challengeTimeoutMs: v }, hang);
      const r: any = await Promise.race([p, new Promise((res) => setTimeout(() => res({ hung: true }), 4000))]);
      if (r.buildErr) return;
      expect(r.hung, "the run hangs: the hostile timeout disabled the bound").toBeUndefined();
      expect(r.err).toBeInstanceOf(GuardExhaustedError);
    }, 20_000);
  }
});

class Spy extends BaseCallbackHandler {
  seen: string[] = [];
  constructor(public name: string) { super(); }
  override async handleLLMNewToken(t: string) { this.seen.push(t); }
  override async handleCustomEvent(n: string, d: unknown) { if (n !== "firebreak/bicr") this.seen.push(`${n}:${JSON.stringify(d)}`); }
}

describe("tracers: names, not patterns", () => {
  const producerModel = () => new ScriptedChatModel({ label: "scripted producer", script: [`tok ${BAD}`, "tok clean"] });
  const mk = () => { const m = producerModel(); return async (_s: any, config: any) => { const r = await m.invoke([new HumanMessage("x")], config); return { notes: String(r.content) }; }; };
  const cases: Array<[string, any, string]> = [
    ["tracers ['my_tracer'], handler 'my_tracer_not'", ["my_tracer"], "my_tracer_not"],
    ["tracers ['my_tracer'], handler 'MY_TRACER'", ["my_tracer"], "MY_TRACER"],
    ["tracers ['.*'], handler 'caller'", [".*"], "caller"],
    ["tracers ['*'], handler 'caller'", ["*"], "caller"],
    ["tracers [''], handler 'caller'", [""], "caller"],
    ["tracers 'caller_x' (a string, not an array), handler 'caller'", "caller_x", "caller"],
  ];
  for (const [name, tracers, handlerName] of cases) {
    it(`${name}: the unlisted handler sees no blocked token`, async () => {
      const spy = new Spy(handlerName);
      const r = await run(mk(), { tracers, maxAttempts: 2 }, judgeBad(), [spy]);
      if (r.buildErr) return;
      expect(spy.seen.filter((s) => s.includes(BAD))).toEqual([]);
    }, 20_000);
  }
  it("a handler named '' with tracers [''] is an explicit (if odd) choice — but a handler with no name at all is not a tracer", async () => {
    const spy = new Spy(undefined as any);
    const r = await run(mk(), { tracers: ["undefined"], maxAttempts: 2 }, judgeBad(), [spy]);
    if (r.buildErr) return;
    expect(spy.seen.filter((s) => s.includes(BAD))).toEqual([]);
  }, 20_000);
});

describe("passThrough with hostile values", () => {
  const cases: Array<[string, any, () => unknown]> = [
    ["passThrough ['__proto__'] does not open notes", ["__proto__"], () => ({ notes: BAD })],
    ["passThrough ['toString'] does not open notes", ["toString"], () => ({ notes: BAD })],
    ["passThrough ['not', 'es'] does not open 'notes' by concatenation", ["not", "es"], () => ({ notes: BAD })],
    ["passThrough 'notes-ish' string 'note' (prefix) does not open notes", "note", () => ({ notes: BAD })],
    ["passThrough ['turn'] does not open a claim whose text is a counter", ["turn"], () => ({ turn: 1, claims: [claim(`turn ${BAD}`)] })],
    ["passThrough ['turn'] with a BAD *string* in turn: the named key is the caller's choice, but nothing else rides along", ["turn"], () => ({ turn: 2, notes: BAD })],
  ];
  for (const [name, passThrough, make] of cases) {
    it(name, async () => {
      const r = await run(make, { passThrough, onExhausted: "degrade" });
      if (r.buildErr) return;
      expect(leaks(r.out ?? {}), JSON.stringify(r.out?.notes)).toBe(false);
    }, 20_000);
  }
});
