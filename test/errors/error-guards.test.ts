/**
 * One class per code, one guard per class, all on the shared brand: a table over every class
 * the pack throws, built through the public constructors.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as root from "../../src/index.js";
import {
  ChaosError,
  CheckpointerAuthError,
  CheckpointerSetupError,
  CheckpointerUnreachableError,
  CheckpointNotFoundError,
  CircuitOpenError,
  EffectFailedError,
  FailoverExhaustedError,
  FIREBREAK_ERROR_CODES,
  FirebreakError,
  GuardExhaustedError,
  IntentAlreadySetError,
  InvalidClaimError,
  InvalidOptionsError,
  InvalidOutputError,
  InvalidResumeError,
  isChaosError,
  isCheckpointerAuthError,
  isCheckpointerError,
  isCheckpointerSetupError,
  isCheckpointerUnreachableError,
  isCheckpointNotFoundError,
  isCircuitOpenError,
  isEffectFailedError,
  isFailoverExhaustedError,
  isFirebreakError,
  isGuardExhaustedError,
  isIntentAlreadySetError,
  isInvalidClaimError,
  isInvalidOptionsError,
  isInvalidOutputError,
  isInvalidResumeError,
  isThreadNotFoundError,
  isTopologyError,
  isTracingError,
  isUsageError,
  isWriteContractError,
  ThreadNotFoundError,
  TopologyError,
  TracingError,
  UsageError,
  WriteContractError,
  type FirebreakErrorCode,
} from "../../src/errors.js";
import { checkpointerError } from "../../checkpointers/checkpointer-error.js";
import * as checkpointers from "../../checkpointers/index.js";
import * as nodes from "../../nodes/index.js";
import * as chaos from "../../src/chaos/index.js";

const guardRecord = { guard: "writer", attempts: [], outcome: "failed" } as unknown as ConstructorParameters<typeof GuardExhaustedError>[0];

/** Every code, its one class (built through its public constructor) and its one guard. */
const table: ReadonlyArray<{ code: FirebreakErrorCode; name: string; make: () => FirebreakError; guard: (e: unknown) => boolean }> = [
  { code: "INVALID_OPTIONS", name: "InvalidOptionsError", make: () => new InvalidOptionsError("f", [{ option: "x", received: "1", allowed: "2" }]), guard: isInvalidOptionsError },
  { code: "INVALID_OUTPUT", name: "InvalidOutputError", make: () => new InvalidOutputError({ source: "n", expected: "an object", received: "an array" }, "bad"), guard: isInvalidOutputError },
  { code: "INVALID_RESUME", name: "InvalidResumeError", make: () => new InvalidResumeError("writer", "42"), guard: isInvalidResumeError },
  { code: "USAGE", name: "UsageError", make: () => new UsageError("--x is unknown"), guard: isUsageError },
  { code: "CHECKPOINTER_UNREACHABLE", name: "CheckpointerUnreachableError", make: () => new CheckpointerUnreachableError("down", { reason: "refused" }), guard: isCheckpointerUnreachableError },
  { code: "CHECKPOINTER_AUTH", name: "CheckpointerAuthError", make: () => new CheckpointerAuthError("denied"), guard: isCheckpointerAuthError },
  { code: "CHECKPOINTER_SETUP", name: "CheckpointerSetupError", make: () => new CheckpointerSetupError("busy", { reason: "thread-busy" }), guard: isCheckpointerSetupError },
  { code: "THREAD_NOT_FOUND", name: "ThreadNotFoundError", make: () => new ThreadNotFoundError("no thread"), guard: isThreadNotFoundError },
  { code: "CHECKPOINT_NOT_FOUND", name: "CheckpointNotFoundError", make: () => new CheckpointNotFoundError("no checkpoint"), guard: isCheckpointNotFoundError },
  { code: "INVALID_CLAIM", name: "InvalidClaimError", make: () => new InvalidClaimError({ index: 0, field: "text", expected: "a string" }), guard: isInvalidClaimError },
  { code: "INTENT_ALREADY_SET", name: "IntentAlreadySetError", make: () => new IntentAlreadySetError("a", "b"), guard: isIntentAlreadySetError },
  { code: "WRITE_CONTRACT", name: "WriteContractError", make: () => new WriteContractError("n", "k", "forbidden"), guard: isWriteContractError },
  { code: "GUARD_EXHAUSTED", name: "GuardExhaustedError", make: () => new GuardExhaustedError(guardRecord), guard: isGuardExhaustedError },
  { code: "EFFECT_FAILED", name: "EffectFailedError", make: () => new EffectFailedError({ guard: "writer", tool: "publish", key: "k", toolCallId: "c" }), guard: isEffectFailedError },
  { code: "BROKEN_CIRCUIT", name: "CircuitOpenError", make: () => new CircuitOpenError([]), guard: isCircuitOpenError },
  { code: "CALL_FAILED", name: "FailoverExhaustedError", make: () => new FailoverExhaustedError([], []), guard: isFailoverExhaustedError },
  { code: "TOPOLOGY", name: "TopologyError", make: () => new TopologyError([]), guard: isTopologyError },
  { code: "TRACING", name: "TracingError", make: () => new TracingError("export failed", { backend: "otlp" }), guard: isTracingError },
  { code: "CHAOS", name: "ChaosError", make: () => new ChaosError("no such target"), guard: isChaosError },
];

