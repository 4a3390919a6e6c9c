/** The three-node graph the checkpointer attacks crash, fault and resume. */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

/** State of {@link abcGraph}: `log` appends. */
export const AbcState = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });

/** What a node of {@link abcGraph} does: append to `log` (and block, count or throw on the way). */
export type AbcNode = () => { log: string[] } | Promise<{ log: string[] }>;

/** The uncompiled graph START → a → b → c → END, each node made by `node(name)`. */
export function abcGraph(node: (name: "a" | "b" | "c") => AbcNode) {
  return new StateGraph(AbcState)
    .addNode("a", node("a"))
    .addNode("b", node("b"))
    .addNode("c", node("c"))
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", "c")
    .addEdge("c", END);
}
