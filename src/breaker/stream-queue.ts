/** A one-consumer async queue: the passthrough stream hands chunks from inside the breaker to the caller. */

/** @internal */
export class StreamQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;

  /** Adds an item. */
  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Ends the stream once the queued items are read. */
  close(): void {
    this.ended = true;
    this.wake();
  }

  /** Ends the stream with an error once the queued items are read. */
  fail(error: unknown): void {
    this.failure = { error };
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift()!;
        continue;
      }
      if (this.ended) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
