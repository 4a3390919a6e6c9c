/**
 * The worker's graphs by name: factories are compiled once with the worker's saver, on first
 * use; an unknown name or a graph without a checkpointer fails with `InvalidOptionsError`
 * naming the graph and the known names.
 */
import type { Checkpointer } from "../../checkpointers/checkpointer.js";
import { InvalidOptionsError } from "../internal/options-schema.js";
import { quote } from "../internal/quote.js";
import type { RunGraphEntry, RunnableGraph } from "./options.js";

/** Looks graphs up by name. */
export type GraphRegistry = (name: string) => Promise<RunnableGraph>;

/** Creates the registry of `graphs`. */
export function createGraphRegistry(graphs: Readonly<Record<string, RunGraphEntry>>, saver: Checkpointer["saver"]): GraphRegistry {
  const resolved = new Map<string, Promise<RunnableGraph>>();
  const known = Object.keys(graphs);
  return (name) => {
    const entry = Object.hasOwn(graphs, name) ? graphs[name] : undefined;
    if (entry === undefined) {
      return Promise.reject(
        new InvalidOptionsError("createRunWorker", [{ option: "job.data.graph", received: quote(name), allowed: `one of ${known.map((k) => JSON.stringify(k)).join(", ")}` }], {
          message:
            `createRunWorker: a job asks for graph ${quote(name)}, which this worker does not have (known: ` +
            `${known.map((k) => JSON.stringify(k)).join(", ")}). Add it to graphs, or enqueue with one of those names.`,
        }),
      );
    }
    let graph = resolved.get(name);
    if (!graph) {
      graph = Promise.resolve(typeof entry === "function" ? entry(saver) : entry).then((g) => checkGraph(name, g));
      resolved.set(name, graph);
    }
    return graph;
  };
}

/** A graph the worker can run has `invoke`, `getState` and a checkpointer. */
function checkGraph(name: string, graph: RunnableGraph): RunnableGraph {
  if (typeof graph?.invoke !== "function" || typeof graph.getState !== "function" || typeof graph.checkpointer !== "object" || graph.checkpointer === null) {
    throw new InvalidOptionsError("createRunWorker", [{ option: `graphs.${name}`, received: "a graph without a checkpointer", allowed: "a graph compiled with { checkpointer }" }], {
      message:
        `createRunWorker: graphs.${name} has no checkpointer. Compile it with the worker's saver: ` +
        `graphs: { ${name}: (saver) => builder.compile({ checkpointer: saver }) }.`,
    });
  }
  return graph;
}
