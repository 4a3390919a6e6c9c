import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpointer, durableConfig, isCheckpointerError } from "../../checkpointers/index.js";
import { dropSchema, postgresBackend, testDatabaseUrl, uniqueName } from "../support/backends.js";
import { runTsChild } from "../support/child-process.js";
import { linearGraph } from "../support/graphs.js";

const openChild = fileURLToPath(new URL("./fixtures/open-child.ts", import.meta.url));
/** PostgresSaver's migrations: one row per migration once setup has run. */
const MIGRATIONS = 5;
const url = testDatabaseUrl();

// Needs a real PostgreSQL server: runs whenever DATABASE_URL is set (.ci/run exports it), skipped
// on a machine without one, where the embedded-backend tests still run.
describe.skipIf(url === undefined)("createCheckpointer on PostgreSQL", () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(url!, s);
  });
  const freshSchema = () => {
    const schema = uniqueName("fbsetup");
    schemas.push(schema);
    return schema;
  };

  it("sets up a fresh schema once when several callers start at the same moment", async () => {
    // Without the advisory lock, 6 concurrent PostgresSaver.setup() calls on a fresh schema
    // failed 25 times out of 30 here (duplicate keys in pg_namespace, pg_type, migrations).
    const schema = freshSchema();
    const cps = await Promise.all(Array.from({ length: 6 }, () => createCheckpointer({ url: url!, schema })));
    const { rows } = await cps[0]!.pool.query(`SELECT count(*)::int AS n FROM "${schema}".checkpoint_migrations`);
    expect(rows[0].n).toBe(MIGRATIONS);
    await Promise.all(cps.map((cp) => cp.close()));
  });

  it("sets up a fresh schema once when several processes start at the same moment", async () => {
    const schema = freshSchema();
    const children = Array.from({ length: 3 }, () =>
      runTsChild(openChild, { FB_OPTIONS: JSON.stringify({ url, schema }) }),
    );
    const results = await Promise.all(children.map((c) => c.exited));
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe(`OK ${MIGRATIONS}`);
    }
  }, 120_000);

  it("is idempotent: reopening a schema keeps its threads", async () => {
    const schema = freshSchema();
    const first = await createCheckpointer({ url: url!, schema, poolSize: 2 });
    expect(first.describe()).toContain(`schema "${schema}", pool of 2`);
    await linearGraph(3).compile({ checkpointer: first.saver }).invoke({ log: [] }, durableConfig("kept"));
    await first.close();
    await first.close(); // a second close is harmless

    const second = await createCheckpointer({ url: url!, schema });
    const state = await linearGraph(3).compile({ checkpointer: second.saver }).getState(durableConfig("kept"));
    expect(state.values.log).toEqual(["n1", "n2", "published: first draft"]);
    await second.close();
  });

  it("never shows a password in url, describe() or errors, whether in user:password@ or ?password=", async () => {
    const schema = freshSchema();
    const withSecrets = new URL(url!);
    withSecrets.username ||= "postgres";
    withSecrets.password = "userinfo-secret";
    withSecrets.searchParams.set("password", "query-secret"); // the CI server trusts: both are ignored
    const cp = await createCheckpointer({ url: withSecrets.toString(), schema });
    try {
      for (const text of [cp.url, cp.describe(), JSON.stringify(cp, (k, v) => (k === "pool" ? undefined : v))]) {
        expect(text).not.toMatch(/userinfo-secret|query-secret/);
      }
      expect(cp.url).toContain(":***@");
      expect(cp.url).toContain("password=***");
      expect(cp.describe()).toContain("statements ≤ 30000 ms");
    } finally {
      await cp.close();
    }
  });

  it("fails within setupLockTimeoutMs, naming the option, while another session holds the setup lock", async () => {
    const schema = freshSchema();
    const holder = new pg.Client({ connectionString: url! });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext($1))", [`langgraph-firebreak:setup:${schema}`]);
      const t0 = Date.now();
      const error = await createCheckpointer({ url: url!, schema, setupLockTimeoutMs: 400 }).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(isCheckpointerError(error, "CHECKPOINTER_SETUP")).toBe(true);
      expect((error as { reason?: string }).reason).toBe("timeout");
      expect((error as Error).message).toContain("setupLockTimeoutMs");
      // Once the other session lets go, setup proceeds.
      await holder.query("SELECT pg_advisory_unlock(hashtext($1))", [`langgraph-firebreak:setup:${schema}`]);
      const cp = await createCheckpointer({ url: url!, schema, setupLockTimeoutMs: 400 });
      await cp.close();
    } finally {
      await holder.end();
    }
  });

  it("uses DATABASE_URL when no url is given", async () => {
    const backend = postgresBackend(url!);
    const storage = backend.isolate();
    const cp = await createCheckpointer({ schema: storage.options.schema! });
    expect(cp.backend).toBe("postgres");
    expect(cp.durability).toBe("sync");
    await cp.close();
    await storage.dispose();
  });
});

describe("createCheckpointer embedded default", () => {
  const root = mkdtempSync(join(tmpdir(), "firebreak-embedded-"));
  const dataDir = join(root, "pglite");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("keeps a thread across a close and reopen of the same data directory", async () => {
    const first = await createCheckpointer({ backend: "embedded", dataDir });
    expect(first.backend).toBe("embedded");
    expect(first.describe()).toContain(`embedded PGlite at ${dataDir}`);
    const graph = linearGraph(3, undefined).compile({ checkpointer: first.saver, interruptBefore: ["writer"] });
    await graph.invoke({ log: [] }, durableConfig("survivor"));
    await first.close();

    const second = await createCheckpointer({ backend: "embedded", dataDir });
    const state = await linearGraph(3)
      .compile({ checkpointer: second.saver, interruptBefore: ["writer"] })
      .getState(durableConfig("survivor"));
    expect(state.values.log).toEqual(["n1", "n2"]);
    expect(state.next).toEqual(["writer"]);
    await second.close();
  }, 120_000);

  it("chosen by default (no URL at all), it says where it writes", async () => {
    const lines: string[] = [];
    const saved = process.env["DATABASE_URL"];
    delete process.env["DATABASE_URL"];
    try {
      const cp = await createCheckpointer({ dataDir, log: (line) => lines.push(line) });
      await cp.close();
    } finally {
      if (saved !== undefined) process.env["DATABASE_URL"] = saved;
    }
    expect(lines).toEqual([expect.stringContaining(`checkpoints go to the embedded PGlite database at ${dataDir}`)]);
  }, 120_000);

  it("refuses a second process on the same data directory with a clear error", async () => {
    const cp = await createCheckpointer({ backend: "embedded", dataDir });
    try {
      const child = runTsChild(openChild, { FB_OPTIONS: JSON.stringify({ backend: "embedded", dataDir }) });
      const result = await child.exited;
      expect(result.stdout).toMatch(/^ERROR CHECKPOINTER_SETUP /);
      expect(result.stdout).toContain(`The embedded checkpointer database at ${dataDir} is in use: process ${process.pid}`);
      expect(result.stdout).toContain("set DATABASE_URL");

      const sameProcess = await createCheckpointer({ backend: "embedded", dataDir }).catch((e: unknown) => e);
      expect(isCheckpointerError(sameProcess, "CHECKPOINTER_SETUP")).toBe(true);
      expect((sameProcess as Error).message).toContain("this process already has it open");
    } finally {
      await cp.close();
    }
    // Once closed, the directory is free again.
    const again = await createCheckpointer({ backend: "embedded", dataDir });
    await again.close();
  }, 120_000);
});
