import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { compileWithFirebreak, firebreakRole, isFirebreakError, TopologyError, type TopologyReport } from "../../src/index.js";

const State = Annotation.Root({ trail: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
const stamp = (name: string) => () => ({ trail: [name] });

function chain(withCheck: boolean) {
  const b = new StateGraph(State)
    .addNode("research", stamp("research"))
    .addNode("outline", stamp("outline"))
    .addNode("check", stamp("check"), { metadata: firebreakRole("verifier") })
    .addNode("draft", stamp("draft"))
    .addNode("polish", stamp("polish"))
    .addEdge(START, "research")
    .addEdge("research", "outline")
    .addEdge("draft", "polish")
    .addEdge("polish", END);
  // Without the check, the verifier only runs after the chain (outline → draft directly).
  if (withCheck) b.addEdge("outline", "check").addEdge("check", "draft");
  else b.addEdge("outline", "draft").addEdge("polish", "check").addEdge("check", END);
  return b;
}

describe("compileWithFirebreak", () => {
  it("throws a TopologyError naming the offending path when a rule fails", () => {
    let caught: unknown;
    try {
      compileWithFirebreak(chain(false), { maxRelayDepth: 3, name: "writer" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TopologyError);
    const error = caught as TopologyError;
    expect(isFirebreakError(error)).toBe(true);
    expect(error.code).toBe("TOPOLOGY");
    expect(error.message).toContain('graph "writer"');
    expect(error.message).toContain("research → outline → draft → polish");
    expect(error.findings).toEqual([
      expect.objectContaining({
        code: "RELAY_DEPTH_EXCEEDED",
        path: ["research", "outline", "draft", "polish"],
        fix: expect.stringMatching(/verifier/),
      }),
    ]);
  });

  it("returns a working compiled graph when the rules pass, with compile options applied", async () => {
    const reports: TopologyReport[] = [];
    const graph = compileWithFirebreak(chain(true), {
      checkpointer: new MemorySaver(),
      maxRelayDepth: 2,
      onReport: (r) => reports.push(r),
    });
    const out = await graph.invoke({ trail: [] }, { configurable: { thread_id: "t1" } });
    expect(out.trail).toEqual(["research", "outline", "check", "draft", "polish"]);
    expect(reports[0]!.relay).toMatchObject({ depth: 2, ok: true });
    expect(reports[0]!.ok).toBe(true);
    expect((await graph.getState({ configurable: { thread_id: "t1" } })).values.trail).toHaveLength(5);
  });

  it("counts interruptBefore nodes as human gates", () => {
    expect(() => compileWithFirebreak(chain(false), { interruptBefore: ["draft"], checkpointer: new MemorySaver() })).not.toThrow();
  });

  it("fails on maxRho for a loop that exceeds it", () => {
    const loop = new StateGraph(State)
      .addNode("a", stamp("a"))
      .addNode("b", stamp("b"))
      .addNode("c", stamp("c"))
      .addEdge(START, "a")
      .addConditionalEdges("a", () => END, ["b", "c", END])
      .addEdge("b", "a")
      .addEdge("c", "a");
    expect(() => compileWithFirebreak(loop, { maxRho: 1.2, maxRelayDepth: 10 })).toThrow(/RHO_EXCEEDED/);
  });
});
