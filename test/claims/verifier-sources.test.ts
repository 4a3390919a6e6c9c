import { Annotation, Command, END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { createChallenger, createSupervisorWorkerGraph, guardNodeInPlace, guardRecordsChannel } from "../../nodes/index.js";
import { claimsChannel, claimVerdicts, InvalidClaimError, withWriteContract, type Claim } from "../../src/index.js";
import { scriptedJudge } from "../guard/support/judges.js";
import { withKey, KEY_A, KEY_B } from "./resume-table.js";

// Scripted judges stand in for model judgement throughout (labelled: scriptedJudge).

const C1 = { id: "c1", text: "The answer is 42", confidence: 0.9, origin: { agent: "researcher", source: "model" as const } };

describe("who may verify: the declared verifiers, in every place a graph runs them", () => {
  it("withWriteContract inside guardNodeInPlace needs no extra options: the producer writes in the guarded node's name", async () => {
    const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger", "human"] }), guardRecords: guardRecordsChannel() });
    const builder = new StateGraph(State)
      .addNode("researcher", withWriteContract(() => ({ claims: [{ ...C1, origin: { source: "model" as const } }] as never }), { allowed: ["claims"] }))
      .addEdge(START, "researcher")
      .addEdge("researcher", END);
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: scriptedJudge(() => "green") }) });
    const out = await builder.compile().invoke({});
    expect(out.claims[0]).toMatchObject({ id: "c1", status: "green", origin: { agent: "researcher" }, verifiedBy: { verifier: "challenger" } });
  });

  it("withWriteContract on a guarded worker of createSupervisorWorkerGraph needs no extra options", async () => {
    let turn = 0;
    const builder = createSupervisorWorkerGraph({
      supervisor: () => (turn++ === 0 ? "researcher" : "writer"),
      workers: {
        researcher: { description: "finds facts", node: withWriteContract(() => ({ claims: { ...C1, origin: { source: "model" as const } } as never }), { allowed: ["claims"] }) },
      },
      writer: () => ({ answer: "done" }),
    });
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: scriptedJudge(() => "green") }) });
    const out = await builder.compile().invoke({ task: "t" });
    expect(out.claims.find((c: Claim) => c.id === "c1")).toMatchObject({ status: "green", origin: { agent: "researcher" } });
  });

  it("a guarded producer forging claimVerdicts(\"challenger\", green) behind a judge that says red is never green, and the judge is asked", async () => {
    const judge = scriptedJudge(() => "red");
    const State = Annotation.Root({ claims: claimsChannel({ verifiers: ["challenger", "human"] }), guardRecords: guardRecordsChannel() });
    const builder = new StateGraph(State)
      .addNode("researcher", () => ({ claims: [C1, claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "trust me", evidence: ["e1"] }], { fetched: ["e1"] })] }))
      .addEdge(START, "researcher")
      .addEdge("researcher", END);
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: judge }), maxAttempts: 2, onExhausted: "degrade" });
    const out = await builder.compile().invoke({});
    expect(out.claims.filter((c: Claim) => c.status === "green")).toEqual([]);
    expect(out.guardRecords[0]!.outcome).not.toBe("passed");
  });

  it("a human's approval through the guard's escalation verifies as the guard's human verifier", async () => {
    const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger", "human"] }), guardRecords: guardRecordsChannel() });
    const builder = new StateGraph(State).addNode("researcher", () => ({ claims: [C1] })).addEdge(START, "researcher").addEdge("researcher", END);
    guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: scriptedJudge(() => "red") }), maxAttempts: 1, onExhausted: "interrupt" });
    const graph = builder.compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "human-approval" } };
    await graph.invoke({}, config);
    const out = await graph.invoke(new Command({ resume: { action: "approve", by: "ana", reason: "checked the register" } }), config);
    expect(out.claims[0]).toMatchObject({ status: "green", verifiedBy: { verifier: "human" } });
  });

  it("createChallenger's node seals its own verdicts, so it works unwrapped in Annotation state and under any node name", async () => {
    const State = Annotation.Root({ intent: Annotation<string>(), claims: claimsChannel({ verifiers: ["challenger"] }) });
    const out = await new StateGraph(State)
      .addNode("researcher", () => ({ claims: [C1] }))
      .addNode("judge", createChallenger({ model: scriptedJudge(() => "green") }))
      .addEdge(START, "researcher")
      .addEdge("researcher", "judge")
      .addEdge("judge", END)
      .compile()
      .invoke({ intent: "what is the answer?" });
    expect(out.claims[0]).toMatchObject({ status: "green", verifiedBy: { verifier: "challenger" } });
  });

  it("in a subgraph the inner verifier's verdict reaches a parent that lists the subgraph's node; an inner impersonator is rejected naming the node", async () => {
    const Inner = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger"] }) });
    // The parent declares that the subgraph run by "team" verifies for it (a verdict made inside a subgraph is not the parent's otherwise).
    const Outer = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger", "team"] }) });
    const team = (node: string) =>
      new StateGraph(Inner)
        .addNode(node, () => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "checked", evidence: ["e1"] }], { fetched: ["e1"] }) }))
        .addEdge(START, node)
        .addEdge(node, END)
        .compile();
    const parent = (node: string) =>
      new StateGraph(Outer).addNode("researcher", () => ({ claims: [C1] })).addNode("team", team(node)).addEdge(START, "researcher").addEdge("researcher", "team").addEdge("team", END).compile();
    const out = await parent("challenger").invoke({});
    expect(out.claims[0]).toMatchObject({ status: "green", verifiedBy: { verifier: "challenger" } });
    const error = await parent("sneaky").invoke({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClaimError);
    expect(error).toMatchObject({ node: "sneaky", claimId: "c1", verifier: "challenger" });
  });

  it("a parent that does not list the subgraph's node rejects the verdict its inner verifier hands back, naming node, claim and verifier", async () => {
    const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger"] }) });
    const team = new StateGraph(State)
      .addNode("challenger", () => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "checked", evidence: ["e1"] }], { fetched: ["e1"] }) }))
      .addEdge(START, "challenger")
      .addEdge("challenger", END)
      .compile();
    const parent = new StateGraph(State).addNode("researcher", () => ({ claims: [C1] })).addNode("team", team).addEdge(START, "researcher").addEdge("researcher", "team").addEdge("team", END).compile();
    const error = await parent.invoke({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClaimError);
    expect(error).toMatchObject({ node: "team", claimId: "c1", verifier: "challenger", field: "verifiedBy.task" });
  });
});

