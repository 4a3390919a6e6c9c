import { defineConfig } from "vitest/config";

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { exactly, subpathsOf } from "./test/support/subpaths.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** package.json `exports` is the one list of subpaths; each alias is derived from it (./dist/X.js → ./X.ts). */
const manifest = JSON.parse(readFileSync(here("./package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };

export default defineConfig({
  resolve: {
    // Examples and README snippets import the public subpaths; tests run them against source.
    alias: subpathsOf(manifest).map(({ specifier, source }) => ({ find: exactly(specifier), replacement: here(source) })),
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests share one PostgreSQL server and one machine with 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] },
  },
});
