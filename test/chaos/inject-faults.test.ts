import { AIMessage } from "@langchain/core/messages";
import { Annotation, Command, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { afterEach, describe, expect, it, vi } from "vitest";
import { withSemanticBreaker } from "../../src/breaker/index.js";
import {
  injectFaults,
  injectedFaults,
  ProviderFaultError,
  runWithChaos,
  withProviderFaults,
  type Fault,
  type FaultPlan,
} from "../../src/chaos/index.js";
import { claimsChannel, type Claim } from "../../src/claims/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { extractTopology, firebreakRole } from "../../src/topology/index.js";

const TEXT = "The capital of Australia is";
const falsehood: Fault = { kind: "falsehood", text: TEXT, value: "Sydney" };

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  claims: claimsChannel(),
  next: Annotation<string>(),
});
type S = typeof State.State;

/** researcher → reviewer → END, both writing one claim on TEXT and a message. */
function pipeline() {
  const agent = (name: string) => (_state: S) => ({
    claims: [{ text: TEXT, value: "Canberra", origin: { agent: name, source: "model" as const, basedOn: [] }, confidence: 0.8 }],
    messages: [new AIMessage({ name, content: `${name}: Canberra` })],
    next: `${name}-done`,
  });
  return new StateGraph(State)
    .addNode("researcher", agent("researcher"), { metadata: { ...firebreakRole("agent") } })
    .addNode("reviewer", agent("reviewer"), { metadata: { ...firebreakRole("verifier") } })
    .addEdge(START, "researcher")
    .addEdge("researcher", "reviewer")
    .addEdge("reviewer", END);
}

const claimsBy = (state: S, node: string): Claim[] => state.claims.filter((c) => c.origin.agent === node);

afterEach(() => {
  vi.useRealTimers();
});

