/**
 * Loads the graph named by `<module>:<export>`. Importing a module runs its code, which may
 * throw, call `process.exit`, or hang (a top-level await, a timer, a busy loop), so `audit`
 * imports it in a child process with a timeout and receives the extracted topology as data;
 * `chaos`, which must run the graph, first loads it in a child the same way and only then
 * imports it in process. Every failure becomes one {@link UsageError} (exit code 2) naming
 * the module, the export and the cause.
 */
import { fork } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isExtractableGraph, isTopology, type ExtractTopologyOptions, type Topology } from "../topology/index.js";
import { importTypeScript, type ChildMessage, type ChildRequest, type LoadStage } from "./load-child.js";
import { UsageError } from "./usage-error.js";

/** A parsed `<module>:<export>` reference. */
export interface GraphReference {
  /** Absolute path of the module. */
  readonly path: string;
  /** Export name; undefined means "the default export, or the only graph exported". */
  readonly exportName?: string;
}

/** Default time allowed for importing a module and building its graph. */
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
/** Longest load timeout accepted (Node clamps longer timer delays to 1 ms). */
export const MAX_LOAD_TIMEOUT_MS = 600_000;

/** Splits `path/to/module.ts:graph` (the last `:` that is not a Windows drive letter). */
export function parseGraphReference(spec: string, cwd: string): GraphReference {
  const colon = spec.lastIndexOf(":");
  const isDrive = colon === 1 && /^[A-Za-z]$/.test(spec[0]!);
  const [file, exportName] = colon > 0 && !isDrive ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, undefined];
  if (exportName !== undefined && !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new UsageError(`"${exportName}" is not a valid export name in "${spec}"; expected <module>:<export>.`);
  }
  const path = resolve(cwd, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UsageError(`Module not found: ${path} (from "${spec}"). Give a path to a .ts or .js file.`);
  }
  return exportName === undefined ? { path } : { path, exportName };
}

/** `module:export` as shown in messages and report titles (relative to the working directory). */
export function referenceLabel(ref: GraphReference, exportName = ref.exportName): string {
  const shown = relative(process.cwd(), ref.path);
  return `${shown.startsWith("..") ? ref.path : shown}:${exportName ?? "(default)"}`;
}

/** The one message of a failed load: `firebreak: <module>:<export>: <cause>`. */
export function loadError(ref: GraphReference, exportName: string | undefined, cause: string): UsageError {
  return new UsageError(cause, referenceLabel(ref, exportName));
}

const STAGE_HINT: Record<LoadStage, string> = {
  import: "fix the module so that importing it succeeds",
  export: "name the export with <module>:<export>",
  call: "fix the factory function",
  "not-graph": "export a StateGraph, a compiled graph, or a function returning one",
  extract: "report this as a bug with the graph's shape",
};

/** How to start the child: its file, and tsx's loader when running from TypeScript sources. */
function childCommand(): { path: string; execArgv: string[] } {
  // tsx's tsImport adds a query to module URLs: look at the path alone.
  const here = new URL(import.meta.url);
  here.search = "";
  const fromSource = here.pathname.endsWith(".ts");
  const path = fileURLToPath(new URL(fromSource ? "./load-child.ts" : "./load-child.js", here));
  if (!fromSource) return { path, execArgv: [] }; // the built CLI needs no loader (tsx is an optional peer)
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
  return { path, execArgv: ["--import", loader] };
}

/**
 * Imports the module in a child process, reads the export and extracts its topology, within
 * `timeoutMs`. Throws a {@link UsageError} naming module, export and cause otherwise.
 */
export async function loadTopology(
  ref: GraphReference,
  options: ExtractTopologyOptions,
  timeoutMs = DEFAULT_LOAD_TIMEOUT_MS,
): Promise<{ topology: Topology; label: string }> {
  const { topology, exportName } = await runChild(ref, { mode: "topology", options }, timeoutMs);
  if (!isTopology(topology)) throw loadError(ref, exportName, "the loader returned no topology");
  return { topology, label: referenceLabel(ref, exportName) };
}

