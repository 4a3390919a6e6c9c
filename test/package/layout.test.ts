import { build, type Metafile } from "esbuild";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { subpathsOf } from "../support/subpaths.js";

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
};

/**
 * Reads the static import graph of an entry point with esbuild's metafile (bare packages
 * stay external, so they show up as import paths without being bundled).
 */
async function importGraph(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
  });
  return result.metafile;
}

/** Every bare package reached by static imports from the entry. */
function staticPackages(meta: Metafile): Set<string> {
  const out = new Set<string>();
  for (const input of Object.values(meta.inputs)) {
    for (const imp of input.imports) {
      if (imp.external && imp.kind === "import-statement") out.add(imp.path);
    }
  }
  return out;
}

const heavy = /^(pg|pg-[a-z]+|ioredis|bullmq|@electric-sql\/.*|@opentelemetry\/.*|@langfuse\/.*|@arizeai\/.*|@langchain\/openai|@langchain\/langgraph-checkpoint-postgres.*)$/;

describe("package layout", () => {
  it("the root import never loads pg, PGlite, OpenTelemetry, Langfuse or OpenAI", async () => {
    const meta = await importGraph("src/index.ts");
    expect(Object.keys(meta.inputs).length).toBeGreaterThan(3);
    expect([...staticPackages(meta)].filter((p) => heavy.test(p))).toEqual([]);
  });

  it("the nodes subpath stays light too", async () => {
    const packages = [...staticPackages(await importGraph("nodes/index.ts"))];
    expect(packages.filter((p) => heavy.test(p))).toEqual([]);
  });

  it("the checkpointers subpath is where pg and PGlite live", async () => {
    const packages = staticPackages(await importGraph("checkpointers/index.ts"));
    expect(packages.has("pg")).toBe(true);
  });

  it("has no import cycles between the package's own files", async () => {
    // Every subpath's source (from package.json exports) and the CLI's entry.
    const entries = [...subpathsOf(manifest).map((s) => s.source.slice(2)), "src/cli/main.ts"];
    const graph = new Map<string, string[]>();
    for (const entry of entries) {
      const meta = await importGraph(entry);
      for (const [file, input] of Object.entries(meta.inputs)) {
        if (file.includes("node_modules")) continue;
        graph.set(file, input.imports.filter((i) => !i.external && !i.path.includes("node_modules")).map((i) => i.path));
      }
    }
    const cycles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
    expect(graph.size).toBeGreaterThan(5);
  });
});
