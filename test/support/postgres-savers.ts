/**
 * Shared test helper: raw `PostgresSaver`s on the shared database, each in a schema of its own,
 * with a 2-connection pool (the whole suite shares one server's max_connections). Pools close
 * after each test, the schemas are dropped after the file.
 *
 * ```ts
 * const savers = usePostgresSavers("fb_mine");
 * const a = await savers.open();           // a new schema
 * const b = await savers.open(a.schema);   // the same schema again, as a new process would
 * ```
 */
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import pg from "pg";
import { afterAll, afterEach } from "vitest";

export const TEST_DATABASE_URL = process.env["DATABASE_URL"]?.trim() || "postgres://postgres@127.0.0.1:5432/test";

/** Opens savers for this file's tests; see the module comment. */
export function usePostgresSavers(prefix: string) {
  const schemas = new Set<string>();
  const open: PostgresSaver[] = [];
  const closeAll = async () => {
    for (const s of open.splice(0)) await s.end().catch(() => undefined);
  };
  afterEach(closeAll);
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
    await client.end();
  });
  return {
    /** Closes every saver opened so far (a "restart": the next `open` is a new pool, as a new process's). */
    closeAll,
    /** A set-up saver on `schema` (a new unique one when omitted). */
    async open(schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`): Promise<{ saver: PostgresSaver; schema: string }> {
      schemas.add(schema);
      const saver = new PostgresSaver(new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 }), undefined, { schema });
      open.push(saver);
      await saver.setup();
      return { saver, schema };
    },
  };
}
