/**
 * Feedback leaking through an echoing producer, retries across a producer's own interrupt,
 * replay order of custom events, and what the committed attempt shows in streams.
 * Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command, interrupt } from "@langchain/langgraph";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { dataBlock } from "../support/judges.js";
import { State, judgeBad, BAD, claim, leaks } from "./common.js";

/** SCRIPTED judge: red for a *claim* item mentioning BAD; message/field items judged on their own (a true report of a past block is green). */
function judgeClaimsOnly() {
  return new ScriptedChatModel({
    label: "scripted claims judge",
    script: ({ messages }) => {
      const its: any[] = dataBlock(messages[messages.length - 1], "claims_under_review") ?? [];
      return { structured: { verdicts: its.map((c) => ({ claim_id: c.id, verdict: c.text.startsWith("says") && c.text.includes(BAD) ? "red" : "green", reasons: ["scripted"] })) } };
    },
  });
}

describe("the audit trail alone names what was blocked", () => {
  it("a producer that echoes its own view of messages does not commit the guard's feedback message", async () => {
    let n = 0;
    const producer = (s: any) => {
      n++;
      const reply = new AIMessage(n === 1 ? `says ${BAD}` : "says fine");
      return { messages: [...s.messages, reply], claims: [claim(n === 1 ? `says ${BAD}` : "says fine")] };
    };
    const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeClaimsOnly() }), maxAttempts: 2, onExhausted: "fail" });
    const out: any = await b.compile().invoke({ intent: "t", messages: [new HumanMessage({ content: "question", id: "h1" })] });
    expect(out.messages.map((m: any) => String(m.content)).filter((t: string) => t.includes(BAD)), "blocked claim text committed via the feedback message").toEqual([]);
    expect(leaks(out)).toBe(false);
  }, 20_000);
});

describe("retry across the producer's own interrupt", () => {
  it("attempt 1 blocked, attempt 2 interrupts; on resume: attempt 1 not replayed, one record, two attempts", async () => {
    let runs = 0;
    const producer = (_s: any, config: any) => {
      runs++;
      const isRetry = Boolean(config?.configurable?.firebreak_guard_feedback);
      if (!isRetry) return { claims: [claim(`says ${BAD}`)] };
      const v = interrupt({ q: "confirm?" });
      return { claims: [claim(`says fine ${v}`)] };
    };
    const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 3, onExhausted: "fail" });
    const g = b.compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "ri" } };
    const chunks: any[] = [];
    for await (const c of await g.stream({ intent: "t" }, { ...cfg, streamMode: ["updates", "values", "messages", "custom"] })) chunks.push(c);
    for await (const c of await g.stream(new Command({ resume: "yes" }), { ...cfg, streamMode: ["updates", "values", "messages", "custom"] })) chunks.push(c);
    const s = (await g.getState(cfg)).values;
    expect(s.claims.map((c: any) => c.text)).toEqual(["says fine yes"]);
    expect(s.guardRecords.length).toBe(1);
    expect(s.guardRecords[0].attempts.length).toBe(2);
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
  }, 20_000);
});

describe("the committed attempt in streams", () => {
  it("custom chunks and custom events are replayed in order", async () => {
    const producer = async (_s: any, config: any) => {
      for (let i = 0; i < 5; i++) { config.writer?.({ i }); await dispatchCustomEvent("ev", { i }, config); }
      return { claims: [claim("fine")] };
    };
    const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
    const g = b.compile();
    const custom: any[] = [];
    for await (const c of await g.stream({ intent: "t" }, { streamMode: "custom" })) if (c && typeof c === "object" && "i" in c) custom.push(c.i);
    expect(custom).toEqual([0, 1, 2, 3, 4]);
    const evs: number[] = [];
    for await (const e of g.streamEvents({ intent: "t" }, { version: "v2" })) if (e.event === "on_custom_event" && e.name === "ev") evs.push((e.data as any).i);
    expect(evs).toEqual([0, 1, 2, 3, 4]);
  }, 20_000);

  for (const subgraphs of [false, true]) {
    it(`updates show the committed update under the guarded node; messages carry each committed message once, whole (subgraphs=${subgraphs})`, async () => {
      const model = new ScriptedChatModel({ label: "scripted producer", script: ["whole reply"] });
      const producer = async (_s: any, config: any) => { const r = await model.invoke([new HumanMessage("x")], config); return { messages: [new AIMessage({ content: String(r.content), id: "m1" })], notes: "n" }; };
      const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "fail" });
      const g = b.compile();
      const ups: any[] = [], msgs: any[] = [];
      for await (const c of await g.stream({ intent: "t" }, { streamMode: ["updates", "messages"], subgraphs } as any)) {
        const [mode, data] = subgraphs ? [c[1], c[2]] : c;
        if (mode === "updates") ups.push(subgraphs ? [c[0], data] : data);
        else msgs.push(data);
      }
      const top = ups.filter((u) => (subgraphs ? u[0].length === 0 : true)).map((u) => (subgraphs ? u[1] : u));
      expect(top.some((u) => u.p?.notes === "n")).toBe(true);
      const texts = msgs.map(([m]: any) => String(m.content)).filter((t: string) => t.includes("whole reply"));
      expect(texts).toEqual(["whole reply"]);
    }, 20_000);
  }
});
