import type { RunnableConfig } from "@langchain/core/runnables";
import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import { BranchSafePostgresSaver } from "./branch-safe-saver.js";
import { Availability } from "./availability.js";
import { isConnectionLost, toCheckpointerError } from "./connection-errors.js";

/**
 * Runs `operation`; if it failed because an open connection died (a pooler or firewall
 * dropped an idle connection during a long model call, a server restart), runs it once
 * more on a fresh connection. Only for operations that can be repeated without effect.
 */
async function onceMoreIfConnectionLost<T>(operation: () => Promise<T>, url: string): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isConnectionLost(error)) throw toCheckpointerError(error, url, "query");
  }
  try {
    return await operation();
  } catch (error) {
    throw toCheckpointerError(error, url, "query");
  }
}

/** Runs `operation` and reports its outcome to `availability`. */
async function tracked<T>(availability: Availability, operation: () => Promise<T>): Promise<T> {
  try {
    const value = await operation();
    availability.succeeded();
    return value;
  } catch (error) {
    availability.failed(error);
    throw error;
  }
}

/**
 * The saver `createCheckpointer` returns: a {@link BranchSafePostgresSaver} that repeats a
 * read or write once when its connection was lost under it.
 *
 * Repeating is safe because every write of `PostgresSaver` is idempotent: `put` is one
 * transaction of `INSERT … ON CONFLICT DO NOTHING` (blobs, keyed by a version unique to
 * this write) and `INSERT … ON CONFLICT DO UPDATE` with the same values (the checkpoint row);
 * `putWrites` upserts by `(thread, namespace, checkpoint, task, index)`. Whether the lost
 * attempt committed or not, the repeat leaves exactly one copy of each row. Timeouts are
 * not repeated: that would double the bound the caller chose.
 */
export class ResilientPostgresSaver extends BranchSafePostgresSaver {
  readonly #url: string;
  /** Whether the database answers; `onUnavailable` / `onRecovered` listen to it. */
  readonly availability = new Availability();

  /** `url` only names the server in error messages (redacted). */
  constructor(pool: pg.Pool, url: string, options: { schema: string }, serde?: ConstructorParameters<typeof PostgresSaver>[1]) {
    super(pool, serde, options);
    this.#url = url;
  }

  override getTuple(config: RunnableConfig): ReturnType<PostgresSaver["getTuple"]> {
    return tracked(this.availability, () => onceMoreIfConnectionLost(() => super.getTuple(config), this.#url));
  }

  override put(...args: Parameters<PostgresSaver["put"]>): Promise<RunnableConfig> {
    return tracked(this.availability, () => onceMoreIfConnectionLost(() => super.put(...args), this.#url));
  }

  override putWrites(config: RunnableConfig, writes: Parameters<PostgresSaver["putWrites"]>[1], taskId: string): Promise<void> {
    return tracked(this.availability, () => onceMoreIfConnectionLost(() => super.putWrites(config, writes, taskId), this.#url));
  }

  /** Listing is not repeated (it may have yielded already); its errors are mapped like the rest. */
  override async *list(...args: Parameters<PostgresSaver["list"]>): ReturnType<PostgresSaver["list"]> {
    try {
      yield* super.list(...args);
      this.availability.succeeded();
    } catch (error) {
      const mapped = toCheckpointerError(error, this.#url, "query");
      this.availability.failed(mapped);
      throw mapped;
    }
  }

  override deleteThread(threadId: string): Promise<void> {
    return tracked(this.availability, () => onceMoreIfConnectionLost(() => super.deleteThread(threadId), this.#url));
  }
}
