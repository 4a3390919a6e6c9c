import { Annotation, MemorySaver, MessagesAnnotation } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimsChannel } from "../../src/claims/index.js";
import { createChallenger, guardNodeInPlace, guardRecordsChannel, GuardExhaustedError, type GuardRecord } from "../../nodes/index.js";
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from "../breaker/support/fake-openai-server.js";
import { scriptedJudge } from "./support/judges.js";
import { findMark } from "./support/hostile-world.js";

// A real createSupervisor app: the supervisor and two createReactAgent workers are real
// ChatOpenAI models talking to an OpenAI-compatible server on loopback. Only the challenger's
// judgement is scripted (a stand-in for a judging model).

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  claims: claimsChannel({ verifiers: ["challenger", "human"] }),
  guardRecords: guardRecordsChannel(),
});

// Without a claims channel: createSupervisor hands its state schema to the supervisor's own agent
// too, and a subgraph's claims channel cannot yet take verified claims as input (the claims
// trust-boundary issue), so a worker's committed claim would break the supervisor's next turn.
const PlainState = Annotation.Root({ ...MessagesAnnotation.spec, guardRecords: guardRecordsChannel() });

let server: FakeOpenAI;
const tools = (r: RecordedRequest) => ((r.body["tools"] as Array<{ function: { name: string } }> | undefined) ?? []).map((t) => t.function.name);
const said = (r: RecordedRequest) => JSON.stringify(r.body.messages);
const system = (r: RecordedRequest) => String(r.body.messages[0]?.content ?? "");

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());

/** The app; `worker` answers what the math expert says, `final` what the supervisor concludes. */
function app(script: { worker: (n: number) => string; final: (n: number) => string }, stateSchema: typeof State | typeof PlainState = State) {
  let workerCalls = 0;
  let finals = 0;
  server.script((r) => {
    if (system(r).includes("math expert")) return { kind: "good", content: script.worker(workerCalls++) };
    if (tools(r).includes("transfer_to_math_expert")) {
      // The supervisor hands off first, and concludes once the expert has answered.
      if (!said(r).includes("Transferring back to supervisor")) return { kind: "good", content: "", toolCalls: [{ name: "transfer_to_math_expert", args: {} }] };
      return { kind: "good", content: script.final(finals++) };
    }
    return { kind: "good", content: "I only do research." };
  });
  const model = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", configuration: { baseURL: server.baseURL }, maxRetries: 0 });
  const math = createReactAgent({ llm: model(), tools: [], name: "math_expert", prompt: "You are a math expert." });
  const research = createReactAgent({ llm: model(), tools: [], name: "research_expert", prompt: "You are a research expert." });
  return createSupervisor({ agents: [math, research], llm: model(), stateSchema: stateSchema as typeof State, prompt: "You are a team supervisor." });
}

const INPUT = { messages: [{ role: "user", content: "What is 0.85^5?" }] };

describe("guarding a createSupervisor hub and its createReactAgent workers (real ChatOpenAI on loopback)", () => {
  it("the guarded hub hands off after a passing verdict: one guard record per handoff, prose claims written to the channel", async () => {
    const builder = app({ worker: () => "0.85^5 = 0.4437", final: () => "The answer is 0.4437." });
    const judge = scriptedJudge((t) => (t.includes("0.52") ? "red" : "green"));
    guardNodeInPlace(builder, "supervisor", { challenger: createChallenger({ model: judge }), intent: "messages" });
    const out = await builder.compile({ checkpointer: new MemorySaver() }).invoke(INPUT, { configurable: { thread_id: "hub-pass" } });
    const records = out.guardRecords as GuardRecord[];
    // Two handoffs of the supervisor: to the expert, then the conclusion.
    expect(records.map((r) => [r.guard, r.outcome])).toEqual([
      ["supervisor", "passed"],
      ["supervisor", "passed"],
    ]);
    expect(records[0]!.attempts[0]!.claims.map((c) => c.kind)).toEqual(["message", "message", "route"]);
    expect(String(out.messages.at(-1)!.content)).toBe("The answer is 0.4437.");
    // Every committed claim id exists in the channel, and the supervisor's prose is a claim there.
    const ids = new Set(out.claims.map((c) => c.id));
    for (const r of records) for (const id of r.committedClaimIds) expect(ids.has(id)).toBe(true);
    expect(out.claims.map((c) => [c.text, c.status, c.origin.agent])).toContainEqual(["The answer is 0.4437.", "green", "supervisor"]);
  });

  it("a red handoff is held back: the worker never runs, nothing reaches state", async () => {
    const builder = app({ worker: () => "0.85^5 = 0.4437", final: () => "done" });
    const judge = scriptedJudge((t) => (t.includes("math_expert") ? "red" : "green"));
    guardNodeInPlace(builder, "supervisor", { challenger: createChallenger({ model: judge }), maxAttempts: 2, onExhausted: "fail" });
    const before = server.requests.length;
    const graph = builder.compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "hub-red" } };
    const error = await graph.invoke(INPUT, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardExhaustedError);
    const requests = server.requests.slice(before);
    expect(requests.filter((r) => system(r).includes("math expert"))).toHaveLength(0);
    expect(requests.filter((r) => tools(r).includes("transfer_to_math_expert"))).toHaveLength(2);
    const state = await graph.getState(config);
    expect(state.values.messages.map((m: { content: unknown }) => m.content)).toEqual(["What is 0.85^5?"]);
  });

  it("a guarded worker's false answer is blocked and retried; the retry alone reaches the supervisor", async () => {
    const builder = app({ worker: (n) => (n === 0 ? "0.85^5 = 0.52" : "0.85^5 = 0.4437"), final: () => "The answer is 0.4437." }, PlainState);
    const judge = scriptedJudge((t) => (t.includes("0.52") ? "red" : "green"));
    guardNodeInPlace(builder, "math_expert", { challenger: createChallenger({ model: judge }), intent: "messages" });
    const before = server.requests.length;
    const out = await builder.compile().invoke(INPUT);
    const records = out.guardRecords as GuardRecord[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ guard: "math_expert", outcome: "passed", blocked: 1 });
    expect(findMark({ ...out, messages: out.messages.map((m: { content: unknown }) => m.content) })).toEqual([]);
    expect(JSON.stringify(out.messages.map((m: { content: unknown }) => m.content))).not.toContain("0.52");
    // The supervisor never read the blocked answer.
    const supervisorCalls = server.requests.slice(before).filter((r) => tools(r).includes("transfer_to_math_expert"));
    expect(supervisorCalls.map(said).join("")).not.toContain("0.52");
    // No claims channel: the record names no claim ids, only reviewed items (the answer and the handoff back).
    expect(records[0]!.committedClaimIds).toEqual([]);
    expect(records[0]!.attempts[1]!.claims.map((c) => [c.kind, c.verdict])).toEqual([
      ["message", "green"],
      ["message", "green"],
      ["message", "green"],
    ]);
  });
});
