/**
 * One provider's link to the Redis circuit store: outcomes batched and sent without waiting
 * (failures at the end of the event-loop turn, successes within 20 ms), each with its age so
 * Redis counts them in the order they happened,
 * the probe claim (the only bounded wait), probe results, re-sync, and the filter that keeps
 * an older reply from undoing a newer state (generations).
 */
import { randomUUID } from "node:crypto";
import type { CircuitLink, FleetState, LinkListener, LinkSpec } from "./circuit-store.js";
import { circuitKeys } from "./redis-keys.js";

/** Outcomes sent in one script call at most (a longer run is flushed at once). */
const MAX_BATCH = 512;
/**
 * Successes wait up to this long to share one script call with later outcomes; a failure is
 * sent at the end of the current event-loop turn (it may trip the fleet). One script call per
 * success would cost ~70 µs of CPU a call. A success may therefore arrive after failures that
 * other processes saw later (more so on a starved event loop): every outcome is sent with its
 * age, and the store orders a `consecutive` count by when outcomes happened, not when they
 * arrived (a late success used to reset later failures: the fleet never opened).
 */
export const SUCCESS_FLUSH_MS = 20;

/** What a link needs from its store. @internal */
export interface LinkHost {
  readonly up: boolean;
  readonly timeoutMs: number;
  readonly probeLeaseMs: number;
  /** How long a lease put back for another process's probe after Redis lost its keys waits for that prober to take it over. */
  readonly heldConfirmMs: number;
  readonly channel: string;
  /** Runs one of the store's scripts; rejects when Redis cannot. */
  run(script: "fbRecord" | "fbClaim" | "fbProbeDone" | "fbSync", keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** A key of this link holds something the store cannot read. */
  corrupt(link: RedisLink, reason: string): void;
  /** The link is disposed. */
  detach(link: RedisLink): void;
}

/** One provider's circuit link. @internal */
export class RedisLink implements CircuitLink {
  readonly keys: readonly [string, string, string];
  private pending = "";
  /** When each pending outcome happened (`performance.now()`, monotonic), same order. */
  private pendingAt: number[] = [];
  /** A `setImmediate` flush is pending (after a failure). */
  private scheduled = false;
  /** A delayed flush of successes is pending. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastGeneration = -1;
  /** The generation of this link's last won claim: its own "half-open" announcement is not applied. */
  private wonGeneration = -1;
  /** A key held garbage: the circuit decides locally until a re-sync reads it cleanly. */
  broken = false;
  /**
   * The value this link's claims put in the probe lease: per link, not per process, so a re-sync
   * releases only a lease this circuit took (another breaker of the same provider in this process
   * may be probing under its own).
   */
  private readonly token = randomUUID();
  /**
   * A probe result this link could not send (the store was away when its probe ended, or the send
   * failed): sent right after the next re-sync, so a fleet that Redis rebuilt as half-open for
   * this probe (see `SYNC_SCRIPT`) learns how it ended instead of waiting out the lease.
   */
  private unsent: { readonly ok: boolean; readonly coolDownMs: number } | undefined;
  private readonly ruleArgs: readonly (string | number)[];

  constructor(
    private readonly host: LinkHost,
    readonly spec: LinkSpec,
    readonly listener: LinkListener,
    keyPrefix: string,
  ) {
    this.keys = circuitKeys(keyPrefix, spec.provider);
    const t = spec.trip;
    this.ruleArgs =
      t.kind === "consecutive" ? ["c", t.threshold, 0, 0] : ["r", t.threshold, t.window, t.minimumCalls ?? t.window];
  }

  record(failed: boolean): void {
    if (!this.host.up || this.broken) return;
    this.pending += failed ? "f" : "s";
    this.pendingAt.push(performance.now());
    if (this.pending.length >= MAX_BATCH) this.flush();
    else if (failed && !this.scheduled) {
      this.scheduled = true;
      setImmediate(flushLink, this);
    } else if (this.timer === undefined && !this.scheduled) {
      this.timer = setTimeout(flushLink, SUCCESS_FLUSH_MS, this);
      this.timer.unref();
    }
  }

  /** Sends the batched outcomes (one script call). @internal */
  flush(): void {
    this.scheduled = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const outcomes = this.pending;
    if (outcomes.length === 0 || !this.host.up) return;
    const now = performance.now();
    const ages = this.pendingAt.map((at) => Math.max(0, Math.round(now - at))).join(",");
    this.pending = "";
    this.pendingAt = [];
    const { channel } = this.host;
    this.host
      .run("fbRecord", this.keys, [outcomes, ...this.ruleArgs, this.spec.coolDownMs(), channel, this.spec.provider, ages])
      .then((reply) => this.apply(reply), (error) => this.failed(error));
  }

