/**
 * The shared circuit's decisions, against a scripted store (no Redis): what a call asks the
 * store (nothing, before a closed call), how the fleet's word opens and closes it, local
 * counting while the store is away, the probe claim, and the generation filter that keeps a late
 * reply from undoing a newer state.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  withSemanticBreaker,
  type CircuitLink,
  type CircuitStore,
  type FleetState,
  type LinkListener,
  type LinkSpec,
} from "../../src/index.js";
import { RedisLink, type LinkHost } from "../../src/breaker/store/redis-link.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { outcome } from "./support/outcome.js";

/** A scripted shared store: records what the circuit asks, answers claims as told. */
function scriptedStore() {
  const log: string[] = [];
  const state: { listener?: LinkListener; spec?: LinkSpec; claim: "won" | FleetState | undefined } = { claim: "won" };
  const store: CircuitStore = {
    scope: "shared",
    link(spec, listener): CircuitLink {
      state.listener = listener;
      state.spec = spec;
      return {
        record: (failed) => void log.push(failed ? "record:f" : "record:s"),
        claimProbe: async () => (log.push("claim"), state.claim),
        probeDone: (ok, ms) => void log.push(`probeDone:${ok}:${ms}`),
        dispose: () => void log.push("dispose"),
      };
    },
  };
  return { store, log, state };
}

const good = "Paris is the capital of France.";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe("shared circuit (scripted store)", () => {
  it("asks the store nothing before a call while closed, and records each outcome after it", async () => {
    const { store, log, state } = scriptedStore();
    const model = new ScriptedChatModel({ script: [good, ""], whenExhausted: "loop" });
    const m = withSemanticBreaker(model, { name: "p", trip: 5, store });
    state.listener!.back(); // the store is up
    expect(await outcome(m.invoke("q"))).toBe("ok");
    expect(await outcome(m.invoke("q"))).toBe("failed");
    expect(log).toEqual(["record:s", "record:f"]);
    expect(state.spec).toMatchObject({ provider: "p", trip: { kind: "consecutive", threshold: 5 } });
  });

  it("the fleet's word opens the circuit (calls refused, nothing sent) and closes it again", async () => {
    const { store, state } = scriptedStore();
    const model = new ScriptedChatModel({ script: [good] });
    const m = withSemanticBreaker(model, { name: "p", store });
    const seen: string[] = [];
    m.breaker.onStateChange((e) => seen.push(`${e.from}->${e.state}`));
    state.listener!.back();
    state.listener!.fleet({ state: "open", remainingMs: 10_000 });
    expect(await outcome(m.invoke("q"))).toBe("open");
    expect(model.callCount).toBe(0);
    state.listener!.fleet({ state: "closed", remainingMs: 0 });
    expect(await outcome(m.invoke("q"))).toBe("ok");
    expect(seen).toEqual(["closed->open", "open->closed"]);
  });

  it("while the store is away, counts with the trip rule locally, and reports the open time when it is back", async () => {
    const { store, state, log } = scriptedStore();
    const model = new ScriptedChatModel({ script: [""] });
    const m = withSemanticBreaker(model, { name: "p", trip: 2, halfOpenAfter: 30_000, store });
    state.listener!.back();
    state.listener!.away();
    expect(await outcome(m.invoke("q"))).toBe("failed");
    expect(m.breaker.status()[0]!.state).toBe("closed");
    expect(await outcome(m.invoke("q"))).toBe("failed");
    expect(m.breaker.status()[0]!.state).toBe("open");
    expect(await outcome(m.invoke("q"))).toBe("open");
    vi.setSystemTime(1_010_000);
    expect(state.listener!.back()).toEqual({ openForMs: 20_000, heldForMs: 0 });
    expect(log.filter((l) => l === "claim")).toEqual([]);
  });

  it("after the cool-down: a won claim probes and reports; a claim someone else won refuses; no answer probes locally", async () => {
    const { store, state, log } = scriptedStore();
    let answer = "";
    const model = new ScriptedChatModel({ script: () => answer });
    const m = withSemanticBreaker(model, { name: "p", trip: 1, halfOpenAfter: 1_000, store });
    state.listener!.back();
    state.listener!.fleet({ state: "open", remainingMs: 1_000 });
    vi.setSystemTime(1_001_500);
    state.claim = { state: "half-open", remainingMs: 5_000 };
    expect(await outcome(m.invoke("q"))).toBe("open");
    expect(m.breaker.status()[0]!.state).toBe("half-open");
    expect(model.callCount).toBe(0);
    vi.setSystemTime(1_007_000); // the other process's lease ran out
    state.claim = "won";
    expect(await outcome(m.invoke("q"))).toBe("failed"); // the probe, still bad
    expect(log.at(-1)).toBe("probeDone:false:1000");
    expect(m.breaker.status()[0]!.state).toBe("open");
    vi.setSystemTime(1_008_500);
    state.claim = undefined; // the store did not answer in time
    answer = good;
    expect(await outcome(m.invoke("q"))).toBe("ok");
    expect(log.at(-1)).toBe("probeDone:true:0");
    expect(m.breaker.status()[0]!.state).toBe("closed");
    expect(log.filter((l) => l === "claim")).toHaveLength(3);
  });

  it("a link ignores a reply older than a state it already applied (a late 'closed' never undoes 'open')", () => {
    const applied: FleetState[] = [];
    const host = { up: true } as unknown as LinkHost;
    const listener: LinkListener = { fleet: (s) => void applied.push(s), away() {}, back: () => ({ openForMs: 0 }) };
    const link = new RedisLink(host, { provider: "p", trip: { kind: "consecutive", threshold: 1 }, coolDownMs: () => 1 }, listener, "x:");
    link.apply(["open", 5_000, 7]);
    link.apply(["closed", 0, 6]); // sent before the trip, arrived after it
    link.apply(["banana", 0, 9]);
    link.apply(["open", "NaN", 9]);
    link.apply(["closed", 0, 8]);
    expect(applied).toEqual([
      { state: "open", remainingMs: 5_000 },
      { state: "closed", remainingMs: 0 },
    ]);
    expect(link.keys).toEqual(["x:{p}:state", "x:{p}:window", "x:{p}:probe"]);
  });
});
