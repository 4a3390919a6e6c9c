import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const HEAVY = /node_modules\/(@opentelemetry|@langfuse|@arizeai)\/[^/]+/g;

/** Runs load-probe.ts in a fresh process and returns the heavy packages it resolved. */
async function heavyPackagesLoaded(options: Record<string, unknown>): Promise<{ enabled: boolean; packages: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "firebreak-loads-"));
  const log = join(dir, "loads.txt");
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, FIREBREAK_LOAD_LOG: log };
    for (const key of Object.keys(env)) if (key.startsWith("LANGFUSE_") || key.startsWith("PHOENIX_")) delete env[key];
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "--import", "./test/tracing/support/record-loads.mjs", "test/tracing/support/load-probe.ts", JSON.stringify(options)],
      { env, cwd: process.cwd() },
    );
    const urls = await readFile(log, "utf8");
    const packages = [...new Set([...urls.matchAll(HEAVY)].map((m) => m[0].replace("node_modules/", "")))].sort();
    return { enabled: (JSON.parse(stdout.trim().split("\n").at(-1)!) as { enabled: boolean }).enabled, packages };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("lazy loading", () => {
  it("loads no OpenTelemetry, OpenInference or Langfuse for the root import, the emitter, and setupTracing with nothing configured", async () => {
    const { enabled, packages } = await heavyPackagesLoaded({});
    expect(enabled).toBe(false);
    expect(packages).toEqual([]);
  }, 120_000);

  it("loads the OpenTelemetry SDK and OpenInference only once setupTracing turns a backend on", async () => {
    const { enabled, packages } = await heavyPackagesLoaded({ inMemory: true });
    expect(enabled).toBe(true);
    expect(packages).toEqual(expect.arrayContaining(["@opentelemetry/sdk-trace-node", "@arizeai/openinference-instrumentation-langchain"]));
    expect(packages.filter((p) => p.startsWith("@langfuse"))).toEqual([]);
  }, 120_000);
});
