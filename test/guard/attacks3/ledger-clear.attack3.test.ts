// Promise 2 (continued): the producer cannot clear the red ledger, and it survives updateState,
// forks and resumes. Judges are SCRIPTED stand-ins for a model's judgement.
import { Command, END, MemorySaver, Overwrite, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { claimVerdicts } from "../../../src/claims/index.js";
import { INPUT, MsgState, ROME, claim, luckyJudge, mentionsRome, msgGuard, source, tid, verdicts } from "./world.js";

/** source (guarded) → pause → source …: two rounds in one thread, stopping before `pause`. */
function twoRounds(producer: (s: any, c: any) => unknown, judge: any) {
  let round = 0;
  const g = new StateGraph(MsgState)
    .addNode("source", msgGuard(producer, judge, { onExhausted: "degrade" }))
    .addNode("pause", () => ({ draft: `round ${++round}` }))
    .addEdge(START, "source")
    .addEdge("source", "pause")
    .addConditionalEdges("pause", (s: any) => (s.draft === "round 1" ? "source" : END), ["source", END])
    .compile({ checkpointer: new MemorySaver(), interruptBefore: ["pause"] });
  return g;
}

/** Round 1: the falsehood (red), then a truth. Round 2: the falsehood again, plus whatever `extra` adds. */
function planted(extra: (call: number) => Record<string, unknown> | Command | undefined = () => undefined) {
  let round = 1;
  return source((t) => {
    if ((t.state as { draft?: string }).draft === "round 1") round = 2;
    if (round === 1) return { claims: [claim("source", t.call === 1 ? ROME : "The tower stands in Paris", { value: t.call === 1 ? "Rome" : "Paris" })] };
    const more = extra(t.call);
    if (more instanceof Command) return more;
    return { claims: [claim("source", ROME, { value: "Rome" })], ...(more ?? {}) };
  });
}

describe("the producer cannot clear the ledger", () => {
  it.each([
    ["guardRecords: []", () => ({ guardRecords: [] })],
    ["guardRecords: Overwrite([])", () => ({ guardRecords: new Overwrite([]) })],
    ["a human verdict batch on the red claim's text", () => ({ claims: [claimVerdicts("human", [{ id: "x", status: "green", reason: "approved", evidence: ["e"] }], { fetched: ["e"] })] })],
    ["a Command updating guardRecords", () => new Command({ update: { guardRecords: new Overwrite([]), claims: [claim("source", ROME, { value: "Rome" })] } })],
  ] as const)("%s in round 2's first attempt: blocked, and the later attempts are still ledger-blocked without a judge call", async (_n, extra) => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const src = planted((call) => (call === 3 ? (extra as () => any)() : undefined)); // round 1 used calls 1-2
    const g = twoRounds(src.producer, judge);
    const config = { configurable: { thread_id: tid("clr") } };
    await g.invoke(INPUT, config);
    const out: any = await g.invoke(null, config);
    expect(judged.filter(mentionsRome)).toHaveLength(1);
    expect(out.guardRecords).toHaveLength(2);
    expect(out.guardRecords[1].outcome).toBe("degraded");
    expect(src.turns).toHaveLength(5);
    expect(verdicts(out.guardRecords[1]).slice(1)).toEqual([["red*"], ["red*"]]);
    expect(out.claims.filter((c: any) => mentionsRome(c.text))).toEqual([]);
  });
});

