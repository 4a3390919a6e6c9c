/**
 * The one listener list behind every `onX(listener)` of the pack (breaker, guard, checkpointer,
 * campaign, Redis circuit store), modelled on cockatiel's `EventEmitter` (`addListener`, `size`,
 * `emit`) with three differences cockatiel's does not give us:
 *
 * - every listener is called, each in isolation: a throw (or an async listener's rejection) is
 *   reported (`onError`, default `console.error`) and the next listener is still called, so a
 *   listener's bug never breaks what it observes nor silences the other listeners;
 * - each registration has its own `dispose`, idempotent: disposing one registration twice never
 *   removes another registration of the same function;
 * - errors a caller must not swallow (LangGraph's interrupts, via `rethrow`) pass through, after
 *   the remaining listeners were called.
 *
 * A listener added or disposed during an `emit` takes effect from the next `emit` (the list is
 * copied on write). Nothing is allocated while nobody listens.
 */
import type { IDisposable } from "cockatiel";

/** How a {@link Listeners} list reports and passes errors. */
export interface ListenersOptions {
  /** Where a listener's throw or rejection goes. @default console.error with `label` */
  readonly onError?: (error: unknown) => void;
  /** Errors that must reach the emitter's caller (e.g. `isGraphBubbleUp`). @default none */
  readonly rethrow?: (error: unknown) => boolean;
  /** Names the list in the default report, e.g. `"the breaker's onRejected"`. @default "an event" */
  readonly label?: string;
}

interface Registration<T> {
  readonly listener: (value: T) => unknown;
}

/**
 * A list of listeners that calls each one in isolation.
 *
 * @example
 * const rejected = new Listeners<AttemptFailure>({ label: "the breaker's onRejected" });
 * readonly onRejected = rejected.addListener;
 * if (rejected.size > 0) rejected.emit(failure);
 */
export class Listeners<T> {
  #registrations: readonly Registration<T>[] = [];
  readonly #options: ListenersOptions;

  constructor(options: ListenersOptions = {}) {
    this.#options = options;
  }

  /** Adds `listener` (the same function may be added more than once); returns its own disposable. */
  readonly addListener = (listener: (value: T) => void): IDisposable => {
    const registration: Registration<T> = { listener };
    this.#registrations = [...this.#registrations, registration];
    return {
      dispose: () => {
        // Removes this registration only, and only once.
        if (this.#registrations.includes(registration)) this.#registrations = this.#registrations.filter((r) => r !== registration);
      },
    };
  };

  /** How many registrations are live. */
  get size(): number {
    return this.#registrations.length;
  }

  /**
   * Calls every listener with `value`; never throws, except an error `rethrow` selects, which
   * is thrown (the first one) after every listener was called.
   */
  emit(value: T): void {
    const registrations = this.#registrations;
    if (registrations.length === 0) return;
    let passed: { error: unknown } | undefined;
    for (const { listener } of registrations) {
      try {
        const result = listener(value);
        if (isThenable(result)) result.then(undefined, (error: unknown) => this.#report(error));
      } catch (error) {
        if (this.#options.rethrow?.(error) === true) passed ??= { error };
        else this.#report(error);
      }
    }
    if (passed !== undefined) throw passed.error;
  }

  #report(error: unknown): void {
    try {
      if (this.#options.onError !== undefined) this.#options.onError(error);
      else console.error(`langgraph-firebreak: a listener of ${this.#options.label ?? "an event"} threw (ignored; the other listeners were still called):`, error);
    } catch {
      // A throwing onError must not turn a listener's bug into a failure either.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}
