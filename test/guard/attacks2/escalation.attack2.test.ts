/**
 * Guarantee attacked: onExhausted "interrupt" — "the interrupt payload shows the human the blocked
 * attempt, which is its purpose" and `approve` commits it. If the packet does not show a part of
 * the attempt, `approve` commits content the human never saw. For each attempt shape: everything
 * approve delivers (state delta, what the next node receives) must appear in the packet the
 * human was shown. Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command, Send } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { State, judgeBad, BAD, claim } from "../attacks/common.js";

const MARK = (k: string) => `${BAD}_${k}`;

const shapes: Array<[string, () => unknown]> = [
  ["a Map value", () => ({ notes: new Map([["k", MARK("map")]]) })],
  ["a Set value", () => ({ notes: new Set([MARK("set")]) })],
  ["a JSON-parsed own __proto__ key", () => ({ notes: JSON.parse(`{"__proto__": {"x": "${MARK("proto")}"}, "a": "${MARK("plain")}"}`) })],
  ["a Send payload", () => new Command({ goto: [new Send("sink", { data: MARK("send") })] })],
  ["a tool call's args", () => ({ messages: [new AIMessage({ content: BAD, tool_calls: [{ id: "t1", name: "do_it", args: { secret: MARK("toolargs") } }] })] })],
  ["a claim's meta", () => ({ claims: [claim(BAD, { meta: { hidden: MARK("meta") } })] })],
  ["a message's response_metadata", () => ({ messages: [new AIMessage({ content: BAD, response_metadata: { hidden: MARK("respmeta") } })] })],
];

describe("interrupt → approve commits only what the packet showed", () => {
  for (const [name, make] of shapes) {
    it(`${name}`, async () => {
      const received: unknown[] = [];
      const b: any = new StateGraph(State)
        .addNode("p", make as any, { ends: ["sink", END] })
        .addNode("sink", (s: any) => { received.push(s.data); return {}; })
        .addEdge(START, "p").addEdge("p", END).addEdge("sink", END);
      guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "interrupt" });
      const g = b.compile({ checkpointer: new MemorySaver() });
      const cfg = { configurable: { thread_id: name } };
      await g.invoke({ intent: "t" }, cfg);
      const packet = (await g.getState(cfg)).tasks.flatMap((t: any) => t.interrupts ?? [])[0]?.value;
      expect(packet, "no escalation (blocked before review?)").toBeTruthy();
      const shown = JSON.stringify(packet);
      const out: any = await g.invoke(new Command({ resume: { action: "approve" } }), cfg);
      const { guardRecords: _r, ...committed } = out;
      // every marker the human approved into state / downstream must have been in the packet
      const delivered = (JSON.stringify(committed) + JSON.stringify(received) + JSON.stringify(committed.notes instanceof Map ? [...committed.notes] : committed.notes instanceof Set ? [...committed.notes] : null)
        + (committed.notes && Object.prototype.hasOwnProperty.call(committed.notes, "__proto__") ? JSON.stringify(Object.getOwnPropertyDescriptor(committed.notes, "__proto__")!.value) : "")).match(new RegExp(`${BAD}_[a-z]+`, "g")) ?? [];
      expect(delivered.length, "approve delivered nothing (vacuous case)").toBeGreaterThan(0);
      const unseen = [...new Set(delivered)].filter((m) => !shown.includes(m));
      expect(unseen, `approve committed content absent from the packet the human saw: ${unseen.join(", ")}`).toEqual([]);
    }, 20_000);
  }
});
