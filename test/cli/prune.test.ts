import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpointer, durableConfig } from "../../checkpointers/index.js";
import { parseDuration, runPrune } from "../../src/cli/prune.js";
import { dropSchema, testDatabaseUrl, uniqueName } from "../support/backends.js";
import { linearGraph } from "../support/graphs.js";

async function prune(argv: string[]) {
  let out = "";
  let err = "";
  const code = await runPrune(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe("firebreak prune: arguments", () => {
  it("prints its help and exits 0", async () => {
    const r = await prune(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: firebreak prune");
  });

  it("exits 2 naming what is missing when no retention rule is given", async () => {
    const r = await prune(["--url", "postgres://u@127.0.0.1:1/db"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Give --keep-last <n>, --idle-ttl <duration>, or both");
  });

  it("exits 2 on a bad duration, an unknown flag or a bad count", async () => {
    expect((await prune(["--idle-ttl", "soon", "--embedded"])).err).toContain('--idle-ttl must be a duration like 30d');
    expect((await prune(["--keep-last", "0", "--embedded"])).code).toBe(2);
    const unknown = await prune(["--keep", "3"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("--keep");
  });

  it("reads durations in ms, s, m, h and d", () => {
    expect(parseDuration("--idle-ttl", "30d")).toBe(30 * 86_400_000);
    expect(parseDuration("--idle-ttl", "90m")).toBe(5_400_000);
    expect(parseDuration("--idle-ttl", "1500")).toBe(1500);
  });

  it("exits 1 with the database error (redacted) when the server cannot be reached", async () => {
    const r = await prune(["--url", "postgres://ops:hunter22@127.0.0.1:1/db?password=hunter33", "--keep-last", "3"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("CHECKPOINTER_UNREACHABLE (refused)");
    expect(r.err).not.toMatch(/hunter2[23]/);
  });
});

// Needs a real PostgreSQL server: runs whenever DATABASE_URL is set (.ci/run exports it).
describe.skipIf(testDatabaseUrl() === undefined)("firebreak prune on PostgreSQL", () => {
  const url = testDatabaseUrl()!;
  const schema = uniqueName("fbprunecli");
  afterAll(() => dropSchema(url, schema));

  it("keeps the last N checkpoints per thread and reports what it deleted, never the password", async () => {
    const cp = await createCheckpointer({ url, schema });
    const thread = uniqueName("cli");
    await linearGraph(5).compile({ checkpointer: cp.saver }).invoke({ log: [] }, durableConfig(thread));
    await cp.close();

    const withSecret = new URL(url);
    withSecret.searchParams.set("password", "s3cr3t-in-query");
    const r = await prune(["--url", withSecret.toString(), "--schema", schema, "--keep-last", "2", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("s3cr3t-in-query");
    const report = JSON.parse(r.out) as { checkpointsDeleted: number; threadsScanned: number; database: string };
    expect(report.checkpointsDeleted).toBeGreaterThan(0);
    expect(report.threadsScanned).toBe(1);
    expect(report.database).toContain("password=***");

    const again = await createCheckpointer({ url, schema });
    const { rows } = await again.pool.query(`SELECT count(*)::int AS n FROM "${schema}".checkpoints WHERE thread_id = $1`, [thread]);
    await again.close();
    expect(rows[0].n).toBe(2);
  });
});

describe("firebreak prune on the embedded database", () => {
  const root = mkdtempSync(join(tmpdir(), "firebreak-prune-cli-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("prunes an embedded data directory", async () => {
    // One PGlite start (seconds): the deletions themselves are tested on both backends in
    // test/checkpointers/prune.int.test.ts; this checks the command's embedded path end to end.
    const dataDir = join(root, "pglite");
    const r = await prune(["--embedded", "--data-dir", dataDir, "--keep-last", "1"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Pruned embedded PGlite at .*pglite \(/);
    expect(r.out).toMatch(/^\s+0 checkpoints, 0 writes, 0 blobs deleted; 0 idle threads removed of 0 scanned$/m);
  }, 120_000);
});
