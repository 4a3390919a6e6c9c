/**
 * In-process stand-ins for processes of a fleet: each member has its own store (optionally
 * through its own partition proxy) and a breaker over a scripted provider shared by the test.
 * The provider counts calls and the most probes in flight at once, and can hold answers back.
 * Scripted models stand in only for a provider's answers.
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { createRedisCircuitStore, nonEmpty, withSemanticBreaker, type RedisCircuitStore, type RedisCircuitStoreOptions } from "../../../../../src/index.js";
import { ScriptedChatModel } from "../../../../../src/testing/index.js";
import type { Cleanup } from "../../attacks/support/fleet.js";

/** The provider's answers, shared by every member's model. */
export interface Provider {
  mode: "bad" | "good";
  calls: number;
  inFlight: number;
  maxInFlight: number;
  /** When set, every answer waits for it. */
  hold?: Promise<unknown>;
}

export function newProvider(mode: "bad" | "good" = "bad"): Provider {
  return { mode, calls: 0, inFlight: 0, maxInFlight: 0 };
}

/** A scripted provider (answers only) that counts calls in flight and can hold answers. */
export class HeldProvider extends ScriptedChatModel {
  constructor(private readonly provider: Provider) {
    super({ script: () => (provider.mode === "good" ? "fine answer" : "") });
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun) {
    const p = this.provider;
    p.calls++;
    p.inFlight++;
    p.maxInFlight = Math.max(p.maxInFlight, p.inFlight);
    try {
      await p.hold;
      return await super._generate(messages, options, runManager);
    } finally {
      p.inFlight--;
    }
  }
}

export interface Member {
  readonly store: RedisCircuitStore;
  readonly model: ReturnType<typeof withSemanticBreaker>;
  readonly events: string[];
  state(): string;
}

export interface MemberOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly provider: Provider;
  readonly trip: number;
  readonly halfOpenAfter: number;
  readonly store?: Partial<RedisCircuitStoreOptions>;
}

/** One member; its store events are recorded in `events` ("unavailable" / "recovered"). */
export function startMember(o: MemberOptions, cleanup: Cleanup): Member {
  const store = createRedisCircuitStore({ url: o.url, keyPrefix: o.keyPrefix, timeoutMs: 100, ...o.store });
  cleanup.add(() => store.close());
  const model = withSemanticBreaker(new HeldProvider(o.provider), { name: "p", checks: [nonEmpty()], trip: o.trip, halfOpenAfter: o.halfOpenAfter, store });
  const events: string[] = [];
  store.onUnavailable(() => events.push("unavailable"));
  store.onRecovered(() => events.push("recovered"));
  return { store, model, events, state: () => model.breaker.status()[0]!.state };
}

/** Waits until every member's store is connected and synced. */
export async function allReady(members: Member[]): Promise<void> {
  const ready = await Promise.all(members.map((m) => m.store.ready(20_000)));
  if (ready.some((r) => !r)) throw new Error(`a store did not connect: ${JSON.stringify(ready)}`);
}

/** Collects unhandled rejections and uncaught exceptions while a file runs. */
export function watchCrashes(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (e: unknown) => void errors.push(e);
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
  return {
    errors,
    stop() {
      process.off("unhandledRejection", onError);
      process.off("uncaughtException", onError);
    },
  };
}

/** The key of the fleet's probe lease for provider "p" (docs/scaling.md key format). */
export const leaseKey = (keyPrefix: string) => `${keyPrefix}{p}:probe`;
export const stateKey = (keyPrefix: string) => `${keyPrefix}{p}:state`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
