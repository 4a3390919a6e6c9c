/**
 * Attacks on the error promises of docs/errors.md: one class per code, one guard per class on the
 * shared brand, guards that never throw, and the same classes/guards from every subpath.
 */
import { describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import * as nodes from "langgraph-firebreak/nodes";
import * as checkpointers from "langgraph-firebreak/checkpointers";
import * as chaos from "langgraph-firebreak/chaos";
import * as tracing from "langgraph-firebreak/tracing";

const BRAND = Symbol.for("langgraph-firebreak.error");
const codes = root.FIREBREAK_ERROR_CODES as readonly string[];

const guardRecord = { guard: "writer", attempts: [], outcome: "failed" } as never;
const makers: Record<string, () => Error> = {
  INVALID_OPTIONS: () => new root.InvalidOptionsError("f", [{ option: "x", received: "1", allowed: "2" }]),
  INVALID_OUTPUT: () => new root.InvalidOutputError({ source: "n", expected: "an object", received: "an array" }, "bad"),
  INVALID_RESUME: () => new root.InvalidResumeError("writer", "42"),
  USAGE: () => new root.UsageError("--x is unknown"),
  CHECKPOINTER_UNREACHABLE: () => new checkpointers.CheckpointerUnreachableError("down", { reason: "refused" }),
  CHECKPOINTER_AUTH: () => new checkpointers.CheckpointerAuthError("denied"),
  CHECKPOINTER_SETUP: () => new checkpointers.CheckpointerSetupError("busy", { reason: "thread-busy" }),
  THREAD_NOT_FOUND: () => new checkpointers.ThreadNotFoundError("no thread"),
  CHECKPOINT_NOT_FOUND: () => new checkpointers.CheckpointNotFoundError("no checkpoint"),
  INVALID_CLAIM: () => new root.InvalidClaimError({ index: 0, field: "text", expected: "a string" } as never),
  INTENT_ALREADY_SET: () => new root.IntentAlreadySetError("a", "b"),
  WRITE_CONTRACT: () => new root.WriteContractError("n", "k", "forbidden"),
  GUARD_EXHAUSTED: () => new root.GuardExhaustedError(guardRecord),
  EFFECT_FAILED: () => new root.EffectFailedError({ guard: "writer", tool: "publish", key: "k", toolCallId: "c" }),
  BROKEN_CIRCUIT: () => new root.CircuitOpenError([]),
  CALL_FAILED: () => new root.FailoverExhaustedError([], []),
  TOPOLOGY: () => new root.TopologyError([]),
  TRACING: () => new root.TracingError("export failed", { backend: "otlp" } as never),
  CHAOS: () => new root.ChaosError("no such target"),
};

/** Every exported `isXError` guard of the root except the family guards. */
const guards = Object.entries(root).filter(
  ([k, v]) => /^is[A-Z]\w*Error$/.test(k) && typeof v === "function" && k !== "isFirebreakError" && k !== "isCheckpointerError",
) as Array<[string, (e: unknown) => boolean]>;

/** The guard whose own class has this code (found by running each guard on each class). */
function guardOf(code: string): Array<[string, (e: unknown) => boolean]> {
  return guards.filter(([, g]) => g(makers[code]!()));
}

const hostile: Array<[string, () => unknown]> = [
  ["null", () => null],
  ["undefined", () => undefined],
  ["number", () => 42],
  ["string naming a code", () => "INVALID_OPTIONS"],
  ["symbol", () => Symbol("x")],
  ["bigint", () => 10n],
  ["function", () => () => 1],
  ["plain Error", () => new Error("INVALID_OPTIONS")],
];

/** Values whose reads throw: a guard must still answer false (the four tests below). */
const hostileBroken: Array<[string, () => unknown]> = [
  ["Proxy with every trap throwing", () =>
    new Proxy({}, {
      get() { throw new Error("trap get"); },
      has() { throw new Error("trap has"); },
      getPrototypeOf() { throw new Error("trap proto"); },
      getOwnPropertyDescriptor() { throw new Error("trap gopd"); },
      ownKeys() { throw new Error("trap keys"); },
    })],
  ["revoked Proxy", () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; }],
  ["branded object whose code getter throws", () => ({ [BRAND]: true, get code(): string { throw new Error("code getter"); } })],
  ["object whose brand getter throws", () => ({ get [BRAND](): boolean { throw new Error("brand getter"); }, code: "INVALID_OPTIONS" })],
];

