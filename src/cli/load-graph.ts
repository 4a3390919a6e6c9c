/**
 * Loads the graph named by `<module>:<export>`: a TypeScript module through tsx's
 * `tsImport`, a JavaScript module through `import()`. The export may be a `StateGraph`, a
 * compiled graph, an agent with a `.graph`, or a function returning one of those.
 */
import { existsSync, statSync } from "node:fs";
import { extname, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isExtractableGraph } from "../topology/index.js";
import { UsageError } from "./usage-error.js";

/** A parsed `<module>:<export>` reference. */
export interface GraphReference {
  /** Absolute path of the module. */
  readonly path: string;
  /** Export name; undefined means "the default export, or the only graph exported". */
  readonly exportName?: string;
}

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

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

/** Imports the module and returns the referenced graph. */
export async function loadGraph(ref: GraphReference): Promise<{ graph: unknown; label: string }> {
  const url = pathToFileURL(ref.path).href;
  let mod: Record<string, unknown>;
  try {
    if (TS_EXTENSIONS.has(extname(ref.path))) {
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Could not import ${ref.path}: ${reason}`);
  }
  const name = ref.exportName ?? pickExport(mod, ref.path);
  if (!(name in mod)) {
    throw new UsageError(
      `${ref.path} has no export "${name}". Exports: ${Object.keys(mod).join(", ") || "(none)"}.`,
    );
  }
  let value = mod[name];
  if (typeof value === "function" && !isExtractableGraph(value)) {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`Calling export "${name}" of ${ref.path} to build the graph failed: ${reason}`);
    }
  }
  if (!isExtractableGraph(value)) {
    throw new UsageError(
      `Export "${name}" of ${ref.path} is not a StateGraph, a compiled graph or a function returning one.`,
    );
  }
  const shown = relative(process.cwd(), ref.path);
  return { graph: value, label: `${shown.startsWith("..") ? ref.path : shown}:${name}` };
}

function pickExport(mod: Record<string, unknown>, path: string): string {
  if ("default" in mod) return "default";
  const graphs = Object.keys(mod).filter((k) => isExtractableGraph(mod[k]));
  if (graphs.length === 1) return graphs[0]!;
  throw new UsageError(
    graphs.length === 0
      ? `${path} exports no graph; name one with <module>:<export>.`
      : `${path} exports several graphs (${graphs.join(", ")}); name one with <module>:<export>.`,
  );
}
