/**
 * `createRedisCircuitStore`: breaker circuits shared by every process that uses the same Redis
 * and key prefix. ioredis (an optional peer) is imported on first use, never at module load.
 */
import type { IDisposable } from "cockatiel";
import { Listeners } from "../../internal/listeners.js";
import type { CircuitLink, CircuitStore, LinkListener, LinkSpec, StoreEvent } from "./circuit-store.js";
import { RedisLink, type LinkHost } from "./redis-link.js";
import { hangAfterMs, Liveness } from "./redis-liveness.js";
import { CLAIM_SCRIPT, PROBE_DONE_SCRIPT, RECORD_SCRIPT, SYNC_SCRIPT } from "./redis-scripts.js";
import { resolveStoreOptions, type RedisCircuitStoreOptions, type ResolvedStoreOptions } from "./redis-store-options.js";

/** A circuit store in Redis, shared by every process with the same Redis and `keyPrefix`. */
export interface RedisCircuitStore extends CircuitStore {
  readonly scope: "shared";
  /** `"connecting"` until the first connection, then `"up"` or `"down"`. */
  readonly status: "connecting" | "up" | "down";
  /** The key prefix (also the pub/sub channel's prefix). */
  readonly keyPrefix: string;
  /** Fires once per outage, when Redis becomes unreachable (or ioredis is missing). */
  readonly onUnavailable: (listener: (event: StoreEvent) => void) => IDisposable;
  /** Fires when Redis is reachable again and every circuit re-synced. */
  readonly onRecovered: (listener: (event: StoreEvent) => void) => IDisposable;
  /**
   * Resolves `true` once connected and synced, `false` if `timeoutMs` passes first (or the store
   * is closed). Calls made before that decide on local state.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Closes both connections (the store holds the process open until then). */
  close(): Promise<void>;
}

/** The ioredis surface the store uses (kept structural, so the declarations need no ioredis types). */
interface Connection {
  on(event: string, listener: (...args: never[]) => void): unknown;
  duplicate(override?: Record<string, unknown>): Connection;
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  subscribe(channel: string): Promise<unknown>;
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Creates a Redis circuit store. Pass it as `store` to `withSemanticBreaker` (or the agent
 * middleware) in every process: circuits of the same provider name then share their failure
 * counts, state, open-until time and one half-open probe across the fleet.
 * @example
 * ```ts
 * const store = createRedisCircuitStore({ url: "redis://127.0.0.1:6379", keyPrefix: "myapp:breaker:" });
 * const model = withSemanticBreaker(new ChatOpenAI({ model: "gpt-4o-mini" }), { store, trip: 5 });
 * store.onUnavailable((e) => console.warn("breaker store down:", e.reason));
 * // …on shutdown
 * await store.close();
 * ```
 */
export function createRedisCircuitStore(options: RedisCircuitStoreOptions): RedisCircuitStore {
  return new RedisStore(resolveStoreOptions(options));
}

class RedisStore implements RedisCircuitStore, LinkHost {
  readonly scope = "shared" as const;
  status: "connecting" | "up" | "down" = "connecting";
  readonly keyPrefix: string;
  readonly channel: string;
  readonly timeoutMs: number;
  readonly probeLeaseMs: number;
  /**
   * After Redis lost its keys, how long a process waiting on another's probe holds the lease for
   * it: three reconnect delays (every process re-syncs within one) and the hang watch, at least 2 s.
   */
  readonly heldConfirmMs: number;
  private readonly unavailable = new Listeners<StoreEvent>({ label: "the Redis circuit store's onUnavailable" });
  private readonly recovered = new Listeners<StoreEvent>({ label: "the Redis circuit store's onRecovered" });
  readonly onUnavailable = this.unavailable.addListener;
  readonly onRecovered = this.recovered.addListener;
  private readonly links = new Map<string, Set<RedisLink>>();
  private cmd: (Connection & Record<string, unknown>) | undefined;
  private sub: Connection | undefined;
  private cmdReady = false;
  private subReady = false;
  /** The current outage was reported (store-unavailable is emitted once per outage). */
  private reported = false;
  private lastError: string | undefined;
  private closed = false;
  /** Redis stopped answering on an open connection (see `Liveness`); a heartbeat PING is out. */
  private hung = false;
  private readonly liveness: Liveness;
  private readonly waiters = new Set<(up: boolean) => void>();

