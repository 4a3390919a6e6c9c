// Promise 2: the red ledger. Once a claim is judged red in a thread, a producer that re-asserts it
// (text and value normalised) is blocked at once without a judge call, counting toward onExhausted;
// per thread; the producer cannot clear it. Judges are SCRIPTED stand-ins for a model's judgement.
import { Command, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import type { GuardFeedback } from "../../../nodes/index.js";
import { INPUT, MsgState, ROME, chain, claim, luckyJudge, mentionsRome, msgGuard, say, source, tid, verdicts } from "./world.js";

type Value = string | number | boolean | null | undefined;
/** One handoff: attempt 1 asserts `first`, later attempts `second`; degrade on exhaustion. */
async function twice(first: [string, Value], second: [string, Value], bad: (t: string) => boolean = () => true) {
  const { judge, judged } = luckyJudge(bad);
  const src = source((t) => {
    const [text, value] = t.call === 1 ? first : second;
    return { claims: [claim("a", text, value === undefined ? {} : { value })] };
  });
  const out: any = await chain([["a", src.producer, { onExhausted: "degrade", maxAttempts: 2 }]], judge).compile().invoke(INPUT);
  return { out, judged, record: out.guardRecords[0] };
}

describe("the red ledger's normalisation", () => {
  it.each([
    ["upper case", [ROME, "Rome"], [ROME.toUpperCase(), "ROME"]],
    ["fullwidth letters (NFKC)", [ROME, "Rome"], ["The Eiffel Tower stands in Ｒｏｍｅ", "Ｒｏｍｅ"]],
    ["zero-width space, soft hyphen, word joiner", [ROME, "Rome"], ["The Eiffel\u200B Tower stands in Ro\u00ADme\u2060", "Ro\u200Bme"]],
    ["NBSP, tabs, newlines, ideographic space, final stop", [ROME, "Rome"], ["  The\u00A0Eiffel\tTower\n stands\u3000in   Rome.  ", " Rome "]],
    ["fullwidth full stop", [ROME, "Rome"], [ROME + "．", "Rome"]],
    ["combining accent vs precomposed", ["Café Rome is closed", "Rome"], ["Cafe\u0301 Rome is closed", "Rome"]],
    ["value 42 vs \"42\"", ["It is 42 m", 42], ["It is 42 m", "42"]],
    ["value true vs \"TRUE\"", ["It is so", true], ["It is so", "TRUE"]],
    ["value case", [ROME, "Rome"], [ROME, "rome"]],
  ] as const)("%s: the re-assertion is blocked without a judge call", async (_name, first, second) => {
    const { judged, record } = await twice(first as [string, Value], second as [string, Value]);
    expect(judged).toHaveLength(1);
    expect(verdicts(record)).toEqual([["red"], ["red*"]]);
    expect(record.outcome).toBe("degraded");
  });

  // Was BROKEN (fixed: "。" is a final full stop): docs/guard.md says the ledger normalises "a final full stop"; U+3002 IDEOGRAPHIC FULL STOP is not
  // stripped (while "!", "…" and ".." are), so the same falsehood ending in "。" goes back to the judge and its
  // lucky yellow passes.
  it("a final ideographic full stop (。) is a final full stop: blocked without a judge call", async () => {
    const { judged, record } = await twice([ROME, "Rome"], [ROME + "。", "Rome"]);
    expect(judged).toHaveLength(1);
    expect(verdicts(record)).toEqual([["red"], ["red*"]]);
  });

  it("limit (outside the documented normalisation): a Cyrillic look-alike and the string \"42.0\" are judged afresh, and the re-rolled yellow is still committed high-risk", async () => {
    for (const [first, second] of [[[ROME, "Rome"], ["The Eiffel Tower stands in R\u043Eme", "R\u043Eme"]], [["It is 42 m", 42], ["It is 42 m", "42.0"]]] as const) {
      const { judged, record, out } = await twice(first as [string, Value], second as [string, Value]);
      expect(judged).toHaveLength(2);
      expect(record.outcome).toBe("passed");
      expect(out.claims[0].status).toBe("yellow");
      expect(out.claims[0].meta.firebreak.risk).toBe("high");
    }
  });
});

describe("re-asserting a red claim another way", () => {
  it("with only a new id, or through a Command's update: blocked without a judge call, the block counts toward onExhausted: \"fail\"", async () => {
    for (const form of ["id", "command"] as const) {
      const { judge, judged } = luckyJudge(mentionsRome);
      const src = source((t) => {
        const c = claim("a", ROME, { id: `fresh-${t.call}`, value: "Rome" });
        return form === "command" ? new Command({ update: { claims: [c] } }) : { claims: [c] };
      });
      const g = chain([["a", src.producer, { onExhausted: "fail" }]], judge).compile();
      const err: any = await g.invoke(INPUT).catch((e) => e);
      expect(err?.name).toBe("GuardExhaustedError");
      expect(judged).toHaveLength(1);
      expect(src.turns).toHaveLength(3);
    }
  });

  it("through a different guarded node later in the thread: blocked, and the record and feedback say which handoff judged it", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const a = source((t) => ({ claims: [claim("a", t.call === 1 ? ROME : "The tower stands in Paris", { value: t.call === 1 ? "Rome" : "Paris" })] }));
    const b = source(() => ({ claims: [claim("b", ROME.toLowerCase() + ".", { value: "rome" })] }));
    const out: any = await chain([["a", a.producer], ["b", b.producer, { onExhausted: "degrade" }]], judge).compile({ checkpointer: new MemorySaver() }).invoke(INPUT, { configurable: { thread_id: tid("seq") } });
    expect(judged.filter(mentionsRome)).toHaveLength(1);
    const rb = out.guardRecords[1];
    expect(verdicts(rb)).toEqual([["red*"], ["red*"], ["red*"]]);
    const redId = out.guardRecords[0].attempts[0].claims[0].id;
    expect(rb.attempts[0].claims[0].repeats).toEqual({ claimId: redId, attempt: 1, guard: "a" });
    expect(rb.attempts[0].claims[0].reasons[0]).toContain(`repeats red claim ${redId} judged in attempt 1 of an earlier handoff on "a"`);
    const fb = b.turns[1]!.feedback as GuardFeedback;
    expect(fb.failed[0]!.reasons.join(" ")).toMatch(/repeats red claim/);
    expect(out.claims.map((c: any) => c.text)).toEqual(["The tower stands in Paris"]);
  });

  // Was BROKEN (fixed: an AI message's prose is compared with the ledger's texts): the ledger promises "an item whose text and value match one judged red before … is blocked at once,
  // without asking the challenger". Re-asserting the red claim's exact text as an AI message's prose (no claims)
  // sends it to the judge again (the message item reads 'Adds ai message from "a": "…"'), and the prose becomes a
  // claim with the very same text and value that is committed on the lucky yellow.
  it("as an AI message's prose (which becomes a claim of the same text): blocked without a judge call", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const src = source((t) => (t.call === 1 ? { claims: [claim("a", ROME)] } : { messages: [say("a", ROME)] }));
    const out: any = await chain([["a", src.producer, { onExhausted: "degrade" }]], judge).compile().invoke(INPUT);
    expect(judged).toHaveLength(1);
    expect(out.claims.filter((c: any) => c.text === ROME)).toEqual([]);
  });

  // LIMIT (narrowed in docs/guard.md, "What the ledger does not reach"; kept as an expected failure): "once judged red in a thread … blocked at once without asking the challenger". Two guarded nodes in one
  // superstep each assert the falsehood: one is judged red, the other's (later) judge call is the lucky yellow and the
  // falsehood is committed — the ledger reads only the handoff's own attempts and committed guard records.
  it.fails("through a parallel guarded node in the same superstep: the second assertion is not re-rolled", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const a = source((t) => ({ claims: [claim("a", t.call === 1 ? ROME : "The tower stands in Paris", { value: t.call === 1 ? "Rome" : "Paris" })] }));
    const b = source(() => ({ claims: [claim("b", ROME, { value: "Rome" })] }));
    const g = new StateGraph(MsgState)
      .addNode("a", msgGuard(a.producer, judge, { name: "a" }))
      .addNode("b", msgGuard(b.producer, judge, { name: "b", onExhausted: "degrade" }))
      .addEdge(START, "a").addEdge(START, "b").addEdge("a", END).addEdge("b", END)
      .compile({ checkpointer: new MemorySaver() });
    const out: any = await g.invoke(INPUT, { configurable: { thread_id: tid("par") } });
    expect(judged.filter(mentionsRome)).toHaveLength(1);
    expect(out.claims.filter((c: any) => mentionsRome(c.text))).toEqual([]);
  });
});

