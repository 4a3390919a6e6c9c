/**
 * A `pg.Pool` on which no database fault can crash the process or hang a run.
 *
 * pg-pool removes its idle-client `error` listener while a client is checked out, and the
 * pool's own `error` event covers idle clients only: a server stopped (or a connection cut)
 * during a checkpoint write emits an unhandled `error` on the checked-out client and kills
 * the process. Here every client gets an `error` listener of its own for its whole life
 * (checked out or idle), and a statement deadline: a statement that gets no answer within
 * `statementTimeoutMs` has its connection destroyed with a `CheckpointerError`
 * (`reason: "timeout"`), which pg hands to every statement waiting on it. A client that
 * failed is not queryable any more, so the pool drops it on release and never hands it out.
 *
 * The guard is deliberately cheap (a `refresh()` of one timer per client per statement, no
 * promise wrapping): errors are mapped at the saver's boundary and in `pool.query`.
 */
import pg from "pg";
import type { CheckpointerError } from "./checkpointer-error.js";
import { toCheckpointerError } from "./connection-errors.js";
import { deadlineError } from "./deadline.js";

/** What the guard needs to know: the URL (for messages) and the bound. */
export interface PoolGuard {
  readonly url: string;
  readonly statementTimeoutMs: number;
}

/** pg's internals the watchdog reads (pg 8; `activeQuery` is deprecated in favour of these). */
interface ClientInternals {
  _getActiveQuery?: () => unknown;
  _activeQuery?: unknown;
  _queryQueue?: unknown[];
  connection?: { stream?: { destroy?: (error?: Error) => void } };
}

/** Destroys the socket of a client whose server stopped answering (end() would wait for it). */
export function destroyClient(client: pg.ClientBase, error?: Error): void {
  (client as unknown as ClientInternals).connection?.stream?.destroy?.(error);
}

function busy(client: pg.ClientBase): boolean {
  const c = client as unknown as ClientInternals;
  const active = typeof c._getActiveQuery === "function" ? c._getActiveQuery() : c._activeQuery;
  return Boolean(active) || (c._queryQueue?.length ?? 0) > 0;
}

/** Installs the listener and the deadline on a freshly connected client (once per client). */
function guardClient(client: pg.PoolClient, guard: PoolGuard): void {
  const { url, statementTimeoutMs } = guard;
  let fault: CheckpointerError | undefined;
  // An error on this socket, checked out or idle, must never crash the process; statements
  // waiting on it are rejected by pg with the same error.
  client.on("error", (error: unknown) => {
    fault ??= toCheckpointerError(error, url, "query");
  });
  // Re-armed (refresh) at the start of every statement, so when it fires while the client
  // is still busy, the latest statement has waited statementTimeoutMs without an answer.
  const watchdog = setTimeout(() => {
    if (fault !== undefined || !busy(client)) return;
    fault = deadlineError(url, statementTimeoutMs, "statementTimeoutMs");
    destroyClient(client, fault);
  }, statementTimeoutMs);
  watchdog.unref();
  client.once("end", () => clearTimeout(watchdog));

  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    if (fault !== undefined) {
      const callback = args[args.length - 1];
      if (typeof callback === "function") return void process.nextTick(() => callback(fault));
      return Promise.reject(fault);
    }
    watchdog.refresh();
    return original(...args);
  }) as typeof client.query;
}

/**
 * Creates a pool with the guard on every client it opens. `pool.query` also maps its errors
 * to `CheckpointerError`s; errors of statements on a checked-out client reach the caller as
 * pg raised them (the saver maps them), except a timeout, which is already a `CheckpointerError`.
 */
export function createGuardedPool(config: pg.PoolConfig, guard: PoolGuard): pg.Pool {
  const pool = new pg.Pool(config);
  // Idle clients whose server goes away emit "error" on the pool; the pool drops them and
  // the next checkout connects anew. Without a listener Node would crash the process.
  pool.on("error", () => {});
  pool.on("connect", (client) => guardClient(client, guard));
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) => {
    if (typeof args[args.length - 1] === "function") return query(...args);
    return query(...args).catch((error: unknown) => {
      throw toCheckpointerError(error, guard.url, "query");
    });
  }) as typeof pool.query;
  return pool;
}
