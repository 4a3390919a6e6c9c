/**
 * Shared test helper: small deterministic graphs for checkpointer tests.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

/** State of the linear test graph: `log` appends, `draft` is last-value. */
export const LinearState = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  draft: Annotation<string>({ reducer: (_a, b) => b, default: () => "" }),
});

/** The node names `linearGraph(n)` uses: `n1 … n{n-1}` then `writer`. */
export function linearNodeNames(n: number): string[] {
  return [...Array.from({ length: n - 1 }, (_, i) => `n${i + 1}`), "writer"];
}

/**
 * An uncompiled linear graph `START → n1 → … → writer → END`. Each node appends its name
 * to `log`; node `n1` sets `draft` to "first draft"; `writer` appends `published: <draft>`.
 * `run(name)` is awaited inside every node before it returns (log, block, throw…).
 */
export function linearGraph(n: number, run: (name: string) => unknown | Promise<unknown> = () => {}) {
  const names = linearNodeNames(n);
  // Widened to string: node names are generated, so the builder's literal-union typing
  // cannot follow them.
  const builder = new StateGraph(LinearState) as unknown as StateGraph<typeof LinearState.spec, any, any, string>;
  for (const name of names) {
    builder.addNode(name, async (state: typeof LinearState.State) => {
      await run(name);
      if (name === "n1") return { log: [name], draft: "first draft" };
      if (name === "writer") return { log: [`published: ${state.draft}`] };
      return { log: [name] };
    });
  }
  builder.addEdge(START, names[0]!);
  for (let i = 0; i + 1 < names.length; i++) builder.addEdge(names[i]!, names[i + 1]!);
  builder.addEdge(names[names.length - 1]!, END);
  return builder;
}