describe("injectFaults", () => {
  it("plants a tainted falsehood in place of the node's own claim and leaves the original builder untouched", async () => {
    const builder = pipeline();
    const faulty = injectFaults(builder, { targets: "researcher", fault: falsehood });
    const { result, run } = await runWithChaos(1, () => faulty.compile().invoke({ messages: [] }));
    const planted = claimsBy(result, "researcher");
    expect(planted).toHaveLength(1);
    expect(planted[0]).toMatchObject({ value: "Sydney", taint: ["chaos"] });
    // The rest of the node's update is kept.
    expect(result.messages.map((m) => m.content)).toEqual(["researcher: Canberra", `${TEXT} Sydney`, "reviewer: Canberra"]);
    expect(run.events).toEqual([
      expect.objectContaining({ node: "researcher", kind: "falsehood", call: 0, fired: true, taint: "chaos", claimIds: [planted[0]!.id] }),
    ]);
    const clean = await builder.compile().invoke({ messages: [] });
    expect(clean.claims.every((c) => c.taint === undefined && c.value === "Canberra")).toBe(true);
  });

  it("keeps node metadata, so the topology of the faulty graph is the original's", () => {
    const builder = pipeline();
    const faulty = injectFaults(builder, { targets: "researcher", fault: falsehood });
    expect(extractTopology(faulty)).toEqual(extractTopology(builder));
    expect(injectedFaults(faulty)).toEqual([expect.objectContaining({ label: "falsehood", nodes: ["researcher"] })]);
    expect(injectedFaults(builder)).toEqual([]);
  });

  it("resolves targets by role and by the principal eigenvector", () => {
    // hub ⇄ a, hub ⇄ b, hub ⇄ c: the hub has the largest eigenvector entry.
    const noop = () => ({});
    const star = new StateGraph(State)
      .addNode("hub", noop)
      .addNode("a", noop)
      .addNode("b", noop)
      .addNode("c", noop, { metadata: { ...firebreakRole("verifier") } })
      .addEdge(START, "hub")
      .addConditionalEdges("hub", () => END, ["a", "b", "c", END])
      .addEdge("a", "hub")
      .addEdge("b", "hub")
      .addEdge("c", "hub");
    const nodesOf = (plan: FaultPlan) => injectedFaults(injectFaults(star, plan))[0]!.nodes;
    expect(nodesOf({ targets: "hub", fault: falsehood })).toEqual(["hub"]);
    expect(nodesOf({ targets: "leaf", fault: falsehood })).toEqual(["b"]);
    expect(nodesOf({ targets: { role: "verifier" }, fault: falsehood })).toEqual(["c"]);
    expect(nodesOf({ targets: [{ node: "a" }, "c"], fault: falsehood })).toEqual(["a", "c"]);
  });

  it("names the graph's nodes when a target is unknown", () => {
    expect(() => injectFaults(pipeline(), { targets: "writer", fault: falsehood })).toThrow(
      /"writer" is not a node of the graph; nodes: researcher, reviewer/,
    );
    expect(() => injectFaults(pipeline(), { targets: { role: "human" }, fault: falsehood })).toThrow(/matches no node/);
  });

  it("fires on the first call by default, on every call when asked, and with the planned probability per seed", async () => {
    const loop = new StateGraph(State)
      .addNode("agent", (s: S) => ({
        claims: [{ text: TEXT, value: "Canberra", origin: { agent: "agent", source: "model" as const, basedOn: [] }, confidence: 0.8 }],
        next: String(s.claims.length),
      }))
      .addEdge(START, "agent")
      .addConditionalEdges("agent", (s: S) => (s.claims.length < 4 ? "agent" : END), ["agent", END]);
    const fired = async (plan: Omit<FaultPlan, "targets" | "fault">, seed: number) => {
      const graph = injectFaults(loop, { targets: "agent", fault: falsehood, ...plan }).compile();
      const { run } = await runWithChaos(seed, () => graph.invoke({ messages: [] }));
      return run.events.map((e) => (e.fired ? e.call : -1)).filter((c) => c >= 0);
    };
    expect(await fired({}, 1)).toEqual([0]);
    expect(await fired({ calls: "every" }, 1)).toEqual([0, 1, 2, 3]);
    expect(await fired({ calls: [1, 3] }, 1)).toEqual([1, 3]);
    const draws = await Promise.all(Array.from({ length: 40 }, (_, seed) => fired({ calls: "every", probability: 0.5 }, seed)));
    const total = draws.reduce((n, d) => n + d.length, 0);
    expect(total).toBeGreaterThan(50);
    expect(total).toBeLessThan(110);
    expect(await fired({ calls: "every", probability: 0.5 }, 7)).toEqual(draws[7]);
  });

  it("plants a contradiction as two tainted claims with different answers", async () => {
    const graph = injectFaults(pipeline(), { targets: "researcher", fault: { kind: "contradiction", text: TEXT, values: ["Sydney", "Perth"] } }).compile();
    const { result } = await runWithChaos(1, () => graph.invoke({ messages: [] }));
    expect(claimsBy(result, "researcher").map((c) => [c.value, c.taint])).toEqual([
      ["Sydney", ["chaos"]],
      ["Perth", ["chaos"]],
    ]);
  });

  it("makes off-schema output that the claims channel rejects whole", async () => {
    const graph = injectFaults(pipeline(), { targets: "researcher", fault: { kind: "malformed" } }).compile();
    await expect(runWithChaos(1, () => graph.invoke({ messages: [] }))).rejects.toMatchObject({ code: "INVALID_CLAIM" });
  });

  it("replaces claims and message text with noise for garbage output, and drops the update for empty output", async () => {
    const garbage = injectFaults(pipeline(), { targets: "researcher", fault: { kind: "malformed", shape: "garbage" } }).compile();
    const { result } = await runWithChaos(1, () => garbage.invoke({ messages: [] }));
    expect(claimsBy(result, "researcher")).toEqual([]);
    const said = result.messages.find((m) => m.name === "researcher")!;
    expect(said.content).toMatch(/^[^A-Za-z]{48}$/);

    const empty = injectFaults(pipeline(), { targets: "researcher", fault: { kind: "empty" } }).compile();
    const { result: after } = await runWithChaos(1, () => empty.invoke({ messages: [] }));
    expect(claimsBy(after, "researcher")).toEqual([]);
    expect(after.next).toBe("reviewer-done");
  });

  it("rewrites the update inside a Command and keeps its goto", async () => {
    const graph = new StateGraph(State)
      .addNode(
        "router",
        () =>
          new Command({
            goto: "sink",
            update: { claims: [{ text: TEXT, value: "Canberra", origin: { agent: "router", source: "model" as const, basedOn: [] }, confidence: 0.8 }] },
          }),
        { ends: ["sink"] },
      )
      .addNode("sink", () => ({ next: "sunk" }))
      .addEdge(START, "router");
    const faulty = injectFaults(graph, { targets: "router", fault: falsehood }).compile();
    const { result } = await runWithChaos(1, () => faulty.invoke({ messages: [] }));
    expect(result.next).toBe("sunk");
    expect(claimsBy(result, "router").map((c) => c.value)).toEqual(["Sydney"]);
  });

  it("delays a node by the planned latency", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const graph = injectFaults(pipeline(), { targets: "reviewer", fault: { kind: "latency", ms: 5_000 } }).compile();
    let done = false;
    const running = runWithChaos(1, () => graph.invoke({ messages: [] })).then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(4_900);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    const { run } = await running;
    expect(done).toBe(true);
    expect(run.events).toEqual([expect.objectContaining({ node: "reviewer", kind: "latency:5000ms", fired: true, note: "delayed 5000 ms" })]);
  });
});

