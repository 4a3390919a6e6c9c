import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { analyzeRelayDepth, analyzeTopology, createTopology, extractTopology, firebreakRole } from "../../src/index.js";

const State = Annotation.Root({ text: Annotation<string> });
const step = () => ({});

function pipeline(verifierAfter?: number) {
  const names = ["a1", "a2", "a3", "a4", "a5"];
  let b = new StateGraph(State) as StateGraph<typeof State.spec, any, any, string>;
  for (const n of names) b = b.addNode(n, step);
  if (verifierAfter !== undefined) b = b.addNode("check", step, { metadata: firebreakRole("verifier") });
  b.addEdge(START, "a1");
  for (let i = 0; i < names.length - 1; i++) {
    if (verifierAfter === i + 1) {
      b.addEdge(names[i]!, "check");
      b.addEdge("check", names[i + 1]!);
    } else {
      b.addEdge(names[i]!, names[i + 1]!);
    }
  }
  b.addEdge("a5", END);
  return b;
}

function revisionLoop(withVerifier: boolean) {
  const b = new StateGraph(State)
    .addNode("writer", step)
    .addNode("editor", step)
    .addNode("check", step, { metadata: firebreakRole("verifier") })
    .addEdge(START, "writer");
  if (withVerifier) {
    b.addEdge("writer", "check").addConditionalEdges("check", () => END, ["editor", END]).addEdge("editor", "writer");
  } else {
    b.addEdge("writer", "editor")
      .addConditionalEdges("editor", () => END, ["writer", "check"])
      .addEdge("check", END);
  }
  return b;
}

describe("relay depth", () => {
  it("fails a 5-agent pipeline at the default limit of 3, with the chain as the path", () => {
    const relay = analyzeRelayDepth(extractTopology(pipeline()));
    expect(relay).toMatchObject({ limit: 3, depth: 5, ok: false, path: ["a1", "a2", "a3", "a4", "a5"] });
    const finding = analyzeTopology(pipeline()).findings.find((f) => f.code === "RELAY_DEPTH_EXCEEDED");
    expect(finding).toMatchObject({ severity: "error", path: ["a1", "a2", "a3", "a4", "a5"] });
  });

  it("passes the same pipeline with a verifier in the middle", () => {
    const relay = analyzeRelayDepth(extractTopology(pipeline(2)));
    expect(relay).toMatchObject({ depth: 3, ok: true, path: ["a3", "a4", "a5"] });
    expect(analyzeTopology(pipeline(2)).ok).toBe(true);
  });

  it("honours a configured limit", () => {
    expect(analyzeRelayDepth(extractTopology(pipeline()), { maxRelayDepth: 5 }).ok).toBe(true);
    expect(analyzeRelayDepth(extractTopology(pipeline(2)), { maxRelayDepth: 2 }).ok).toBe(false);
  });

  it("calls a revision loop between agents without a verifier unbounded", () => {
    const relay = analyzeRelayDepth(extractTopology(revisionLoop(false)));
    expect(relay.depth).toBe("unbounded");
    expect(relay.ok).toBe(false);
    expect([...relay.path].sort()).toEqual(["editor", "writer"]);
    const f = analyzeTopology(revisionLoop(false)).findings.find((x) => x.code === "RELAY_UNBOUNDED");
    expect(f?.severity).toBe("error");
  });

  it("bounds the revision loop once a verifier sits on it", () => {
    const relay = analyzeRelayDepth(extractTopology(revisionLoop(true)));
    expect(relay).toMatchObject({ depth: 2, ok: true, path: ["editor", "writer"] });
  });

  it("counts a ReAct agent looping through its tools once, as a self-loop", () => {
    const search = tool(async () => "r", { name: "search", description: "s", schema: z.object({ q: z.string() }) });
    const agent = createReactAgent({ llm: new FakeListChatModel({ responses: ["ok"] }), tools: [search] });
    const report = analyzeTopology(agent);
    expect(report.relay).toMatchObject({ depth: 1, ok: true, selfLoops: ["agent"] });
    expect(report.findings.find((f) => f.code === "AGENT_SELF_LOOP")?.node).toBe("agent");
  });

  it("treats tools and routers as pass-through and a guard node as its producer followed by a check", () => {
    const t = createTopology({
      nodes: [
        { id: "route", role: "router" },
        { id: "fetch", role: "tool" },
        { id: "g", role: "verifier", guard: { producer: "g-inner" } },
      ],
      edges: [["a", "route"], ["route", "b"], ["b", "fetch"], ["fetch", "g"], ["g", "c"], ["c", "d"]],
    });
    expect(analyzeRelayDepth(t)).toMatchObject({ depth: 3, path: ["a", "route", "b", "fetch", "g"] });
  });

  it("breaks chains at human gates", () => {
    const t = createTopology({
      nodes: [{ id: "h", role: "human" }],
      edges: [["a", "b"], ["b", "h"], ["h", "c"], ["c", "d"], ["d", "e"]],
    });
    expect(analyzeRelayDepth(t)).toMatchObject({ depth: 3, path: ["c", "d", "e"] });
  });

  it("bounds a supervisor loop whose workers are BICR guard nodes (the guard's own metadata)", () => {
    const guardMeta = (producer: string) => ({
      metadata: { firebreak: { role: "agent", guard: { producer, policy: "balanced", maxAttempts: 3 } } },
    });
    const inner = new StateGraph(State).addNode("produce", step).addEdge(START, "produce").addEdge("produce", END).compile();
    const builder = new StateGraph(State)
      .addNode("supervisor", step, { ends: ["researcher", "writer", END] })
      .addNode("researcher", inner, guardMeta("researcher"))
      .addNode("writer", inner, guardMeta("writer"))
      .addEdge(START, "supervisor")
      .addEdge("researcher", "supervisor")
      .addEdge("writer", "supervisor");
    const report = analyzeTopology(builder);
    expect(report.relay).toMatchObject({ depth: 2, ok: true });
    expect(report.relay.path).toHaveLength(2);
    expect(report.relay.path[0]).toBe("supervisor");
    expect(report.rho).toBeCloseTo(Math.SQRT2, 12);
    expect(report.rhoEffective).toBeCloseTo(Math.sqrt(2 * 0.11), 12);
    expect(report.verdict).toBe("sub-threshold");
    expect(report.ok).toBe(true);
  });
});
