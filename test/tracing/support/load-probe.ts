// Run by lazy-loading.test.ts in a child process: imports the root, the emitter and the
// tracing subpath, then calls setupTracing with the options given as argv[2] (JSON).
const options = JSON.parse(process.argv[2] ?? "{}") as Record<string, unknown>;
await import("../../../src/index.js");
await import("../../../src/internal/events.js");
const { setupTracing } = await import("../../../src/tracing/index.js");
const handle = await setupTracing(options);
await handle.shutdown();
console.log(JSON.stringify({ enabled: handle.enabled }));
