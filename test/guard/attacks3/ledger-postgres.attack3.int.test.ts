// Promise 2 on real PostgreSQL: the red ledger survives a restart (a new PostgresSaver, a new compiled
// graph) between two handoffs of one thread. Judges are SCRIPTED stand-ins for a model's judgement.
import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { INPUT, MsgState, ROME, claim, luckyJudge, mentionsRome, msgGuard, source, tid, verdicts } from "./world.js";

const savers = usePostgresSavers("fb_atk3_ledger");
const schema = `fb_atk3_ledger_${process.pid}_${Date.now().toString(36)}`;
const saver = async () => (await savers.open(schema)).saver;

/** source (guarded) → pause → source: the second round is entered only when the caller resumes. */
function build(producer: (s: any, c: any) => unknown, judge: any, cp: PostgresSaver) {
  return new StateGraph(MsgState)
    .addNode("source", msgGuard(producer, judge, { onExhausted: "degrade" }))
    .addNode("pause", (s: any) => ({ draft: s.draft === "round 1" ? "round 2" : "round 1" }))
    .addEdge(START, "source")
    .addEdge("source", "pause")
    .addConditionalEdges("pause", (s: any) => (s.draft === "round 1" ? "source" : END), ["source", END])
    .compile({ checkpointer: cp, interruptBefore: ["pause"] });
}

describe("the red ledger on PostgresSaver", () => {
  it("a red claim judged before a restart blocks its re-assertion after it, without a judge call", async () => {
    const { judge, judged } = luckyJudge(mentionsRome);
    const plan = (t: any) => (t.state.draft === "round 1" || t.call === 1 ? { claims: [claim("source", ROME.toUpperCase() + ".", { value: "Rome" })] } : { claims: [claim("source", "The tower stands in Paris", { value: "Paris" })] });
    const config = { configurable: { thread_id: tid("pg") } };
    await build(source(plan).producer, judge, await saver()).invoke(INPUT, config);
    expect(judged.filter(mentionsRome)).toHaveLength(1);
    await savers.closeAll(); // "restart": a new pool, saver and graph
    const restarted = build(source(plan).producer, judge, await saver());
    await restarted.invoke(null, config); // pause → round 2 (stops before pause again)
    const out: any = (await restarted.getState(config)).values;
    expect(judged.filter(mentionsRome)).toHaveLength(1);
    expect(out.guardRecords).toHaveLength(2);
    expect(verdicts(out.guardRecords[1])).toEqual([["red*"], ["red*"], ["red*"]]);
    expect(out.guardRecords[1].attempts[0].claims[0].reasons[0]).toMatch(/repeats red claim \S+ judged in attempt 1 of an earlier handoff on "source"/);
    expect(out.claims.filter((c: any) => mentionsRome(c.text))).toEqual([]);
  });
});