describe("error guards: one class and one guard per code", () => {
  it("every code in FIREBREAK_ERROR_CODES has a maker here and codes are unique", () => {
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(Object.keys(makers).sort());
  });

  it.each(Object.keys(makers))("%s: exactly one guard says yes to its class, and its code is the code", (code) => {
    const e = makers[code]!() as Error & { code: string };
    expect(e.code).toBe(code);
    expect(root.isFirebreakError(e)).toBe(true);
    expect(e).toBeInstanceOf(root.FirebreakError);
    const yes = guardOf(code);
    expect(yes.map(([n]) => n)).toHaveLength(1);
    // class name = guard name minus "is"
    expect(`is${e.constructor.name}`).toBe(yes[0]![0]);
  });

  it("each class appears once among exports (no two classes of one code)", () => {
    const byCode = new Map<string, string[]>();
    for (const mod of [root, nodes, checkpointers, chaos, tracing] as Array<Record<string, unknown>>) {
      for (const [k, v] of Object.entries(mod)) {
        if (typeof v !== "function" || !/^[A-Z]\w*Error$/.test(k)) continue;
        if (k === "FirebreakError" || k === "CheckpointerError" || k === "ProviderFaultError") continue;
        const code = Object.entries(makers).find(([, m]) => m().constructor === v)?.[0];
        if (code === undefined) { byCode.set(`?${k}`, [k]); continue; }
        byCode.set(code, [...new Set([...(byCode.get(code) ?? []), k])]);
      }
    }
    for (const [code, names] of byCode) expect({ code, names }).toEqual({ code, names: names.slice(0, 1) });
    expect([...byCode.keys()].filter((k) => k.startsWith("?"))).toEqual([]);
  });

  it.each(Object.keys(makers))("%s: a second copy's error (brand + code, no instanceof) is recognised", (code) => {
    const foreign = Object.assign(Object.create(Error.prototype), { [BRAND]: true, code, message: "from another copy", name: "X" });
    const [[, g]] = guardOf(code) as [[string, (e: unknown) => boolean]];
    expect(g(foreign)).toBe(true);
    expect(root.isFirebreakError(foreign)).toBe(true);
    for (const [, other] of guards.filter(([, o]) => o !== g)) expect(other(foreign)).toBe(false);
  });

  it.each(Object.keys(makers))("%s: a look-alike without the brand is not recognised", (code) => {
    const e = makers[code]!();
    const fields = Object.fromEntries(Object.keys(e).map((k) => [k, (e as unknown as Record<string, unknown>)[k]]));
    const lookAlike = Object.assign(new Error(e.message), fields, { code, name: e.name });
    expect(Object.getOwnPropertySymbols(lookAlike)).toEqual([]);
    for (const [, g] of guards) expect(g(lookAlike)).toBe(false);
    expect(root.isFirebreakError(lookAlike)).toBe(false);
    expect(root.isCheckpointerError(lookAlike)).toBe(false);
  });

  it.each(hostile)("guards never throw and say no for: %s", (_n, make) => {
    const v = make();
    for (const [name, g] of [...guards, ["isFirebreakError", root.isFirebreakError] as const, ["isCheckpointerError", root.isCheckpointerError] as const]) {
      let out: unknown;
      expect(() => { out = (g as (e: unknown) => boolean)(v); }, name).not.toThrow();
      expect(out, name).toBe(false);
    }
    expect(() => root.hasFirebreakCode(v, "INVALID_OPTIONS")).not.toThrow();
    expect(root.hasFirebreakCode(v, "INVALID_OPTIONS")).toBe(false);
  });

  function neverThrows(v: unknown) {
    for (const [name, g] of [...guards, ["isFirebreakError", root.isFirebreakError] as const, ["isCheckpointerError", root.isCheckpointerError] as const]) {
      let out: unknown;
      expect(() => { out = (g as (e: unknown) => boolean)(v); }, name).not.toThrow();
      expect(out, name).toBe(false);
    }
    let coded: unknown;
    expect(() => { coded = root.hasFirebreakCode(v, "INVALID_OPTIONS"); }).not.toThrow();
    expect(coded).toBe(false);
  }
  it("guards never throw on a Proxy whose traps throw", () => neverThrows(hostileBroken[0]![1]()));
  it("guards never throw on a revoked Proxy", () => neverThrows(hostileBroken[1]![1]()));
  it("guards never throw on a branded object whose code getter throws", () => neverThrows(hostileBroken[2]![1]()));
  it("guards never throw on an object whose brand getter throws", () => neverThrows(hostileBroken[3]![1]()));

  it("a branded object with a non-string code is not any specific error", () => {
    for (const code of [1, null, {}, ["INVALID_OPTIONS"], { toString: () => "INVALID_OPTIONS" }]) {
      const v = { [BRAND]: true, code };
      for (const [, g] of guards) expect(g(v)).toBe(false);
    }
  });

  it("a branded object with an unknown code is not any specific error", () => {
    const v = { [BRAND]: true, code: "NOT_A_CODE" };
    for (const [, g] of guards) expect(g(v)).toBe(false);
    expect(root.isCheckpointerError(v)).toBe(false);
  });

  it("a brand set to false or an unrelated value is not the brand", () => {
    for (const brand of [false, 0, "", null, undefined]) {
      const v = { [BRAND]: brand, code: "INVALID_OPTIONS" };
      expect(root.isInvalidOptionsError(v)).toBe(false);
      expect(root.isFirebreakError(v)).toBe(false);
    }
  });

  it("isCheckpointerError is true for the five checkpointer codes only, and honours its code argument", () => {
    const five = ["CHECKPOINTER_UNREACHABLE", "CHECKPOINTER_AUTH", "CHECKPOINTER_SETUP", "THREAD_NOT_FOUND", "CHECKPOINT_NOT_FOUND"];
    for (const code of Object.keys(makers)) {
      const e = makers[code]!();
      expect(root.isCheckpointerError(e), code).toBe(five.includes(code));
      if (five.includes(code)) {
        expect(e).toBeInstanceOf(checkpointers.CheckpointerError);
        expect(root.isCheckpointerError(e, code as never)).toBe(true);
        const other = five.find((c) => c !== code)!;
        expect(root.isCheckpointerError(e, other as never)).toBe(false);
      }
    }
    // a foreign copy's checkpointer error
    expect(root.isCheckpointerError({ [BRAND]: true, code: "CHECKPOINTER_AUTH" })).toBe(true);
    // code argument that is not a checkpointer code
    expect(root.isCheckpointerError(makers.INVALID_OPTIONS!(), "INVALID_OPTIONS" as never)).toBe(false);
  });

  it("every class and guard is exported from the root and from its capability's subpath (same identity)", () => {
    const sub: Record<string, Record<string, unknown>> = {
      CheckpointerUnreachableError: checkpointers, CheckpointerAuthError: checkpointers, CheckpointerSetupError: checkpointers,
      ThreadNotFoundError: checkpointers, CheckpointNotFoundError: checkpointers,
      GuardExhaustedError: nodes, InvalidResumeError: nodes,
      ChaosError: chaos, TracingError: tracing,
    };
    for (const code of Object.keys(makers)) {
      const cls = makers[code]!().constructor as { name: string };
      const name = cls.name;
      expect((root as Record<string, unknown>)[name], name).toBe(cls);
      expect(typeof (root as Record<string, unknown>)[`is${name}`], `is${name}`).toBe("function");
      const m = sub[name];
      if (m) {
        expect(m[name], `${name} on subpath`).toBe(cls);
        expect(m[`is${name}`], `is${name} on subpath`).toBe((root as Record<string, unknown>)[`is${name}`]);
      }
    }
    expect(checkpointers.isCheckpointerError).toBe(root.isCheckpointerError);
  });

  it("guards are callable detached (no `this`) and with extra arguments", () => {
    const g = root.isInvalidOptionsError;
    const detached = g.bind(undefined);
    expect(detached(makers.INVALID_OPTIONS!())).toBe(true);
    expect(([makers.INVALID_OPTIONS!()] as unknown[]).map(g as (e: unknown) => boolean)).toEqual([true]);
  });

  it("the brand is not forgeable by a look-alike whose prototype chain carries a throwing getter", () => {
    const proto = { get code(): string { throw new Error("x"); } };
    const v = Object.create(proto);
    for (const [, g] of guards) expect(() => g(v)).not.toThrow();
  });

  it("errors carry name = class name and a message; JSON keeps code", () => {
    for (const code of Object.keys(makers)) {
      const e = makers[code]!() as Error & { code: string };
      expect(e.name).toBe(e.constructor.name);
      expect(typeof e.message).toBe("string");
      expect(e.message.length).toBeGreaterThan(0);
      expect(String(e)).toContain(e.name);
    }
  });
});