  async claimProbe(): Promise<"won" | "lost" | FleetState | undefined> {
    if (!this.host.up || this.broken) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, this.host.timeoutMs, undefined)));
    try {
      const call = this.host.run("fbClaim", this.keys, [this.host.probeLeaseMs, this.host.channel, this.spec.provider, this.token]);
      const reply = await Promise.race([call.catch((error: unknown) => (this.failed(error), undefined)), timeout]);
      if (reply === undefined) return undefined;
      const parsed = parseReply(reply);
      if (parsed === undefined) return undefined;
      if (parsed.state === "won") {
        this.unsent = undefined; // a new probe of this link: an older unsent result no longer says anything
        this.lastGeneration = Math.max(this.lastGeneration, parsed.generation);
        this.wonGeneration = parsed.generation;
        return "won";
      }
      // Someone else probes, or the circuit is closed or still open. The reply can be older than a
      // message already applied: the result of the probe this claim lost is published on the other
      // connection and may be read first. Such a reply is "lost" (the call fails over), never
      // handed back as a state: the circuit applied it after the result, and the processes that
      // lost the claim stayed "half-open" for the whole lease, refusing calls after a good probe
      // had closed the fleet (issue #20).
      if (!this.apply(reply)) return "lost";
      return { state: parsed.state, remainingMs: parsed.remainingMs };
    } finally {
      clearTimeout(timer);
    }
  }

  probeDone(ok: boolean, coolDownMs: number): void {
    if (this.broken) return;
    if (!this.host.up) {
      this.unsent = { ok, coolDownMs };
      return;
    }
    this.unsent = undefined;
    this.host
      .run("fbProbeDone", this.keys, [ok ? "1" : "0", coolDownMs, this.host.channel, this.spec.provider, this.token])
      .then(
        (reply) => this.apply(reply),
        (error) => {
          this.unsent ??= { ok, coolDownMs }; // may not have run: sent again after the re-sync (a stale result changes nothing)
          this.failed(error);
        },
      );
  }

  /**
   * Pushes this process's view and adopts the fleet's (on connect, after an outage). Outcomes
   * recorded while the store was up but not sent before it went away follow the sync (their
   * ages keep them in order). A probe lease this link still holds while it is not probing is
   * released and the local state published (see `SYNC_SCRIPT`): a claim that timed out during an
   * outage may have won once Redis answered, and a probe that ended while the store was away
   * never sent its result; the fleet stayed half-open for the whole lease (issue #20). @internal
   */
  sync(): Promise<void> {
    this.lastGeneration = -1; // a restarted Redis starts its generations again
    this.wonGeneration = -1;
    const { openForMs, heldForMs = 0 } = this.listener.back();
    const local = this.listener.local?.() ?? "unknown"; // unknown: no lease released, no probe rebuilt
    const held = Math.ceil(heldForMs);
    const args = [Math.ceil(openForMs), this.host.channel, this.spec.provider, this.token, local, held, this.host.probeLeaseMs, this.host.heldConfirmMs];
    return this.host
      .run("fbSync", this.keys, args)
      .then(
        (reply) => {
          this.broken = false;
          this.apply(reply);
          const unsent = this.unsent;
          if (unsent !== undefined) this.probeDone(unsent.ok, unsent.coolDownMs);
          if (this.pending.length > 0) this.flush();
        },
        (error) => this.failed(error),
      );
  }

  /**
   * A reply or a pub/sub message: applied unless older than what this link already saw, or this
   * link's own claim announced back to it (read after its probe ended, it would hold the prober
   * half-open until the result's message). Returns whether it was applied. @internal
   */
  apply(reply: unknown): boolean {
    const parsed = parseReply(reply);
    if (parsed === undefined || parsed.state === "won" || parsed.generation < this.lastGeneration) return false;
    if (parsed.state === "half-open" && parsed.generation === this.wonGeneration) return true;
    this.lastGeneration = parsed.generation;
    this.listener.fleet({ state: parsed.state, remainingMs: parsed.remainingMs });
    return true;
  }

  dispose(): void {
    this.pending = "";
    this.pendingAt = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.host.detach(this);
  }

  private failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const at = message.indexOf("FIREBREAK_CORRUPT ");
    // Connection failures are the store's business (it reports the outage once); a key holding
    // garbage is this provider's: it decides locally and says which key to delete.
    if (at >= 0) this.host.corrupt(this, message.slice(at + "FIREBREAK_CORRUPT ".length).split("\n")[0]!);
  }
}

function flushLink(link: RedisLink): void {
  link.flush();
}

/** A script reply or message as `{ state, remainingMs, generation }`; anything else is ignored. */
export function parseReply(reply: unknown): { state: FleetState["state"] | "won"; remainingMs: number; generation: number } | undefined {
  if (!Array.isArray(reply) || reply.length !== 3) return undefined;
  const [state, ms, generation] = reply as unknown[];
  if (state !== "closed" && state !== "open" && state !== "half-open" && state !== "won") return undefined;
  const remainingMs = Number(ms);
  const g = Number(generation);
  if (!Number.isFinite(remainingMs) || remainingMs < 0 || !Number.isSafeInteger(g) || g < 0) return undefined;
  return { state, remainingMs: Math.min(remainingMs, 2 ** 31 - 1), generation: g };
}
