import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expectTypeOf, it } from "vitest";
import { compileWithFirebreak } from "../../src/index.js";

const State = Annotation.Root({ count: Annotation<number>, label: Annotation<string> });
const builder = new StateGraph(State)
  .addNode("inc", (s) => ({ count: s.count + 1 }))
  .addNode("name", () => ({ label: "x" }))
  .addEdge(START, "inc")
  .addEdge("inc", "name")
  .addEdge("name", END);

describe("compileWithFirebreak types", () => {
  it("keeps the full CompiledStateGraph type of builder.compile()", () => {
    expectTypeOf(compileWithFirebreak(builder)).toEqualTypeOf(builder.compile());
    expectTypeOf(compileWithFirebreak(builder, { checkpointer: new MemorySaver(), maxRelayDepth: 3 })).toEqualTypeOf(
      builder.compile({ checkpointer: new MemorySaver() }),
    );
  });

  it("types node names in interrupt options and invoke results", () => {
    const graph = compileWithFirebreak(builder, { interruptBefore: ["name"] });
    expectTypeOf(graph.invoke).returns.resolves.toEqualTypeOf<{ count: number; label: string }>();
    // @ts-expect-error: "nope" is not a node of this graph
    compileWithFirebreak(builder, { interruptBefore: ["nope"] });
  });
});
