import { AIMessage } from "@langchain/core/messages";
import { Command, MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GuardExhaustedError } from "../../nodes/index.js";
import { findMark, HOSTILE, hostileGraph, INPUT, MARK, STATE_STYLES } from "./support/hostile-world.js";

// The judge is scripted (a stand-in for a model's judgement) and strict: anything carrying the
// planted falsehood, and any removal of history, is red. Every hostile producer tries to get
// the falsehood past the guard; none may reach parent state, the checkpoint or the next node.

const MODES = ["fail", "degrade", "interrupt"] as const;

describe.each(STATE_STYLES)("hostile producers against a guard on %s state", (_style, State) => {
  describe.each(MODES)('onExhausted "%s"', (onExhausted) => {
    it.each(Object.keys(HOSTILE))("%s: nothing false reaches parent state, checkpoint or the next node", async (name) => {
      const checkpointer = new MemorySaver();
      const { builder, seen } = hostileGraph(State, HOSTILE[name]!, { onExhausted });
      const graph = builder.compile({ checkpointer });
      const config = { configurable: { thread_id: `${name}-${onExhausted}` } };
      const error = await graph.invoke(INPUT, config).then(
        () => undefined,
        (e: unknown) => e,
      );
      const state = await graph.getState(config);
      const tuple = await checkpointer.getTuple(config);
      expect(findMark(state.values)).toEqual([]);
      expect(findMark(tuple?.checkpoint.channel_values)).toEqual([]);
      expect(findMark(seen)).toEqual([]);
      const record = (state.values as { guardRecords?: Array<{ outcome: string; attempts: Array<{ blocked: boolean }> }> }).guardRecords?.[0];
      if (name.startsWith("in-place mutation")) {
        // Its update is clean: it passes, and its mutations stayed in its own copy.
        expect(error).toBeUndefined();
        expect(record?.outcome).toBe("passed");
        expect(String((state.values as { messages: AIMessage[] }).messages[0]!.content)).toBe("please compute 0.85^5");
        return;
      }
      // Never recorded as passed: blocked on every attempt, then onExhausted.
      if (onExhausted === "fail") expect(error).toBeInstanceOf(GuardExhaustedError);
      if (onExhausted === "interrupt") expect(state.tasks[0]?.interrupts[0]?.value).toMatchObject({ kind: "firebreak/guard-escalation" });
      if (onExhausted === "degrade") {
        expect(error).toBeUndefined();
        expect(record?.outcome).toBe("degraded");
        expect(record?.attempts.every((a) => a.blocked)).toBe(true);
      }
    });
  });
});

describe("what the challenger is shown", () => {
  it("every kind of effect reaches the challenger as data, with what it would write", async () => {
    const { builder, judge } = hostileGraph(STATE_STYLES[0][1], () => new Command({
      update: { figure: 1, details: { a: [1, 2] }, messages: [new AIMessage({ content: "see tool", tool_calls: [{ name: "t", args: { q: 3 }, id: "c1" }] })] },
      goto: "reader",
    }));
    await builder.compile().invoke(INPUT);
    const shown = judge.prompts.map((p) => String(p.at(-1)!.content)).join("\n");
    expect(shown).toContain('Sets \\"figure\\" to 1');
    expect(shown).toContain('Sets \\"details\\" to {\\"a\\":[1,2]}');
    expect(shown).toContain("it calls tools [{\\\"name\\\":\\\"t\\\",\\\"args\\\":{\\\"q\\\":3}}]");
    expect(shown).toContain('Hands control to node \\"reader\\"');
  });

  it("pass-through keys are the only content committed unreviewed, and only when named", async () => {
    const { builder, judge } = hostileGraph(STATE_STYLES[0][1], () => ({ figure: 42, draft: "fine" }), { passThrough: ["figure"] });
    const out = await builder.compile().invoke(INPUT);
    expect(out.figure).toBe(42);
    const shown = judge.prompts.map((p) => String(p.at(-1)!.content)).join("\n");
    expect(shown).not.toContain("figure");
    expect(shown).toContain("draft");
    expect(() => hostileGraph(STATE_STYLES[0][1], () => ({}), { passThrough: ["claims"] })).toThrow(/passThrough cannot name "claims"/);
    expect(() => hostileGraph(STATE_STYLES[0][1], () => ({}), { passThrough: ["nope"] })).toThrow(/passThrough names "nope", which the parent state does not have/);
  });

  it("the intent comes from the intent channel or task, never from messages unless named", async () => {
    const { builder, judge } = hostileGraph(STATE_STYLES[0][1], () => ({ draft: "fine" }));
    await builder.compile().invoke({ ...INPUT, task: undefined });
    expect(String(judge.prompts[0]!.at(-1)!.content)).not.toContain("please compute");
    const named = hostileGraph(STATE_STYLES[0][1], () => ({ draft: "fine" }), { intent: "messages" });
    await named.builder.compile().invoke({ ...INPUT, task: undefined });
    expect(String(named.judge.prompts[0]!.at(-1)!.content)).toContain("please compute 0.85^5");
  });

  it("a degrade withholds by identity: a short red claim deletes nothing else, each place is judged itself", async () => {
    const { builder } = hostileGraph(
      STATE_STYLES[0][1],
      () => ({
        claims: [{ id: "c-short", text: "7", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 }],
        draft: "Seven is a prime; 17 and 27 are not both prime.",
      }),
      { onExhausted: "degrade" },
      // Scripted: red exactly for the claim "7".
      (await import("./support/judges.js")).scriptedJudge((t) => (t === "7" ? "red" : "green")),
    );
    const out = await builder.compile().invoke(INPUT);
    expect(out.draft).toBe("Seven is a prime; 17 and 27 are not both prime.");
    expect(out.claims.map((c: { id: string }) => c.id)).not.toContain("c-short");
    expect(out.guardRecords[0].withheld).toEqual([{ id: "c-short", kind: "claim", place: "claims[0]", reason: "red" }]);
  });

  it(`resumes a degrade-free escalation: approve commits, and the mark never reaches state before the human says so`, async () => {
    const checkpointer = new MemorySaver();
    const { builder } = hostileGraph(STATE_STYLES[0][1], HOSTILE["a number field"]!, { onExhausted: "interrupt" });
    const graph = builder.compile({ checkpointer });
    const config = { configurable: { thread_id: "approve-mark" } };
    await graph.invoke(INPUT, config);
    expect(findMark((await graph.getState(config)).values)).toEqual([]);
    const out = await graph.invoke(new Command({ resume: { action: "approve", by: "ana" } }), config);
    expect(out.figure).toBe(Number(MARK));
  });
});
