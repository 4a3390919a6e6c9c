/**
 * One helper convention in test/: what tests import lives in a `support/` folder (test/support/
 * for shared helpers, test/<area>/support/ for an area's own); `fixtures/` folders hold only
 * files a test runs or loads by path (child processes, graph modules for the CLI), never imported.
 */
import { readdirSync, readFileSync } from "node:fs";
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
