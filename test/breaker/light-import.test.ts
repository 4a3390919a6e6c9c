import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/breaker");

/** Runtime (non-type) import specifiers reachable from a file, following relative imports. */
function reachable(entry: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
  if (seen.has(entry)) return out;
  seen.add(entry);
  const source = readFileSync(entry, "utf8");
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
    const spec = match[1]!;
    if (spec.startsWith(".")) reachable(resolve(dirname(entry), spec.replace(/\.js$/, ".ts")), seen, out);
    else out.add(spec);
  }
  return out;
}

test("the breaker's root entry loads only the host packages and cockatiel at runtime", () => {
  const packages = [...reachable(resolve(root, "index.ts"))]
    .filter((s) => !s.startsWith("node:")) // Node built-ins cost nothing to load
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]));
  // @langchain/langgraph comes in only through the shared event emitter (src/internal/events.ts,
  // which rethrows LangGraph control flow); the root entry loads it anyway. zod validates the
  // options (the claims channel loads it too). No OTel, pg or langchain.
  expect(new Set(packages)).toEqual(new Set(["@langchain/core", "@langchain/langgraph", "cockatiel", "zod"]));
});

test("the createAgent middleware is the only breaker file that loads langchain", () => {
  expect(reachable(resolve(root, "middleware.ts")).has("langchain")).toBe(true);
  expect(reachable(resolve(root, "index.ts")).has("langchain")).toBe(false);
});
