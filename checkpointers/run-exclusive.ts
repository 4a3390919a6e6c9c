import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Checkpointer } from "./checkpointer.js";
import { InvalidOptionsError } from "../src/internal/options-schema.js";
import { checkpointerError, CheckpointerError } from "./checkpointer-error.js";
import { durableConfig, type FIREBREAK_DURABILITY } from "./durability.js";
import { MAX_TIMER_MS } from "./options-schema.js";
import { claimLease, releaseLease, renewLease } from "./thread-lease.js";

/** Options of {@link runExclusive}. */
export interface RunExclusiveOptions {
  /**
   * How long a claim lasts without renewal. It is renewed every third of this while the run
   * lasts; if no renewal has succeeded for half of it (database unreachable), the run is
   * aborted before the claim can expire, so two runs never overlap. A process that dies
   * leaves the thread claimed for at most this long.
   * @default 30000
   */
  readonly leaseMs?: number;
  /** Extra run config (callbacks, `recursionLimit`, a `signal` of your own…), merged in. */
  readonly config?: LangGraphRunnableConfig;
}

type ExclusiveConfig = LangGraphRunnableConfig & { durability: typeof FIREBREAK_DURABILITY; signal: AbortSignal };

/**
 * Runs `run` as the only run of `threadId` across every process that shares this
 * checkpointer's database and schema (PostgreSQL) or data directory (embedded). While it is in
 * flight, a second `runExclusive` of the same thread is refused at once with
 * `CHECKPOINTER_SETUP` (reason `"thread-busy"`) instead of racing it. `run` gets
 * `durableConfig(threadId)` plus an abort `signal` that fires if the claim is lost.
 * Runs that do not go through `runExclusive` are not checked.
 *
 * @example
 * ```ts
 * const result = await runExclusive(cp, "order-42", (config) => graph.invoke(null, config));
 * ```
 */
export async function runExclusive<T>(
  checkpointer: Pick<Checkpointer, "pool" | "schema">,
  threadId: string,
  run: (config: ExclusiveConfig) => Promise<T>,
  options: RunExclusiveOptions = {},
): Promise<T> {
  const leaseMs = checkExclusiveArguments(threadId, options);
  const { pool, schema } = checkpointer;
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const holder = await claimLease(pool, schema, threadId, owner, leaseMs);
  if (holder) {
    throw checkpointerError(
      "CHECKPOINTER_SETUP",
      `Thread "${threadId}" already has a run in flight (${holder.owner}, claimed until ` +
        `${holder.expiresAt.toISOString()}). Wait for that run to finish and resume then; if its process died, ` +
        `the claim lapses by itself at that time.`,
      { reason: "thread-busy" },
    );
  }
  const abort = new AbortController();
  const heartbeat = startHeartbeat({ pool, schema, threadId, owner, leaseMs, abort });
  const extra = options.config ?? {};
  const signal = extra.signal ? AbortSignal.any([extra.signal, abort.signal]) : abort.signal;
  try {
    return await run({ ...durableConfig(threadId, extra), signal });
  } catch (error) {
    // Report why we aborted, not LangGraph's generic abort error; the host's control flow
    // (interrupts, Command to a parent) always passes through untouched.
    if (abort.signal.aborted && !isGraphBubbleUp(error) && abort.signal.reason instanceof CheckpointerError) {
      throw abort.signal.reason;
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    await releaseLease(pool, schema, threadId, owner).catch(() => {
      // Unreachable: the lease lapses by itself after leaseMs.
    });
  }
}

/** Checks `threadId` and `options.leaseMs`; returns the lease length. */
function checkExclusiveArguments(threadId: string, options: RunExclusiveOptions): number {
  const leaseMs = options.leaseMs ?? 30_000;
  if (!Number.isInteger(leaseMs) || leaseMs < 300 || leaseMs > MAX_TIMER_MS) {
    const allowed = `a whole number of milliseconds from 300 to ${MAX_TIMER_MS}`;
    throw new InvalidOptionsError("runExclusive", [{ option: "leaseMs", received: String(leaseMs), allowed }], {
      message: `runExclusive: leaseMs must be ${allowed}, got ${String(leaseMs)}.`,
    });
  }
  if (typeof threadId !== "string" || threadId === "") {
    throw new InvalidOptionsError("runExclusive", [{ option: "threadId", received: JSON.stringify(threadId) ?? typeof threadId, allowed: "a non-empty string" }], {
      message: "runExclusive: threadId must be a non-empty string.",
    });
  }
  return leaseMs;
}

/** What the heartbeat renews, and the controller it aborts. */
interface Heartbeat {
  readonly pool: Checkpointer["pool"];
  readonly schema: string;
  readonly threadId: string;
  readonly owner: string;
  readonly leaseMs: number;
  readonly abort: AbortController;
}

/**
 * Renews the claim when a third of the lease has passed; aborts when half has passed without
 * a successful renewal: ticks every sixth, so the abort lands by two thirds, before expiry.
 * Returns the interval (clear it when the run ends).
 */
function startHeartbeat({ pool, schema, threadId, owner, leaseMs, abort }: Heartbeat): NodeJS.Timeout {
  let lastRenewedAt = Date.now();
  let renewing = false;
  const heartbeat = setInterval(() => {
    const age = Date.now() - lastRenewedAt;
    if (age > leaseMs / 2) {
      abort.abort(
        checkpointerError(
          "CHECKPOINTER_UNREACHABLE",
          `runExclusive: the claim on thread "${threadId}" could not be renewed for ${age} ms; the run was ` +
            `aborted before another process could take the thread over. Resume it once the database answers.`,
          { reason: "timeout" },
        ),
      );
      return;
    }
    if (renewing || age < leaseMs / 3) return;
    renewing = true;
    const sentAt = Date.now();
    renewLease(pool, schema, threadId, owner, leaseMs).then(
      (held) => {
        renewing = false;
        if (held) lastRenewedAt = sentAt;
        else {
          abort.abort(
            checkpointerError("CHECKPOINTER_SETUP", `runExclusive: lost the claim on thread "${threadId}".`, {
              reason: "thread-busy",
            }),
          );
        }
      },
      () => {
        renewing = false; // tried again on the next tick; the age check aborts in time
      },
    );
  }, Math.max(50, Math.floor(leaseMs / 6)));
  heartbeat.unref();
  return heartbeat;
}
