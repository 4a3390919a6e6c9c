/**
 * One helper convention in test/: what tests import lives in a `support/` folder (test/support/
 * for shared helpers, test/<area>/support/ for an area's own); `fixtures/` folders hold only
 * files a test runs or loads by path (child processes, graph modules for the CLI), never imported.
 * And tests mirror source: each folder directly under test/ is named after a source folder, or is
 * one of the cross-cutting folders listed (with the reason) below.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Every file under `dir`, relative to the repository root. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(path, ...walk(path));
    else out.push(path);
  }
  return out;
}

const testFiles = walk("test");

/** Relative import specifiers of a source file (static, re-export and dynamic). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1]!);
  return specifiers.map((s) => relative(root, resolve(dirname(join(root, file)), s)));
}

describe("test helper convention", () => {
  it("has no helpers/ folders and no helpers.ts or fixtures.ts files: helpers live in support/", () => {
    const offenders = testFiles.filter((f) => /(^|\/)(helpers|fixtures)\.(ts|js|mjs)$/.test(f) || /(^|\/)helpers$/.test(f));
    expect(offenders).toEqual([]);
  });

  it("imports nothing from a fixtures/ folder (those files are run or loaded by path)", () => {
    const code = [...testFiles, ...walk("bench"), ...walk("examples")].filter((f) => /\.(ts|mjs|js)$/.test(f));
    const imported = code.flatMap((file) =>
      file.includes("/fixtures/") ? [] : relativeImports(file).filter((target) => target.includes("/fixtures/")).map((target) => `${file} → ${target}`),
    );
    expect(imported).toEqual([]);
  });
});

/**
 * Folders directly under test/ that test no single source folder of the same name, each with why.
 * A new entry needs a reason as good as these; a capability's tests go to test/<its folder>/.
 */
const CROSS_CUTTING: Readonly<Record<string, string>> = {
  "attacks-options": "bad options thrown at every public factory of every capability at once",
  errors: "the error classes and guards of every capability (src/errors.ts re-exports them) and the errors docs/errors.md promises",
  events: "the event catalogue of every capability (src/events.ts, docs/events.md)",
  guard: "nodes/bicr, the BICR guard, under the name the docs use (docs/guard.md); its support/ is shared with test/challenger",
  package: "the published package: exports, subpaths, file layout, this test layout",
  readme: "the README's snippets, run as written",
  studio: "scripts/studio.ts and langgraph.json: the LangGraph Studio set-up",
  support: "helpers shared by several areas (the helper convention above)",
};

/** Source folders a test folder can mirror: src/<x>/, nodes/<x>/, or a top-level package folder <x>/. */
function mirrors(name: string): string[] {
  return [`src/${name}`, `nodes/${name}`, name].filter((dir) => existsSync(join(root, dir)) && statSync(join(root, dir)).isDirectory());
}

describe("tests mirror source", () => {
  const folders = readdirSync(join(root, "test"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

  it("every folder directly under test/ is named after a source folder, or is a listed cross-cutting folder", () => {
    const unmatched = folders.filter((name) => mirrors(name).length === 0 && !(name in CROSS_CUTTING));
    expect(unmatched, "add the tests to the folder named after their source folder, or list the folder in CROSS_CUTTING with why").toEqual([]);
  });

  it("a cross-cutting folder is not also named after a source folder, and every listed one exists", () => {
    expect(Object.keys(CROSS_CUTTING).filter((name) => mirrors(name).length > 0)).toEqual([]);
    expect(Object.keys(CROSS_CUTTING).filter((name) => !folders.includes(name))).toEqual([]);
  });

  it("the challenger's tests are in test/challenger/, not in the guard's folder", () => {
    const guardFiles = walk("test/guard").filter((f) => /(^|\/)challenger\.test\.ts$/.test(f));
    expect(guardFiles).toEqual([]);
    expect(walk("test/challenger").some((f) => f.endsWith(".test.ts"))).toBe(true);
  });
});