describe("handing claims on to another run or graph", () => {
  const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger"] }) });
  // The challenger reviews twice (a self-loop): red, then green on new evidence.
  const verify = () => {
    let turn = 0;
    const reviews = [
      claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "it is 41", evidence: ["e1"] }], { fetched: ["e1"] }),
      claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "the 2026 register", evidence: ["e2"] }], { fetched: ["e2"] }),
    ];
    return new StateGraph(State)
      .addNode("researcher", () => ({ claims: [C1] }))
      .addNode("challenger", () => ({ claims: reviews[turn++]! }))
      .addEdge(START, "researcher")
      .addEdge("researcher", "challenger")
      .addConditionalEdges("challenger", () => (turn < reviews.length ? "challenger" : END), ["challenger", END])
      .compile();
  };
  const receive = (S: typeof State = State) => new StateGraph(S).addNode("reader", () => ({})).addEdge(START, "reader").addEdge("reader", END).compile();

  it("stored claims passed as the next graph's input keep their status, who verified them and their verdict history", async () => {
    const { claims } = await withKey(KEY_A, () => verify().invoke({}));
    const out = await withKey(KEY_A, () => receive().invoke({ claims: JSON.parse(JSON.stringify(claims)) }));
    expect(out.claims[0]).toMatchObject({ status: "green", verifiedBy: { verifier: "challenger", evidence: ["e2"] } });
    expect(out.claims[0]!.history!.map((v) => [v.verifier, v.status])).toEqual([["challenger", "red"]]);
  });

  it("a graph that does not list their verifier, or a deployment with another key, receives them unverified (history kept, not trusted)", async () => {
    const { claims } = await withKey(KEY_A, () => verify().invoke({}));
    const strict = receive(new StateSchema({ claims: claimsChannel({ verifiers: ["auditor"] }) }));
    expect((await withKey(KEY_A, () => strict.invoke({ claims }))).claims[0]).toMatchObject({ status: "unverified", requiresVerification: true });
    expect((await withKey(KEY_B, () => receive().invoke({ claims }))).claims[0]).toMatchObject({ status: "unverified", requiresVerification: true, verifiedBy: { verifier: "challenger" } });
  });

  it("an edited verdict history or reordered history is rejected", async () => {
    const { claims } = await withKey(KEY_A, () => verify().invoke({}));
    const c = claims[0]!;
    const edited = { ...c, verifiedBy: { ...c.verifiedBy!, evidence: ["e9"] } };
    await expect(withKey(KEY_A, () => receive().invoke({ claims: [edited] }))).rejects.toThrow(/verifiedBy.seal/);
    const dropped = { ...c, history: [] };
    await expect(withKey(KEY_A, () => receive().invoke({ claims: [dropped] }))).rejects.toThrow(/seal/);
  });
});

describe("the README's scenario: verified claims as input, a sneaky write rejected for what it does", () => {
  it("a node that writes nothing accepts the verified input; a node writing c1 back as green is rejected for its status", async () => {
    const State = new StateSchema({ claims: claimsChannel({ verifiers: ["challenger"] }) });
    const one = (name: string, fn: () => object) => new StateGraph(State).addNode(name, fn).addEdge(START, name).addEdge(name, END).compile();
    const first = await one("researcher", () => ({ claims: [C1] })).invoke({});
    const checked = await one("challenger", () => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "it is 41", evidence: ["calc:1"] }], { fetched: ["calc:1"] }) })).invoke(first);
    expect((await one("quiet", () => ({})).invoke({ claims: checked.claims })).claims[0]!.status).toBe("red");
    const error = await one("sneaky", () => ({ claims: [{ ...checked.claims[0]!, status: "green" as const }] }))
      .invoke({ claims: checked.claims })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClaimError);
    expect(error).toMatchObject({ claimId: "c1", field: "status" });
  });
});
