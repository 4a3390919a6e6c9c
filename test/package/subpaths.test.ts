/**
 * package.json `exports` is the one list of subpaths. The vitest aliases and the layout test's
 * entries are derived from it (test/support/subpaths.ts); tsconfig.json's paths, the build's
 * include list, the consumer test's peer list and docs/install.md's peer table are checked
 * against it here, so adding or moving a subpath fails until every place agrees.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

import config from "../../vitest.config.js";
import { OPTIONAL_TYPE_PEERS } from "./consumer-spec.js";
import { sourceOfBuilt, subpathsOf } from "../support/subpaths.js";

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const manifest = JSON.parse(readFileSync(root("package.json"), "utf8")) as { name: string; exports: Record<string, unknown>; files: string[] };
const subpaths = subpathsOf(manifest);

/** A tsconfig file read the way tsc reads it (comments allowed). */
function readTsconfig(name: string): { compilerOptions?: { paths?: Record<string, string[]> }; include?: string[]; files?: string[] } {
  const parsed = ts.parseConfigFileTextToJson(name, readFileSync(root(name), "utf8"));
  if (parsed.error) throw new Error(`${name}: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, "\n")}`);
  return parsed.config;
}

describe("subpaths: package.json exports is the one list", () => {
  it("derives a source file from a built entry by one rule, and names the subpath when an entry breaks it", () => {
    expect(sourceOfBuilt("./dist/src/index.js")).toBe("./src/index.ts");
    expect(sourceOfBuilt("./dist/src/breaker/middleware.js")).toBe("./src/breaker/middleware.ts");
    expect(() => sourceOfBuilt("./lib/index.mjs", "./nodes")).toThrow(/exports\["\.\/nodes"\]\.import is "\.\/lib\/index\.mjs".*\.\/dist\/<path>\.js/);
  });

  it("lists the root and every capability subpath, each with types first, then the import", () => {
    expect(subpaths.map((s) => s.subpath)).toContain(".");
    expect(subpaths.length).toBeGreaterThan(5);
    for (const { subpath, built } of subpaths) {
      const entry = manifest.exports[subpath] as Record<string, string>;
      expect(Object.keys(entry), subpath).toEqual(["types", "import"]);
      expect(entry.types, subpath).toBe(built.replace(/\.js$/, ".d.ts"));
    }
  });

  it("builds every subpath from a source file that exists", () => {
    const missing = subpaths.filter((s) => !existsSync(root(s.source))).map((s) => `${s.subpath} → ${s.source}`);
    expect(missing).toEqual([]);
  });

  it("tsconfig.json paths map exactly the exported specifiers to their sources", () => {
    const expected = Object.fromEntries(subpaths.map((s) => [s.specifier, [s.source]]));
    expect(readTsconfig("tsconfig.json").compilerOptions?.paths).toEqual(expected);
  });

  it("the vitest aliases resolve every specifier, and only it, to its source", () => {
    const aliases = config.resolve?.alias as { find: RegExp; replacement: string }[];
    expect(aliases).toHaveLength(subpaths.length);
    for (const { specifier, source } of subpaths) {
      const matching = aliases.filter((a) => a.find.test(specifier));
      expect(matching.map((a) => a.replacement), specifier).toEqual([root(source.slice(2))]);
      expect(aliases.some((a) => a.find.test(`${specifier}/extra`) || a.find.test(`x${specifier}`)), specifier).toBe(false);
    }
  });

  it("the build compiles every subpath's source (tsconfig.build*.json)", () => {
    const core = readTsconfig("tsconfig.build.json").include ?? [];
    const middleware = readTsconfig("tsconfig.build.middleware.json").files ?? [];
    const unbuilt = subpaths
      .map((s) => s.source.slice(2))
      .filter((source) => !middleware.includes(source) && !core.some((folder) => source.startsWith(`${folder}/`)));
    expect(unbuilt).toEqual([]);
  });

  it("the package ships every subpath's built folder and its sources (for source maps)", () => {
    expect(manifest.files).toContain("dist");
    const missing = subpaths
      .map((s) => `${s.source.slice(2).split("/")[0]}/**/*.ts`)
      .filter((glob) => !manifest.files.includes(glob));
    expect(missing).toEqual([]);
  });

  it("the consumer test's optional-peer list names only exported subpaths", () => {
    const exported = new Set(subpaths.map((s) => s.subpath));
    expect(Object.keys(OPTIONAL_TYPE_PEERS).filter((s) => !exported.has(s))).toEqual([]);
  });

  it("docs/install.md's peer table has one row per exported specifier and no other", () => {
    const rows = readFileSync(root("docs/install.md"), "utf8")
      .split("\n")
      .map((line) => /^\| `(langgraph-firebreak[^`]*)` \|/.exec(line)?.[1])
      .filter((s): s is string => s !== undefined);
    expect([...rows].sort()).toEqual(subpaths.map((s) => s.specifier).sort());
  });
});
