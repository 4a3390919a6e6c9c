import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";

/**
 * A `PostgresSaver` whose channel versions are unique across branches of a thread.
 *
 * The JS `PostgresSaver` (1.0.x) inherits integer channel versions (1, 2, 3…) and stores
 * channel values in `checkpoint_blobs` keyed by `(thread, namespace, channel, version)` with
 * `ON CONFLICT DO NOTHING`. After a time-travel fork (`updateState` on an older checkpoint,
 * `rollbackTo`), the new branch reaches the same integer versions as the abandoned one, so
 * its values are silently dropped and a later read returns the *old* branch's values
 * (langgraphjs issue #1812). This subclass mints versions the way the Python saver does:
 * a 32-digit zero-padded counter (ordering) plus a random fraction (uniqueness), e.g.
 * `00000000000000000000000000000008.4711093216583027`. Every other behaviour is inherited.
 *
 * Existing tables written with integer versions stay readable; do not mix a thread's
 * history between this saver and a plain `PostgresSaver`.
 */
export class BranchSafePostgresSaver extends PostgresSaver {
  /**
   * Next channel version: the counter of `current` plus one, with a fresh random suffix.
   * Typed as `number` only because `PostgresSaver` is declared over numeric versions;
   * LangGraph's own version comparison and the saver's SQL both handle strings.
   */
  override getNextVersion(current: number | undefined): number {
    const previous: unknown = current;
    let counter = 0;
    if (typeof previous === "number") counter = previous;
    else if (typeof previous === "string") counter = Number.parseInt(previous.split(".")[0]!, 10) || 0;
    const version = `${String(counter + 1).padStart(32, "0")}.${Math.random().toFixed(16).slice(2)}`;
    return version as unknown as number;
  }
}