  constructor(private readonly options: ResolvedStoreOptions) {
    this.keyPrefix = options.keyPrefix;
    this.channel = `${options.keyPrefix}events`;
    this.timeoutMs = options.timeoutMs;
    this.probeLeaseMs = options.probeLeaseMs;
    this.heldConfirmMs = Math.max(2_000, 3 * options.reconnectMaxDelayMs + hangAfterMs(options.timeoutMs));
    this.liveness = new Liveness(hangAfterMs(options.timeoutMs), () => this.onHang());
    void this.start();
  }

  get up(): boolean {
    return this.status === "up";
  }

  link(spec: LinkSpec, listener: LinkListener): CircuitLink {
    const link = new RedisLink(this, spec, listener, this.keyPrefix);
    let set = this.links.get(spec.provider);
    if (!set) this.links.set(spec.provider, (set = new Set()));
    set.add(link);
    if (this.up) void link.sync();
    return link;
  }

  detach(link: RedisLink): void {
    this.links.get(link.spec.provider)?.delete(link);
  }

  run(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const command = this.cmd?.[script] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (!command || !this.up) return Promise.reject(new Error("the circuit store is not connected"));
    const reply = command.call(this.cmd, ...keys, ...args);
    this.liveness.track(reply);
    return reply;
  }

  /**
   * Outstanding commands went unanswered for the hang bound on an open connection (a stopped or
   * partitioned Redis): down, once, like a closed connection; then one PING waits for Redis to
   * answer again (its reply comes after every older one: the connection is FIFO).
   */
  private onHang(): void {
    if (this.closed || !this.up || this.hung) return;
    this.hung = true;
    this.lastError = `Redis did not answer for ${this.liveness.hangAfterMs} ms on an open connection (a hung server or a network partition)`;
    this.goDown();
    // Answered: Redis is back (re-sync). Rejected: the connection closed, and its reconnect's
    // "ready" brings the store back (maybeUp waits for both connections to be ready).
    const back = () => {
      if (!this.hung) return;
      this.hung = false;
      void this.maybeUp();
    };
    this.cmd!.ping().then(back, back);
  }

  corrupt(link: RedisLink, reason: string): void {
    const first = !link.broken;
    link.broken = true;
    link.listener.away();
    if (!first) return;
    const key = reason.split(" ")[0];
    this.unavailable.emit({
      type: "store-unavailable",
      reason: `${reason}; provider "${link.spec.provider}" decides on local state until the key is readable: delete it (redis-cli DEL '${key}')`,
    });
    this.scheduleResync(link);
  }

