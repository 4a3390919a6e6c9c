/**
 * Whether the checkpointer's database answers: `"available"` until a checkpoint read or write
 * fails because the server cannot be reached (`CHECKPOINTER_UNREACHABLE`), `"unavailable"`
 * from then until the next read or write succeeds. Listeners in cockatiel's style:
 * `onUnavailable` and `onRecovered` return a disposable; nothing is built when nobody listens,
 * and a listener that throws never fails the checkpoint call.
 */
import type { IDisposable } from "cockatiel";
import { Listeners } from "../src/internal/listeners.js";
import { isCheckpointerError, type CheckpointerError } from "./checkpointer-error.js";

/** Payload of `onRecovered`. */
export interface CheckpointerRecovered {
  /** How long the database was unavailable, in milliseconds. */
  readonly downMs: number;
  /** The error that made it unavailable. */
  readonly error: CheckpointerError;
}

/** The availability listeners a checkpointer exposes. */
export interface CheckpointerEvents {
  /** The database stopped answering (the first `CHECKPOINTER_UNREACHABLE` after a success); runs reject until it recovers. */
  onUnavailable(listener: (error: CheckpointerError) => void): IDisposable;
  /** A checkpoint read or write succeeded again after the database was unavailable. */
  onRecovered(listener: (event: CheckpointerRecovered) => void): IDisposable;
}

/** Tracks availability from the outcomes of the saver's calls. */
export class Availability implements CheckpointerEvents {
  readonly #unavailable = new Listeners<CheckpointerError>({ label: "the checkpointer's onUnavailable" });
  readonly #recovered = new Listeners<CheckpointerRecovered>({ label: "the checkpointer's onRecovered" });
  #down: { readonly since: number; readonly error: CheckpointerError } | undefined;
  readonly onUnavailable = this.#unavailable.addListener;
  readonly onRecovered = this.#recovered.addListener;

  /** `"available"` or `"unavailable"`. */
  get state(): "available" | "unavailable" {
    return this.#down === undefined ? "available" : "unavailable";
  }

  /** A call succeeded. */
  succeeded(): void {
    const down = this.#down;
    if (down === undefined) return;
    this.#down = undefined;
    if (this.#recovered.size > 0) this.#recovered.emit({ downMs: Date.now() - down.since, error: down.error });
  }

  /** A call failed with `error` (already mapped); only an unreachable database changes the state. */
  failed(error: unknown): void {
    if (this.#down !== undefined || !isCheckpointerError(error, "CHECKPOINTER_UNREACHABLE")) return;
    this.#down = { since: Date.now(), error };
    if (this.#unavailable.size > 0) this.#unavailable.emit(error);
  }
}