describe("the ledger persists in the thread", () => {
  // LIMIT (narrowed in docs/guard.md, "What the ledger does not reach"; kept as an expected failure): with onExhausted "fail" the handoff throws GuardExhaustedError and no guard record reaches the parent,
  // so the thread forgets the red verdict: the next run on the same thread sends the falsehood to the judge again
  // and commits its lucky yellow. The doc promises the ledger is per thread and survives resumes.
  it.fails("after a handoff that failed (onExhausted \"fail\"), the next run on the same thread still remembers the red claim", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const src = source(() => ({ claims: [claim("a", ROME, { value: "Rome" })] }));
    const g = chain([["a", src.producer, { onExhausted: "fail" }]], judge).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: tid("fail") } };
    await expect(g.invoke(INPUT, config)).rejects.toMatchObject({ name: "GuardExhaustedError" });
    expect(judged).toHaveLength(1);
    const again: any = await g.invoke(INPUT, config).catch((e) => e);
    expect(judged).toHaveLength(1);
    expect((again?.claims ?? []).filter((c: any) => mentionsRome(c.text))).toEqual([]);
  });

  it("is per thread: another thread judges the same claim afresh", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const src = source(() => ({ claims: [claim("a", ROME)] }));
    const g = chain([["a", src.producer, { onExhausted: "degrade" }]], judge).compile({ checkpointer: new MemorySaver() });
    await g.invoke(INPUT, { configurable: { thread_id: tid("t1") } });
    expect(judged).toHaveLength(1);
    const out: any = await g.invoke(INPUT, { configurable: { thread_id: tid("t2") } });
    expect(judged).toHaveLength(2);
    expect(verdicts(out.guardRecords[0])[0]).toEqual(["yellow"]);
  });
});