describe("error classes and their guards", () => {
  it("every code in FIREBREAK_ERROR_CODES has exactly one class and one guard, and the list has no duplicates", () => {
    expect(new Set(FIREBREAK_ERROR_CODES).size).toBe(FIREBREAK_ERROR_CODES.length);
    expect([...table.map((r) => r.code)].sort()).toEqual([...FIREBREAK_ERROR_CODES].sort());
    expect(new Set(table.map((r) => r.name)).size).toBe(table.length);
    expect(new Set(table.map((r) => r.guard)).size).toBe(table.length);
  });

  it.each(table)("$name carries only $code; its guard says yes, every other class's guard says no", ({ code, name, make, guard }) => {
    const error = make();
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
    expect(isFirebreakError(error)).toBe(true);
    expect(guard(error)).toBe(true);
    for (const other of table) if (other.code !== code) expect(other.guard(error), `${other.name}'s guard on ${name}`).toBe(false);
  });

  it("isCheckpointerError is the family guard: true for the five checkpointer classes, false for every other class", () => {
    const family = new Set<FirebreakErrorCode>(["CHECKPOINTER_UNREACHABLE", "CHECKPOINTER_AUTH", "CHECKPOINTER_SETUP", "THREAD_NOT_FOUND", "CHECKPOINT_NOT_FOUND"]);
    for (const { code, make } of table) {
      const error = make();
      expect(isCheckpointerError(error), code).toBe(family.has(code));
      if (family.has(code)) expect(error).toBeInstanceOf(checkpointers.CheckpointerError);
    }
    expect(isCheckpointerError(new InvalidOptionsError("withSemanticBreaker", []))).toBe(false);
    expect(isCheckpointerError(new ThreadNotFoundError("x"), "THREAD_NOT_FOUND")).toBe(true);
    expect(isCheckpointerError(new ThreadNotFoundError("x"), "CHECKPOINT_NOT_FOUND")).toBe(false);
  });

  it("checkpointerError(code) builds the class of that code, keeping cause and reason", () => {
    const cause = new Error("ECONNREFUSED");
    const error = checkpointerError("CHECKPOINTER_UNREACHABLE", "down", { cause, reason: "refused" });
    expect(error).toBeInstanceOf(CheckpointerUnreachableError);
    expect(error.cause).toBe(cause);
    expect(error.reason).toBe("refused");
  });

  it("a checkpointer class takes its code from the class it is or extends; CheckpointerError itself has no code to give", () => {
    class MyThreadGone extends ThreadNotFoundError {}
    const mine = new MyThreadGone("gone", { reason: "not-found" });
    expect([mine.code, mine.name, mine.reason, isThreadNotFoundError(mine), isCheckpointerError(mine, "THREAD_NOT_FOUND")]).toEqual(["THREAD_NOT_FOUND", "ThreadNotFoundError", "not-found", true, true]);
    for (const [Class, code] of [[CheckpointerUnreachableError, "CHECKPOINTER_UNREACHABLE"], [CheckpointerAuthError, "CHECKPOINTER_AUTH"], [CheckpointerSetupError, "CHECKPOINTER_SETUP"], [ThreadNotFoundError, "THREAD_NOT_FOUND"], [CheckpointNotFoundError, "CHECKPOINT_NOT_FOUND"]] as const) {
      expect(new Class("m").code).toBe(code);
    }
    class Direct extends root.CheckpointerError {}
    let thrown: unknown;
    try {
      new Direct("m");
    } catch (e) {
      thrown = e;
    }
    expect(isInvalidOptionsError(thrown), String(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/^CheckpointerError: class received "Direct"; allowed: one of its five subclasses/);
  });

  it("guards work on the shared brand (another copy of the package), not on instanceof or duck typing", () => {
    for (const { code, guard, name } of table) {
      const foreign = { [Symbol.for("langgraph-firebreak.error")]: true, code };
      expect(guard(foreign), name).toBe(true);
      // Without the brand, a look-alike is not a firebreak error, whatever fields it has.
      expect(guard({ code, findings: [], problems: [], failures: [] }), name).toBe(false);
    }
  });

  it("every class and guard is exported from the root, and from its capability's subpath", () => {
    const rootExports = root as Record<string, unknown>;
    for (const { name, guard } of table) {
      expect(rootExports[name], name).toBeTypeOf("function");
      expect(Object.values(rootExports)).toContain(guard);
    }
    const bySubpath: Array<[Record<string, unknown>, string[]]> = [
      [checkpointers as Record<string, unknown>, ["CheckpointerUnreachableError", "CheckpointerAuthError", "CheckpointerSetupError", "ThreadNotFoundError", "CheckpointNotFoundError"]],
      [nodes as Record<string, unknown>, ["GuardExhaustedError", "InvalidResumeError"]],
      [chaos as Record<string, unknown>, ["ChaosError"]],
    ];
    for (const [module, names] of bySubpath) for (const n of names) expect(module[n], n).toBe(rootExports[n]);
  });
});

/**
 * Files (not owned by the errors work) that still throw a bare `new FirebreakError(code, …)`;
 * each is listed in /tmp/requests-house.md with the class it must throw instead. The list may
 * only shrink: a new bare throw anywhere else fails this test.
 */
const AWAITING_CLASS = new Set<string>([]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("no bare FirebreakError", () => {
  it("the pack throws a code's own class, never new FirebreakError(code, …), outside the files awaiting their change", () => {
    const bare = ["src", "nodes", "checkpointers"]
      .flatMap((dir) => sources(dir))
      .filter((file) => /new FirebreakError\(/.test(readFileSync(file, "utf8")));
    expect(bare.filter((f) => !AWAITING_CLASS.has(f))).toEqual([]);
  });
});
