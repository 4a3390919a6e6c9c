/**
 * Options of `createRedisCircuitStore`, validated once with the package's options schema
 * helpers (invalid options throw `InvalidOptionsError` naming the option).
 */
import { z } from "zod";
import { integer, invalidOption, parseOptions, strict, timerMs } from "../../internal/options-schema.js";

/**
 * The part of an ioredis client the store uses: `duplicate(options)`. The store never sends a
 * command on your client; it opens two connections of its own from it (commands and pub/sub),
 * configured to fail fast while Redis is unreachable, whatever your client's settings.
 */
export interface RedisClientLike {
  /** ioredis's `Redis#duplicate(override)`. */
  duplicate(override?: Record<string, unknown>): unknown;
}

/** Options of {@link createRedisCircuitStore}. */
export interface RedisCircuitStoreOptions {
  /**
   * Redis URL (`redis://host:port/db`, `rediss://` for TLS). Give `url` or `client`, not both.
   * @default undefined
   */
  readonly url?: string;
  /**
   * An ioredis client to copy the connection settings from (its `duplicate()` is called twice).
   * @default undefined
   */
  readonly client?: RedisClientLike;
  /**
   * Prefix of every key and of the pub/sub channel. Processes share circuits only under the same
   * prefix; give each application (or test) its own.
   * @default "firebreak:breaker:"
   */
  readonly keyPrefix?: string;
  /**
   * The most a model call ever waits on Redis, in milliseconds: only the half-open probe's claim
   * waits at all (every other command is fire-and-forget). When Redis does not answer in time the
   * call decides on local state.
   * @default 100
   */
  readonly timeoutMs?: number;
  /**
   * How long the process that won the half-open probe holds it. If that process dies mid-probe,
   * another process may probe once the lease expires. Set it above the breaker's `timeoutMs`.
   * @default 150_000
   */
  readonly probeLeaseMs?: number;
  /**
   * Longest wait between reconnection attempts while Redis is unreachable (they start at 50 ms
   * and grow by 50 ms).
   * @default 1_000
   */
  readonly reconnectMaxDelayMs?: number;
}

/** Most milliseconds allowed for `timeoutMs`: it bounds how long a model call can wait on Redis. */
export const MAX_STORE_TIMEOUT_MS = 5_000;

const CONTROL = /[\u0000-\u001f\u007f]/;

const prefix = z
  .string({ error: "a string of 1 to 200 characters without control characters, e.g. \"myapp:breaker:\"" })
  .min(1, { error: "a non-empty string (an empty prefix would mix the circuits with every other key of the database)" })
  .max(200, { error: "at most 200 characters" })
  .refine((s) => !CONTROL.test(s), { error: "no control characters (newlines, tabs, NUL…): keys must stay readable in redis-cli" });

const url = z
  .string({ error: "a Redis URL such as \"redis://127.0.0.1:6379\"" })
  .refine((s) => /^rediss?:\/\/[^\s]+$/.test(s) && URL.canParse(s), { error: "a Redis URL such as \"redis://127.0.0.1:6379\" (redis:// or rediss://)" });

const client = z.custom<RedisClientLike>(
  (v) => typeof v === "object" && v !== null && typeof (v as { duplicate?: unknown }).duplicate === "function",
  { error: "an ioredis client (new Redis(...)): an object with duplicate()" },
);

/** Every option of `createRedisCircuitStore`. */
export const RedisCircuitStoreOptionsSchema = strict({
  url: url.optional(),
  client: client.optional(),
  keyPrefix: prefix.optional(),
  timeoutMs: integer(1, MAX_STORE_TIMEOUT_MS).optional(),
  probeLeaseMs: timerMs({ min: 1 }).optional(),
  reconnectMaxDelayMs: integer(50, 60_000).optional(),
});

/** Options after validation and defaults. @internal */
export interface ResolvedStoreOptions {
  readonly connect: { readonly url: string } | { readonly client: RedisClientLike };
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  readonly probeLeaseMs: number;
  readonly reconnectMaxDelayMs: number;
}

/** Validates and resolves the options. @internal */
export function resolveStoreOptions(input: unknown): ResolvedStoreOptions {
  const where = "createRedisCircuitStore";
  const o = parseOptions(RedisCircuitStoreOptionsSchema, input ?? {}, where);
  if (o.url !== undefined && o.client !== undefined) throw invalidOption(where, "client", "an ioredis client", "either url or client, not both");
  if (o.url === undefined && o.client === undefined) {
    throw invalidOption(where, "url", undefined, 'where Redis is: url (e.g. "redis://127.0.0.1:6379") or client (an ioredis client)');
  }
  return {
    connect: o.url !== undefined ? { url: o.url } : { client: o.client! },
    keyPrefix: o.keyPrefix ?? "firebreak:breaker:",
    timeoutMs: o.timeoutMs ?? 100,
    probeLeaseMs: o.probeLeaseMs ?? 150_000,
    reconnectMaxDelayMs: o.reconnectMaxDelayMs ?? 1_000,
  };
}