describe("provider faults", () => {
  function modelGraph(model: ScriptedChatModel | ReturnType<typeof withProviderFaults> | ReturnType<typeof withSemanticBreaker>) {
    return new StateGraph(State)
      .addNode("writer", async (s: S) => ({ messages: [await model.invoke(s.messages)] }))
      .addEdge(START, "writer")
      .addEdge("writer", END);
  }

  it("throws errors shaped like the openai SDK's from a wrapped model at the target node", async () => {
    const model = withProviderFaults(new ScriptedChatModel({ script: ["fine"] }));
    const graph = injectFaults(modelGraph(model), { targets: "writer", fault: { kind: "provider-error", error: "429" } }).compile();
    const error = await runWithChaos(1, () => graph.invoke({ messages: [] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderFaultError);
    expect(error).toMatchObject({ status: 429, name: "RateLimitError", lc_error_code: "MODEL_RATE_LIMIT", headers: { "retry-after": "1" } });
    // Outside the faulty node call the same model answers.
    await expect(model.invoke("hi")).resolves.toMatchObject({ content: "fine" });
  });

  it("lets a semantic breaker around the faulty model fail over to its fallback", async () => {
    const primary = withProviderFaults(new ScriptedChatModel({ script: ["primary"] }));
    const model = withSemanticBreaker(primary, { fallbacks: [new ScriptedChatModel({ script: ["backup"] })] });
    const graph = injectFaults(modelGraph(model), { targets: "writer", fault: { kind: "provider-error", error: "503" } }).compile();
    const { result, run } = await runWithChaos(1, () => graph.invoke({ messages: [] }));
    expect(result.messages.at(-1)?.content).toBe("backup");
    expect(run.events).toEqual([expect.objectContaining({ kind: "provider-error:503", fired: true })]);
  });

  it("throws from the node itself with via: node, and reports a fault that met no wrapped model", async () => {
    const bare = new ScriptedChatModel({ script: ["fine"] });
    const viaNode = injectFaults(modelGraph(bare), { targets: "writer", fault: { kind: "provider-error", error: "timeout", via: "node" } }).compile();
    await expect(runWithChaos(1, () => viaNode.invoke({ messages: [] }))).rejects.toMatchObject({ name: "APIConnectionTimeoutError" });

    const missed = injectFaults(modelGraph(bare), { targets: "writer", fault: { kind: "provider-error", error: "500" } }).compile();
    const { run } = await runWithChaos(1, () => missed.invoke({ messages: [] }));
    expect(run.events).toEqual([expect.objectContaining({ fired: false, note: expect.stringMatching(/no model wrapped with withProviderFaults/) })]);
  });

  it("fails a seeded fraction of calls by itself with a rate", async () => {
    const model = withProviderFaults(new ScriptedChatModel({ script: ["ok"] }), { rate: 0.3, error: "500", label: "flaky" });
    const outcomes = async (seed: number) =>
      (
        await runWithChaos(seed, async () => {
          const out: string[] = [];
          for (let i = 0; i < 50; i++) out.push(await model.invoke("q").then(() => "ok", (e: { status?: number }) => String(e.status)));
          return out;
        })
      ).result;
    const a = await outcomes(3);
    expect(a.filter((x) => x === "500").length).toBeGreaterThan(5);
    expect(a.filter((x) => x === "500").length).toBeLessThan(25);
    expect(await outcomes(3)).toEqual(a);
  });
});
