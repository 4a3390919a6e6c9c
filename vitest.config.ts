import { defineConfig } from "vitest/config";

import { fileURLToPath } from "node:url";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and README snippets import the public subpaths; tests run them against source.
    alias: [
      { find: /^langgraph-firebreak$/, replacement: here("./src/index.ts") },
      { find: /^langgraph-firebreak\/nodes$/, replacement: here("./nodes/index.ts") },
      { find: /^langgraph-firebreak\/checkpointers$/, replacement: here("./checkpointers/index.ts") },
      { find: /^langgraph-firebreak\/tracing$/, replacement: here("./src/tracing/index.ts") },
      { find: /^langgraph-firebreak\/chaos$/, replacement: here("./src/chaos/index.ts") },
      { find: /^langgraph-firebreak\/testing$/, replacement: here("./src/testing/index.ts") },
      { find: /^langgraph-firebreak\/breaker\/middleware$/, replacement: here("./src/breaker/middleware.ts") },
    ],
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
