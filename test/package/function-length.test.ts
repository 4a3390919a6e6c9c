/**
 * Issue 17: no function over ~80 lines in `src/`, `nodes/`, `checkpointers/`. A long function that
 * builds everything inline is split into named steps, each in the file of its concept. This walks
 * every source file with the TypeScript parser and lists the functions (declarations, methods,
 * arrows, function expressions) whose body spans more than 80 lines.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const LIMIT = 80;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

/** `file:line name (n lines)` for every function longer than LIMIT lines. */
function longFunctions(file: string, text = readFileSync(join(root, file), "utf8")): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const body = node.body as ts.Node;
      const start = sf.getLineAndCharacterOfPosition(body.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(body.getEnd()).line;
      if (end - start + 1 > LIMIT) {
        const name = (node as { name?: ts.Node }).name?.getText(sf) ?? "(anonymous)";
        out.push(`${file}:${start + 1} ${name} (${end - start + 1} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe("function length", () => {
  it(`no function in src/, nodes/ or checkpointers/ is longer than ${LIMIT} lines`, () => {
    const files = ["src", "nodes", "checkpointers"].flatMap(sources);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => longFunctions(file))).toEqual([]);
  });

  it("the check sees a long function, and not one of exactly the limit (it can fail)", () => {
    const fn = (lines: number) => `const probe = () => {\n${Array.from({ length: lines - 2 }, (_, i) => `  const x${i} = ${i};`).join("\n")}\n};`;
    expect(longFunctions("probe.ts", fn(LIMIT + 1))).toEqual([`probe.ts:1 (anonymous) (${LIMIT + 1} lines)`]);
    expect(longFunctions("probe.ts", fn(LIMIT))).toEqual([]);
  });
});
