import { makeDirectory } from "./make-directory.js";
import type { Checkpointer, ResolvedCheckpointerOptions } from "./checkpointer.js";
import { checkpointerError, CheckpointerError } from "./checkpointer-error.js";
import { lockDataDir } from "./data-dir-lock.js";
import { FIREBREAK_DURABILITY } from "./durability.js";
import { probeDataDir, toFsCheckpointerError } from "./fs-errors.js";
import { createGuardedPool } from "./guarded-pool.js";
import { ResilientPostgresSaver } from "./resilient-saver.js";
import { leaseTableSql } from "./thread-lease.js";

/** The optional peers of the embedded default, with the ranges `package.json` declares. */
const EMBEDDED_PEERS = "@electric-sql/pglite@~0.5.14 @electric-sql/pglite-socket@~0.2.17";

/**
 * Imports one of the embedded database's optional peer dependencies, turning "not installed"
 * into a `CHECKPOINTER_SETUP` error that names the packages to install (or the alternative:
 * a PostgreSQL server). Any other failure of the import is rethrown as it is.
 */
async function importEmbeddedPeer<T>(specifier: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : "";
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(`'${specifier}'`)) {
      throw checkpointerError(
        "CHECKPOINTER_SETUP",
        `The embedded checkpointer (used when no DATABASE_URL or url is given) needs the optional peer ` +
          `dependency "${specifier}", which is not installed. Run: npm install ${EMBEDDED_PEERS} ` +
          `— or set DATABASE_URL (or pass url) to use a PostgreSQL server.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Opens the embedded default: a file-backed PGlite (PostgreSQL compiled to WebAssembly)
 * served on 127.0.0.1 at an ephemeral port by `@electric-sql/pglite-socket`, to the very
 * same `PostgresSaver` through a pool of **one** connection. PGlite is one session: with
 * more connections, statements of concurrent clients interleave and fail, so parallel
 * threads queue on the pool instead. PGlite is loaded only here, on demand.
 */
export async function openEmbedded(options: ResolvedCheckpointerOptions): Promise<Checkpointer> {
  const { dataDir, schema, connectTimeoutMs, statementTimeoutMs } = options;
  const stops: Array<() => Promise<unknown>> = [];
  let release = () => {};
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
    release();
  };
  let doing = "Creating";
  try {
    makeDirectory(dataDir);
    doing = "Locking";
    release = lockDataDir(dataDir).release;
    doing = "Opening";
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      importEmbeddedPeer("@electric-sql/pglite", () => import("@electric-sql/pglite")),
      importEmbeddedPeer("@electric-sql/pglite-socket", () => import("@electric-sql/pglite-socket")),
    ]);
    const db = await PGlite.create({ dataDir });
    stops.push(() => db.close());
    // maxConnections above the pool's 1 only leaves room for a reconnect to overlap the
    // closing of the previous socket; the pool itself never opens a second session.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
    await server.start();
    stops.push(() => server.stop());
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    const pool = createGuardedPool(
      {
        connectionString: url,
        max: 1,
        // Keep the one session: reconnecting to PGlite costs more than a query.
        idleTimeoutMillis: 0,
        connectionTimeoutMillis: connectTimeoutMs,
      },
      { url, statementTimeoutMs },
    );
    stops.push(() => pool.end());
    const saver = new ResilientPostgresSaver(pool, url, { schema });
    doing = "Setting up";
    await saver.setup();
    await pool.query(leaseTableSql(schema));
    if (options.embeddedByDefault) {
      options.log(
        `langgraph-firebreak: no DATABASE_URL or url given; checkpoints go to the embedded PGlite database at ` +
          `${dataDir} (set DATABASE_URL to use PostgreSQL).`,
      );
    }
    let closed: Promise<void> | undefined;
    return {
      saver,
      onUnavailable: saver.availability.onUnavailable,
      onRecovered: saver.availability.onRecovered,
      backend: "embedded",
      durability: FIREBREAK_DURABILITY,
      schema,
      url,
      dataDir,
      pool,
      describe: () =>
        `embedded PGlite at ${dataDir} (served on ${server.getServerConn()}, schema "${schema}", ` +
        `one connection, durability "${FIREBREAK_DURABILITY}", statements ≤ ${statementTimeoutMs} ms)`,
      close: () => (closed ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw openFailure(error, dataDir, doing);
  }
}

/** Why opening the embedded database failed, as a checkpointer error: the filesystem's reason when there is one. */
function openFailure(error: unknown, dataDir: string, doing: string): CheckpointerError {
  if (error instanceof CheckpointerError) return error;
  const fsError = toFsCheckpointerError(error, dataDir, doing);
  if (fsError) return fsError;
  const probed = probeDataDir(dataDir);
  const probedError = probed && toFsCheckpointerError(Object.assign(probed, { cause: error }), dataDir, doing);
  if (probedError) return probedError;
  return checkpointerError(
    "CHECKPOINTER_SETUP",
    `${doing} the embedded checkpointer database at ${dataDir} failed: ` +
      `${error instanceof Error ? error.message : String(error)}. ` +
      `If it was written by another PGlite version, open it with that version to export it, or point ` +
      `\`dataDir\` elsewhere for a fresh one; or set DATABASE_URL to use a PostgreSQL server.`,
    { cause: error },
  );
}
