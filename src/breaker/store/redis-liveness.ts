/**
 * Liveness of the store's command connection. A hung Redis (a stopped process, a network
 * partition, a server stuck in a slow script) keeps its TCP connection open: ioredis sees no
 * `close`, and without this the store stayed "up" for ever, sending outcomes nobody counted
 * (issue #20). The watch costs no round trip: it only looks at the commands the store sends
 * anyway. When commands are outstanding and no reply of any kind has arrived for `hangAfterMs`,
 * Redis is declared hung, once, until a reply proves otherwise.
 */

/** Watches the replies to the commands the store sends. @internal */
export class Liveness {
  private outstanding = 0;
  /** `performance.now()` of the last reply, or of the command that made `outstanding` leave 0. */
  private progressAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly settled = (): void => {
    this.outstanding--;
    this.progressAt = performance.now();
  };

  /**
   * @param hangAfterMs how long outstanding commands may go without any reply
   * @param onHang called when they did (the store goes down and starts its heartbeat)
   */
  constructor(
    readonly hangAfterMs: number,
    private readonly onHang: () => void,
  ) {}

  /** Counts one command until its reply (or its rejection) arrives. */
  track(reply: Promise<unknown>): void {
    if (this.outstanding++ === 0) this.progressAt = performance.now();
    reply.then(this.settled, this.settled);
    if (this.timer === undefined && !this.stopped) this.arm(this.hangAfterMs);
  }

  /** Stops watching (the store is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    // The check runs in the check phase after the timer, so replies that arrived while the event
    // loop was busy are read first (a blocked loop is not a hung Redis).
    this.timer = setTimeout(() => setImmediate(() => this.check()), ms);
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.stopped || this.outstanding <= 0) return;
    const idle = performance.now() - this.progressAt;
    if (idle < this.hangAfterMs) return this.arm(Math.max(1, this.hangAfterMs - idle));
    this.onHang();
  }
}

/** How long outstanding commands may go unanswered before Redis counts as hung: 2 × `timeoutMs`, at least 200 ms. */
export function hangAfterMs(timeoutMs: number): number {
  return Math.max(200, 2 * timeoutMs);
}