describe("the ledger survives the caller's state operations", () => {
  it("updateState with a plain [] and a fork from the newest checkpoint keep it", async () => {
    for (const how of ["plain", "fork"] as const) {
      const { judge, judged } = luckyJudge(mentionsRome);
      const g = twoRounds(planted().producer, judge);
      const config = { configurable: { thread_id: tid(how) } };
      await g.invoke(INPUT, config);
      let next: any = config;
      if (how === "plain") await g.updateState(config, { guardRecords: [] } as any);
      else {
        const [head] = await (async () => { const h = []; for await (const s of g.getStateHistory(config)) h.push(s); return h; })();
        next = await g.updateState(head!.config, { task: INPUT.task } as any);
      }
      const out: any = await g.invoke(null, next);
      expect([how, judged.filter(mentionsRome).length]).toEqual([how, 1]);
      expect(verdicts(out.guardRecords[1])).toEqual([["red*"], ["red*"], ["red*"]]);
    }
  });

  it("resuming a failed handoff (invoke(null)) re-raises GuardExhaustedError without a new judge call", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const src = source(() => ({ claims: [claim("a", ROME, { value: "Rome" })] }));
    const g = new StateGraph(MsgState).addNode("a", msgGuard(src.producer, judge, { name: "a", onExhausted: "fail" })).addEdge(START, "a").addEdge("a", END).compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: tid("resume") } };
    await expect(g.invoke(INPUT, config)).rejects.toMatchObject({ name: "GuardExhaustedError" });
    await expect(g.invoke(null, config)).rejects.toMatchObject({ name: "GuardExhaustedError" });
    expect(judged).toHaveLength(1);
  });

  it("an escalation (onExhausted \"interrupt\") rejected by the human keeps the ledger for the next handoff", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const src = source(() => ({ claims: [claim("source", ROME, { value: "Rome" })] }));
    const g = new StateGraph(MsgState)
      .addNode("a", msgGuard(src.producer, judge, { name: "a", onExhausted: "interrupt" }))
      .addNode("b", msgGuard(src.producer, judge, { name: "b", onExhausted: "degrade" }))
      .addEdge(START, "a").addEdge("a", "b").addEdge("b", END)
      .compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: tid("esc") } };
    await g.invoke(INPUT, config);
    expect((await g.getState(config)).tasks.some((t) => t.interrupts.length > 0)).toBe(true);
    const out: any = await g.invoke(new Command({ resume: { action: "reject", reason: "scripted human: wrong" } }), config);
    expect(judged).toHaveLength(1);
    expect(out.guardRecords.map((r: any) => r.outcome)).toEqual(["rejected", "degraded"]);
    expect(verdicts(out.guardRecords[1])).toEqual([["red*"], ["red*"], ["red*"]]);
  });

  it("limit (the caller, not the producer): updateState with Overwrite([]) on guardRecords empties the ledger and the falsehood is judged again", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const g = twoRounds(planted().producer, judge);
    const config = { configurable: { thread_id: tid("ow") } };
    await g.invoke(INPUT, config);
    await g.updateState(config, { guardRecords: new Overwrite([]) } as any);
    const out: any = await g.invoke(null, config);
    expect(judged.filter(mentionsRome)).toHaveLength(2);
    expect(out.claims.find((c: any) => mentionsRome(c.text))?.meta?.firebreak?.risk).toBe("high");
  });
});

describe("limits outside the producer (guard records are not sealed)", () => {
  it("limit: the caller (or any unguarded node) appending a forged \"approved\" guard record makes the ledger forget the red claim", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const g = twoRounds(planted().producer, judge);
    const config = { configurable: { thread_id: tid("forge") } };
    const first: any = await g.invoke(INPUT, config);
    const r = first.guardRecords[0];
    const forged = {
      ...JSON.parse(JSON.stringify(r)),
      id: `forged-${r.id}`,
      outcome: "approved",
      // "approved" whose last attempt states the red claim: what a human's approval at an escalation looks like
      attempts: [{ ...r.attempts[0], blocked: true, claims: r.attempts[0].claims }],
    };
    await g.updateState(config, { guardRecords: [forged] } as any); // a plain append, no Overwrite
    const out: any = await g.invoke(null, config);
    expect(judged.filter(mentionsRome)).toHaveLength(2);
    expect(out.claims.find((c: any) => mentionsRome(c.text))?.status).toBe("yellow");
  });
});
