import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createHandoffTool } from "@langchain/langgraph-supervisor";
import { describe, expect, it } from "vitest";
import { createChallenger, guardNodeInPlace, guardRecordsChannel, GuardExhaustedError, type GuardRecord } from "../../nodes/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { scriptedJudge } from "./support/judges.js";

// A swarm-style team: agents hand control to each other with Command.PARENT from their own
// tools, with no supervisor. The agents' models and the judge are scripted (stand-ins for
// models' decisions and judgement); LangGraph, the prebuilt agents and the handoff tools are real.

const State = Annotation.Root({ ...MessagesAnnotation.spec, guardRecords: guardRecordsChannel() });

function swarm(bobSays: (n: number) => string) {
  let bobCalls = 0;
  const alice = createReactAgent({
    name: "alice",
    llm: new ScriptedChatModel({ label: "scripted alice", script: () => ({ text: "", toolCalls: [{ name: "transfer_to_bob", args: {} }] }) }),
    tools: [createHandoffTool({ agentName: "bob" })],
  });
  const bob = createReactAgent({
    name: "bob",
    llm: new ScriptedChatModel({ label: "scripted bob", script: () => bobSays(bobCalls++) }),
    tools: [createHandoffTool({ agentName: "alice" })],
  });
  const builder = new StateGraph(State)
    .addNode("alice", alice, { ends: ["bob"] })
    .addNode("bob", bob, { ends: ["alice"] })
    .addEdge(START, "alice")
    .addEdge("bob", END);
  return { builder, bobCalls: () => bobCalls };
}

const INPUT = { messages: [{ role: "user", content: "What is 0.85^5?" }] };

describe("guarding swarm agents that hand off through their own tools", () => {
  it("a handoff reaches the next agent only after a passing verdict", async () => {
    const team = swarm(() => "0.85^5 = 0.4437");
    guardNodeInPlace(team.builder, "alice", { challenger: createChallenger({ model: scriptedJudge(() => "green") }) });
    const out = await team.builder.compile().invoke(INPUT);
    expect(team.bobCalls()).toBe(1);
    expect(String(out.messages.at(-1)!.content)).toBe("0.85^5 = 0.4437");
    const records = out.guardRecords as GuardRecord[];
    expect(records.map((r) => [r.guard, r.outcome])).toEqual([["alice", "passed"]]);
    expect(records[0]!.attempts[0]!.claims.map((c) => c.kind)).toEqual(["message", "message", "route"]);
  });

  it("a red handoff is held back: the next agent never runs", async () => {
    const team = swarm(() => "0.85^5 = 0.4437");
    guardNodeInPlace(team.builder, "alice", { challenger: createChallenger({ model: scriptedJudge((t) => (t.includes("bob") ? "red" : "green")) }), maxAttempts: 2 });
    await expect(team.builder.compile().invoke(INPUT)).rejects.toBeInstanceOf(GuardExhaustedError);
    expect(team.bobCalls()).toBe(0);
  });

  it("a guarded swarm agent's false answer is blocked and retried before anyone reads it", async () => {
    const team = swarm((n) => (n === 0 ? "0.85^5 = 0.52" : "0.85^5 = 0.4437"));
    guardNodeInPlace(team.builder, "bob", { challenger: createChallenger({ model: scriptedJudge((t) => (t.includes("0.52") ? "red" : "green")) }) });
    const out = await team.builder.compile().invoke(INPUT);
    expect(JSON.stringify(out.messages.map((m) => m.content))).not.toContain("0.52");
    expect((out.guardRecords as GuardRecord[]).map((r) => [r.guard, r.outcome, r.blocked])).toEqual([["bob", "passed", 1]]);
  });
});
