import { RunnableLambda } from "@langchain/core/runnables";
import { Annotation, Command, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  claimsChannel,
  claimVerdicts,
  intentChannel,
  InvalidClaimError,
  reduceClaims,
  withWriteContract,
  WriteContractError,
  type Claim,
} from "../../src/index.js";
import { claim, fixedClock } from "./support/builders.js";
import { GUARDED_NODE_KEY } from "../../src/internal/node-name.js";

const State = Annotation.Root({
  intent: intentChannel(),
  claims: claimsChannel(fixedClock),
  answer: Annotation<string>(),
});
type S = typeof State.State;

const seeded = { claims: [] as Claim[] };
const config = (node: string, metadata: Record<string, unknown> = {}) => ({ metadata: { langgraph_node: node, ...metadata } });

async function failure(promise: Promise<unknown>): Promise<WriteContractError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WriteContractError);
  return error as WriteContractError;
}

describe("withWriteContract", () => {
  it("rejects a write to a key outside the contract, naming the node and the key", async () => {
    const graph = new StateGraph(State)
      .addNode(
        "researcher",
        withWriteContract(() => ({ claims: claim("researcher", "x"), answer: "done" }), { allowed: ["claims"] }),
      )
      .addEdge(START, "researcher")
      .addEdge("researcher", END)
      .compile();
    const error = await failure(graph.invoke({}));
    expect(error.code).toBe("WRITE_CONTRACT");
    expect(error.node).toBe("researcher");
    expect(error.key).toBe("answer");
    expect(error.message).toContain('(allowed: "claims")');
  });

  it("fills origin.agent on new claims and refuses claims made in another agent's name", async () => {
    const stamped = withWriteContract(() => ({ claims: [{ text: "X", origin: { source: "model" }, confidence: 0.5 }] as never }), {
      allowed: ["claims"],
    });
    const out = (await stamped(seeded as S, config("analyst"))) as { claims: Claim[] };
    expect(out.claims[0]!.origin.agent).toBe("analyst");

    const forged = withWriteContract(() => ({ claims: claim("researcher", "X") }), { allowed: ["claims"] });
    const error = await failure(forged(seeded as S, config("analyst")));
    expect(error.message).toContain('in the name of "researcher"');
  });

  it("lets a node write a stored claim back unchanged, whoever made it", async () => {
    const state = { claims: reduceClaims([], claim("researcher", "X", { id: "r1" })) };
    const echo = withWriteContract((s: S) => ({ claims: s.claims }), { allowed: ["claims"] });
    await expect(echo(state as S, config("writer"))).resolves.toEqual({ claims: state.claims });
    const copy = withWriteContract((s: S) => ({ claims: JSON.parse(JSON.stringify(s.claims)) as Claim[] }), { allowed: ["claims"] });
    await expect(copy(state as S, config("writer"))).resolves.toEqual({ claims: state.claims });
  });

  it("keeps producers from writing verdicts and makes verifiers sign with their own name", async () => {
    const state = { claims: reduceClaims([], claim("researcher", "X", { id: "r1" })) };
    const verdict = () => ({ claims: claimVerdicts("challenger", [{ id: "r1", status: "green" as const, reason: "ok", evidence: ["doc:1"] }], { fetched: ["doc:1"] }) });
    const sealed = { claims: { ...verdict().claims, seal: expect.objectContaining({ k: expect.any(String), mac: expect.any(String) }) } };

    const producer = await failure(withWriteContract(verdict, { allowed: ["claims"] })(state as S, config("challenger")));
    expect(producer.message).toContain("not a verifier");

    const asVerifier = withWriteContract(verdict, { allowed: ["claims"], role: "verifier" });
    await expect(asVerifier(state as S, config("challenger"))).resolves.toMatchObject(sealed);
    expect((await failure(asVerifier(state as S, config("impostor")))).message).toContain('signed a verdict batch as "challenger"');

    // The role can come from node metadata instead of the contract.
    const byMetadata = withWriteContract(verdict, { allowed: ["claims"] });
    await expect(byMetadata(state as S, config("challenger", { firebreak: { role: "verifier" } }))).resolves.toMatchObject(sealed);
  });

  it("signs verdicts as the running node only: name does not make a verifier, a guarded node signs as itself, nothing is sealed outside a run", async () => {
    const state = { claims: reduceClaims([], claim("researcher", "X", { id: "r1" })) };
    const verdict = () => ({ claims: claimVerdicts("challenger", [{ id: "r1", status: "green" as const, reason: "ok", evidence: ["doc:1"] }], { fetched: ["doc:1"] }) });
    const named = withWriteContract(verdict, { allowed: ["claims"], role: "verifier", name: "challenger" });
    const impostor = await failure(named(state as S, config("sneaky")));
    expect(impostor).toMatchObject({ node: "sneaky", claimId: "r1", verifier: "challenger" });
    expect(impostor.message).toContain("does not make it that verifier");
    // The running node is the verifier: its own name in the contract changes nothing.
    await expect(named(state as S, config("challenger"))).resolves.toMatchObject({ claims: { seal: expect.anything(), versions: [0] } });
    // Inside a guard the running node is the guarded node (GUARDED_NODE_KEY), not the guard's internal stage.
    const plain = withWriteContract(verdict, { allowed: ["claims"], role: "verifier" });
    const guarded = { metadata: { langgraph_node: "produce" }, configurable: { [GUARDED_NODE_KEY]: "challenger" } };
    await expect(plain(state as S, guarded as never)).resolves.toMatchObject({ claims: { seal: expect.anything() } });
    const guardedOther = { metadata: { langgraph_node: "produce" }, configurable: { [GUARDED_NODE_KEY]: "researcher" } };
    expect(await failure(plain(state as S, guardedOther as never))).toMatchObject({ node: "researcher", verifier: "challenger" });
    // Called outside a graph run (no node in the config), a wrapper with a name cannot mint a seal.
    const outside = await failure(named(state as S, {} as never));
    expect(outside.message).toContain("outside a graph run");
  });

  it("checks the claims against the node's input state, so the node itself fails", async () => {
    const node = withWriteContract(() => ({ claims: claim("analyst", "Y", { basedOn: ["ghost"] }) }), { allowed: ["claims"] });
    await expect(node(seeded as S, config("analyst"))).rejects.toBeInstanceOf(InvalidClaimError);
  });

  it("checks Command updates and keeps their routing", async () => {
    const graph = new StateGraph(State)
      .addNode(
        "router",
        withWriteContract(() => new Command({ update: { claims: claim("router", "route to b") }, goto: "b" }), { allowed: ["claims"] }),
        { ends: ["a", "b"] },
      )
      .addNode("a", () => ({ answer: "a" }))
      .addNode("b", () => ({ answer: "b" }))
      .addEdge(START, "router")
      .addEdge("a", END)
      .addEdge("b", END)
      .compile();
    const out = await graph.invoke({});
    expect(out.answer).toBe("b");
    expect(out.claims[0]!.origin.agent).toBe("router");

    const sneaky = withWriteContract(() => new Command({ update: [["answer", "x"]], goto: "b" }), { allowed: ["claims"] });
    expect((await failure(sneaky(seeded as S, config("router")))).key).toBe("answer");
  });

  it("wraps a runnable as well as a function", async () => {
    const runnable = RunnableLambda.from(() => ({ answer: "from a runnable" }));
    const node = withWriteContract(runnable, { allowed: ["claims"], name: "worker" });
    const error = await failure(node(seeded as S, config("ignored")));
    expect(error.node).toBe("worker");
  });

  it("stamps the intent with its writer and names both writers when a second one tries to change it", async () => {
    const saver = new MemorySaver();
    const graph = new StateGraph(State)
      .addNode("planner", withWriteContract(() => ({ intent: "Compare the two offers" }), { allowed: ["intent"] }))
      .addNode("rogue", withWriteContract(() => ({ intent: "Buy the cheaper one now" }), { allowed: ["intent"] }))
      .addEdge(START, "planner")
      .addEdge("planner", "rogue")
      .addEdge("rogue", END)
      .compile({ checkpointer: saver });
    const thread = { configurable: { thread_id: "intent" } };
    const error = await graph.invoke({}, thread).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INTENT_ALREADY_SET", setBy: "planner", attemptedBy: "rogue" });
    expect((error as Error).message).toMatch(/set by node "planner", and node "rogue" tried/);
    const state = await graph.getState(thread);
    expect(state.values.intent).toMatchObject({ text: "Compare the two offers", setBy: "planner" });
    expect(state.next).toEqual(["rogue"]);
  });
});
