/**
 * A `pg.Pool` on which no database fault can crash the process or hang a run.
 *
 * pg-pool removes its idle-client `error` listener while a client is checked out, and the
 * pool's own `error` event covers idle clients only: a server stopped (or a connection cut)
 * during a checkpoint write emits an unhandled `error` on the checked-out client and kills
 * the process. Here every checkout gets an `error` listener for exactly as long as it is
 * checked out, every statement has a client-side deadline, and every failure rejects the
 * statement (and so the run using it) with a `CheckpointerError` naming the redacted host.
 * A client that failed or timed out is destroyed on release, never handed out again.
 */
import pg from "pg";
import type { CheckpointerError } from "./checkpointer-error.js";
import { toCheckpointerError } from "./connection-errors.js";
import { deadlineError, withDeadline } from "./deadline.js";

/** What the guard needs to know: the URL (for messages) and the bounds. */
export interface PoolGuard {
  readonly url: string;
  readonly statementTimeoutMs: number;
}

interface Checkout {
  /** The first fault seen on this checkout; later statements reject with it at once. */
  fault: CheckpointerError | undefined;
  readonly onError: (error: unknown) => void;
}

const CHECKOUT = Symbol("firebreak.checkout");
type GuardedClient = pg.PoolClient & { [CHECKOUT]?: Checkout; __firebreakGuarded?: true };

/** Destroys the socket of a client whose server stopped answering (end() would wait for it). */
export function destroyClient(client: pg.ClientBase): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  stream?.destroy?.();
}

function isCallbackStyle(args: unknown[]): boolean {
  const first = args[0] as { submit?: unknown } | undefined;
  return typeof args[args.length - 1] === "function" || typeof first?.submit === "function";
}

/** Wraps `client.query` once per client: deadline, fault short-circuit, error mapping. */
function guardQuery(client: GuardedClient, guard: PoolGuard): void {
  if (client.__firebreakGuarded) return;
  client.__firebreakGuarded = true;
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const guarded = (...args: unknown[]): unknown => {
    if (isCallbackStyle(args)) return original(...args);
    const checkout = client[CHECKOUT];
    if (checkout?.fault) return Promise.reject(checkout.fault);
    const pending = original(...args) as Promise<unknown>;
    return withDeadline(pending, guard.statementTimeoutMs, () => {
      const error = deadlineError(guard.url, guard.statementTimeoutMs, "statementTimeoutMs");
      if (checkout) checkout.fault ??= error;
      destroyClient(client);
      return error;
    }).catch((error: unknown) => {
      if (checkout?.fault) throw checkout.fault;
      const mapped = toCheckpointerError(error, guard.url, "query");
      // A fault of the connection poisons it and is reported as such; a SQL error (missing
      // table, constraint) passes through unchanged: PostgresSaver branches on its `code`,
      // and the saver maps it at its boundary.
      if (mapped.reason === undefined) throw error;
      if (checkout) checkout.fault ??= mapped;
      throw mapped;
    });
  };
  client.query = guarded as typeof client.query;
}

/**
 * Creates a pool with the guard installed. `connect()` and `query()` are promise-only (the
 * callback forms are not used by `PostgresSaver`, and would bypass the guard).
 */
export function createGuardedPool(config: pg.PoolConfig, guard: PoolGuard): pg.Pool {
  const pool = new pg.Pool(config);
  // Idle clients whose server goes away emit "error" on the pool; the pool drops them and
  // the next checkout connects anew. Without a listener Node would crash the process.
  pool.on("error", () => {});
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;

  const guardedConnect = async (): Promise<pg.PoolClient> => {
    let client: GuardedClient;
    try {
      client = await connect();
    } catch (error) {
      throw toCheckpointerError(error, guard.url, "connect");
    }
    const checkout: Checkout = {
      fault: undefined,
      onError: (error) => {
        checkout.fault ??= toCheckpointerError(error, guard.url, "query");
      },
    };
    client[CHECKOUT] = checkout;
    client.on("error", checkout.onError);
    guardQuery(client, guard);
    const release = client.release;
    client.release = (error?: Error | boolean) => {
      client.removeListener("error", checkout.onError);
      if (client[CHECKOUT] === checkout) delete client[CHECKOUT];
      release.call(client, error ?? checkout.fault);
    };
    return client;
  };

  const guardedQuery = async (...args: unknown[]): Promise<unknown> => {
    if (isCallbackStyle(args)) {
      throw new TypeError("langgraph-firebreak: this pool supports promise-style query(text, values) only.");
    }
    const client = await guardedConnect();
    let failure: unknown;
    try {
      return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const fault = (failure as CheckpointerError | undefined)?.reason !== undefined ? (failure as Error) : undefined;
      client.release(fault);
    }
  };

  pool.connect = guardedConnect as typeof pool.connect;
  pool.query = guardedQuery as typeof pool.query;
  return pool;
}
