/**
 * Shared test helper: the checkpointer backends an integration test should run on.
 *
 * ```ts
 * import { checkpointerBackends } from "../support/backends.js";
 *
 * describe.each(checkpointerBackends())("my feature on $name", (backend) => {
 *   let cp: Checkpointer;
 *   beforeAll(async () => { cp = await backend.create(); });
 *   afterAll(() => cp.close()); // also drops the schema / deletes the data directory
 *   it("…", async () => {
 *     const graph = builder.compile({ checkpointer: cp.saver });
 *     await graph.invoke(input, durableConfig(uniqueThreadId()));
 *   });
 * });
 * ```
 *
 * - `postgres` is listed only when `DATABASE_URL` is set (CI sets it; locally
 *   `export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test`). Each `create()` gets a
 *   schema of its own, dropped by `close()`, so parallel test files never collide.
 * - `embedded` is always listed. Each `create()` gets a fresh temporary data directory,
 *   deleted by `close()`. Opening PGlite takes 3–5 s on a fresh directory: open one per file
 *   (in `beforeAll`) and separate tests by thread id, not one per test.
 * - `FIREBREAK_TEST_BACKENDS=embedded` (or `postgres`) restricts the list.
 * - `isolate()` hands out the same isolated storage as *options* without opening it, for
 *   tests that open the checkpointer in a child process; call `dispose()` afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  createCheckpointer,
  type Checkpointer,
  type CheckpointerBackend,
  type CreateCheckpointerOptions,
} from "../../checkpointers/index.js";

/** Isolated storage, not yet opened: pass `options` to `createCheckpointer` (here or in a child). */
export interface IsolatedStorage {
  /** Options that select this backend and this storage only. */
  readonly options: CreateCheckpointerOptions & { readonly backend: CheckpointerBackend };
  /** Drops the schema or deletes the data directory. Idempotent. */
  dispose(): Promise<void>;
}

/** One backend an integration test runs on. */
export interface BackendUnderTest {
  /** `"postgres"` or `"embedded"`; use `$name` in `describe.each` titles. */
  readonly name: CheckpointerBackend;
  /** Reserves isolated storage (a unique schema or a temporary data directory) without opening it. */
  isolate(): IsolatedStorage;
  /**
   * Opens a checkpointer on fresh isolated storage. Its `close()` closes it *and* disposes
   * the storage. `extra` options are merged in (e.g. `poolSize`).
   */
  create(extra?: Partial<CreateCheckpointerOptions>): Promise<Checkpointer>;
}

let counter = 0;

/** A schema or thread id that no other test file, process or run will use. */
export function uniqueName(prefix = "t"): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}_${random}`;
}

/** Drops a schema and everything in it (used by `dispose`, also handy in tests). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

function withCleanup(cp: Checkpointer, storage: IsolatedStorage): Checkpointer {
  let closed: Promise<void> | undefined;
  return {
    ...cp,
    describe: () => cp.describe(),
    close: () =>
      (closed ??= (async () => {
        try {
          await cp.close();
        } finally {
          await storage.dispose();
        }
      })()),
  };
}

function backend(name: CheckpointerBackend, isolate: () => IsolatedStorage): BackendUnderTest {
  return {
    name,
    isolate,
    async create(extra = {}) {
      const storage = isolate();
      try {
        return withCleanup(await createCheckpointer({ ...storage.options, ...extra }), storage);
      } catch (error) {
        await storage.dispose();
        throw error;
      }
    },
  };
}

/** The PostgreSQL URL integration tests use, or `undefined` when none is configured. */
export function testDatabaseUrl(): string | undefined {
  return process.env["DATABASE_URL"]?.trim() || undefined;
}

/** A backend on the real PostgreSQL server (`DATABASE_URL`), each storage a unique schema. */
export function postgresBackend(url: string): BackendUnderTest {
  return backend("postgres", () => {
    const schema = uniqueName("fbtest");
    let disposed: Promise<void> | undefined;
    return {
      options: { backend: "postgres", url, schema },
      dispose: () => (disposed ??= dropSchema(url, schema)),
    };
  });
}

/** The embedded PGlite backend, each storage a fresh temporary data directory. */
export function embeddedBackend(): BackendUnderTest {
  return backend("embedded", () => {
    const root = mkdtempSync(join(tmpdir(), "firebreak-pglite-"));
    return {
      options: { backend: "embedded", dataDir: join(root, "pglite") },
      dispose: async () => rmSync(root, { recursive: true, force: true }),
    };
  });
}

/**
 * The backends to run integration tests on: `postgres` when `DATABASE_URL` is set, and
 * `embedded` always (both filtered by `FIREBREAK_TEST_BACKENDS`, a comma list).
 */
export function checkpointerBackends(): BackendUnderTest[] {
  const only = process.env["FIREBREAK_TEST_BACKENDS"]?.split(",").map((s) => s.trim()).filter(Boolean);
  const url = testDatabaseUrl();
  const all = [...(url ? [postgresBackend(url)] : []), embeddedBackend()];
  return only && only.length > 0 ? all.filter((b) => only.includes(b.name)) : all;
}