/**
 * Checks in a child process that importing the module finishes within `timeoutMs` without
 * exiting, and that the export exists; returns the export's name.
 */
export async function probeModule(ref: GraphReference, timeoutMs = DEFAULT_LOAD_TIMEOUT_MS): Promise<string> {
  return (await runChild(ref, { mode: "import", options: {} }, timeoutMs)).exportName;
}

function runChild(
  ref: GraphReference,
  what: Pick<ChildRequest, "mode" | "options">,
  timeoutMs: number,
): Promise<{ topology?: unknown; exportName: string }> {
  const request: ChildRequest = { path: ref.path, ...(ref.exportName ? { exportName: ref.exportName } : {}), ...what };
  const { path, execArgv } = childCommand();
  return new Promise((resolvePromise, reject) => {
    const child = fork(path, [JSON.stringify(request)], {
      execArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, FIREBREAK_LOAD_CHILD: "1" },
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.stdout?.resume();
    let imported = false;
    let settled = false;
    const finish = (error: UsageError | undefined, value?: { topology?: unknown; exportName: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill("SIGKILL");
      if (error) reject(error);
      else resolvePromise(value!);
    };
    const timer = setTimeout(() => {
      const where = imported ? "building the graph" : "importing it";
      finish(loadError(ref, ref.exportName, `${where} did not finish within ${timeoutMs} ms (a top-level await, a timer or a loop that never ends?); raise --load-timeout if it is only slow`));
    }, timeoutMs);
    child.on("message", (message: ChildMessage) => {
      if (message.type === "imported") imported = true;
      else if (message.type === "failed") {
        finish(loadError(ref, message.exportName ?? ref.exportName, `${message.message}; ${STAGE_HINT[message.stage]}.`));
      } else if (message.type === "result") {
        finish(undefined, { topology: message.topology, exportName: message.exportName });
      }
    });
    child.on("error", (error) => finish(loadError(ref, ref.exportName, `could not start the loader: ${error.message}`)));
    child.on("exit", (code, signal) => {
      const where = imported ? "while building the graph" : "during import";
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const detail = lastLine(stderr);
      finish(loadError(ref, ref.exportName, `the module ${how} ${where}, before a graph was read${detail ? ` (${detail})` : ""}; a module must not call process.exit when imported.`));
    });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n").filter((l) => l.trim() !== "");
  return (lines[lines.length - 1] ?? "").slice(0, 300);
}

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

/** Thrown inside the CLI process when an imported module calls `process.exit`. */
class ModuleExitError extends Error {
  constructor(readonly code: unknown) {
    super(`called process.exit(${String(code ?? "")})`);
  }
}

/**
 * Imports a module in this process, after a child process has shown that importing it
 * finishes: `process.exit` is intercepted during the import and a timeout bounds it.
 */
export async function importInProcess(ref: GraphReference, timeoutMs: number): Promise<Record<string, unknown>> {
  const url = pathToFileURL(ref.path).href;
  const exit = process.exit;
  process.exit = ((code?: unknown) => {
    throw new ModuleExitError(code);
  }) as typeof process.exit;
  let timer: NodeJS.Timeout | undefined;
  try {
    const loading = TS_EXTENSIONS.has(extname(ref.path))
      ? importTypeScript(url)
      : (import(url) as Promise<Record<string, unknown>>);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`importing it did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([loading, timeout]);
  } catch (error) {
    throw loadError(ref, ref.exportName, `importing it failed: ${error instanceof Error ? error.message : String(error)}.`);
  } finally {
    clearTimeout(timer);
    process.exit = exit;
  }
}

/** True when the export is a graph or a function (a factory, called later). */
export function isGraphOrFactory(value: unknown): boolean {
  return isExtractableGraph(value) || typeof value === "function";
}