  /** Re-reads a broken link's keys every 5 s until they are readable again (or the store closes). */
  private scheduleResync(link: RedisLink): void {
    setTimeout(async () => {
      if (this.closed || !link.broken) return;
      if (this.up) await link.sync();
      if (link.broken) this.scheduleResync(link);
    }, 5_000).unref();
  }

  ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs, false);
      const waiters = this.waiters;
      function done(up: boolean) {
        clearTimeout(timer);
        waiters.delete(done);
        resolve(up);
      }
      waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.liveness.stop();
    // Outcomes still batched go out; from now on every circuit decides (and counts) locally.
    for (const set of this.links.values()) for (const link of set) link.flush();
    for (const set of this.links.values()) for (const link of set) link.listener.away();
    const quit = async (c: Connection | undefined) => {
      try {
        await Promise.race([c?.quit(), new Promise((r) => setTimeout(r, this.timeoutMs * 5))]);
      } catch {
        // already closed
      }
      c?.disconnect();
    };
    await Promise.all([quit(this.cmd), quit(this.sub)]);
    this.status = "down";
    this.settle(false);
  }

  private async start(): Promise<void> {
    let Redis: new (url: string, options: Record<string, unknown>) => Connection;
    try {
      const mod = (await import("ioredis")) as unknown as { Redis?: typeof Redis; default?: typeof Redis };
      Redis = (mod.Redis ?? mod.default)!;
    } catch (error) {
      this.lastError = `the optional peer dependency "ioredis" is not installed (${(error as Error).message?.split("\n")[0]}). Run: npm install ioredis`;
      return this.goDown();
    }
    if (this.closed) return;
    const o = this.options;
    // Fail fast while disconnected: no offline queue, no per-request retries; keep reconnecting in
    // the background. No ioredis commandTimeout: the bound on a model call is enforced where a call
    // waits (the probe claim races its own timer), a hung server is found by `Liveness`, and the
    // heartbeat PING that follows must be able to wait for as long as Redis hangs.
    const settings = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(1_000, o.timeoutMs * 10),
      retryStrategy: (times: number) => Math.min(50 * times, o.reconnectMaxDelayMs),
      autoResubscribe: false,
      lazyConnect: false,
    };
    const cmd = "url" in o.connect ? new Redis(o.connect.url, settings) : (o.connect.client.duplicate(settings) as Connection);
    const sub = cmd.duplicate();
    this.cmd = cmd as Connection & Record<string, unknown>;
    this.sub = sub;
    cmd.defineCommand("fbRecord", { numberOfKeys: 3, lua: RECORD_SCRIPT });
    cmd.defineCommand("fbClaim", { numberOfKeys: 3, lua: CLAIM_SCRIPT });
    cmd.defineCommand("fbProbeDone", { numberOfKeys: 3, lua: PROBE_DONE_SCRIPT });
    cmd.defineCommand("fbSync", { numberOfKeys: 3, lua: SYNC_SCRIPT });
    this.wire(cmd, sub);
  }

  private wire(cmd: Connection, sub: Connection): void {
    const noteError = (error: Error) => void (this.lastError = error.message);
    cmd.on("error", noteError);
    sub.on("error", noteError);
    cmd.on("ready", () => {
      this.cmdReady = true;
      this.hung = false;
      void this.maybeUp();
    });
    sub.on("ready", () => {
      sub.subscribe(this.channel).then(
        () => {
          this.subReady = true;
          void this.maybeUp();
        },
        (error: Error) => noteError(error),
      );
    });
    cmd.on("close", () => {
      this.cmdReady = false;
      this.goDown();
    });
    sub.on("close", () => {
      this.subReady = false;
      this.goDown();
    });
    sub.on("message", (channel: string, text: string) => {
      if (channel === this.channel) this.message(text);
    });
  }

  private async maybeUp(): Promise<void> {
    if (!this.cmdReady || !this.subReady || this.hung || this.up || this.closed) return;
    this.status = "up";
    const all = [...this.links.values()].flatMap((set) => [...set]);
    await Promise.all(all.map((link) => link.sync()));
    if (this.reported && this.up) {
      this.reported = false;
      this.recovered.emit({ type: "store-recovered" });
    }
    this.settle(true);
  }

  private goDown(): void {
    if (this.closed) return;
    const wasUp = this.up;
    this.status = "down";
    if (wasUp) for (const set of this.links.values()) for (const link of set) link.listener.away();
    if (!this.reported) {
      this.reported = true;
      this.unavailable.emit({ type: "store-unavailable", reason: this.lastError ?? "the connection to Redis closed" });
    }
  }

  private message(text: string): void {
    // Read while away (a hung Redis answering again, before the heartbeat's reply): the re-sync
    // that follows reads the fleet's state anyway. Applied here, a stale announcement of this
    // process's own timed-out claim turned a probe's local result into "half-open" before the
    // re-sync could publish it.
    if (!this.up) return;
    let parsed: { p?: unknown; s?: unknown; ms?: unknown; g?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return; // someone else's message on our channel: ignored
    }
    if (typeof parsed !== "object" || parsed === null || typeof parsed.p !== "string") return;
    const set = this.links.get(parsed.p);
    if (set) for (const link of set) link.apply([parsed.s, parsed.ms, parsed.g]);
  }

  private settle(up: boolean): void {
    for (const waiter of [...this.waiters]) waiter(up);
  }
}
