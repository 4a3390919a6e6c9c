/**
 * Small graphs of the worker attack tests, run by workers in the test process so a test can see
 * from the outside how often each node ran and whether two runs of one thread overlapped.
 */
import { Annotation, END, interrupt, type LangGraphRunnableConfig, START, StateGraph } from "@langchain/langgraph";

/** What the graphs observed, per thread. */
export class Observed {
  readonly active = new Map<string, number>();
  /** Most nodes of one thread seen running at once. */
  maxActive = 0;
  readonly runs = new Map<string, number>();
  count(key: string) {
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
    return this.runs.get(key)!;
  }
  async during<T>(config: LangGraphRunnableConfig, body: () => Promise<T>): Promise<T> {
    const thread = String(config.configurable?.thread_id);
    const now = (this.active.get(thread) ?? 0) + 1;
    this.active.set(thread, now);
    this.maxActive = Math.max(this.maxActive, now);
    try {
      return await body();
    } finally {
      this.active.set(thread, (this.active.get(thread) ?? 1) - 1);
    }
  }
}

const State = Annotation.Root({
  task: Annotation<string>(),
  log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  approvedBy: Annotation<string | undefined>(),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const thread = (config: LangGraphRunnableConfig) => String(config.configurable?.thread_id);

/** START → a (applies the task, 100 ms) → b → END. */
export function slowGraph(seen: Observed) {
  return new StateGraph(State)
    .addNode("a", (s, config) => seen.during(config, async () => (await sleep(100), { log: [`a:${s.task}`] })))
    .addNode("b", (_s, config) => seen.during(config, async () => (await sleep(20), { log: ["b"] })))
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", END);
}

/** START → ask (a human gate: interrupt()) → after → END; `after` counts its runs per thread. */
export function gateGraph(seen: Observed) {
  return new StateGraph(State)
    .addNode("ask", (s) => {
      const answer = interrupt({ question: `approve ${s.task}?` }) as { by: string };
      return { approvedBy: answer.by, log: [`approved by ${answer.by}`] };
    })
    .addNode("after", (s, config) => {
      seen.count(`after:${thread(config)}`);
      return { log: [`after ${s.approvedBy}`] };
    })
    .addEdge(START, "ask")
    .addEdge("ask", "after")
    .addEdge("after", END);
}

/** START → a (applies the task) → boom (throws on its first `failures` calls per thread) → END. */
export function flakyGraph(seen: Observed, failures: number) {
  return new StateGraph(State)
    .addNode("a", (s, config) => (seen.count(`a:${thread(config)}`), { log: [`a:${s.task}`] }))
    .addNode("boom", (_s, config) => {
      const n = seen.count(`boom:${thread(config)}`);
      if (n <= failures) throw new Error(`boom #${n} on ${thread(config)}`);
      return { log: ["boom survived"] };
    })
    .addEdge(START, "a")
    .addEdge("a", "boom")
    .addEdge("boom", END);
}
