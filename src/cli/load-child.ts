/**
 * Internal: the child process that imports a user's module for `firebreak audit`. Importing runs
 * the user's code, which may throw, call `process.exit`, or never finish; in a child the parent
 * keeps control (timeout, exit code, one message). Reports over IPC, in order: `imported`, then
 * `result` (the extracted topology as JSON data) or `failed` with the stage and cause.
 */
import { extname } from "node:path";
import { pathToFileURL } from "node:url";
import { extractTopology, isExtractableGraph, type ExtractTopologyOptions } from "../topology/index.js";

/** What the parent asks for. */
export interface ChildRequest {
  readonly path: string;
  readonly exportName?: string;
  readonly options: ExtractTopologyOptions;
  /** `"import"`: only check that importing finishes and the export exists. @default "topology" */
  readonly mode?: "topology" | "import";
}

/** Stages at which loading can fail. */
export type LoadStage = "import" | "export" | "call" | "not-graph" | "extract";

/** Messages from the child. */
export type ChildMessage =
  | { readonly type: "imported"; readonly exports: readonly string[] }
  | { readonly type: "result"; readonly exportName: string; readonly topology?: unknown }
  | { readonly type: "failed"; readonly stage: LoadStage; readonly exportName?: string; readonly message: string };

const TS = new Set([".ts", ".mts", ".cts", ".tsx"]);

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Imports a TypeScript module by URL. Through `tsx` when it is installed (an optional peer: it
 * reads every TypeScript syntax and `.js` specifiers that name `.ts` files); otherwise through
 * Node's own type stripping (on by default from Node 22.18 and 23.6: erasable syntax only, and
 * relative imports must name the `.ts` file); otherwise it fails saying what to install. So the
 * package pulls no build tool at run time unless a TypeScript module is loaded on an old Node.
 */
export async function importTypeScript(url: string): Promise<Record<string, unknown>> {
  let tsx: { tsImport: (specifier: string, parent: string) => Promise<unknown> } | undefined;
  try {
    tsx = await import("tsx/esm/api");
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
  }
  if (tsx !== undefined) return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
  if (process.features.typescript) return (await import(url)) as Record<string, unknown>;
  throw new Error(
    `loading a TypeScript module needs the optional peer dependency "tsx" (npm install --save-dev tsx) ` +
      `or Node.js 22.18 or later, whose type stripping is on by default (this is Node.js ${process.versions.node})`,
  );
}

/** Picks the default export, else the only graph exported. */
export function pickExport(mod: Record<string, unknown>): string | undefined {
  if ("default" in mod) return "default";
  const graphs = Object.keys(mod).filter((k) => isExtractableGraph(mod[k]));
  return graphs.length === 1 ? graphs[0] : undefined;
}

async function run(request: ChildRequest): Promise<ChildMessage> {
  const url = pathToFileURL(request.path).href;
  let mod: Record<string, unknown>;
  try {
    mod = TS.has(extname(request.path)) ? await importTypeScript(url) : ((await import(url)) as Record<string, unknown>);
  } catch (error) {
    return { type: "failed", stage: "import", message: `importing it threw: ${reason(error)}` };
  }
  const exports = Object.keys(mod);
  await send({ type: "imported", exports });
  const name = request.exportName ?? pickExport(mod);
  if (name === undefined) {
    const graphs = exports.filter((k) => isExtractableGraph(mod[k]));
    const message = graphs.length === 0
      ? `it exports no graph (exports: ${exports.join(", ") || "none"}); name one with <module>:<export>`
      : `it exports several graphs (${graphs.join(", ")}); name one with <module>:<export>`;
    return { type: "failed", stage: "export", message };
  }
  if (!(name in mod)) {
    return { type: "failed", stage: "export", exportName: name, message: `no such export (exports: ${exports.join(", ") || "none"})` };
  }
  let value = mod[name];
  if (request.mode === "import") return { type: "result", exportName: name };
  if (typeof value === "function" && !isExtractableGraph(value)) {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      return { type: "failed", stage: "call", exportName: name, message: `calling it to build the graph threw: ${reason(error)}` };
    }
  }
  if (!isExtractableGraph(value)) {
    return { type: "failed", stage: "not-graph", exportName: name, message: `${describe(value)} is not a StateGraph, a compiled graph, an agent or a function returning one` };
  }
  try {
    return { type: "result", exportName: name, topology: extractTopology(value, request.options) };
  } catch (error) {
    return { type: "failed", stage: "extract", exportName: name, message: `reading the graph failed: ${reason(error)}` };
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return "a function whose result";
  if (typeof value !== "object") return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? `an instance of ${name}` : "a plain object";
}

if (process.env.FIREBREAK_LOAD_CHILD === "1" && typeof process.send === "function" && process.argv[2] !== undefined) {
  const request = JSON.parse(process.argv[2]) as ChildRequest;
  const message = await run(request);
  await send(message);
  // The module may hold handles open (pools, timers): the answer is sent, so leave now.
  process.exit(0);
}
