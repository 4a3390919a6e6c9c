import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import type { CheckpointerEvents } from "./availability.js";
import type { FIREBREAK_DURABILITY } from "./durability.js";

/** Which database a checkpointer writes to. */
export type CheckpointerBackend = "postgres" | "embedded";

/** Options of `createCheckpointer`. Every field is optional. */
export interface CreateCheckpointerOptions {
  /**
   * PostgreSQL connection URL (`postgres://user:password@host:port/database`).
   * @default process.env.DATABASE_URL; when neither is set, the embedded default is used
   */
  readonly url?: string;
  /**
   * Forces a backend: `"embedded"` ignores `url` and `DATABASE_URL`; `"postgres"` requires one.
   * @default "postgres" when a URL is known, otherwise "embedded"
   */
  readonly backend?: CheckpointerBackend;
  /**
   * Schema that holds the checkpoint tables; created if missing. Letters, digits and `_`.
   * @default "public"
   */
  readonly schema?: string;
  /**
   * Maximum connections of the PostgreSQL pool. The embedded backend always uses one,
   * because PGlite is a single session: parallel threads queue on it.
   * @default 10
   */
  readonly poolSize?: number;
  /**
   * Directory of the embedded database (created if missing; survives restarts).
   * @default ".firebreak/pglite" under `process.cwd()`
   */
  readonly dataDir?: string;
  /**
   * How long a connection attempt may take before it fails with `CHECKPOINTER_UNREACHABLE`
   * (reason `"timeout"`). At most 2147483647 (2³¹−1 ms), like every `…Ms` option.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long each checkpoint statement (read or write) may wait for the server's answer.
   * Enforced by the client, so it also bounds a stalled network or a pooler that stopped
   * forwarding (a server-side `statement_timeout` cannot): past it the statement rejects with
   * `CHECKPOINTER_UNREACHABLE` (reason `"timeout"`), its connection is destroyed, and the run
   * rejects; the thread stays resumable from its last checkpoint.
   * @default 30000
   */
  readonly statementTimeoutMs?: number;
  /**
   * How long `createCheckpointer` waits for the setup lock another process holds while it
   * migrates the same schema, before it fails with `CHECKPOINTER_SETUP` (reason `"timeout"`).
   * @default 30000
   */
  readonly setupLockTimeoutMs?: number;
  /**
   * Idle time after which TCP keep-alive probes start on each PostgreSQL connection, so a
   * dead peer is noticed by the operating system even when no query is running.
   * @default 10000
   */
  readonly keepAliveMs?: number;
  /**
   * Where the one-line notice goes when the embedded default is chosen because no URL was
   * given (it names the data directory). Pass `() => {}` to silence it.
   * @default a line on stderr
   */
  readonly log?: (line: string) => void;
}

/** A ready (migrated) checkpointer and the means to shut it down. */
export interface Checkpointer extends CheckpointerEvents {
  /**
   * The saver to pass to `compile({ checkpointer })`; its tables already exist. It is a
   * `ResilientPostgresSaver`: a `BranchSafePostgresSaver` (channel versions stay unique across
   * forks, so `rollbackTo` and `updateState` on old checkpoints never lose values) that rejects
   * every database fault as a `CheckpointerError` and repeats a call once when its connection died.
   */
  readonly saver: PostgresSaver;
  /** `"postgres"` for a real server, `"embedded"` for the PGlite default. */
  readonly backend: CheckpointerBackend;
  /** The durability to run with for crash safety (`"sync"`); see `FIREBREAK_DURABILITY`. */
  readonly durability: typeof FIREBREAK_DURABILITY;
  /** The schema that holds the checkpoint tables. */
  readonly schema: string;
  /** The connection URL, password replaced by `***` (embedded: the loopback socket server). */
  readonly url: string;
  /** The embedded data directory (absolute), or `undefined` for PostgreSQL. */
  readonly dataDir: string | undefined;
  /**
   * The `pg` pool the saver uses (guarded: no fault crashes the process, statements are bounded);
   * for your own queries, never `end()` it yourself.
   */
  readonly pool: pg.Pool;
  /** One line for logs: backend, where the data lives, schema and pool size. */
  describe(): string;
  /** Ends the pool and, for the embedded backend, the socket server, PGlite and its lock. Idempotent. */
  close(): Promise<void>;
}

/** Options after defaults are applied. */
export interface ResolvedCheckpointerOptions {
  readonly backend: CheckpointerBackend;
  readonly url: string | undefined;
  readonly schema: string;
  readonly poolSize: number;
  readonly dataDir: string;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly setupLockTimeoutMs: number;
  readonly keepAliveMs: number;
  /** True when the embedded backend was chosen because no URL was given at all. */
  readonly embeddedByDefault: boolean;
  readonly log: (line: string) => void;
}
